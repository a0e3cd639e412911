"""onpoint 0004: stored group scores go from one row per (group, key) to one row per group, and
back, with every value, n and reason as it was. SQLite and, with DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from districts.models import District
from onpoint.method.scoring import Score
from onpoint.method.structure import REASON_COMPLEMENTARY, REASON_FEW_RESPONSES, SCORE_KEYS
from onpoint.models import GroupScore
from surveys import instrument_v1
from surveys.models import Campaign, Instrument

BEFORE = [("onpoint", "0003_landmarks_as_keys")]
OPENS_AT = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: Sequence[tuple[str, str]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) if targets else executor.loader.graph.leaf_nodes())


def state(targets: Sequence[tuple[str, str]]) -> Apps:
    return MigrationExecutor(connection).loader.project_state(list(targets)).apps


@pytest.fixture
def old_schema() -> Iterator[Apps]:
    migrate(BEFORE)
    try:
        yield state(BEFORE)
    finally:
        migrate()


# Three groups: every score reported, some hidden for each reason, every score hidden.
GROUPS: dict[tuple[str, str, int], dict[str, Score]] = {
    ("whole", "", 0): {key: Score.shown(50 + i / 3, 40) for i, key in enumerate(SCORE_KEYS)},
    ("school", "Birchwood", 0): {
        key: (
            Score.suppressed(3, REASON_FEW_RESPONSES)
            if i % 3 == 0
            else Score.suppressed(7, REASON_COMPLEMENTARY)
            if i % 3 == 1
            else Score.shown(12.5 * i, 9)
        )
        for i, key in enumerate(SCORE_KEYS)
    },
    ("role", "teacher", 1): {key: Score.suppressed(0, REASON_FEW_RESPONSES) for key in SCORE_KEYS},
}


def old_rows(apps: Apps) -> int:
    # Today's districts and surveys tables: onpoint 0004 changes neither.
    district = District.objects.create(name="Maple Valley", slug="maple-valley", state="OR")
    instrument = Instrument.objects.create(version="rows-test", definition=instrument_v1.DEFINITION)
    campaign = Campaign.objects.create(
        district=district,
        instrument=instrument,
        name="Spring 2026",
        opens_at=OPENS_AT,
        closes_at=OPENS_AT + dt.timedelta(days=14),
    )
    historical: Any = apps.get_model("onpoint", "GroupScore")
    historical.objects.bulk_create(
        historical(
            campaign_id=campaign.pk,
            breakdown=breakdown,
            group=group,
            position=position,
            key=key,
            value=score.value,
            n=score.n,
            reported=score.reported,
            reason=score.reason or "",
        )
        for (breakdown, group, position), scores in GROUPS.items()
        for key, score in scores.items()
    )
    return int(campaign.pk)


def test_each_groups_rows_fold_into_one_and_unfold_again(old_schema: Apps) -> None:
    campaign_id = old_rows(old_schema)

    migrate()

    rows = GroupScore.objects.filter(campaign_id=campaign_id)
    assert rows.count() == len(GROUPS)
    for (breakdown, group, position), scores in GROUPS.items():
        row = rows.get(breakdown=breakdown, group=group)
        assert row.position == position
        assert row.scores() == scores

    migrate(BEFORE)

    historical: Any = state(BEFORE).get_model("onpoint", "GroupScore")
    back = {
        (r.breakdown, r.group, r.position, r.key): (r.value, r.n, r.reported, r.reason)
        for r in historical.objects.filter(campaign_id=campaign_id)
    }
    assert back == {
        (*group, key): (score.value, score.n, score.reported, score.reason or "")
        for group, scores in GROUPS.items()
        for key, score in scores.items()
    }
