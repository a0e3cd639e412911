"""Figure 3: the pages under concurrent users, p95 and queries per page."""

from __future__ import annotations

import asyncio

from bench.config import Size
from bench.data import (
    Fixtures,
)
from bench.loadgen import Request, send
from bench.measure import fmt, load_run, ms, now
from bench.middleware import QUERIES_HEADER
from bench.stack import HOST, Stack
from bench.verdict import FigureResult, Row, at_most, missed, not_measured

PAGE_P95_MS = 200
PAGE_QUERIES = 10
SIGNED_OUT = "The bench consultant's session cookie was not accepted"


def figure_pages(size: Size, stack: Stack, fixtures: Fixtures, cookie: str) -> FigureResult:
    result = FigureResult(3, f"Dashboards under {size.page_concurrency} concurrent users", now())
    headers = (("Cookie", cookie),)
    home = asyncio.run(send(HOST, stack.port, Request("GET", "/", headers=headers)))
    if home.status not in (200, 302) or "/accounts/login/" in home.headers.get("location", ""):
        raise RuntimeError(f"{SIGNED_OUT} (GET / answered {home.status})")
    anchor = load_run(stack.port, lambda i: Request("GET", "/healthz"), size)
    anchor_p95 = ms(anchor.percentile(95))
    result.details["anchor /healthz"] = anchor.summary()
    pages = {
        "Campaign dashboard": fixtures.dashboard_paths,
        "Compare page": ["/compare/"],
    }
    for name, paths in pages.items():
        first = asyncio.run(send(HOST, stack.port, Request("GET", paths[0], headers=headers)))
        if first.status != 200:
            reason = (
                "the page is not in the app yet (404)"
                if first.status == 404
                else f"it answered {first.status}"
            )
            for measure in ("p95", "queries per page"):
                result.rows.append(Row.of(f"{name}, {measure}", "", "", "", not_measured(reason)))
            result.details[name] = {"first_status": first.status, "path": paths[0]}
            continue
        measured = load_run(
            stack.port,
            lambda i, paths=paths: Request("GET", paths[i % len(paths)], headers=headers),  # type: ignore[misc]
            size,
        )
        p95 = ms(measured.percentile(95))
        queries = [int(q) for q in measured.header_values.get(QUERIES_HEADER.lower(), [])]
        most = max(queries) if queries else None
        errors = measured.failed
        result.rows.append(
            Row.of(
                f"{name}, p95 ({measured.ok:,} requests)",
                fmt(p95, "ms"),
                f"<= {PAGE_P95_MS} ms" + ("" if not errors else f"; {errors} failed requests"),
                f"/healthz (SELECT 1) p95: {fmt(anchor_p95, 'ms')}",
                at_most(p95, PAGE_P95_MS, "ms")
                if not errors
                else missed(f"{errors} of {errors + measured.ok} requests failed"),
            )
        )
        result.rows.append(
            Row.of(
                f"{name}, queries per page",
                "not measured" if most is None else f"{most}",
                f"<= {PAGE_QUERIES}",
                "",
                at_most(None if most is None else float(most), PAGE_QUERIES, "queries"),
            )
        )
        result.details[name] = {**measured.summary(), "paths": paths, "queries_max": most}
    return result
