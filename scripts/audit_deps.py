"""Audit the lock files for known vulnerabilities with pip-audit, and decide what CI does.

Run as `scripts/audit-deps` (CI does, after the install). The decision:

- a known vulnerability in any locked package: exit 1, naming the package, version and advisory;
- every package checked and none vulnerable: exit 0;
- the vulnerability service could not be reached (or could not answer for some packages): a loud
  "DEPENDENCIES NOT AUDITED" banner with the count, and exit 0. An outside service that is down
  must not block every landing, but nobody may mistake the run for a clean audit. Set
  AUDIT_DEPS_STRICT=1 to fail instead (for a pipeline that must prove the audit ran);
- pip-audit failing for any other reason (a bad lock file, say): exit 2 with its message.

pip-audit runs with --no-deps and --disable-pip: the lock files pin every package already, so it
only looks versions up and never installs anything. The PyPI service is asked first; when it
answers for no package at all, the OSV service is tried before giving up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements/base.txt", "requirements/dev.txt")
SERVICES = ("pypi", "osv")
# Words of a pip-audit failure (a Python traceback on stderr) that mean the service was out of
# reach, not that the lock file is wrong.
UNREACHABLE_SIGNS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Failed to resolve",
    "timed out",
    "Temporary failure in name resolution",
    "Connection refused",
    "ProxyError",
)
BANNER = "=" * 78

OK = 0
VULNERABLE = 1
FAILED = 2


@dataclass
class Audit:
    """What one pip-audit run found: vulnerable packages, packages it could not check, and
    packages it checked and found clean."""

    service: str
    vulnerable: list[str] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def unreachable(self) -> bool:
        """The service answered for no package (or pip-audit died trying to reach it)."""
        if self.error:
            return any(sign in self.error for sign in UNREACHABLE_SIGNS)
        return bool(self.not_audited) and not self.clean and not self.vulnerable


def audit_of_report(report: dict[str, Any], service: str) -> Audit:
    """Read pip-audit's JSON report (`-f json`)."""
    audit = Audit(service=service)
    for dependency in report.get("dependencies", []):
        name = f"{dependency.get('name', '?')} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            audit.not_audited.append(f"{name}: {dependency['skip_reason']}")
        elif dependency.get("vulns"):
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                aliases = ", ".join(vuln.get("aliases") or [])
                advisory = vuln.get("id", "?") + (f" ({aliases})" if aliases else "")
                audit.vulnerable.append(f"{name}: {advisory}; fixed in: {fixed}")
        else:
            audit.clean.append(name)
    return audit


def audit_of_run(returncode: int, stdout: str, stderr: str, service: str) -> Audit:
    """An Audit from a finished pip-audit process: its JSON on stdout, or its error."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if isinstance(report, dict):
        return audit_of_report(report, service)
    message = stderr.strip() or stdout.strip() or f"pip-audit exited with {returncode}"
    return Audit(service=service, error=message)


def decide(audit: Audit, *, strict: bool = False) -> tuple[int, str]:
    """The exit status and the message CI prints, for the final audit."""
    if audit.vulnerable:
        lines = "\n".join(f"  {line}" for line in audit.vulnerable)
        return VULNERABLE, (
            f"{BANNER}\nKNOWN VULNERABILITIES in the lock files ({len(audit.vulnerable)}, "
            f"service {audit.service}):\n{lines}\nUpgrade the package (make lock) or document "
            f"why the advisory does not apply.\n{BANNER}"
        )
    if audit.error and not audit.unreachable:
        return FAILED, f"pip-audit failed (service {audit.service}):\n{audit.error[-2000:]}"
    if audit.error or audit.not_audited:
        count = len(audit.not_audited)
        total = count + len(audit.clean)
        reason = (
            "vulnerability service unreachable"
            if audit.unreachable
            else "the vulnerability service could not answer for some packages"
        )
        what = f"{count} of {total} packages" if total else "every package"
        detail = "\n".join(f"  {line}" for line in audit.not_audited[:10])
        more = f"\n  ... and {count - 10} more" if count > 10 else ""
        error = f"\n  {audit.error.strip().splitlines()[-1]}" if audit.error else ""
        message = (
            f"{BANNER}\nDEPENDENCIES NOT AUDITED: {reason} ({what} not checked; "
            f"service tried: {audit.service}).{error}\n{detail}{more}\n"
            f"No known vulnerability was found, but none could have been: this is not a clean "
            f"audit.\n{BANNER}"
        )
        return (FAILED if strict else OK), message
    return (
        OK,
        f"Dependencies audited ({audit.service}): {len(audit.clean)} packages, none vulnerable.",
    )


def run_pip_audit(service: str, lock_files: Sequence[str] = LOCK_FILES) -> Audit:
    requirements = [argument for path in lock_files for argument in ("-r", str(ROOT / path))]
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        *requirements,
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    try:
        finished = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
            command, capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired:
        return Audit(service=service, error="pip-audit timed out after 600 s")
    return audit_of_run(finished.returncode, finished.stdout, finished.stderr, service)


def main() -> int:
    strict = os.environ.get("AUDIT_DEPS_STRICT", "").lower() in {"1", "true", "yes"}
    tried: list[Audit] = []
    for service in SERVICES:
        tried.append(run_pip_audit(service))
        if not tried[-1].unreachable:
            break
        print(f"audit-deps: the {service} service answered for no package.", file=sys.stderr)
    status, message = decide(final_audit(tried), strict=strict)
    print(message)
    return status


def final_audit(tried: Sequence[Audit]) -> Audit:
    """The last audit, unless every service was unreachable: then the one that listed the
    packages it could not check (so the banner counts them), naming every service tried."""
    last = tried[-1]
    if not last.unreachable:
        return last
    listed = next((audit for audit in tried if audit.not_audited), last)
    return Audit(
        service=", ".join(audit.service for audit in tried),
        not_audited=listed.not_audited,
        error=last.error,
    )


if __name__ == "__main__":
    sys.exit(main())
