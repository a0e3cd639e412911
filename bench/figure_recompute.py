"""Figures 2 and 6: recomputing everything, its time against the one-scan GROUPING SETS anchor
at a quarter world and the whole world, and its peak memory; and the database at the largest
size for the other figures.

The app is measured through its public entry point, `manage.py recompute`, in its own process;
before each timed run every stored score is cleared (bench.sql.scores_clear), so that each run
computes everything, as the first one does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from bench.config import Size
from bench.data import State, database_holds, database_reset, state_save, world_load
from bench.measure import Alternation, alternate, fmt, manage, median, now, timed_query
from bench.sql import groupby_sql, scores_clear
from bench.stack import run_measured
from bench.verdict import FigureResult, Row, Verdict, at_most, missed, not_measured
from onpoint.models import CampaignResult
from surveys.models import Campaign

RECOMPUTE_RATIO = 2
RECOMPUTE_LIMIT_S = 60
MEMORY_LIMIT_MIB = 500


@dataclass(frozen=True)
class Run:
    code: int | None  # None: stopped at the bench's time limit
    seconds: float
    peak_mib: float


@dataclass
class AtSize:
    """One size of figure 2: the world loaded, its anchor and recompute runs, alternated."""

    responses: int
    loaded: dict[str, Any]
    runs: Alternation[float, Run]
    memory_anchor: list[float] = field(default_factory=list)
    groups: int = 0

    @property
    def finished(self) -> list[Run]:
        return [run for run in self.runs.app if run.code == 0]

    @property
    def seconds(self) -> float | None:
        """The median recompute, when every run finished."""
        if not self.runs.app or len(self.finished) < len(self.runs.app):
            return None
        return median([run.seconds for run in self.finished])

    @property
    def anchor(self) -> float:
        return median(self.runs.anchor) or 0.0


def _recompute(size: Size, env: dict[str, str], n: int, memory_anchor: list[float]) -> Run:
    scores_clear()
    connection.close()  # the recompute gets the database to itself
    # The memory anchor, beside each run: the same Django process doing nothing.
    _, _, idle = run_measured(manage("check"), env=env, timeout=300, log_name="baseline-memory")
    memory_anchor.append(idle)
    code, seconds, peak = run_measured(
        manage("recompute", "--no-progress"),
        env=env,
        timeout=size.recompute_timeout,
        log_name=f"recompute-{n}",
    )
    return Run(code, seconds, peak)


def recompute_at(size: Size, env: dict[str, str], n: int) -> AtSize:
    """A fresh database with the world of `n` responses, then the anchor and the recompute in
    turn, `size.rounds` times each."""
    database_reset(size)
    loaded = world_load(size, n)
    state_save(size, State(responses=n, recomputed=False))
    memory: list[float] = []
    groups = [0]

    def anchor() -> float:
        seconds, _, groups[0] = timed_query(groupby_sql(connection.vendor), runs=1)
        return seconds

    runs = alternate(
        size.rounds,
        anchor,
        lambda: _recompute(size, env, n, memory),
        stop=lambda run: run.code is None,
    )
    done = runs.app[-1].code == 0 and not Campaign.objects.filter(scores_dirty=True).exists()
    state_save(size, State(responses=n, recomputed=done))
    return AtSize(n, loaded, runs, memory, groups[0])


def _time_verdict(at: AtSize) -> Verdict:
    if at.seconds is not None:
        return at_most(at.seconds, RECOMPUTE_RATIO * at.anchor, "s")
    stopped = [run for run in at.runs.app if run.code is None]
    if stopped:
        return missed(f"stopped unfinished at the bench's limit of {stopped[0].seconds:,.0f} s")
    codes = sorted({run.code for run in at.runs.app if run.code})
    return not_measured(
        f"recompute exited with {codes}; see var/bench/recompute-{at.responses}.log"
    )


def _anchor_name() -> str:
    if connection.vendor == "postgresql":
        return "one GROUPING SETS scan"
    return "the same groups by four GROUP BYs (SQLite has no GROUPING SETS)"


def _size_row(at: AtSize) -> Row:
    label = f"{at.responses:,} responses, {at.loaded['campaigns']:,} campaigns"
    return Row.of(
        f"Recompute at {label} (median of {len(at.runs.app)})",
        fmt(at.seconds, "s") if at.seconds is not None else "unfinished",
        f"<= {RECOMPUTE_RATIO} x anchor = {RECOMPUTE_RATIO * at.anchor:.2f} s",
        f"{_anchor_name()}, median: {at.anchor:.2f} s",
        _time_verdict(at),
    )


def _growth_row(small: AtSize, large: AtSize) -> Row:
    data_growth = large.responses / small.responses
    campaigns_growth = large.loaded["campaigns"] / max(1, small.loaded["campaigns"])
    growth = (
        None if small.seconds is None or large.seconds is None else large.seconds / small.seconds
    )
    return Row.of(
        f"Growth of the recompute time, {small.responses:,} to {large.responses:,} responses "
        f"(campaigns grew {campaigns_growth:.2f}x)",
        fmt(growth, "x", 2),
        f"<= {data_growth:.1f}x (the data's growth)",
        f"{_anchor_name()} grew {large.anchor / small.anchor:.2f}x" if small.anchor else "",
        at_most(growth, data_growth, "x")
        if growth is not None
        else not_measured("a recompute did not finish"),
    )


def _details(at: AtSize) -> dict[str, Any]:
    return {
        **at.loaded,
        "recompute_seconds_runs": [round(run.seconds, 2) for run in at.runs.app],
        "recompute_exits": [run.code for run in at.runs.app],
        "recompute_peak_mib_runs": [round(run.peak_mib, 1) for run in at.runs.app],
        "anchor_seconds_runs": [round(s, 3) for s in at.runs.anchor],
        "anchor_groups": at.groups,
        "idle_process_peak_mib_runs": [round(m, 1) for m in at.memory_anchor],
        "campaigns_scored_after_last_run": CampaignResult.objects.count(),
        **at.runs.as_json(),
    }


def figures_recompute(size: Size, env: dict[str, str]) -> list[FigureResult]:
    """Figures 2 and 6 at each size of `size.recompute_sizes`; the database is left holding the
    largest world, recomputed."""
    two = FigureResult(2, "Recomputing everything (all campaigns and benchmarks)", now())
    sizes = []
    for n in size.recompute_sizes:
        at = recompute_at(size, env, n)
        sizes.append(at)
        two.rows.append(_size_row(at))
        two.details[str(n)] = _details(at)
        two.notes.append(f"{n:,} responses: {at.runs.note()}")
    largest = sizes[-1]
    two.rows.append(
        Row.of(
            f"Recompute at {largest.responses:,} responses, absolute",
            fmt(largest.seconds, "s"),
            f"< {RECOMPUTE_LIMIT_S} s",
            "",
            at_most(largest.seconds, RECOMPUTE_LIMIT_S, "s")
            if largest.seconds is not None
            else missed("the recompute did not finish"),
        )
    )
    if len(sizes) >= 2:
        two.rows.append(_growth_row(sizes[0], sizes[-1]))
    return [two, figure_memory(largest)]


def figure_memory(at: AtSize) -> FigureResult:
    six = FigureResult(6, "Peak memory of the full recompute", now())
    peaks = [run.peak_mib for run in at.runs.app]
    peak = max(peaks) if peaks else None
    idle = median(at.memory_anchor)
    six.rows.append(
        Row.of(
            f"Peak memory, recompute at {at.responses:,} responses (largest of {len(peaks)} runs)",
            fmt(peak, "MiB", 0),
            f"<= {MEMORY_LIMIT_MIB} MiB",
            "the same Django process doing nothing (manage.py check), median: "
            + fmt(idle, "MiB", 0),
            at_most(peak, MEMORY_LIMIT_MIB, "MiB"),
        )
    )
    six.details = {
        "peak_mib_runs": [round(p, 1) for p in peaks],
        "idle_peak_mib_runs": [round(m, 1) for m in at.memory_anchor],
    }
    six.notes += [
        "The peak resident set (VmHWM, sampled every 50 ms) of `manage.py recompute`, the process "
        "that runs the worker's own rescore for every campaign and the benchmarks.",
        at.runs.note(),
    ]
    return six


def ensure_data(size: Size, state: State, env: dict[str, str]) -> State:
    """The database at the largest size and recomputed, as figures 1, 3, 4 and 5 need it."""
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
