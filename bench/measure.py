"""What every figure shares: timestamps, units, the closed-loop load, a timed query."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.config import ROOT, Size
from bench.loadgen import LoadResult, Request, load
from bench.middleware import QUERIES_HEADER
from bench.stack import HOST

PROBE_TIMEOUT_S = 30
JSON = (("Content-Type", "application/json"),)


def now() -> str:
    return timezone.now().isoformat(timespec="seconds")


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "not measured" if value is None else f"{value:,.{digits}f} {unit}"


def manage(*args: str) -> list[str]:
    return [str(ROOT / "manage.py"), *args]


def timed_query(sql: str, runs: int = 3) -> tuple[float, list[float], int]:
    """The median time of `runs` executions of `sql` (rows fetched), the times, the row count."""
    times = []
    n_rows = 0
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql)
            n_rows = len(cursor.fetchall())
            times.append(time.perf_counter() - started)
    return statistics.median(times), [round(t, 3) for t in times], n_rows


def load_run(port: int, make: Callable[[int], Request], size: Size, **kwargs: Any) -> LoadResult:
    return asyncio.run(
        load(
            HOST,
            port,
            make,
            concurrency=kwargs.get("concurrency", size.page_concurrency),
            max_requests=kwargs.get("max_requests", size.page_requests),
            max_seconds=kwargs.get("max_seconds", size.page_seconds),
            keep_headers=(QUERIES_HEADER,),
        )
    )
