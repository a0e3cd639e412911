"""Figure 3: the pages under concurrent users, p95 and queries per page."""

from __future__ import annotations

import asyncio

from bench.config import Size
from bench.data import (
    Fixtures,
)
from bench.loadgen import LoadResult, Request, send
from bench.measure import Alternation, alternate, fmt, load_run, median, ms, now
from bench.middleware import QUERIES_HEADER
from bench.stack import HOST, Stack
from bench.verdict import FigureResult, Row, at_most, missed, not_measured

PAGE_P95_MS = 200
PAGE_QUERIES = 10
SIGNED_OUT = "The bench consultant's session cookie was not accepted"


def _pages(fixtures: Fixtures) -> dict[str, list[str]]:
    """Issue 13's four pages, each over the consultant's districts where it is per district."""
    return {
        "Campaign dashboard": fixtures.dashboard_paths,
        "Compare page": ["/compare/"],
        "Journey map": fixtures.journey_paths,
        "National benchmarks": ["/benchmarks/"],
    }


def _signed_in(port: int, headers: tuple[tuple[str, str], ...]) -> None:
    home = asyncio.run(send(HOST, port, Request("GET", "/", headers=headers)))
    if home.status not in (200, 302) or "/accounts/login/" in home.headers.get("location", ""):
        raise RuntimeError(f"{SIGNED_OUT} (GET / answered {home.status})")


def _page_rows(name: str, rounds: Alternation[LoadResult, LoadResult]) -> list[Row]:
    p95s = [p for p in (ms(r.percentile(95)) for r in rounds.app) if p is not None]
    anchor_p95s = [p for p in (ms(r.percentile(95)) for r in rounds.anchor) if p is not None]
    p95, anchor_p95 = median(p95s), median(anchor_p95s)
    queries = [int(q) for r in rounds.app for q in r.header_values.get(QUERIES_HEADER.lower(), [])]
    most = max(queries) if queries else None
    ok = sum(r.ok for r in rounds.app)
    errors = sum(r.failed for r in rounds.app)
    return [
        Row.of(
            f"{name}, p95 (median of {len(rounds.app)} rounds, {ok:,} requests)",
            fmt(p95, "ms"),
            f"<= {PAGE_P95_MS} ms" + ("" if not errors else f"; {errors} failed requests"),
            f"/healthz (SELECT 1) p95, median: {fmt(anchor_p95, 'ms')}",
            at_most(p95, PAGE_P95_MS, "ms")
            if not errors
            else missed(f"{errors} of {errors + ok} requests failed"),
        ),
        Row.of(
            f"{name}, queries per page (most seen)",
            "not measured" if most is None else f"{most}",
            f"<= {PAGE_QUERIES}",
            "",
            at_most(None if most is None else float(most), PAGE_QUERIES, "queries"),
        ),
    ]


def figure_pages(size: Size, stack: Stack, fixtures: Fixtures, cookie: str) -> FigureResult:
    """Each page under `size.page_concurrency` signed-in users, alternated with /healthz (its
    anchor: a request that does one SELECT 1), `size.rounds` times each."""
    result = FigureResult(3, f"Pages under {size.page_concurrency} concurrent users", now())
    headers = (("Cookie", cookie),)
    _signed_in(stack.port, headers)
    for name, paths in _pages(fixtures).items():
        first = asyncio.run(send(HOST, stack.port, Request("GET", paths[0], headers=headers)))
        if first.status != 200:
            reason = f"{paths[0]} answered {first.status}"
            for measure in ("p95", "queries per page"):
                result.rows.append(Row.of(f"{name}, {measure}", "", "", "", not_measured(reason)))
            result.details[name] = {"first_status": first.status, "path": paths[0]}
            continue
        rounds = alternate(
            size.rounds,
            lambda: load_run(stack.port, lambda i: Request("GET", "/healthz"), size),
            lambda paths=paths: load_run(  # type: ignore[misc]
                stack.port, lambda i: Request("GET", paths[i % len(paths)], headers=headers), size
            ),
        )
        result.rows += _page_rows(name, rounds)
        result.details[name] = {
            "rounds": [r.summary() for r in rounds.app],
            "anchor /healthz rounds": [r.summary() for r in rounds.anchor],
            "paths": paths,
            **rounds.as_json(),
        }
        result.notes.append(f"{name}: {rounds.note()}")
    return result
