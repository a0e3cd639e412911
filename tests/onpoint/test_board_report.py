"""The board report (issue 14): the PDF of a demo campaign, read back with pdfplumber and pypdf.

One report is made for the module (it takes 5 to 10 s: Chromium draws the charts, WeasyPrint
lays out the pages) from a demo world of 40 districts at a pinned date, in a transaction rolled
back after it; each test reads the bytes. Its page count, its score table, what it never shows
(a suppressed group's value), where its charts and headings sit on the paper, and its audit row.
The cheaper checks (who gets 404, an open campaign, the button) are in test_board_report_access.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pdfplumber
import pypdf
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Avg
from django.test import Client, override_settings
from django.urls import reverse

from demo.world import MAPLE_SLUG, SYNTHETIC
from districts.models import AuditEvent, District
from onpoint import board_report, charts, selectors
from onpoint.campaign_results import campaign_results_of
from onpoint.method.structure import CATEGORY_KEYS, DIMENSIONS, ONPOINT, SCORE_KEYS, SCORE_LABELS
from surveys.models import Campaign, Response

# The database of the module's report (its fixture opens and rolls back its own transaction).
pytestmark = pytest.mark.django_db

# The clock of the demo world (it is drawn relative to "today"): a released spring campaign.
PINNED = "2026-11-20 12:00:00+00:00"
DEMO_DISTRICTS = "40"
# The demo's Maple Valley report on Letter: cover, score and landmarks, landmarks and growth,
# growth and student agency, alignment, schools, every score.
EXPECTED_PAGES = 7
LETTER = (612.0, 792.0)
# The paper's margins in points (templates/onpoint/board_report.css): 0.75 in at the sides,
# 0.7 in above, 0.85 in below (the footer lives there).
LEFT, RIGHT, TOP, BOTTOM = 54.0, 612.0 - 54.0, 50.4, 792.0 - 61.2
TOLERANCE = 0.5
# Heading sizes in points: a section's h2, a landmark's and a chart's h3.
H2_SIZE = 16.0
H3_SIZES = (11.5, 10.5)
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@dataclass(frozen=True)
class Made:
    """The downloaded report and what the database said when it was made."""

    pdf: bytes
    content_type: str
    disposition: str
    district_name: str
    campaign_name: str
    expected_rows: dict[str, str]
    hidden_values: list[float]
    hidden_schools: dict[str, int]
    school_names: list[str]
    n_charts: int
    audit: list[tuple[str, str, str]]


def _hidden_values(campaign: Campaign) -> tuple[list[float], dict[str, int]]:  # noqa: C901 (each breakdown, each key)
    """The true values of every suppressed school and role score (from the stored responses, as
    the method averages them), and each suppressed school's number of responses."""
    scores = selectors.campaign_scores(campaign=campaign)
    responses = Response.objects.filter(campaign=campaign)
    hidden: list[float] = []
    schools: dict[str, int] = {}
    averaged = [*CATEGORY_KEYS, *DIMENSIONS]
    for group in scores.by_school:
        rows = responses.filter(school__name=group.name)
        if group.name == "Unspecified":
            rows = responses.filter(school__isnull=True)
        if not group.scores[ONPOINT].reported:
            schools[group.name] = rows.count()
        for key in averaged:
            if not group.scores[key].reported:
                value = rows.aggregate(v=Avg(key))["v"]
                if value is not None:
                    hidden.append(value)
    for group in scores.by_role:
        for key in averaged:
            if not group.scores[key].reported:
                value = responses.filter(role=group.name).aggregate(v=Avg(key))["v"]
                if value is not None:
                    hidden.append(value)
    return hidden, schools


def _expected_rows(campaign: Campaign) -> dict[str, str]:
    """Each line of the table of every score, as the dashboard's numbers give it."""
    scores = selectors.campaign_scores(campaign=campaign)
    results = campaign_results_of(campaign=campaign, scores=scores)
    rows = {}
    for row in results.score_rows:
        benchmark = row.benchmark
        cells = [
            row.label,
            charts.score_text(row.score),
            charts.count_text(row.score.n),
            charts.percentile_text(row.percentile),
            charts.whole_text(benchmark.p50) if benchmark else "not published",
            f"{charts.whole_text(benchmark.p25)} to {charts.whole_text(benchmark.p75)}"
            if benchmark
            else "not published",
        ]
        rows[row.key] = " ".join(cells)
    return rows


