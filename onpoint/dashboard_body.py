"""A released campaign's dashboard results (its figures, landmarks and tables), rendered once for
each content and kept in the shared cache.

Rendering them was most of the dashboard's time, and they are the same for every reader who may
see the same scores, until a stored row they come from changes. The key is the page's content
digest (CampaignDashboardPage.content_key: the scores as this reader may see them, so a
principal's, which hold their own school alone, never share a leader's), with the language and
the district's time zone they are rendered in. Nothing is invalidated: a recompute or a new
benchmark version changes the digest, and an old entry expires.
"""

from __future__ import annotations

from typing import Final

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from districts.models import District
from onpoint.pages.campaign import CampaignDashboardPage

RESULTS_TEMPLATE: Final = "onpoint/_dashboard_results.html"
# Bump when the template or what it shows changes: no page rendered before is served after.
TEMPLATE_REVISION: Final = 1
KEPT_SECONDS: Final = 24 * 60 * 60


def dashboard_results_key(page: CampaignDashboardPage, district: District) -> str:
    language = translation.get_language() or ""
    return (
        f"onpoint:dashboard:{TEMPLATE_REVISION}:{language}:{district.time_zone_name}:"
        f"{page.content_key}"
    )


def dashboard_results_html(page: CampaignDashboardPage, district: District) -> SafeString:
    """The page's results as HTML: from the cache, else rendered (and kept)."""
    key = dashboard_results_key(page, district)
    kept = cache.get(key)
    if isinstance(kept, str):
        return mark_safe(kept)  # noqa: S308 - our own template's output, keyed by its content
    html = render_to_string(RESULTS_TEMPLATE, {**page.results.context(), "district": district})
    cache.set(key, str(html), KEPT_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output
