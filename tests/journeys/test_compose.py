"""docker-compose.yml runs web, worker, beat, PostgreSQL and Redis, each watched or ordered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services(compose: dict[str, Any]) -> None:
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])


@pytest.mark.parametrize("name", ["web", "worker", "beat", "db", "redis"])
def test_each_service_has_a_healthcheck_or_a_start_condition(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    conditions = [
        dependency.get("condition")
        for dependency in (service.get("depends_on") or {}).values()
        if isinstance(dependency, dict)
    ]
    assert "healthcheck" in service or conditions, f"{name} is neither checked nor ordered"


def test_web_starts_after_a_healthy_database_and_the_migrations(compose: dict[str, Any]) -> None:
    depends = compose["services"]["web"]["depends_on"]
    assert depends["db"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_migrations_run_once_in_their_own_service(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        assert "migrate" not in " ".join(services[name]["command"])


def test_compose_runs_the_same_commands_as_make_prod(compose: dict[str, Any]) -> None:
    native = (ROOT / "scripts" / "prod-processes").read_text()
    assert "gunicorn journeys.wsgi:application" in native
    assert compose["services"]["web"]["command"][:2] == ["gunicorn", "journeys.wsgi:application"]
    for name, verb in (("worker", "worker"), ("beat", "beat")):
        assert compose["services"][name]["command"][:4] == ["celery", "-A", "journeys", verb]
        assert f"celery -A journeys {verb}" in native


def test_production_secrets_are_not_in_the_compose_file(compose: dict[str, Any]) -> None:
    environment = compose["services"]["web"]["environment"]
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["DEBUG"] == "false"


def test_mailpit_catches_every_mail_and_shows_it_on_the_hosts_loopback(
    compose: dict[str, Any],
) -> None:
    mailpit = compose["services"]["mailpit"]
    assert mailpit["image"].startswith("axllent/mailpit:")
    assert "healthcheck" in mailpit
    # Its web page holds personal survey links: published on the host's loopback only.
    assert mailpit["ports"] == ["127.0.0.1:${MAILPIT_PORT:-8025}:8025"]
    environment = compose["services"]["web"]["environment"]
    assert environment["EMAIL_HOST"] == "${EMAIL_HOST:-mailpit}"
    assert environment["EMAIL_PORT"] == "${EMAIL_PORT:-1025}"
    assert compose["services"]["worker"]["environment"] == environment
    for name in ("web", "worker"):
        assert compose["services"][name]["depends_on"]["mailpit"]["condition"] == "service_healthy"


def test_the_database_runs_with_the_settings_the_benchmarks_measured(
    compose: dict[str, Any],
) -> None:
    from bench.pg_settings import DATABASE_SETTINGS, SERVER_SETTINGS

    command = compose["services"]["db"]["command"]
    assert command[0] == "postgres"
    flags = dict(value.split("=", 1) for value in command[2::2])
    assert all(flag == "-c" for flag in command[1::2])
    assert flags == DATABASE_SETTINGS | SERVER_SETTINGS
