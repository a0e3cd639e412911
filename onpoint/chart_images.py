"""The dashboards' Plotly figures as SVG, drawn on the server, for the board report.

Kaleido 1.x drives a headless Chromium (Debian's `chromium`, or BROWSER_PATH) that runs the
plotly.js of the installed plotly package: the same figures as the page, drawn by the same
library, as vector images. Every figure of one report is drawn in one browser session, since
starting Chromium costs most of the time (3 to 8 s on two cores); a process draws one report at a
time, so a crowd of downloads never starts a crowd of browsers. Nothing here reaches the network:
MathJax is off and plotly.js is the local file.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings

# Seconds one figure may take once the browser runs; a stuck browser fails the report, not the
# process.
FIGURE_TIMEOUT: Final = 60
_one_browser_at_a_time = threading.Lock()
CHARTS_UNAVAILABLE: Final = (
    "The charts of the board report cannot be drawn on this server: Chromium is missing or "
    "failed (apt-get install chromium, or set BROWSER_PATH)."
)


class ChartImagesUnavailable(RuntimeError):
    """The browser that draws the charts could not start or failed: the report cannot be made."""


@dataclass(frozen=True)
class FigureSize:
    """A figure's size on paper, in CSS pixels (96 to the inch), and its text size."""

    width: int
    height: int
    font_size: int = 11
    # Side-by-side charts leave their legend to one key in the page's text.
    legend: bool = True


def print_figure(figure: dict[str, Any], size: FigureSize, font_family: str) -> dict[str, Any]:
    """The page's figure sized for paper: a fixed size (no autosize), the report's font (so
    Chromium measures the labels in the font the PDF draws them with), nothing interactive."""
    printed = copy.deepcopy(figure)
    layout = printed.setdefault("layout", {})
    layout.update(
        width=size.width,
        height=size.height,
        autosize=False,
        hovermode=False,
        showlegend=size.legend and layout.get("showlegend", True),
        font={**layout.get("font", {}), "family": font_family, "size": size.font_size},
    )
    return printed


def svg_images(figures: Sequence[dict[str, Any]]) -> list[str]:
    """Each figure (its layout's width and height set, as print_figure does) as an SVG document,
    in order, from one Chromium session."""
    if not figures:
        return []
    # A fresh thread has no event loop of its own, whoever calls (a request, a task, a test).
    with (
        _one_browser_at_a_time,
        concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool,
    ):
        try:
            drawn = pool.submit(asyncio.run, _draw(list(figures))).result()
        except Exception as error:  # kaleido's and choreographer's own errors, timeouts
            raise ChartImagesUnavailable(CHARTS_UNAVAILABLE) from error
    return [image.decode() for image in drawn]


async def _draw(figures: list[dict[str, Any]]) -> list[bytes]:
    import kaleido  # Chromium's driver: only the board report needs it.

    browser: dict[str, Any] = {}
    if settings.REPORT_BROWSER_PATH:
        browser["path"] = settings.REPORT_BROWSER_PATH
    images = []
    async with kaleido.Kaleido(n=1, timeout=FIGURE_TIMEOUT, mathjax=False, **browser) as drawer:
        for figure in figures:
            layout = figure["layout"]
            images.append(
                await drawer.calc_fig(
                    figure,
                    opts={"format": "svg", "width": layout["width"], "height": layout["height"]},
                )
            )
    return images
