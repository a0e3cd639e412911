"""Figures 1 and 4: survey submissions against the bare insert view, and the probes of figure 4
while they run."""

from __future__ import annotations

import json
import random

from bench.config import Size
from bench.data import (
    Fixtures,
    answer_pool,
)
from bench.loadgen import Request
from bench.measure import JSON, PROBE_TIMEOUT_S, fmt, load_run, ms, now
from bench.probe import Probe
from bench.stack import Stack
from bench.urls import BARE_INSERT_PATH
from bench.verdict import FigureResult, Row, at_least, at_most, missed, not_measured

SUBMIT_RATIO = 0.8
SUBMIT_P95_MS = 100
SCORES_P95_S = 2


def _body(role: str, school: str | None, answers: dict[str, int | None]) -> bytes:
    return json.dumps({"role": role, "school": school, "answers": answers}).encode()


def figures_submissions(size: Size, stack: Stack, fixtures: Fixtures) -> list[FigureResult]:
    one = FigureResult(
        1, f"Survey submissions under {size.submit_concurrency} concurrent clients", now()
    )
    four = FigureResult(4, "From closing a campaign to its released scores", now())
    people = answer_pool(2000)
    campaigns = fixtures.submit_campaigns
    rng = random.Random("bench-schools")
    schools = [rng.choice(names) if names else None for _, _, names in campaigns]

    def bare(i: int) -> Request:
        campaign_id = campaigns[i % len(campaigns)][0]
        role, answers = people[i % len(people)]
        return Request(
            "POST",
            BARE_INSERT_PATH.format(campaign_id=campaign_id),
            _body(role, None, answers),
            JSON,
        )

    def real(i: int) -> Request:
        _, token, _ = campaigns[i % len(campaigns)]
        role, answers = people[i % len(people)]
        return Request(
            "POST",
            f"/api/v1/surveys/{token}/responses/",
            _body(role, schools[i % len(campaigns)], answers),
            JSON,
        )

    limits = {
        "concurrency": size.submit_concurrency,
        "max_requests": size.submit_requests,
        "max_seconds": size.submit_seconds,
    }
    warm = {**limits, "max_requests": size.submit_warmup}
    load_run(stack.port, bare, size, **warm)
    load_run(stack.port, real, size, **warm)
    anchor = load_run(stack.port, bare, size, **limits)
    probe = Probe(stack.port, fixtures, size.probes)
    probe.start()
    try:
        measured = load_run(stack.port, real, size, **limits)
    finally:
        probe.stop.set()
        probe.join(timeout=PROBE_TIMEOUT_S + 5)

    ratio = measured.throughput / anchor.throughput if anchor.throughput else None
    errors = measured.failed
    one.rows.append(
        Row.of(
            "Throughput vs the bare insert view",
            fmt(ratio, "x", 2) + f" ({measured.throughput:,.0f} req/s)",
            f">= {SUBMIT_RATIO} x anchor",
            f"bare view inserting one row: {anchor.throughput:,.0f} req/s",
            at_least(ratio, SUBMIT_RATIO, "x"),
        )
    )
    p95 = ms(measured.percentile(95))
    one.rows.append(
        Row.of(
            f"p95 latency ({measured.ok:,} submissions"
            + (f", {errors} failed" if errors else "")
            + ")",
            fmt(p95, "ms"),
            f"<= {SUBMIT_P95_MS} ms",
            f"bare view p95: {fmt(ms(anchor.percentile(95)), 'ms')}",
            at_most(p95, SUBMIT_P95_MS, "ms")
            if not errors
            else missed(f"{errors} of {errors + measured.ok} submissions failed"),
        )
    )
    one.details = {
        "anchor (bare insert view)": anchor.summary(),
        "survey endpoint": measured.summary(),
        "campaigns": len(campaigns),
        "web_workers": size.web_workers,
        "worker_peak_mib_after_load": stack.worker_peak_mib(),
    }
    if size.worker_concurrency:
        one.notes.append(
            "Method 1.1: a submission to an open campaign is one INSERT and starts no task; the "
            "worker runs only for figure 4's closes, on the same cores."
        )

    p95_scores = probe.percentile(95)
    four.rows.append(
        Row.of(
            f"p95, close to released scores ({len(probe.latencies)} probes"
            + (f", {probe.timeouts} waited over {PROBE_TIMEOUT_S} s" if probe.timeouts else "")
            + ")",
            f"over {PROBE_TIMEOUT_S} s" if p95_scores == float("inf") else fmt(p95_scores, "s", 2),
            f"<= {SCORES_P95_S} s",
            "measured while figure 1's submissions run",
            not_measured("no probe was sent: " + "; ".join(probe.errors[:3]))
            if p95_scores is None
            else missed(f"the scores took over {PROBE_TIMEOUT_S} s")
            if p95_scores == float("inf")
            else at_most(p95_scores, SCORES_P95_S, "s"),
        )
    )
    four.details = {
        "latencies_s": [round(x, 3) for x in sorted(probe.latencies)],
        "timeouts": probe.timeouts,
        "errors": probe.errors[:10],
        "worker": "Celery worker on Redis" if size.worker_concurrency else "eager (embedded)",
    }
    return [one, four]
