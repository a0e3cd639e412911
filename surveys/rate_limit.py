"""The one limit on anonymous survey submissions, shared by the survey page and the API.

A fixed-window counter in the cache, keyed by the network address AND the survey link: a staff
meeting of 300 submits from one school address within minutes (domain.md), and two schools
behind one district proxy may be answering two campaigns at once, so keying on the address
alone would make one meeting's burst block another's. The rate is settings.SURVEY_SUBMIT_RATE
(the environment's THROTTLE_SURVEY_SUBMIT, "1200/hour" by default): that many submissions per
address and link in each window of the period.

The counter lives in the default cache, which every process shares in production (CACHE_URL;
settings refuse a broker without one), so four web workers count one address together. There it
costs one round trip a submission on the process's one Redis client (issue 13).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

BAD_RATE = (
    "THROTTLE_SURVEY_SUBMIT must be a number of submissions per second, minute, hour or day, "
    "such as 1200/hour, not {rate!r}."
)
KEY_PREFIX = "survey-submit"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    """Whether one more submission may go through, and when the current window ends."""

    allowed: bool
    retry_after: int


def rate_parse(text: str) -> Rate:
    """ "1200/hour" -> Rate(1200, 3600). The period is read by its first letter, as Django REST
    framework read THROTTLE_SURVEY_SUBMIT before: "10/min", "10/minute" and "10/m" agree."""
    count, _, period = text.partition("/")
    seconds = PERIOD_SECONDS.get(period.strip()[:1].lower())
    if seconds is None or not count.strip().isdigit():
        raise ImproperlyConfigured(BAD_RATE.format(rate=text))
    return Rate(count=int(count), seconds=seconds)


def client_address(request: HttpRequest) -> str:
    """The address a submission is counted against: the X-Forwarded-For header when a proxy
    sets one (whitespace removed), else the connection's address. The same identity as Django
    REST framework's throttles used, so the limit means what it meant."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return "".join(forwarded.split())
    return str(request.META.get("REMOTE_ADDR", ""))


def submission_allow(*, address: str, token: str, now: float | None = None) -> Decision:
    """Count one submission from `address` to the survey `token` and say whether it is within
    the rate. A refused submission is counted too (a client hammering stays refused until the
    window ends)."""
    rate = rate_parse(settings.SURVEY_SUBMIT_RATE)
    moment = time.time() if now is None else now
    window = int(moment // rate.seconds)
    retry_after = max(1, int((window + 1) * rate.seconds - moment))
    # Hashed: a link from the URL may hold any character, and the key stays short.
    who = hashlib.sha256(f"{address}|{token}".encode()).hexdigest()
    key = f"{KEY_PREFIX}:{who}:{window}"
    # The key outlives its window by a little, never less.
    count = _count(key, timeout=rate.seconds + 1)
    return Decision(allowed=count <= rate.count, retry_after=retry_after)


def _count(key: str, *, timeout: int) -> int:
    """Add 1 to the window's counter and return it. The shared cache (journeys/cache.py's
    `window_count`) does it in one round trip on its one client; any other cache (the tests' and
    a single process's memory) with add() and incr(), which are atomic on it."""
    window_count = getattr(cache, "window_count", None)
    if window_count is not None:
        return int(window_count(key, timeout))
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:
        # The key expired between add() and incr(): this submission opens the count again.
        cache.set(key, 1, timeout=timeout)
        return 1


def request_allow(request: HttpRequest, *, token: str) -> Decision:
    """submission_allow for this request's address."""
    return submission_allow(address=client_address(request), token=token)
