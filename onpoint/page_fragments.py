"""Parts of pages rendered once for each content and kept in the shared cache: a released
campaign's dashboard results (its figures, landmarks and tables) and the national benchmarks.

Rendering them was most of those pages' time, and they are the same for every reader who may
see the same rows, until a stored row they come from changes. Each key is a digest of what the
part shows (CampaignDashboardPage.content_key: the scores as this reader may see them, so a
principal's, which hold their own school alone, never share a leader's; the benchmarks page's
versions), with the language and the time zone it is rendered in. Nothing is invalidated: a
recompute or a new benchmark version changes the digest, and an old entry expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Final

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from districts.models import District
from onpoint.pages.benchmarks import BenchmarksPage
from onpoint.pages.campaign import CampaignDashboardPage

RESULTS_TEMPLATE: Final = "onpoint/_dashboard_results.html"
BENCHMARKS_TEMPLATE: Final = "onpoint/_benchmarks_content.html"
# Bump when a template or what it shows changes: no part rendered before is served after.
TEMPLATE_REVISION: Final = 1
KEPT_SECONDS: Final = 24 * 60 * 60


def _kept(key: str, template: str, context: Callable[[], dict[str, Any]]) -> SafeString:
    """The template rendered with `context()`: from the cache under `key`, else rendered (and
    kept)."""
    full_key = f"onpoint:part:{TEMPLATE_REVISION}:{translation.get_language() or ''}:{key}"
    kept = cache.get(full_key)
    if isinstance(kept, str):
        return mark_safe(kept)  # noqa: S308 - our own template's output, keyed by its content
    html = render_to_string(template, context())
    cache.set(full_key, str(html), KEPT_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


def dashboard_results_html(page: CampaignDashboardPage, district: District) -> SafeString:
    """The dashboard's results as HTML, in the district's time zone."""
    return _kept(
        f"dashboard:{district.time_zone_name}:{page.content_key}",
        RESULTS_TEMPLATE,
        lambda: {**page.results.context(), "district": district},
    )


def benchmarks_content_html(page: BenchmarksPage) -> SafeString:
    """The national benchmarks page's content as HTML, in the active time zone (its versions'
    dates)."""
    versions = [(v.pk, v.fingerprint) for v in page.history.versions]
    digest = hashlib.sha256(repr((versions, page.history.total)).encode()).hexdigest()
    return _kept(
        f"benchmarks:{timezone.get_current_timezone_name()}:{digest}",
        BENCHMARKS_TEMPLATE,
        page.context,
    )
