"""Template filters and tags of the dashboards: scores as the page shows them, and plotly.js's
guards against its own inline styles (the Content-Security-Policy forbids them)."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from onpoint import charts
from onpoint.landmark_texts import STATUS_NAMES, LandmarkText
from onpoint.method.scoring import Score
from onpoint.method.structure import STAGE_LABELS

register = template.Library()

# plotly.js bundles MapLibre, which on load injects a <style> unless an element with this id
# (a hash of that stylesheet) already exists. The page has no map, so an empty <template> with
# the id keeps it from trying, and the strict CSP from logging a refused inline style.
MAPLIBRE_STYLE_GUARD = re.compile(rb'document\.getElementById\("([0-9a-f]{64})"\)')


@register.filter
def score(value: Score | None) -> SafeString:
    """A score as a whole number, or why it is not shown (never a suppressed value)."""
    text = charts.score_text(value)
    if value is not None and value.reported:
        return format_html("{}", text)
    return format_html('<span class="suppressed">{}</span>', text)


@register.filter
def percentile(rank: float | None) -> str:
    return charts.percentile_text(rank)


@register.filter
def whole(value: float | None) -> str:
    return charts.whole_text(value)


@register.filter
def change(value: float | None) -> str:
    return charts.change_text(value)


@register.filter
def share(value: float | None) -> str:
    return charts.share_text(value)


@register.filter
def responses(n: int) -> str:
    """A count of responses, unless it is under 5."""
    return charts.count_text(n)


@register.filter
def landmark_status(landmark: LandmarkText) -> str:
    """The status in the active language ("On track", "Watch", ...)."""
    return str(STATUS_NAMES.get(landmark.status, landmark.status))


@register.filter
def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


@lru_cache(maxsize=1)
def _maplibre_style_ids() -> tuple[str, ...]:
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return ()
    bundle = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    try:
        source = bundle.read_bytes()
    except OSError:
        return ()
    return tuple(sorted({match.decode() for match in MAPLIBRE_STYLE_GUARD.findall(source)}))


@register.simple_tag
def plotly_style_guards() -> SafeString:
    """Empty elements whose ids tell plotly.js that its styles are already on the page."""
    return mark_safe(  # noqa: S308 - ids are 64 hex digits matched above
        "".join(f'<template id="{style_id}"></template>' for style_id in _maplibre_style_ids())
    )
