"""The survey's rate limit: per network address AND survey link, never per address alone."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle


class SurveySubmitThrottle(ScopedRateThrottle):
    """ScopedRateThrottle "survey_submit", keyed on the address and the campaign's link token.

    A staff meeting of 300 submits from one school address within minutes (domain.md), and two
    schools behind one district proxy may be answering two campaigns at once: keying on the
    address alone would make one meeting's burst block another's. The rate is settings'
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["survey_submit"] (THROTTLE_SURVEY_SUBMIT).
    """

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = getattr(view, "kwargs", {}).get("token", "")
        ident = f"{self.get_ident(request)}|{token}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
