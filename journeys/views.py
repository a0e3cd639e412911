"""Pages of the project that belong to no app: health, the error pages, a person's API token."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

TOKEN_CREATED = "Your new API token is below. Copy it now: it is not shown again."  # noqa: S105
TOKEN_REVOKED = "Your API token is revoked. Programs using it can no longer sign in."  # noqa: S105


def broker_answers() -> bool:
    from journeys.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, if configured) answers; 503 naming what is down."""
    down: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "down"; the reason goes to the log, not the page
        logger.warning("healthz: database does not answer", exc_info=True)
        down.append("database")
    if settings.CELERY_BROKER_URL:
        try:
            broker_answers()
        except Exception:
            logger.warning("healthz: broker does not answer", exc_info=True)
            down.append("broker")
    if down:
        return JsonResponse({"status": "down", "down": down}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: it may be what failed.
    import sys

    from django.template import loader

    from journeys.outage import is_database_unavailable, unavailable_response

    # A database outage met outside a view (a session read by a middleware): 503, try again.
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """A person's own API token: create (shown once), replace, or revoke it."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    assert isinstance(request.user, User)  # login_required
    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            new_key = Token.objects.create(user=request.user).key
            messages.success(request, TOKEN_CREATED)
        else:
            messages.success(request, TOKEN_REVOKED)
    has_token = new_key is not None or Token.objects.filter(user=request.user).exists()
    return render(request, "journeys/api_token.html", {"new_key": new_key, "has_token": has_token})
