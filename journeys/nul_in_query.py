"""A page address whose query string holds a NUL character is a 400, not a 500."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

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
