"""`manage.py seed_scale`: the national-scale world, loaded with COPY on PostgreSQL only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from demo.management.commands.seed_scale import ALREADY_SEEDED, POSTGRES_ONLY
from demo.world import SCALE_SLUG_PREFIX, SYNTHETIC
from districts.models import District, School
from onpoint.models import CampaignResult
from surveys.models import SCORE_COLUMNS, Campaign, Response
from surveys.response_row import response_score_fields
from surveys.selectors import item_specs


def seed_scale(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_refuses_a_database_other_than_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError) as refused:
        seed_scale("--districts", "3", "--responses", "30")
    assert str(refused.value) == POSTGRES_ONLY
    assert not District.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_loads_exactly_the_asked_for_world_with_each_rows_own_scores(
    requires_postgres: None,
) -> None:
    printed = seed_scale("--districts", "40", "--responses", "4000")
    assert "Loaded 40 districts" in printed
    districts = District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX)
    assert districts.count() == 40
    assert all(name.endswith(SYNTHETIC) for name in districts.values_list("name", flat=True))
    assert Response.objects.count() == 4000
    assert School.objects.filter(district__in=districts).count() >= 80
    campaigns = Campaign.objects.filter(district__in=districts)
    assert campaigns.count() >= 40
    assert not campaigns.filter(scores_dirty=False).exists()  # all to be scored
    assert len(set(campaigns.values_list("token", flat=True))) == campaigns.count()

    # Each stored row's scores are method section 3's scores of its own stored answers.
    items = item_specs(campaigns.first().instrument)  # type: ignore[union-attr]
    for response in Response.objects.order_by("?")[:200]:
        expected = response_score_fields(items=items, answers=response.answers_by_code())
        assert bytes(response.answers) == expected["answers"]
        for column in SCORE_COLUMNS:
            assert getattr(response, column) == expected[column], column
    assert Response.objects.filter(school__isnull=True).exists()
    assert {
        r.school.district_id for r in Response.objects.exclude(school=None)[:500] if r.school
    } <= set(districts.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_second_load_is_refused_unless_it_replaces_the_first(requires_postgres: None) -> None:
    seed_scale("--districts", "12", "--responses", "600")
    with pytest.raises(CommandError) as refused:
        seed_scale("--districts", "12", "--responses", "600")
    assert str(refused.value) == ALREADY_SEEDED.format(n=12, prefix=SCALE_SLUG_PREFIX)
    seed_scale("--districts", "15", "--responses", "900", "--replace", "--recompute")
    assert District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).count() == 15
    assert Response.objects.count() == 900
    assert CampaignResult.objects.count() == Campaign.objects.count()
    assert not Campaign.objects.filter(scores_dirty=True).exists()