@pytest.fixture(scope="module")
def made(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Made]:
    with (
        time_machine.travel(PINNED, tick=True),
        override_settings(CACHES=LOCMEM, DEBUG=True),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--districts", DEMO_DISTRICTS, stdout=StringIO())
        maple = District.objects.get(slug=MAPLE_SLUG)
        campaign = (
            Campaign.objects.filter(district=maple, result__isnull=False)
            .select_related("district")
            .order_by("-opens_at")
            .first()
        )
        assert campaign is not None
        assert selectors.campaign_scores(campaign=campaign).results_ready
        client = Client()
        client.force_login(get_user_model().objects.get(username="leader"))
        response = client.get(reverse("campaign_report", args=[maple.slug, campaign.pk]))
        assert response.status_code == 200
        hidden, schools = _hidden_values(campaign)
        results = campaign_results_of(
            campaign=campaign, scores=selectors.campaign_scores(campaign=campaign)
        )
        yield Made(
            pdf=response.content,
            content_type=response["Content-Type"],
            disposition=response["Content-Disposition"],
            district_name=maple.name,
            campaign_name=campaign.name,
            expected_rows=_expected_rows(campaign),
            hidden_values=hidden,
            hidden_schools=schools,
            school_names=[group.name for group in results.scores.by_school],
            n_charts=len(results.all_charts),
            audit=list(AuditEvent.objects.values_list("district_slug", "action", "path")),
        )
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def pages(made: Made) -> Iterator[list[Any]]:
    with pdfplumber.open(io.BytesIO(made.pdf)) as document:
        yield list(document.pages)


def _text(pages: list[Any]) -> str:
    return "\n".join(page.extract_text() or "" for page in pages)


# --- the file ------------------------------------------------------------------------------


def test_the_report_is_a_letter_pdf_whose_pages_are_numbered_in_their_footers(
    made: Made, pages: list[Any]
) -> None:
    assert made.content_type == "application/pdf"
    assert made.disposition.startswith("attachment; filename=")
    assert "board-report.pdf" in made.disposition
    reader = pypdf.PdfReader(io.BytesIO(made.pdf))
    assert len(reader.pages) == EXPECTED_PAGES
    for number, page in enumerate(reader.pages, start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == LETTER
        text = page.extract_text()
        if number == 1:
            assert "Page 1" not in text  # the cover has no footer
        else:
            assert f"Page {number} / {EXPECTED_PAGES}" in text
            assert made.campaign_name in text
    assert reader.metadata is not None
    assert made.campaign_name in str(reader.metadata.title)


def test_the_cover_says_district_campaign_dates_rate_versions_and_synthetic(
    made: Made, pages: list[Any]
) -> None:
    cover = pages[0].extract_text()
    assert made.district_name in cover
    assert made.district_name.endswith(SYNTHETIC)
    assert board_report.SYNTHETIC_MARK == SYNTHETIC
    assert made.campaign_name in cover
    assert "Synthetic data." in cover
    assert "(Pacific time)" in cover  # Maple is in Oregon
    assert re.search(
        r"Survey dates [A-Z][a-z]+ \d{1,2}, 2026 \N{EN DASH} [A-Z][a-z]+ \d{1,2}, 2026", cover
    )
    assert re.search(r"Responses \d+ of \d+ expected \(\d+%\)", cover)
    assert "Onpoint method, version 1.1" in cover
    assert re.search(r"National benchmarks Version \d+, computed on ", cover)
    # The contents give each section's page, as the footers number them.
    for title in ("The Onpoint score", "Every score of this campaign", "About these numbers"):
        found = re.search(rf"\d\. {title} ?\.+ ?(\d)", cover)
        assert found is not None, title
        page = int(found.group(1))
        assert title in pages[page - 1].extract_text()


# --- its numbers ---------------------------------------------------------------------------


def test_every_reported_number_of_the_score_table_is_in_the_pdf(
    made: Made, pages: list[Any]
) -> None:
    # After the cover, whose contents name the section too.
    table_page = next(p for p in pages[1:] if "Every score of this campaign" in p.extract_text())
    lines = table_page.extract_text().splitlines()
    assert set(made.expected_rows) == set(SCORE_KEYS)
    for key, expected in made.expected_rows.items():
        assert expected in lines, (SCORE_LABELS[key], expected)
    # Numbers, not only reasons: the demo campaign reports every whole-campaign score.
    assert all(re.search(r" \d+ \d+ ", line) for line in made.expected_rows.values())


def test_no_suppressed_value_is_in_the_pdf(made: Made, pages: list[Any]) -> None:
    """A school of fewer than 5 and the group complementary suppression hides with it: no
    rendering of their values anywhere in the text (charts included), and their rows of the
    schools table hold the reasons and nothing else but a count of 5 or more."""
    assert made.hidden_values, "the demo campaign has suppressed groups"
    text = _text(pages)
    for value in made.hidden_values:
        for shown in (f"{value:.1f}", f"{value:.2f}", f"{value:.3f}"):
            assert not re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", text), shown
    assert charts.SUPPRESSED_FEW in text
    assert charts.SUPPRESSED_COMPLEMENTARY in text

    for name, band in _school_rows(pages, made.school_names).items():
        if name not in made.hidden_schools:
            continue
        numbers = {word for word in band if re.fullmatch(r"\d+", word)}
        n_responses = made.hidden_schools[name]
        # "fewer than 5" is a reason, not a value; a count of 5 or more is shown.
        allowed = {"5"} | ({str(n_responses)} if n_responses >= 5 else set())
        assert numbers <= allowed, (name, band)
        assert {"fewer", "hidden"} & set(band), (name, band)


def _school_rows(pages: list[Any], names: list[str]) -> dict[str, list[str]]:
    """The words of each school's row of the schools table (a name wraps over lines), by name."""
    caption = "Onpoint and category scores by school"
    page = next(p for p in pages if caption in (p.extract_text() or ""))
    words = page.extract_words()
    lines: dict[int, list[dict[str, Any]]] = {}
    for word in words:
        lines.setdefault(round(word["top"]), []).append(word)
    caption_top = next(
        top
        for top, line in sorted(lines.items())
        if " ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])).startswith(caption)
    )
    table = [w for w in words if round(w["top"]) > caption_top and w["top"] < BOTTOM]
    first_x = min(w["x0"] for w in table)
    column = sorted((w for w in table if abs(w["x0"] - first_x) < 2), key=lambda w: w["top"])
    # Each row starts where the next name's first word stands in the first column, in order.
    starts: list[float] = []
    for name in names:
        first = name.split()[0]
        after = starts[-1] + 1 if starts else 0.0
        starts.append(next(w["top"] for w in column if w["text"] == first and w["top"] > after))
    rows = {}
    for index, name in enumerate(names):
        end = starts[index + 1] if index + 1 < len(names) else BOTTOM
        rows[name] = [w["text"] for w in table if starts[index] - 1 <= w["top"] < end - 1]
    return rows


# --- its layout ----------------------------------------------------------------------------


def _frames(page: Any) -> list[dict[str, Any]]:
    """The hairline rectangles around charts (board_report.CHART_FRAME), outer and inner edge."""
    colour = tuple(int(board_report.CHART_FRAME[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return [
        rect
        for rect in page.rects
        if isinstance(rect.get("non_stroking_color"), tuple)
        and len(rect["non_stroking_color"]) == 3
        and all(abs(a - b) < 0.003 for a, b in zip(rect["non_stroking_color"], colour, strict=True))
    ]


def test_every_chart_lies_inside_its_pages_margins(made: Made, pages: list[Any]) -> None:
    frames = [(number, frame) for number, page in enumerate(pages, 1) for frame in _frames(page)]
    # Each frame is drawn as its outer and its inner edge: two rectangles per chart.
    assert len(frames) == 2 * made.n_charts == 16
    for number, frame in frames:
        assert frame["x0"] >= LEFT - TOLERANCE, (number, frame["x0"])
        assert frame["x1"] <= RIGHT + TOLERANCE, (number, frame["x1"])
        assert frame["top"] >= TOP - TOLERANCE, (number, frame["top"])
        assert frame["bottom"] <= BOTTOM + TOLERANCE, (number, frame["bottom"])
    # Nothing at all is drawn outside the margins but the footer: no chart spills over.
    for number, page in enumerate(pages, 1):
        for kind in ("rects", "lines", "curves", "chars"):
            for item in getattr(page, kind):
                if kind == "chars" and item["top"] >= BOTTOM:
                    continue  # the footer
                assert item["x0"] >= LEFT - TOLERANCE, (number, kind, item.get("text"))
                assert item["x1"] <= RIGHT + TOLERANCE, (number, kind, item.get("text"))
                assert item["top"] >= TOP - TOLERANCE, (number, kind, item.get("text"))
                assert item["bottom"] <= BOTTOM + TOLERANCE, (number, kind, item.get("text"))


@dataclass(frozen=True)
class Heading:
    page: int
    text: str
    top: float
    bottom: float
    size: float


def _headings(pages: list[Any]) -> list[Heading]:
    found = []
    for number, page in enumerate(pages, 1):
        lines: dict[float, list[dict[str, Any]]] = {}
        for char in page.chars:
            size = round(char["size"], 1)
            if "Bold" in char["fontname"] and (size == H2_SIZE or size in H3_SIZES):
                lines.setdefault(round(char["top"]), []).append(char)
        for chars in lines.values():
            found.append(
                Heading(
                    page=number,
                    text="".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])),
                    top=min(c["top"] for c in chars),
                    bottom=max(c["bottom"] for c in chars),
                    size=round(chars[0]["size"], 1),
                )
            )
    return found


def test_no_section_starts_in_the_last_fifth_of_a_page(pages: list[Any]) -> None:
    sections = [h for h in _headings(pages) if h.size == H2_SIZE]
    assert len(sections) >= 8  # the contents' title is smaller; eight sections follow the cover
    for heading in sections:
        height = pages[heading.page - 1].height
        assert heading.top < 0.8 * height, heading


def test_a_heading_is_never_the_last_thing_on_a_page(pages: list[Any]) -> None:
    headings = _headings(pages)
    assert any(h.size in H3_SIZES for h in headings)
    for heading in headings:
        page = pages[heading.page - 1]
        below = [
            item
            for kind in ("chars", "rects", "curves", "lines")
            for item in getattr(page, kind)
            if heading.bottom + 1 < item["top"] < BOTTOM
        ]
        assert below, heading


# --- the audit log -------------------------------------------------------------------------


def test_the_download_is_in_the_audit_log_as_an_export(made: Made) -> None:
    exports = [(slug, path) for slug, action, path in made.audit if action == "export"]
    assert len(exports) == 1
    slug, path = exports[0]
    assert slug == MAPLE_SLUG
    assert path.endswith("/report.pdf")
