"""The two sizes of the bench, and the environment the app under benchmark runs with."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "var" / "bench"

# The bench's own database and Redis database, never the product's. The bench drops and
# creates that database, and sets its PostgreSQL settings on it (bench/pg_settings.py).
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/journeys_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


@dataclass(frozen=True)
class Size:
    name: str
    engine: str  # "postgresql" (gunicorn, Celery worker, Redis) or "sqlite" (embedded)
    districts: int
    # Responses in the database for figure 2, in order: a quarter world and the whole world.
    # The districts (and so the campaigns) grow with the responses: `districts_at`.
    recompute_sizes: tuple[int, ...]
    submit_concurrency: int  # clients of figure 1's closed loop
    submit_rate: float  # arrivals a second of figure 1's open loop
    submit_warmup: int
    submit_requests: int  # at most, per phase of figure 1
    submit_seconds: float  # at most, per phase of figure 1
    probes: int  # at most, figure 4
    page_concurrency: int
    page_requests: int  # at most, per page of figure 3
    page_seconds: float
    import_rows: int
    recompute_timeout: float  # a recompute still running after this is stopped and reported
    web_workers: int
    worker_concurrency: int  # 0: no worker, tasks run eagerly in the web process
    # Every figure measures its anchor and the app alternately, this many times each, and
    # reports the medians: the machine's load changes from minute to minute.
    rounds: int = 3

    @property
    def output(self) -> Path:
        # Only the full size is judged: the others never overwrite the full run's file.
        if self.name == "full":
            return ROOT / "BENCHMARKS.md"
        return WORK_DIR / f"BENCHMARKS-{self.name}.md"

    @property
    def results_file(self) -> Path:
        return WORK_DIR / f"results-{self.name}.json"

    @property
    def state_file(self) -> Path:
        return WORK_DIR / f"state-{self.name}.json"

    @property
    def largest(self) -> int:
        return self.recompute_sizes[-1]

    def districts_at(self, responses: int) -> int:
        """The districts of a world of `responses`: the whole world has `districts`, a quarter
        world a quarter of them, so campaigns grow with the responses (issue 13, figure 2)."""
        return max(1, round(self.districts * responses / self.largest))


FULL = Size(
    name="full",
    engine="postgresql",
    districts=13_000,
    recompute_sizes=(925_000, 3_700_000),
    submit_concurrency=64,
    submit_rate=150,
    submit_warmup=500,
    submit_requests=30_000,
    submit_seconds=30,
    probes=40,
    page_concurrency=16,
    page_requests=3_000,
    page_seconds=15,
    import_rows=100_000,
    recompute_timeout=4 * 3600,
    web_workers=4,  # as docker-compose.yml and `make prod`
    worker_concurrency=2,
)
QUICK = Size(
    name="quick",
    engine="sqlite",
    districts=60,
    recompute_sizes=(3_000, 12_000),
    submit_concurrency=64,
    submit_rate=150,
    submit_warmup=40,
    submit_requests=300,
    submit_seconds=4,
    probes=30,
    page_concurrency=16,
    page_requests=80,
    page_seconds=4,
    import_rows=5_000,
    recompute_timeout=600,
    web_workers=2,
    worker_concurrency=0,
)
SMOKE = Size(
    name="smoke",
    engine="postgresql",
    districts=100,
    recompute_sizes=(10_000, 40_000),
    submit_concurrency=64,
    submit_rate=150,
    submit_warmup=100,
    submit_requests=2_000,
    submit_seconds=10,
    probes=30,
    page_concurrency=16,
    page_requests=300,
    page_seconds=6,
    import_rows=10_000,
    recompute_timeout=900,
    web_workers=4,
    worker_concurrency=2,
)
SIZES = {size.name: size for size in (FULL, QUICK, SMOKE)}


def app_environment(size: Size) -> dict[str, str]:
    """The environment of every process of the app under benchmark: production settings (DEBUG
    off, static files collected) on the bench's own database, broker and cache."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(WORK_DIR / "static"),
        "LOG_LEVEL": "WARNING",
        # Every request comes from 127.0.0.1 here; the per-address survey limit stays in the
        # code path (its cache reads and writes are measured) but never refuses the bench.
        "THROTTLE_SURVEY_SUBMIT": "1000000000/hour",
    }
    if size.engine == "postgresql":
        env |= {
            "DATABASE_URL": DATABASE_URL,
            "CELERY_BROKER_URL": REDIS_URL,
            "CACHE_URL": REDIS_URL,
        }
    else:
        env |= {"DATABASE_URL": f"sqlite:///{WORK_DIR / 'quick.sqlite3'}"}
    return env


# Variables of the product's settings that must not leak from the caller's shell into the bench.
CLEARED = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "TEST_DATABASE_NAME", "TIME_ZONE")
