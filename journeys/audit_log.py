"""The audit log: who viewed or exported which district's data, and when.

Project plumbing, not a district's: it reads the URLs of every app (the districts' pages, the
compare page, the API's districts and campaigns) and, for the API's campaign URLs, the campaign's
district. It writes districts.models.AuditEvent rows, which staff read in the admin.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from districts.models import AuditEvent
from journeys.audit_buffer import audit_buffer
from surveys.models import Campaign

# Prefixes of URLs that show a district's data; GETs of them that succeed are audited.
AUDITED_PREFIXES = (
    "/districts/",
    "/compare/",
    "/portfolio/",
    "/api/v1/districts/",
    "/api/v1/campaigns/",
)
# URL parameters that name a campaign in the API's campaign URLs.
CAMPAIGN_ID_KWARGS = ("campaign_id", "pk", "id")


# Downloads that take a district's data away: the CSV of numbers, the board report (PDF).
EXPORT_CONTENT_TYPES = ("text/csv", "application/pdf")


def audit_action(request: HttpRequest, response: HttpResponse) -> str | None:
    """ "export" for a CSV or PDF of district data, "view" for a page or API read of it, else
    None."""
    if request.method != "GET" or response.status_code != 200:
        return None
    if not request.path.startswith(AUDITED_PREFIXES):
        return None
    content_type = response.get("Content-Type", "")
    if content_type.startswith(EXPORT_CONTENT_TYPES):
        return AuditEvent.Action.EXPORT
    return AuditEvent.Action.VIEW


def audited_district_slug(request: HttpRequest) -> str:
    """The district whose data the request read: the URL's slug, or the district of the
    campaign the URL names (the API's campaign URLs carry only its id); "" for a list that may
    span districts (/compare/, /portfolio/, /api/v1/campaigns/)."""
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    if kwargs.get("slug"):
        return str(kwargs["slug"])[:80]
    campaign_id = next((str(kwargs[name]) for name in CAMPAIGN_ID_KWARGS if name in kwargs), "")
    if request.path.startswith("/api/v1/campaigns/") and campaign_id.isdigit():
        slug = (
            Campaign.objects.filter(pk=int(campaign_id))
            .values_list("district__slug", flat=True)
            .first()
        )
        return slug or ""
    return ""


def audit_buffered() -> bool:
    """Whether reads are written in batches (journeys.audit_buffer): with a broker, unless
    settings.AUDIT_BUFFERED says otherwise; at once in the embedded mode."""
    return bool(getattr(settings, "AUDIT_BUFFERED", not settings.CELERY_TASK_ALWAYS_EAGER))


class AuditMiddleware:
    """Records successful reads of district data by signed-in people (not static files): at
    once in the embedded mode, else in the process's batch (journeys.audit_buffer)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user: User | AnonymousUser = request.user
        if not user.is_authenticated:
            return response
        action = audit_action(request, response)
        if action is None:
            return response
        event = AuditEvent(
            user=user,
            username=user.get_username(),
            district_slug=audited_district_slug(request),
            action=action,
            path=request.get_full_path()[:500],
            at=timezone.now(),
        )
        if audit_buffered():
            audit_buffer.add(event)
        else:
            event.save()
        return response
