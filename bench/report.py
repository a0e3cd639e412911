"""BENCHMARKS.md: the date, the machine, the versions, the sizes, and every figure with its
target, its anchor from the same run, and its verdict."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.config import Size
from bench.verdict import MISS, NOT_MEASURED, PASS, FigureResult

FIGURE_TITLES = {
    1: "Survey submissions: throughput under 64 clients, p95 at 150 a second (open loop)",
    2: "Recomputing everything (all campaigns and benchmarks), a quarter world and the whole",
    3: "Dashboard, compare, journey map and benchmarks pages under 16 concurrent users",
    4: "From closing a campaign to its released scores in the API, under figure 1's load",
    5: "Importing 100,000 CSV rows",
    6: "Peak memory of the worker during the full recompute",
    7: "Storage: the response table and its indexes, bytes a response",
}


def results_load(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"figures": {}, "runs": []}
    data.setdefault("figures", {})
    data.setdefault("runs", [])
    return data


def results_save(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _machine(run: Mapping[str, Any]) -> list[str]:
    machine = run.get("machine", {})
    packages = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items())
    load = run.get("load_average", {})
    return [
        f"- CPU: {machine.get('cpu')}, {machine.get('cores')} cores; "
        f"memory {machine.get('memory_gib')} GiB; {machine.get('os')}",
        f"- Load average (1, 5, 15 min) at start {load.get('start')}, at end {load.get('end')}"
        " (other processes on the machine compete for the same cores)",
        f"- Python {machine.get('python')}; {packages}",
        f"- Database: {run.get('database_version')}; Redis: {run.get('redis_version') or 'none'};"
        f" SQLite library {machine.get('sqlite')}",
        f"- Code: commit {machine.get('git_commit')} (the last run; each run's commit is listed"
        " under Sizes measured)",
    ]


def _database_settings(run: Mapping[str, Any]) -> list[str]:
    found = run.get("database_settings")
    if not found:
        return []
    listed = ", ".join(f"{name} {value}" for name, value in found.items())
    return [f"- PostgreSQL settings of the bench's sessions (bench/pg_settings.py): {listed}"]


def _heading(size: Size, last: Mapping[str, Any]) -> list[str]:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `python -m bench.run --size {size.name}`"
        + {"full": " (`make bench`)", "quick": " (`make bench-quick`)"}.get(size.name, "")
        + f" on {last.get('finished_at', 'an unknown date')}.",
    ]
    if size.name == "quick":
        lines += [
            "",
            "**Quick size: the harness at a small size on SQLite, embedded (no Redis, no worker). "
            "These figures are not judged; they prove that the benchmark code runs.**",
        ]
    elif size.name != "full":
        lines += [
            "",
            f"**{size.name.capitalize()} size: the full stack at a small size. These figures are "
            "not judged; they check the harness before a full run.**",
        ]
    return [
        *lines,
        "",
        "Every figure is a ratio against the best this machine does in the same run (its anchor), "
        "or an absolute limit, with PASS or MISS and by how much. Each figure measures its anchor "
        f"and the app alternately, {size.rounds} times each, and reports the medians with the "
        "machine's load average at each round. The load generator runs on 127.0.0.1 only, with "
        "bounded request counts and durations. Honest figures beat pretty ones: a MISS below "
        "says what missed and why.",
        "",
        "## Machine and versions",
        "",
        *_machine(last),
        *_database_settings(last),
    ]


def _sizes(size: Size, runs: list[Mapping[str, Any]]) -> list[str]:
    quarter, whole = size.recompute_sizes[0], size.largest
    lines = [
        "## Sizes measured",
        "",
        f"- The whole world: {size.districts:,} synthetic districts (`seed_scale`: one to three "
        f"past spring surveys each, every response scored by the method) and {whole:,} "
        f"responses; figure 2 also at {quarter:,} responses over "
        f"{size.districts_at(quarter):,} districts (the campaigns grow with the responses). "
        "Figures 1, 3, 4, 5 and 7 on the whole world.",
        f"- Figure 1: {size.submit_concurrency} closed-loop clients, then an open loop of "
        f"{size.submit_rate:g} arrivals a second; at most {size.submit_requests:,} requests or "
        f"{size.submit_seconds:.0f} s per phase, after {size.submit_warmup} warm-up requests; "
        f"gunicorn with {size.web_workers} sync workers"
        + (
            f", a Celery worker of concurrency {size.worker_concurrency} on Redis."
            if size.worker_concurrency
            else ", tasks run eagerly (embedded)."
        ),
        f"- Figure 3: {size.page_concurrency} users, at most {size.page_requests:,} requests or "
        f"{size.page_seconds:.0f} s per page and round. Figure 4: at most {size.probes} probes. "
        f"Figure 5: {size.import_rows:,} rows.",
    ]
    for run in runs:
        lines.append(
            f"- Run of {run.get('started_at')} to {run.get('finished_at')} at commit "
            f"{run.get('machine', {}).get('git_commit')}, load average at start "
            f"{run.get('load_average', {}).get('start')}: figures "
            f"{', '.join(str(f) for f in run.get('figures', []))}"
            + (f"; errors: {'; '.join(run['errors'])}" if run.get("errors") else "")
        )
    return lines


def _tables(figures: Mapping[int, FigureResult]) -> list[str]:
    lines = ["## Summary", "", "| # | Figure | Result |", "|---|---|---|"]
    for number, title in FIGURE_TITLES.items():
        figure = figures.get(number)
        status = figure.status if figure else NOT_MEASURED
        lines.append(f"| {number} | {title} | **{status}** |")
    lines += [
        "",
        "## Figures",
        "",
        "| # | Measure | Value | Target | Anchor (same run) | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    for number in FIGURE_TITLES:
        figure = figures.get(number)
        if figure is None:
            lines.append(f"| {number} | not measured in any run | | | | {NOT_MEASURED} |")
            continue
        for row in figure.rows:
            cells = (number, row.measure, row.value, row.target, row.anchor, row.verdict)
            lines.append("| " + " | ".join(_cell(v) for v in cells) + " |")
    return lines


def _notes(figures: Mapping[int, FigureResult]) -> list[str]:
    lines = ["## Notes and raw numbers", ""]
    for number in FIGURE_TITLES:
        figure = figures.get(number)
        if figure is None:
            continue
        lines += [f"### {number}. {figure.title}", "", f"Measured {figure.measured_at}."]
        lines += [f"- {note}" for note in figure.notes]
        if figure.details:
            lines += ["", "```json", json.dumps(figure.details, indent=2, default=str), "```"]
        lines.append("")
    return lines


def _demo(demo: Mapping[str, Any] | None) -> list[str]:
    if not demo:
        return []
    verdict = PASS if demo.get("exit") == 0 and demo["seconds"] < demo["limit_seconds"] else MISS
    return [
        "## Also measured: the demo",
        "",
        f"`manage.py seed_demo` on a fresh SQLite file, as `make run` does it (the world, its "
        f"scores and benchmarks): {demo['seconds']} s, limit {demo['limit_seconds']} s: "
        f"**{verdict}** (exit {demo.get('exit')}, peak memory {demo.get('peak_mib')} MiB; "
        f"measured {demo.get('measured_at')}).",
        "",
    ]


def _misses(figures: Mapping[int, FigureResult]) -> list[str]:
    misses = [
        f"- Figure {number}, {row.measure}: {row.verdict}."
        for number, figure in sorted(figures.items())
        for row in figure.rows
        if row.status == MISS
    ]
    return [
        "## Where the first limit is",
        "",
        *(misses or ["Every measured figure meets its target on this machine."]),
        "",
    ]


def report_render(size: Size, data: Mapping[str, Any], analysis: str | None = None) -> str:
    """The report; `analysis` is the hand-written reading of the full run (bench/analysis.md),
    which only the full size's report carries."""
    figures = {int(k): FigureResult.from_json(v) for k, v in data.get("figures", {}).items()}
    runs = data.get("runs", [])
    lines = [
        *_heading(size, runs[-1] if runs else {}),
        "",
        *_sizes(size, runs),
        "",
        *_tables(figures),
        "",
        *_notes(figures),
        *_demo(data.get("demo")),
        *_misses(figures),
    ]
    if analysis:
        lines += ["## Why, read from this run's numbers", "", analysis.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"
