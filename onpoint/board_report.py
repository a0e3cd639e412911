"""A campaign's board report: the PDF a superintendent hands the school board.

The same results as the campaign's dashboard (onpoint.campaign_results: the same rows, the same
Plotly figures), laid out for paper: HTML and CSS paged media (templates/onpoint/board_report.*)
turned into a PDF by WeasyPrint, the charts drawn as vector images by onpoint.chart_images. Made
in the request (7 to 10 s measured on two shared cores, docs/decisions.md) and cached under a
digest of everything it shows, so a second download is immediate and any change of the results,
the benchmarks, a name, the language or the day makes a new one.

Privacy is the page's: a suppressed score has no value here either, so no figure, table or text
of the report can show one; a count under 5 is "fewer than 5".
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Final

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from districts.models import District
from onpoint.campaign_results import CampaignResults
from onpoint.chart_images import FigureSize, print_figure, svg_images
from onpoint.charts.base import Chart
from onpoint.method.structure import METHOD_VERSION

logger = logging.getLogger(__name__)

# The report's type: Liberation Sans (metric-compatible with Arial) is Debian's; Chromium measures
# the charts' labels in the same font that WeasyPrint then draws.
REPORT_FONT: Final = '"Liberation Sans", Arial, "DejaVu Sans", sans-serif'
# The name every district of the demo world carries (demo.world.SYNTHETIC): its report says so on
# the cover and in every footer.
SYNTHETIC_MARK: Final = "(synthetic)"
# The hairline around each chart: the chart's box on paper (tests find it by this colour).
CHART_FRAME: Final = "#c3cbd6"
CACHE_SECONDS: Final = 24 * 60 * 60
# Printed charts: their height in CSS pixels (96 to the inch) for a full-width chart; the four
# growth curves share a row two by two.
STANDING_HEIGHT: Final = 170
GROWTH_HEIGHT: Final = 220
DESIGN_HEIGHT: Final = 300
ALIGNMENT_HEIGHT: Final = 270
SCHOOL_ROW_HEIGHT: Final = 30
SCHOOLS_MAX_HEIGHT: Final = 760
GRID_GAP: Final = 16


@dataclass(frozen=True)
class PageSize:
    """A paper size: its CSS name and the width between the side margins in CSS pixels."""

    css: str
    content_width: int


# Side margins of 0.75 in (72 px): Letter is 816 px wide, A4 794.
PAGE_SIZES: Final[dict[str, PageSize]] = {
    "letter": PageSize(css="letter", content_width=816 - 2 * 72),
    "a4": PageSize(css="A4", content_width=794 - 2 * 72),
}


@dataclass(frozen=True)
class ReportChart:
    """One chart as the report draws it: `image` is its SVG as a data: URI ("" in the draft)."""

    chart: Chart
    size: FigureSize
    image: str = ""
    half: bool = False


def _report_charts(
    results: CampaignResults, sizes: dict[str, FigureSize], images: dict[str, str]
) -> dict[str, Any]:
    def one(chart: Chart, half: bool = False) -> ReportChart:
        return ReportChart(chart, sizes[chart.key], images.get(chart.key, ""), half)

    return {
        "standing": one(results.standing),
        "growth": [one(chart, half=True) for chart in results.growth],
        "design": one(results.design),
        "alignment": one(results.alignment),
        "schools": one(results.schools),
    }


def report_filename(district: District, results: CampaignResults) -> str:
    return f"{district.slug}-campaign-{results.campaign.pk}-board-report.pdf"


def _sizes(results: CampaignResults, width: int) -> dict[str, FigureSize]:
    half = (width - GRID_GAP) // 2
    n_schools = len(results.scores.by_school)
    return {
        results.standing.key: FigureSize(width, STANDING_HEIGHT),
        **{
            chart.key: FigureSize(half, GROWTH_HEIGHT, font_size=10, legend=False)
            for chart in results.growth
        },
        results.design.key: FigureSize(width, DESIGN_HEIGHT),
        results.alignment.key: FigureSize(width, ALIGNMENT_HEIGHT),
        results.schools.key: FigureSize(
            width, min(SCHOOLS_MAX_HEIGHT, max(170, 80 + SCHOOL_ROW_HEIGHT * n_schools))
        ),
    }


def board_report_pdf(
    *, results: CampaignResults, district: District, page_size: str, today: dt.date
) -> bytes:
    """The report as PDF bytes, in the active language and time zone (the caller's request).
    `today` is the day it is prepared on, in the district's zone."""
    paper = PAGE_SIZES[page_size]
    sizes = _sizes(results, paper.content_width)
    charts = results.all_charts if results.enough_answers else []
    figures = [print_figure(chart.figure, sizes[chart.key], REPORT_FONT) for chart in charts]
    context = {
        "district": district,
        **results.context(),
        "synthetic": district.name.endswith(SYNTHETIC_MARK),
        "method_version": METHOD_VERSION,
        "today": today,
        "paper": paper,
        "report_font": REPORT_FONT,
        "chart_frame": CHART_FRAME,
        "sizes": sizes,
        "language": translation.get_language(),
    }
    # The HTML with the charts left out, and the figures: what the PDF is made of.
    draft = render_to_string(
        "onpoint/board_report.html", {**context, "figures": _report_charts(results, sizes, {})}
    )
    digest = hashlib.sha256(
        json.dumps([page_size, draft, figures], sort_keys=True).encode()
    ).hexdigest()
    key = f"board-report:{results.campaign.pk}:{digest}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached

    started = time.monotonic()
    drawn = svg_images(figures)
    images = {
        chart.key: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        for chart, svg in zip(charts, drawn, strict=True)
    }
    charted = time.monotonic()
    html = render_to_string(
        "onpoint/board_report.html",
        {**context, "figures": _report_charts(results, sizes, images)},
    )
    pdf = _pdf_of(html)
    logger.info(
        "board report of campaign %s: %.1f s (%d charts %.1f s, PDF %.1f s, %d bytes)",
        results.campaign.pk,
        time.monotonic() - started,
        len(charts),
        charted - started,
        time.monotonic() - charted,
        len(pdf),
    )
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def _pdf_of(html: str) -> bytes:
    import weasyprint  # Pango and its fonts: loaded by the first report, not by every process.

    # The report's only resources are its charts, inline as data: URIs; nothing is fetched.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return bytes(document.write_pdf(pdf_tags=True))
