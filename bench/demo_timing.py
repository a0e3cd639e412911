"""The demo: seed_demo on SQLite, timed."""

from __future__ import annotations

from typing import Any

from bench.measure import manage
from bench.stack import run_measured


def demo_timing(env: dict[str, str]) -> dict[str, Any]:
    """`seed_demo` on a fresh SQLite file, as `make run` does it (the recompute included)."""
    from bench.config import WORK_DIR

    database = WORK_DIR / "demo.sqlite3"
    database.unlink(missing_ok=True)
    demo_env = {
        key: value
        for key, value in env.items()
        if key not in ("CELERY_BROKER_URL", "CACHE_URL", "DATABASE_URL")
    } | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "journeys.settings"}
    migrate_code, migrate_s, _ = run_measured(
        manage("migrate", "--noinput", "-v", "0"), env=demo_env, timeout=600, log_name="demo"
    )
    code, seconds, peak = run_measured(
        manage("seed_demo", "--allow-production", "--quiet-logins"),
        env=demo_env,
        timeout=600,
        log_name="demo-seed",
    )
    database.unlink(missing_ok=True)
    return {
        "seconds": round(seconds, 1),
        "exit": code,
        "migrate_seconds": round(migrate_s, 1),
        "migrate_exit": migrate_code,
        "peak_mib": round(peak),
        "limit_seconds": 60,
    }
