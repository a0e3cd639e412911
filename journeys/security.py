"""Login lockout and the audit log of who viewed or exported which district's data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from journeys.models import AuditEvent, LoginFailure

LOCKED_OUT = (
    "Too many failed attempts for this account. For your security, logging in is paused for "
    "{minutes} minutes. If you forgot your password, ask your Journeys contact to reset it."
)
# Prefixes of URLs that show a district's data; GETs of them that succeed are audited.
AUDITED_PREFIXES = ("/districts/", "/compare/", "/api/v1/districts/", "/api/v1/campaigns/")
# URL parameters that name a campaign in the API's campaign URLs.
CAMPAIGN_ID_KWARGS = ("campaign_id", "pk", "id")


def login_lockout_window() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LOGIN_LOCKOUT_MINUTES", 15))


def login_failure_limit() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5))


def normalized_username(username: str) -> str:
    return username.strip().lower()[:150]


def login_is_locked(username: str) -> bool:
    since = timezone.now() - login_lockout_window()
    failures = LoginFailure.objects.filter(username=normalized_username(username), at__gte=since)
    return failures.count() >= login_failure_limit()


def login_failure_record(username: str) -> None:
    LoginFailure.objects.create(username=normalized_username(username))
    # Old rows are useless: keep the table small without a scheduled job.
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * login_lockout_window()).delete()


def login_failures_clear(username: str) -> None:
    LoginFailure.objects.filter(username=normalized_username(username)).delete()


def locked_out_message() -> str:
    return LOCKED_OUT.format(minutes=int(login_lockout_window().total_seconds() // 60))


def audit_action(request: HttpRequest, response: HttpResponse) -> str | None:
    """ "export" for a CSV of district data, "view" for a page or API read of it, else None."""
    if request.method != "GET" or response.status_code != 200:
        return None
    if not request.path.startswith(AUDITED_PREFIXES):
        return None
    content_type = response.get("Content-Type", "")
    return AuditEvent.Action.EXPORT if "text/csv" in content_type else AuditEvent.Action.VIEW


def audited_district_slug(request: HttpRequest) -> str:
    """The district whose data the request read: the URL's slug, or the district of the
    campaign the URL names (the API's campaign URLs carry only its id); "" for a list that may
    span districts (/compare/, /api/v1/campaigns/)."""
    from surveys.models import Campaign

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


class AuditMiddleware:
    """Records successful reads of district data by signed-in people (not static files)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user: User | AnonymousUser = request.user
        if not user.is_authenticated:
            return response
        action = audit_action(request, response)
        if action is not None:
            AuditEvent.objects.create(
                user=user,
                username=user.get_username(),
                district_slug=audited_district_slug(request),
                action=action,
                path=request.get_full_path()[:500],
            )
        return response


NUL_IN_QUERY = "Bad request: the address holds a NUL character, which no value of this site has."


class RefuseNulInQueryMiddleware:
    """400 for a page address whose query string holds a NUL character.

    No value the pages take (a state, a district to compare, a page number) has one, and
    PostgreSQL answers a NUL in a query with an error: the page would be a 500. The API's query
    parameters are each checked by their view, which documents its answers in the schema.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in unquote_plus(query) and not request.path.startswith("/api/"):
            return HttpResponseBadRequest(NUL_IN_QUERY, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
