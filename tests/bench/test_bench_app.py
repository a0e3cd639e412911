"""The bench's own pieces of the app: the bare anchor view lives only in the bench's URLconf,
the query counter counts, and the GROUP BY anchor computes the groups the recompute needs."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve

from bench.measure import timed_query
from bench.middleware import QUERIES_HEADER
from bench.sql import groupby_sql
from bench.urls import BARE_INSERT_PATH
from surveys.models import Campaign, Response
from tests.factories import CampaignFactory, ResponseFactory, SchoolFactory


def test_the_bare_anchor_view_is_never_in_the_products_urls() -> None:
    path = BARE_INSERT_PATH.format(campaign_id=1)
    with pytest.raises(Resolver404):
        resolve(path, urlconf="journeys.urls")
    assert resolve(path, urlconf="bench.urls").url_name == "bench_bare_insert"
    # The bench's URLconf serves every product URL too.
    assert resolve("/healthz", urlconf="bench.urls").url_name == "healthz"


@pytest.mark.django_db
def test_the_bare_view_stores_one_row_and_nothing_else(settings: Any, client: Client) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    campaign = cast(Campaign, CampaignFactory())
    answered = client.post(
        BARE_INSERT_PATH.format(campaign_id=campaign.pk),
        data={"role": "teacher", "answers": {"vision_1": 4}},
        content_type="application/json",
    )
    assert answered.status_code == 201
    stored = Response.objects.get(campaign=campaign)
    assert stored.answers == {"vision_1": 4}
    assert stored.vision is None  # not scored: the anchor does the least possible
    campaign.refresh_from_db()
    assert campaign.scores_dirty is False


@pytest.mark.django_db
def test_the_query_counter_reports_each_requests_queries(settings: Any, client: Client) -> None:
    settings.MIDDLEWARE = ["bench.middleware.query_count", *settings.MIDDLEWARE]
    settings.CELERY_BROKER_URL = ""
    answered = client.get("/healthz")
    assert answered.status_code == 200
    assert answered[QUERIES_HEADER] == "1"  # SELECT 1


@pytest.mark.django_db
def test_the_group_by_anchor_gives_every_group_the_recompute_needs() -> None:
    first, second = cast(Campaign, CampaignFactory()), cast(Campaign, CampaignFactory())
    school = SchoolFactory(district=first.district)
    ResponseFactory.create_batch(3, campaign=first, role="teacher", school=school)
    ResponseFactory.create_batch(2, campaign=first, role="coach", school=None)
    ResponseFactory.create_batch(4, campaign=second, role="teacher", school=None)
    seconds, runs, n_groups = timed_query(groupby_sql(connection.vendor), runs=2)
    # Whole: 2 campaigns. Schools: first has the school and "no school", second "no school".
    # Roles: first has teacher and coach, second teacher. Cells (school x role): first has
    # (school, teacher) and (no school, coach), second (no school, teacher).
    assert n_groups == 2 + 3 + 3 + 3
    assert len(runs) == 2
    assert seconds >= 0
    with connection.cursor() as cursor:
        cursor.execute(groupby_sql(connection.vendor))
        whole = {row[1]: (row[4], row[5]) for row in cursor.fetchall() if row[0] == 3}
    # Every answer is 4 ("Agree"): vision scores 75 in each response.
    assert whole[first.pk] == (5, pytest.approx(75.0))
    assert whole[second.pk] == (4, pytest.approx(75.0))
