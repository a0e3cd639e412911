"""Login lockout: enough failed logins for one account name in a while pause it.

Keyed on the account name, never on the network address alone: a whole school shares one
address (domain.md), and locking it would lock out every teacher. districts.forms.LoginForm
asks here before and after each attempt.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from districts.models import LoginFailure

LOCKED_OUT = (
    "Too many failed attempts for this account. For your security, logging in is paused for "
    "{minutes} minutes. If you forgot your password, ask your Journeys contact to reset it."
)


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
