"""The board report around its PDF: who may download it, which campaign has one, the dashboard's
button, the paper size and the language, the cache, the query count, and the page-break rule
of its stylesheet wherever a section falls.

The report of a whole demo campaign is read in test_board_report; here the PDF is either faked
(the view's reads and answers) or made for a campaign with too few answers (no chart to draw:
WeasyPrint alone, about a second).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pdfplumber
import pypdf
import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import AuditEvent, District
from onpoint import benchmark_rebuild, board_report, views
from onpoint.board_report import PAGE_SIZES
from onpoint.chart_images import CHARTS_UNAVAILABLE
from surveys.models import Campaign
from tests.clients import signed_in
from tests.journeys.test_settings import PRODUCTION_ENV, run_django
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    closed_campaign,
    launched_for,
    maple_campaign_with_a_school_of_three,
    scored,
)
from tests.surveys.conftest import campaign_of

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"
FAKE_PDF = b"%PDF-1.7 not really"
BOTTOM_MARGIN = 0.85 * 72  # points, the footer's (templates/onpoint/board_report.css)


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def report_url(campaign: Campaign, slug: str | None = None) -> str:
    return reverse(
        "campaign_report",
        kwargs={"slug": slug or campaign.district.slug, "campaign_id": campaign.pk},
    )


@pytest.fixture
def released(maple: District) -> Campaign:
    maple.launch_date = launched_for("year_1")
    maple.save(update_fields=["launch_date"])
    campaign = maple_campaign_with_a_school_of_three(maple)
    benchmark_rebuild.benchmarks_rebuild()
    return campaign


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The view's PDF replaced by a constant; the calls it got are recorded."""
    calls: list[dict[str, Any]] = []

    def made(**kwargs: Any) -> bytes:
        calls.append(kwargs)
        return FAKE_PDF

    monkeypatch.setattr(views, "board_report_pdf", made)
    return calls


# --- who gets one ----------------------------------------------------------------------------


def test_a_leader_downloads_the_report_as_an_audited_export(
    released: Campaign, leader_of_maple: Any, fake_pdf: list[dict[str, Any]]
) -> None:
    response = signed_in(leader_of_maple).get(report_url(released))
    assert response.status_code == 200
    assert response.content == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="maple-valley-campaign-{released.pk}-board-report.pdf"'
    )
    (call,) = fake_pdf
    assert call["page_size"] == "letter"
    assert call["district"].slug == "maple-valley"
    # The day it is prepared on, in the district's zone: 04:00 Pacific on November 20.
    assert call["today"] == dt.date(2026, 11, 20)
    event = AuditEvent.objects.get()
    assert (event.action, event.district_slug) == ("export", "maple-valley")


def test_a_leader_of_another_district_gets_404(
    released: Campaign, leader_of_oak: Any, fake_pdf: list[dict[str, Any]]
) -> None:
    client = signed_in(leader_of_oak)
    assert client.get(report_url(released)).status_code == 404
    # Maple's campaign under Oak's own slug is not found either.
    assert client.get(report_url(released, slug="oak-ridge")).status_code == 404
    assert fake_pdf == []
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_districts_consultant_gets_it_and_a_visitor_is_sent_to_sign_in(
    released: Campaign, consultant_for_maple_and_oak: Any, fake_pdf: list[dict[str, Any]]
) -> None:
    assert signed_in(consultant_for_maple_and_oak).get(report_url(released)).status_code == 200
    anonymous = Client().get(report_url(released))
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_an_open_campaign_has_no_report_and_no_button(
    maple: District, leader_of_maple: Any, fake_pdf: list[dict[str, Any]]
) -> None:
    open_now = campaign_of(maple, name="Open survey", expected_responses=20)
    client = signed_in(leader_of_maple)
    assert client.get(report_url(open_now)).status_code == 404
    waiting = client.get(reverse("campaign_dashboard", args=[maple.slug, open_now.pk]))
    assert waiting.status_code == 200
    assert "report.pdf" not in waiting.content.decode()
    # Closed moments ago and not yet scored: released, but nothing to show yet.
    just_closed = campaign_of(
        maple,
        name="Just closed",
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(seconds=5),
    )
    assert client.get(report_url(just_closed)).status_code == 404
    assert fake_pdf == []


def test_the_dashboard_of_a_released_campaign_has_the_report_button(
    released: Campaign, leader_of_maple: Any
) -> None:
    page = signed_in(leader_of_maple).get(
        reverse("campaign_dashboard", args=["maple-valley", released.pk])
    )
    body = page.content.decode()
    assert f'href="{report_url(released)}"' in body
    assert "Board report (PDF)" in body
    # The print button stays beside it.
    assert "Print for the board" in body


