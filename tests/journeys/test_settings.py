"""Bad configuration stops the app at start naming the variable; production passes --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "journeys.example.org",
    "DATABASE_URL": "postgres://journeys:pw@db.example.org:5432/journeys",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
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
