"""Bad configuration stops the app at start naming the variable; production passes --deploy."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from journeys.settings import CACHE_URL_REQUIRED, cache_from_url
from surveys.models import Response
from tests.onpoint.builders import campaign_of, district_named, uniform
from tests.trust.stack import free_port, sheets

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "journeys.example.org",
    "DATABASE_URL": "postgres://journeys:pw@db.example.org:5432/journeys",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    "CACHE_URL": "redis://redis.example.org:6379/1",
}


def run_django(
    env_overrides: Mapping[str, str | None], *args: str
) -> subprocess.CompletedProcess[str]:
    inherited = {*PRODUCTION_ENV, "TIME_ZONE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["JOURNEYS_VAR_DIR"] = str(ROOT / "var")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({**PRODUCTION_ENV, "SECRET_KEY": None}, "SECRET_KEY"),
        ({**PRODUCTION_ENV, "ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({**PRODUCTION_ENV, "DATABASE_URL": "postgres://host:notaport/db"}, "DATABASE_URL"),
        ({**PRODUCTION_ENV, "DATABASE_URL": "postgres://host:5432/"}, "DATABASE_URL"),
        ({**PRODUCTION_ENV, "DEBUG": "maybe"}, "DEBUG"),
        ({**PRODUCTION_ENV, "SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE"),
    ],
    ids=[
        "missing-secret-key",
        "missing-allowed-hosts",
        "blank-allowed-hosts",
        "database-url-wrong-scheme",
        "database-url-bad-port",
        "database-url-no-name",
        "debug-not-a-boolean",
        "unreadable-secret-file",
    ],
)
def test_bad_configuration_stops_the_app_naming_the_variable(
    overrides: dict[str, str | None], named: str
) -> None:
    result = run_django(overrides, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_production_with_a_broker_and_no_shared_cache_stops_naming_cache_url() -> None:
    # Each process would keep its own throttle counts and recompute debounce keys.
    result = run_django({**PRODUCTION_ENV, "CACHE_URL": None}, "check")
    assert result.returncode != 0
    last_line = result.stderr.splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert CACHE_URL_REQUIRED in last_line
    assert "CACHE_URL" in CACHE_URL_REQUIRED


def test_without_a_broker_the_in_process_cache_is_enough() -> None:
    result = run_django({**PRODUCTION_ENV, "CELERY_BROKER_URL": None, "CACHE_URL": None}, "check")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_the_shared_cache_being_down_stores_the_survey_anyway(
    settings: Any, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Production keeps the survey's throttle counts in CACHE_URL's Redis, often the broker's own
    server: while it is down, a teacher's answers are stored, not refused with a 500."""
    # Production's cache (settings.cache_from_url) on a port where nothing listens.
    settings.CACHES = {"default": cache_from_url(f"redis://127.0.0.1:{free_port()}/0")}
    campaign = campaign_of(district_named("Cache outage district"))
    (sheet,) = sheets(1, uniform(4))

    reply = client.post(f"/s/{campaign.token}/", sheet.form())

    assert reply.status_code == 303
    assert reply["Location"].startswith(f"/s/{campaign.token}/thanks/")
    assert Response.objects.filter(campaign=campaign).count() == 1
    assert "shared cache unreachable" in caplog.text


def test_while_redis_is_down_the_shared_cache_is_the_process_memory(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from django.core.cache.backends.base import BaseCache
    from django.utils.module_loading import import_string

    def cache_at(url: str) -> BaseCache:
        entry = cache_from_url(url)
        backend = import_string(str(entry["BACKEND"]))
        return backend(url, {"OPTIONS": entry["OPTIONS"], "KEY_PREFIX": uuid.uuid4().hex})

    down = cache_at(f"redis://127.0.0.1:{free_port()}/0")
    # A recompute's debounce key still holds, in this process (as before CACHE_URL was required).
    assert down.add("key", 1, timeout=30) is True
    assert down.add("key", 1, timeout=30) is False
    assert down.get("key") == 1
    assert down.delete("key") is True
    # Redis was tried once; the next operations went to memory without waiting on it.
    assert caplog.text.count("shared cache unreachable") == 1

    up = cache_at(redis_url)
    assert up.add("key", 1, timeout=30) is True
    assert up.add("key", 1, timeout=30) is False
    assert up.get("key") == 1
    assert up.delete("key") is True
    assert caplog.text.count("shared cache unreachable") == 1


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = run_django(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_embedded_mode_needs_no_environment_at_all() -> None:
    result = run_django({key: None for key in PRODUCTION_ENV}, "check")
    assert result.returncode == 0, result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    result = run_django(
        {**PRODUCTION_ENV, "SECRET_KEY": None, "SECRET_KEY_FILE": str(secret_file)},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- email (issue 15) ----------------------------------------------------------------------------

PRINT_MAILER = "import json; from django.conf import settings; print(json.dumps(settings.MAILERS))"


def mailer_of(env: Mapping[str, str | None]) -> dict[str, Any]:
    result = run_django(env, "shell", "-c", PRINT_MAILER)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1])["default"])


def test_the_embedded_mode_writes_mails_as_files_under_var() -> None:
    mailer = mailer_of({key: None for key in PRODUCTION_ENV} | {"EMAIL_HOST": None})
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"]["file_path"] == str(ROOT / "var" / "mail")


def test_email_host_sends_through_smtp_with_the_environments_settings() -> None:
    mailer = mailer_of(
        {
            **PRODUCTION_ENV,
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "2525",
            "EMAIL_HOST_USER": "journeys",
            "EMAIL_HOST_PASSWORD": "app-password",
            "EMAIL_USE_TLS": "true",
        }
    )
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 2525,
            "username": "journeys",
            "password": "app-password",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 20,
        },
    }


def test_production_without_email_host_uses_the_machines_own_smtp_server() -> None:
    """Never files in production: a mail that cannot go shows as not delivered on the page."""
    mailer = mailer_of({**PRODUCTION_ENV, "EMAIL_HOST": None})
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mailer["OPTIONS"]["host"], mailer["OPTIONS"]["port"]) == ("localhost", 25)


def test_tls_and_ssl_together_stop_the_app_naming_them() -> None:
    result = run_django(
        {
            **PRODUCTION_ENV,
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_USE_TLS": "true",
            "EMAIL_USE_SSL": "true",
        },
        "check",
    )
    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive" in result.stderr
