"""Figures 2 and 6: recomputing everything, its time against the GROUP BY anchor and its peak
memory; and the database at the largest size for the other figures."""

from __future__ import annotations

from django.db import connection

from bench.config import Size
from bench.data import (
    State,
    database_reset,
    state_save,
    world_load,
)
from bench.measure import fmt, manage, now, timed_query
from bench.sql import groupby_sql
from bench.stack import run_measured
from bench.verdict import FigureResult, Row, at_most, missed, not_measured
from onpoint.models import CampaignResult
from surveys.models import SCORE_COLUMNS, Campaign, Response

RECOMPUTE_RATIO = 2
RECOMPUTE_LIMIT_S = 60
MEMORY_LIMIT_MIB = 500


def figures_recompute(size: Size, env: dict[str, str]) -> list[FigureResult]:
    """Figures 2 and 6: at each size, a fresh database, the world loaded, the anchor, then
    `manage.py recompute` in its own process (time, and peak memory from the kernel)."""
    two = FigureResult(2, "Recomputing everything (all campaigns and benchmarks)", now())
    six = FigureResult(6, "Peak memory of the full recompute", now())
    timings: dict[int, tuple[float | None, float]] = {}
    peak = None
    for n in size.recompute_sizes:
        database_reset(size)
        loaded = world_load(size, n)
        state_save(size, State(responses=n, recomputed=False))
        anchor, anchor_runs, groups = timed_query(groupby_sql(connection.vendor))
        plain, _, _ = timed_query(
            f"SELECT campaign_id, COUNT(*), {', '.join(f'AVG({c})' for c in SCORE_COLUMNS)} "  # noqa: S608
            f"FROM {connection.ops.quote_name(Response._meta.db_table)} GROUP BY campaign_id",
            runs=1,
        )
        connection.close()  # the recompute gets the database to itself
        code, seconds, peak = run_measured(
            manage("recompute", "--no-progress"),
            env=env,
            timeout=size.recompute_timeout,
            log_name=f"recompute-{n}",
        )
        finished = code == 0
        left_dirty = Campaign.objects.filter(scores_dirty=True).count()
        scored = CampaignResult.objects.count()
        state_save(size, State(responses=n, recomputed=finished and not left_dirty))
        timings[n] = (seconds if finished else None, anchor)
        label = f"{n:,} responses, {loaded['campaigns']:,} campaigns"
        if finished:
            verdict = at_most(seconds, RECOMPUTE_RATIO * anchor, "s")
        elif code is None:
            verdict = missed(f"stopped unfinished at the bench's limit of {seconds:,.0f} s")
        else:
            verdict = not_measured(f"recompute exited with {code}; see var/bench/recompute-{n}.log")
        two.rows.append(
            Row.of(
                f"Recompute at {label}",
                fmt(seconds, "s") + ("" if finished else " (unfinished)"),
                f"<= {RECOMPUTE_RATIO} x anchor = {RECOMPUTE_RATIO * anchor:.2f} s",
                f"one GROUP BY: {anchor:.2f} s",
                verdict,
            )
        )
        two.details[str(n)] = {
            **loaded,
            "recompute_seconds": round(seconds, 1),
            "recompute_exit": code,
            "recompute_peak_mib": round(peak, 1),
            "campaigns_scored": scored,
            "campaigns_left_dirty": left_dirty,
            "anchor_seconds_runs": anchor_runs,
            "anchor_groups": groups,
            "plain_group_by_campaign_seconds": round(plain, 3),
        }
    largest = size.largest
    seconds_largest, _ = timings[largest]
    two.rows.append(
        Row.of(
            f"Recompute at {largest:,} responses, absolute",
            fmt(seconds_largest, "s"),
            f"< {RECOMPUTE_LIMIT_S} s",
            "",
            at_most(seconds_largest, RECOMPUTE_LIMIT_S, "s")
            if seconds_largest is not None
            else missed("the recompute did not finish"),
        )
    )
    if len(size.recompute_sizes) >= 2:
        smallest = size.recompute_sizes[0]
        small_s, small_anchor = timings[smallest]
        large_s, large_anchor = timings[largest]
        data_growth = largest / smallest
        growth = None if small_s is None or large_s is None else large_s / small_s
        two.rows.append(
            Row.of(
                f"Growth of the recompute time, {smallest:,} to {largest:,} responses",
                fmt(growth, "x", 2),
                f"<= {data_growth:.1f}x (the data's growth)",
                f"GROUP BY grew {large_anchor / small_anchor:.2f}x",
                at_most(growth, data_growth, "x")
                if growth is not None
                else not_measured("a recompute did not finish"),
            )
        )
    _, _, baseline = run_measured(manage("check"), env=env, timeout=300, log_name="baseline-memory")
    six.rows.append(
        Row.of(
            f"Peak memory, recompute at {largest:,} responses",
            fmt(peak, "MiB", 0),
            f"<= {MEMORY_LIMIT_MIB} MiB",
            f"the same Django process doing nothing (manage.py check): {baseline:.0f} MiB",
            at_most(peak, MEMORY_LIMIT_MIB, "MiB"),
        )
    )
    six.notes.append(
        "Measured as the peak resident set (ru_maxrss) of `manage.py recompute`, the process "
        "that runs the worker's own services for every campaign and the benchmarks; figure 1 "
        "also records the Celery worker's peak while it recomputes under load."
    )
    return [two, six]


def ensure_data(size: Size, state: State, env: dict[str, str]) -> State:
    """The database at the largest size and recomputed, as figures 1, 3, 4 and 5 need it."""
    from bench.data import database_holds

    if state.responses == size.largest and state.recomputed and database_holds(size, state):
        return state
    database_reset(size)
    world_load(size, size.largest)
    state_save(size, State(responses=size.largest, recomputed=False))
    connection.close()
    code, _, _ = run_measured(
        manage("recompute", "--no-progress"),
        env=env,
        timeout=size.recompute_timeout,
        log_name="recompute-setup",
    )
    state = State(responses=size.largest, recomputed=code == 0)
    state_save(size, state)
    return state
