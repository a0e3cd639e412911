"""Figures 1 and 4: survey submissions against the bare insert view, and the probes of figure 4
while the submissions run.

Figure 1 has two parts (issue 13): throughput under `submit_concurrency` closed-loop clients,
against the bare view's; and p95 at an open-loop arrival of `submit_rate` submissions a second,
the bare view measured the same way beside it. Each part alternates the bare view and the
survey endpoint, `size.rounds` times each; figure 4's probes run during every survey phase."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from bench.config import Size
from bench.data import Fixtures, answer_pool
from bench.loadgen import LoadResult, Request
from bench.measure import (
    JSON,
    PROBE_TIMEOUT_S,
    Alternation,
    alternate,
    fmt,
    load_run,
    median,
    ms,
    now,
    open_load_run,
)
from bench.probe import POLL_S, Probe, ProbeLog, probe_campaigns_prepare
from bench.stack import Stack
from bench.urls import BARE_INSERT_PATH
from bench.verdict import FigureResult, Row, Verdict, at_least, at_most, missed, not_measured

SUBMIT_RATIO = 0.8
SUBMIT_P95_MS = 100
SCORES_P95_S = 2
MIN_PROBES = 30
TOP_UP_PHASES = 4  # each three times a figure 1 phase: a probe straddling two costs less

Maker = Callable[[int], Request]
Rounds = Alternation[LoadResult, LoadResult]


def _body(role: str, school: str | None, answers: dict[str, int | None]) -> bytes:
    return json.dumps({"role": role, "school": school, "answers": answers}).encode()


def request_makers(fixtures: Fixtures) -> tuple[Maker, Maker]:
    """The i-th request to the bare view, and to the survey endpoint: the same people's answers
    to the bench's open campaigns, in turn."""
    people = answer_pool(2000)
    campaigns = fixtures.submit_campaigns
    rng = random.Random("bench-schools")
    schools = [rng.choice(names) if names else None for _, _, names in campaigns]

    def bare(i: int) -> Request:
        role, answers = people[i % len(people)]
        path = BARE_INSERT_PATH.format(campaign_id=campaigns[i % len(campaigns)][0])
        return Request("POST", path, _body(role, None, answers), JSON)

    def real(i: int) -> Request:
        token = campaigns[i % len(campaigns)][1]
        role, answers = people[i % len(people)]
        body = _body(role, schools[i % len(campaigns)], answers)
        return Request("POST", f"/api/v1/surveys/{token}/responses/", body, JSON)

    return bare, real


class Probing:
    """Runs figure 4's probes during each phase of the survey endpoint's load."""

    def __init__(self, stack: Stack, fixtures: Fixtures, limit: int) -> None:
        self.stack, self.fixtures = stack, fixtures
        self.campaigns = probe_campaigns_prepare(stack.port, fixtures, limit)
        self.log = ProbeLog()
        self.extra_phases = 0

    def top_up(self, phase: Callable[[], LoadResult]) -> None:
        """More phases of the survey endpoint's load (not counted in figure 1) until the probes
        reach MIN_PROBES, or TOP_UP_PHASES more phases: figure 4 needs its 30 probes. A probe
        still waiting when its phase ends finishes without the load (a phase joins its probe)."""
        while (
            self.log.done < MIN_PROBES
            and self.campaigns
            and self.extra_phases < TOP_UP_PHASES
            and not self.log.errors
        ):
            self.extra_phases += 1
            self.during(phase)

    def during(self, phase: Callable[[], LoadResult]) -> LoadResult:
        probe = Probe(self.stack.port, self.fixtures, self.campaigns, self.log)
        probe.start()
        try:
            return phase()
        finally:
            probe.stop.set()
            probe.join(timeout=PROBE_TIMEOUT_S * 2)


def figures_submissions(size: Size, stack: Stack, fixtures: Fixtures) -> list[FigureResult]:
    bare, real = request_makers(fixtures)
    closed = {
        "concurrency": size.submit_concurrency,
        "max_requests": size.submit_requests,
        "max_seconds": size.submit_seconds,
    }
    load_run(stack.port, bare, size, **closed | {"max_requests": size.submit_warmup})
    load_run(stack.port, real, size, **closed | {"max_requests": size.submit_warmup})
    probing = Probing(stack, fixtures, size.probes)
    throughput = alternate(
        size.rounds,
        lambda: load_run(stack.port, bare, size, **closed),
        lambda: probing.during(lambda: load_run(stack.port, real, size, **closed)),
    )

    def arrivals(make: Maker) -> LoadResult:
        return open_load_run(
            stack.port,
            make,
            rate=size.submit_rate,
            requests=size.submit_requests,
            seconds=size.submit_seconds,
        )

    latency = alternate(
        size.rounds, lambda: arrivals(bare), lambda: probing.during(lambda: arrivals(real))
    )
    one = figure_submissions(size, stack, throughput, latency)
    longer = closed | {
        "max_requests": 3 * size.submit_requests,
        "max_seconds": 3 * size.submit_seconds,
    }
    probing.top_up(lambda: load_run(stack.port, real, size, **longer))
    return [one, figure_release(size, probing)]


