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
    1: "Survey submissions under 64 concurrent clients (gunicorn, PostgreSQL)",
    2: "Recomputing everything (all campaigns and benchmarks)",
    3: "The campaign dashboard and the compare page under 16 concurrent users",
    4: "From a submission to its campaign's scores updated by a real worker",
    5: "Importing 100,000 CSV rows",
    6: "Peak memory of the worker during the full recompute",
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


def report_render(size: Size, data: Mapping[str, Any], analysis: str | None = None) -> str:  # noqa: C901 - the report's sections, one branch each, read top to bottom
    """The report; `analysis` is the hand-written reading of the full run (bench/analysis.md),
    which only the full size's report carries."""
    figures = {int(k): FigureResult.from_json(v) for k, v in data.get("figures", {}).items()}
    runs = data.get("runs", [])
    last = runs[-1] if runs else {}
    judged = size.name == "full"
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
    elif not judged:
        lines += [
            "",
            f"**{size.name.capitalize()} size: the full stack at a small size. These figures are "
            "not judged; they check the harness before a full run.**",
        ]
    lines += [
        "",
        "Every figure is a ratio against the best this machine does in the same run (its anchor), "
        "or an absolute limit, with PASS or MISS and by how much. The load generator runs on "
        "127.0.0.1 only, with bounded request counts and durations. Honest figures beat pretty "
        "ones: a MISS below says what missed and why.",
        "",
        "## Machine and versions",
        "",
        *_machine(last),
        "",
        "## Sizes measured",
        "",
        f"- {size.districts:,} synthetic districts (`seed_scale`: one to three past spring "
        "surveys each, every response scored by the method); recompute measured at "
        + " and ".join(f"{n:,}" for n in size.recompute_sizes)
        + " responses; figures 1, 3, 4 and 5 on the largest.",
        f"- Figure 1: {size.submit_concurrency} clients, at most {size.submit_requests:,} "
        f"requests or {size.submit_seconds:.0f} s per phase, after {size.submit_warmup} warm-up "
        f"requests; gunicorn with {size.web_workers} sync workers"
        + (
            f", a Celery worker of concurrency {size.worker_concurrency} on Redis."
            if size.worker_concurrency
            else ", tasks run eagerly (embedded)."
        ),
        f"- Figure 3: {size.page_concurrency} users, at most {size.page_requests:,} requests or "
        f"{size.page_seconds:.0f} s per page. Figure 4: at most {size.probes} probes. "
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
    lines += [
        "",
        "## Summary",
        "",
        "| # | Figure | Result |",
        "|---|---|---|",
    ]
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
            lines.append(
                "| "
                + " | ".join(
                    _cell(v)
                    for v in (number, row.measure, row.value, row.target, row.anchor, row.verdict)
                )
                + " |"
            )
    lines += ["", "## Notes and raw numbers", ""]
    for number in FIGURE_TITLES:
        figure = figures.get(number)
        if figure is None:
            continue
        lines += [f"### {number}. {figure.title}", "", f"Measured {figure.measured_at}."]
        lines += [f"- {note}" for note in figure.notes]
        if figure.details:
            lines += ["", "```json", json.dumps(figure.details, indent=2, default=str), "```"]
        lines.append("")
    demo = data.get("demo")
    if demo:
        verdict = (
            PASS if demo.get("exit") == 0 and demo["seconds"] < demo["limit_seconds"] else MISS
        )
        lines += [
            "## Also measured: the demo",
            "",
            f"`manage.py seed_demo` on a fresh SQLite file, as `make run` does it (the world, its "
            f"scores and benchmarks): {demo['seconds']} s, limit {demo['limit_seconds']} s: "
            f"**{verdict}** (exit {demo.get('exit')}, peak memory {demo.get('peak_mib')} MiB; "
            f"measured {demo.get('measured_at')}).",
            "",
        ]
    misses = [
        f"- Figure {number}, {row.measure}: {row.verdict}."
        for number, figure in sorted(figures.items())
        for row in figure.rows
        if row.status == MISS
    ]
    lines += ["## Where the first limit is", ""]
    lines += misses or ["Every measured figure meets its target on this machine."]
    lines.append("")
    if analysis:
        lines += ["## Why, read from this run's numbers", "", analysis.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"