def test_the_report_reads_a_fixed_number_of_queries(
    released: Campaign, leader_of_maple: Any, fake_pdf: list[dict[str, Any]]
) -> None:
    client = signed_in(leader_of_maple)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(report_url(released)).status_code == 200
    # 1 session, 2 user, 3 the district (district_for), 4 the campaign, 5 its result with its
    # benchmark version and 6 group scores (campaign_scores), 7 the user's memberships of the
    # district (the school a principal is kept to, campaign_scores_for, issue 15), 8 the
    # district's campaigns with their results and whole scores (history), 9 the version's
    # benchmarks (read once per process: the first read since the rebuild), 10 the audit log's
    # row.
    assert len(captured.captured_queries) == 10, [q["sql"][:80] for q in captured]
    # The same with more campaigns and schools.
    for index in range(3):
        scored(
            closed_campaign(released.district, days_ago=200 + index, name=f"Old {index}"),
            [(uniform(3), "teacher", None)] * 5,
        )
    with CaptureQueriesContext(connection) as again:
        assert client.get(report_url(released)).status_code == 200
    # The same, but for the version's benchmarks, kept since the first read (no rebuild since).
    assert len(again.captured_queries) == 9


# --- what it is made of --------------------------------------------------------------------


@pytest.fixture
def too_few(maple: District) -> Campaign:
    """A released campaign that 3 people answered: its report has no chart to draw."""
    maple.launch_date = launched_for("year_1")
    maple.save(update_fields=["launch_date"])
    return scored(
        closed_campaign(maple, name="Quiet survey", expected_responses=40),
        [(uniform(4), "teacher", None)] * 3,
    )


def test_a4_by_a_setting_and_not_enough_answers_said_once(
    too_few: Campaign, leader_of_maple: Any, settings: Any
) -> None:
    settings.REPORT_PAGE_SIZE = "a4"
    response = signed_in(leader_of_maple).get(report_url(too_few))
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    with pdfplumber.open(io.BytesIO(response.content)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    # The contents name the section, then the section says it: once in the report's text.
    assert text.count("Not enough answers") == 2
    assert "does not have enough answers" not in text
    assert "Fewer than 5 people answered this campaign" in text
    assert "Landmarks that do not wait for answers" in text  # landmark 3 in Year 1
    assert "Responses 3 of 40 expected (8%)" in text  # the campaign's count, as on the page


def test_the_report_speaks_the_leaders_language(too_few: Campaign, leader_of_maple: Any) -> None:
    response = signed_in(leader_of_maple).get(report_url(too_few), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.root_object["/Lang"] == "es"
    cover = reader.pages[0].extract_text()
    # Django's Spanish formats: "10 de noviembre de 2026".
    assert " de noviembre de 2026" in cover


def test_a_second_download_comes_from_the_cache(
    too_few: Campaign, leader_of_maple: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    real = board_report._pdf_of

    def counted(html: str) -> bytes:
        made.append(1)
        return real(html)

    monkeypatch.setattr(board_report, "_pdf_of", counted)
    client = signed_in(leader_of_maple)
    first = client.get(report_url(too_few)).content
    second = client.get(report_url(too_few)).content
    assert first == second
    assert len(made) == 1
    # A change of what it shows (the campaign's name) makes a new one.
    Campaign.objects.filter(pk=too_few.pk).update(name="Quiet survey, renamed")
    client.get(report_url(too_few))
    assert len(made) == 2


def test_a_bad_paper_size_stops_the_app_naming_the_variable() -> None:
    result = run_django({**PRODUCTION_ENV, "REPORT_PAGE_SIZE": "tabloid"}, "check")
    assert result.returncode != 0
    assert "REPORT_PAGE_SIZE" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("paper", sorted(PAGE_SIZES))
def test_no_section_starts_in_the_last_fifth_wherever_it_falls(paper: str) -> None:
    """The stylesheet's rule on its own: sections with short first blocks after fillers of
    every height, so that some would start at each point of a page's lower half."""
    import weasyprint

    css = render_to_string(
        "onpoint/board_report.css",
        {
            "paper": PAGE_SIZES[paper],
            "report_font": board_report.REPORT_FONT,
            "chart_frame": board_report.CHART_FRAME,
        },
    )
    fillers = [4.0 + step * 0.25 for step in range(24)]  # 4 in to 9.75 in
    body = "".join(
        f'<div style="height: {height}in"></div>'
        f'<section class="section"><div class="section__start"><h2>Section {index}</h2>'
        "<p>One short line.</p></div><p>More of it.</p></section>"
        for index, height in enumerate(fillers)
    )
    html = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    pdf = weasyprint.HTML(string=html).write_pdf()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        found = 0
        for page in document.pages:
            headings = [c for c in page.chars if round(c["size"]) == 16]
            tops = sorted({round(c["top"], 1) for c in headings})
            for top in tops:
                found += 1
                assert top < 0.8 * page.height, (paper, page.page_number, top)
                below = [
                    c
                    for c in page.chars
                    if top + 20 < c["top"] < page.height - BOTTOM_MARGIN and round(c["size"]) != 16
                ]
                assert below, (paper, page.page_number, top)
    assert found == len(fillers)


def test_without_a_browser_the_report_says_why_and_nothing_breaks(
    released: Campaign, leader_of_maple: Any, settings: Any
) -> None:
    settings.REPORT_BROWSER_PATH = "/nonexistent/chromium"
    response = signed_in(leader_of_maple).get(report_url(released))
    assert response.status_code == 503
    assert response.content.decode() == CHARTS_UNAVAILABLE
    assert not AuditEvent.objects.filter(action="export").exists()
