"""A clear "try again" answer while the database is unreachable (a restart, a failover).

A view that meets a database connection error gets, instead of a server error page with a
stack trace in the logs: on the survey, the survey's own page in its language saying nothing
was stored and the answers are still in the browser (static/js/survey.js keeps them until the
thank-you page); on the API, a JSON 503; elsewhere a plain 503 page. All with Retry-After.
Rendering touches no database: no context processors, no campaign lookup.

Recovery needs no restart: CONN_HEALTH_CHECKS (journeys/settings.py) drops the broken
persistent connection and the next request connects again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from surveys.survey_views import language_links
from surveys.texts import DOWN_BODY, DOWN_HEADING, DOWN_TITLE, survey_language

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_UNAVAILABLE = (
    "The service is briefly unavailable and nothing was stored. Try again in a minute."
)
SURVEY_URL_NAMES = frozenset({"survey", "survey_thanks"})


def is_database_unavailable(error: BaseException | None) -> bool:
    """Connection-level database errors: lost, refused, restarting. Not bad queries."""
    return isinstance(error, OperationalError | InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    match = request.resolver_match
    if match is not None and match.url_name in SURVEY_URL_NAMES:
        response = _survey_page(request, token=str(match.kwargs.get("token", "")))
    elif request.path.startswith("/api/"):
        response = JsonResponse({"detail": API_UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _survey_page(request: HttpRequest, *, token: str) -> HttpResponse:
    lang = survey_language(request)
    context = {
        "lang": lang,
        "campaign": None,
        "language_links": language_links(lang),
        "kind": "down",
        "title": DOWN_TITLE,
        "heading": DOWN_HEADING,
        "body": DOWN_BODY,
        "survey_href": f"{reverse('survey', kwargs={'token': token})}?lang={lang}",
    }
    with translation.override(lang):
        html = render_to_string("surveys/unavailable.html", context)
    response = HttpResponse(html, status=503)
    response["Content-Language"] = lang
    return response


class DatabaseUnavailableMiddleware:
    """Last in MIDDLEWARE, so it sees a view's exception first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        # One line, no traceback: the outage is the operator's news, not a bug report.
        logger.warning(
            "database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            type(exception).__name__,
        )
        return unavailable_response(request)
