"""What every figure shares: timestamps, units, the loads, a timed query, and the alternation of
an anchor and the app with the machine's load at each round."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.config import ROOT, Size
from bench.loadgen import LoadResult, Request, load, open_loop
from bench.machine import load_average
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


def open_load_run(
    port: int, make: Callable[[int], Request], *, rate: float, requests: int, seconds: float
) -> LoadResult:
    """Figure 1's open loop: `rate` arrivals a second, latencies from their scheduled times."""
    return asyncio.run(
        open_loop(HOST, port, make, rate=rate, max_requests=requests, max_seconds=seconds)
    )


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Alternation[A, B]:
    """An anchor and the app measured in turn, round after round, with the 1-minute load
    average when each round began: medians of both are compared, never one lucky run."""

    anchor: list[A] = field(default_factory=list)
    app: list[B] = field(default_factory=list)
    load: list[float | None] = field(default_factory=list)

    def note(self) -> str:
        loads = ", ".join("?" if x is None else f"{x:.2f}" for x in self.load)
        return (
            f"Anchor and app measured alternately, {len(self.anchor)} and {len(self.app)} "
            f"times; medians reported. Load average (1 min) at each round: {loads}."
        )

    def as_json(self) -> dict[str, Any]:
        return {"rounds": len(self.load), "load_average_1min_at_each_round": self.load}


def alternate[A, B](
    rounds: int,
    anchor: Callable[[], A],
    app: Callable[[], B],
    *,
    stop: Callable[[B], bool] = lambda _: False,
    app_first: bool = False,
) -> Alternation[A, B]:
    """anchor, app, anchor, app... `rounds` times each (app, anchor... when the anchor needs
    what the app made); `stop(app_value)` ends early (a run stopped at its time limit would only
    be stopped again)."""
    done: Alternation[A, B] = Alternation()
    for _ in range(rounds):
        average = load_average()
        done.load.append(None if average is None else average[0])
        if not app_first:
            done.anchor.append(anchor())
        done.app.append(app())
        if stop(done.app[-1]):
            break
        if app_first:
            done.anchor.append(anchor())
    return done
