"""Issue 13, figure 3: the campaign dashboard, compare, journey map and national benchmarks pages
read at most 10 queries each over HTTP, the session and the user included, as the bench's
consultant reads them (bench/figure_pages.py), with the audit log's reads written in batches
as with a broker (journeys/audit_buffer.py)."""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District
from journeys import audit_log
from journeys.audit_buffer import AuditBuffer
from onpoint import benchmark_rebuild
from onpoint.benchmark_reads import benchmark_rows_forget
from surveys.models import Campaign
from tests.clients import signed_in
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    closed_campaign,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 10


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel("2026-11-20 12:00:00+00:00", tick=True):
        yield


@pytest.fixture
def buffered(settings: Any, monkeypatch: pytest.MonkeyPatch) -> AuditBuffer:
    settings.AUDIT_BUFFERED = True
    monkeypatch.setattr(atexit, "register", lambda function: None)
    kept = AuditBuffer(thread=False)
    monkeypatch.setattr(audit_log, "audit_buffer", kept)
    return kept


@pytest.fixture
def urls(maple: District, oak: District) -> dict[str, str]:
    for district in (maple, oak):
        district.launch_date = launched_for("year_1")
        district.save(update_fields=["launch_date"])
    campaign = maple_campaign_with_a_school_of_three(maple)
    scored(closed_campaign(oak, name="Oak survey"), [(uniform(3), "teacher", None)] * 6)
    peer_districts(4)
    benchmark_rebuild.benchmarks_rebuild()
    assert Campaign.objects.filter(district=maple).count() == 1
    return {
        "dashboard": reverse(
            "campaign_dashboard", kwargs={"slug": maple.slug, "campaign_id": campaign.pk}
        ),
        "compare": reverse("compare"),
        "journey": reverse("district", args=[maple.slug]),
        "benchmarks": reverse("national_benchmarks"),
    }


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def test_each_page_reads_at_most_ten_queries_even_the_first_time(
    urls: dict[str, str], consultant_for_maple_and_oak: Any, buffered: AuditBuffer
) -> None:
    client = signed_in(consultant_for_maple_and_oak)
    # The first read of each page in a fresh process: the benchmark version's rows are read
    # once (onpoint.selectors), by the first page that needs them.
    benchmark_rows_forget()
    first = {name: queries(client, url) for name, url in urls.items()}
    # From then on: 1 session, 2 user, then per page (the header's switcher last on each):
    # dashboard 3 district, 4 campaign, 5 memberships, 6 result, 7 group scores, 8 the
    # district's campaigns, 9 switcher; compare 3 consultant, 4 states and count, 5 page,
    # 6 its campaigns, 7 current version, 8 switcher; journey 3 district, 4 campaigns,
    # 5 milestones, 6 offers, 7 co-travelers, 8 access, 9 switcher; benchmarks 3-4 the versions
    # and their number (the first is the current one), 5 switcher.
    then = {name: queries(client, url) for name, url in urls.items()}

    assert then == {"dashboard": 9, "compare": 8, "journey": 9, "benchmarks": 5}
    assert first == {"dashboard": 10, "compare": 8, "journey": 9, "benchmarks": 5}
    assert max(first.values()) <= PAGE_QUERIES
    # Every read of district data is kept for the audit log (the benchmarks are national).
    assert buffered.waiting() == 6
    assert buffered.flush() == 6