def _p95s(results: list[LoadResult]) -> float | None:
    return median([p for p in (ms(r.percentile(95)) for r in results) if p is not None])


def _throughput_row(size: Size, rounds: Rounds) -> Row:
    anchor = median([r.throughput for r in rounds.anchor]) or 0.0
    app = median([r.throughput for r in rounds.app]) or 0.0
    ratio = app / anchor if anchor else None
    return Row.of(
        f"Throughput vs the bare insert view, {size.submit_concurrency} closed-loop clients "
        f"(medians of {len(rounds.app)})",
        fmt(ratio, "x", 2) + f" ({app:,.0f} req/s)",
        f">= {SUBMIT_RATIO} x anchor",
        f"bare view inserting one row: {anchor:,.0f} req/s",
        at_least(ratio, SUBMIT_RATIO, "x"),
    )


def _latency_row(size: Size, rounds: Rounds) -> Row:
    p95 = _p95s(rounds.app)
    ok = sum(r.ok for r in rounds.app)
    errors = sum(r.failed for r in rounds.app)
    return Row.of(
        f"p95 latency at an open-loop {size.submit_rate:g} submissions/s, from each scheduled "
        f"time (median of {len(rounds.app)} rounds, {ok:,} submissions"
        + (f", {errors} failed" if errors else "")
        + ")",
        fmt(p95, "ms"),
        f"<= {SUBMIT_P95_MS} ms",
        f"bare view at the same arrivals, p95 median: {fmt(_p95s(rounds.anchor), 'ms')}",
        at_most(p95, SUBMIT_P95_MS, "ms")
        if not errors
        else missed(f"{errors} of {errors + ok} submissions failed"),
    )


def figure_submissions(
    size: Size, stack: Stack, throughput: Rounds, latency: Rounds
) -> FigureResult:
    one = FigureResult(1, "Survey submissions", now())
    one.rows += [_throughput_row(size, throughput), _latency_row(size, latency)]
    one.details = {
        "closed loop, bare view": [r.summary() for r in throughput.anchor],
        "closed loop, survey endpoint": [r.summary() for r in throughput.app],
        "open loop, bare view": [r.summary() for r in latency.anchor],
        "open loop, survey endpoint": [r.summary() for r in latency.app],
        "closed loop": throughput.as_json(),
        "open loop": latency.as_json(),
        "web_workers": size.web_workers,
        "worker_peak_mib_after_load": stack.worker_peak_mib(),
    }
    one.notes += [
        f"Closed loop: {throughput.note()}",
        f"Open loop: {latency.note()}",
        f"Figure 4's probes (campaigns opened and answered through the API before the load, "
        f"then closed one at a time and their scores polled every {int(1000 * POLL_S)} ms) "
        "run during every survey phase, on the same cores.",
    ]
    return one


def _release_verdict(log: ProbeLog, p95: float | None) -> Verdict:
    if p95 is None:
        return not_measured("no probe finished: " + "; ".join(log.errors[:3]))
    if p95 == float("inf"):
        return missed(f"the scores took over {PROBE_TIMEOUT_S} s")
    if p95 > SCORES_P95_S:
        return at_most(p95, SCORES_P95_S, "s")
    if log.done < MIN_PROBES:
        return not_measured(f"{log.done} probes finished, the figure needs {MIN_PROBES}")
    return at_most(p95, SCORES_P95_S, "s")


def figure_release(size: Size, probing: Probing) -> FigureResult:
    four = FigureResult(4, "From closing a campaign to its released scores", now())
    log = probing.log
    p95 = log.percentile(95)
    four.rows.append(
        Row.of(
            f"p95, close (PATCH) to released scores in the API ({len(log.latencies)} probes"
            + (f", {log.timeouts} waited over {PROBE_TIMEOUT_S} s" if log.timeouts else "")
            + ")",
            f"over {PROBE_TIMEOUT_S} s" if p95 == float("inf") else fmt(p95, "s", 2),
            f"<= {SCORES_P95_S} s over >= {MIN_PROBES} probes",
            "measured while figure 1's submissions run",
            _release_verdict(log, p95),
        )
    )
    four.details = {
        "latencies_s": [round(x, 3) for x in sorted(log.latencies)],
        "timeouts": log.timeouts,
        "errors": log.errors[:10],
        "worker": "Celery worker on Redis" if size.worker_concurrency else "eager (embedded)",
        "extra_closed_loop_phases": probing.extra_phases,
    }
    four.notes.append(
        f"The probes ran during figure 1's {2 * size.rounds} phases of the survey endpoint"
        + (
            f" and {probing.extra_phases} more phases of its closed-loop load, run only to "
            f"reach {MIN_PROBES} probes"
            if probing.extra_phases
            else ""
        )
        + "."
    )
    return four
