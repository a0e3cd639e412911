"""scripts/audit-deps decides from pip-audit's JSON: a vulnerability fails CI, a clean audit
passes, and a vulnerability service out of reach passes with a loud "NOT AUDITED" banner."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_deps"] = module
    spec.loader.exec_module(module)
    return module


audit_deps = load_script()

# pip-audit 2.10 `--format json` output, as it prints it.
CLEAN = {
    "dependencies": [
        {"name": "django", "version": "6.1.3", "vulns": []},
        {"name": "celery", "version": "5.7.0", "vulns": []},
    ],
    "fixes": [],
}
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "6.1.3", "vulns": []},
        {
            "name": "requests",
            "version": "2.31.0",
            "vulns": [
                {
                    "id": "GHSA-9wx4-h78v-vm56",
                    "fix_versions": ["2.32.0"],
                    "aliases": ["CVE-2024-35195"],
                    "description": "Session verify=False persists",
                }
            ],
        },
        {"name": "amqp", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ],
    "fixes": [],
}
# What this machine's proxy gives: PyPI's per-version JSON is a 404 for every package.
ALL_SKIPPED = {
    "dependencies": [
        {
            "name": name,
            "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)",
        }
        for name in ("amqp", "asgiref", "django")
    ],
    "fixes": [],
}
SOME_SKIPPED = {
    "dependencies": [*CLEAN["dependencies"], *ALL_SKIPPED["dependencies"][:1]],
    "fixes": [],
}
OSV_UNREACHABLE = (
    "Traceback (most recent call last):\n  ...\nrequests.exceptions.ConnectionError: "
    "HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded with url: /v1/query "
    "(Caused by NameResolutionError(\"Failed to resolve 'api.osv.dev'\"))"
)


def decision(report: dict[str, Any] | None, *, stderr: str = "", strict: bool = False) -> Any:
    stdout = json.dumps(report) if report is not None else ""
    returncode = 1 if report is None or report is VULNERABLE else 0
    audit = audit_deps.audit_of_run(returncode, stdout, stderr, "pypi")
    return audit_deps.decide(audit, strict=strict)


def test_a_known_vulnerability_fails_naming_package_advisory_and_fix() -> None:
    status, message = decision(VULNERABLE)
    assert status == 1
    assert "KNOWN VULNERABILITIES" in message
    assert "requests 2.31.0: GHSA-9wx4-h78v-vm56 (CVE-2024-35195); fixed in: 2.32.0" in message


def test_a_clean_audit_passes_and_says_how_many_were_checked() -> None:
    status, message = decision(CLEAN)
    assert status == 0
    assert message == "Dependencies audited (pypi): 2 packages, none vulnerable."


def test_every_package_skipped_is_a_loud_not_audited_that_passes() -> None:
    status, message = decision(ALL_SKIPPED)
    assert status == 0
    assert "DEPENDENCIES NOT AUDITED: vulnerability service unreachable" in message
    assert "3 of 3 packages not checked" in message
    assert "not a clean audit" in message


def test_an_unreachable_service_that_crashes_pip_audit_passes_not_audited() -> None:
    status, message = decision(None, stderr=OSV_UNREACHABLE)
    assert status == 0
    assert "DEPENDENCIES NOT AUDITED: vulnerability service unreachable" in message


def test_strict_mode_fails_when_nothing_could_be_audited() -> None:
    assert decision(ALL_SKIPPED, strict=True)[0] == 2
    assert decision(CLEAN, strict=True)[0] == 0


def test_some_packages_skipped_is_still_not_a_clean_audit() -> None:
    status, message = decision(SOME_SKIPPED)
    assert status == 0
    assert "DEPENDENCIES NOT AUDITED: the vulnerability service could not answer" in message
    assert "1 of 3 packages not checked" in message


def test_any_other_pip_audit_failure_fails() -> None:
    status, message = decision(None, stderr="ERROR: invalid requirement: 'django==='")
    assert status == 2
    assert "invalid requirement" in message


def test_main_falls_back_to_osv_and_fails_on_what_osv_finds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = {"pypi": ALL_SKIPPED, "osv": VULNERABLE}
    monkeypatch.setattr(
        audit_deps,
        "run_pip_audit",
        lambda service: audit_deps.audit_of_report(reports[service], service),
    )
    assert audit_deps.main() == 1
    assert "GHSA-9wx4-h78v-vm56" in capsys.readouterr().out


def test_main_with_both_services_unreachable_counts_the_packages_and_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    audits = {
        "pypi": audit_deps.audit_of_report(ALL_SKIPPED, "pypi"),
        "osv": audit_deps.audit_of_run(1, "", OSV_UNREACHABLE, "osv"),
    }
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda service: audits[service])
    monkeypatch.delenv("AUDIT_DEPS_STRICT", raising=False)
    assert audit_deps.main() == 0
    out = capsys.readouterr().out
    assert "3 of 3 packages not checked; service tried: pypi, osv" in out
