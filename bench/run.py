"""`python -m bench.run --size full|quick [--only 1,3] [--no-demo]`: measure, then write the report.

    full   PostgreSQL (BENCH_DATABASE_URL, default database journeys_bench on 127.0.0.1, dropped
           and created by the bench), Redis (BENCH_REDIS_URL, default database 13, flushed),
           gunicorn and a Celery worker: the figures of BENCHMARKS.md, judged.
    quick  the same harness at a small size on SQLite, embedded, in a few minutes (CI): written
           to var/bench/BENCHMARKS-quick.md, not judged.
    smoke  the full stack (PostgreSQL, Redis, gunicorn, worker) at a small size, in minutes: a
           check of the full harness before a long run; var/bench/BENCHMARKS-smoke.md, not judged.

Figures are measured in groups that share their setup: 2 and 6 (one recompute gives both),
1 and 4 (the probes of 4 run while the clients of 1 submit), 3, and 5. `--only` measures some
groups again and keeps the other figures from the last run (var/bench/results-<size>.json), so
a long full run can be resumed or a figure re-measured; the database is reused when it already
holds the largest size, recomputed.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from bench.config import CLEARED, REDIS_URL, ROOT, SIZES, WORK_DIR, Size, app_environment

GROUPS: tuple[frozenset[int], ...] = (
    frozenset({2, 6}),
    frozenset({3}),
    frozenset({1, 4}),
    frozenset({5}),
)
BAD_ONLY = "--only takes figure numbers from 1 to 6, separated by commas, e.g. --only 1,4"


def figures_parse(text: str | None) -> set[int]:
    if not text:
        return {1, 2, 3, 4, 5, 6}
    try:
        chosen = {int(part) for part in text.split(",") if part.strip()}
    except ValueError as error:
        raise argparse.ArgumentTypeError(BAD_ONLY) from error
    if not chosen or not chosen <= {1, 2, 3, 4, 5, 6}:
        raise argparse.ArgumentTypeError(BAD_ONLY)
    # A figure is measured with the others of its group.
    return set().union(*(group for group in GROUPS if group & chosen))


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parse.add_argument("--size", choices=sorted(SIZES), default="quick")
    parse.add_argument("--only", type=figures_parse, default=None, help="e.g. 1,4 or 2")
    parse.add_argument("--no-demo", action="store_true", help="Skip timing seed_demo.")
    parse.add_argument(
        "--report-only",
        action="store_true",
        help="Measure nothing: write the report again from the stored results.",
    )
    return parse


def environment_apply(size: Size) -> dict[str, str]:
    """The app's environment for this size, in this process and for every process it starts."""
    for name in CLEARED:
        os.environ.pop(name, None)
    app = app_environment(size)
    os.environ.update(app)
    return dict(os.environ)


def analysis_text(size: Size) -> str | None:
    """The hand-written reading of the last full run, kept beside the code (bench/analysis.md)."""
    path = ROOT / "bench" / "analysis.md"
    if size.name != "full" or not path.exists():
        return None
    return path.read_text()


def main(argv: Sequence[str] | None = None) -> int:  # noqa: C901 - the harness's options, one branch each
    args = parser().parse_args(argv)
    size = SIZES[args.size]
    chosen: set[int] = args.only or figures_parse(None)
    env = environment_apply(size)

    import django

    django.setup()
    # Imported after setup: they import the app's models.
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import (
        data,
        demo_timing,
        figure_import,
        figure_pages,
        figure_recompute,
        figure_submissions,
    )
    from bench.machine import load_average, machine_facts, redis_version
    from bench.report import report_render, results_load, results_save
    from bench.stack import Stack

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    results = results_load(size.results_file)
    if args.report_only:
        size.output.write_text(report_render(size, results, analysis_text(size)))
        print(f"Wrote {size.output}", flush=True)
        return 0
    run: dict[str, Any] = {
        "started_at": timezone.now().isoformat(timespec="seconds"),
        "figures": sorted(chosen),
        "machine": machine_facts(),
        "load_average": {"start": load_average()},
        "errors": [],
    }
    if size.engine == "postgresql":
        import redis

        # The bench's own Redis database: no task or debounce key of an earlier run lingers.
        redis.Redis.from_url(REDIS_URL).flushdb()
        run["redis_version"] = redis_version(REDIS_URL)

    def record(new: list[Any]) -> None:
        for figure in new:
            results["figures"][str(figure.figure)] = figure.as_json()
        results_save(size.results_file, results)

    def attempt(group: frozenset[int], work: Any) -> None:
        try:
            record(work())
        except Exception as error:
            traceback.print_exc()
            run["errors"].append(f"figures {sorted(group)}: {type(error).__name__}: {error}")

    state = data.state_load(size)
    if {2, 6} & chosen:
        print("Figures 2 and 6: recompute at", size.recompute_sizes, flush=True)
        attempt(frozenset({2, 6}), lambda: figure_recompute.figures_recompute(size, env))
        state = data.state_load(size)
    if chosen - {2, 6}:
        state = figure_recompute.ensure_data(size, state, env)
        fixtures = data.fixtures_ensure()
        if size.engine == "postgresql":
            import redis

            # Creating the bench's own campaigns queued their (empty) recomputes and a national
            # benchmark rebuild; dropped, so that the worker does not run that one-off rebuild
            # while figures 3, 1 and 4 are measured. Their scores change nothing: the campaigns
            # are new, open and empty.
            redis.Redis.from_url(REDIS_URL).flushdb()
        cookie = data.session_cookie(fixtures.consultant_id)
        call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()
        if {1, 3, 4} & chosen:
            with Stack(size, env) as stack:
                if 3 in chosen:
                    print("Figure 3: pages", flush=True)
                    attempt(
                        frozenset({3}),
                        lambda: [figure_pages.figure_pages(size, stack, fixtures, cookie)],
                    )
                if {1, 4} & chosen:
                    print("Figures 1 and 4: submissions", flush=True)
                    attempt(
                        frozenset({1, 4}),
                        lambda: figure_submissions.figures_submissions(size, stack, fixtures),
                    )
        if 5 in chosen:
            print("Figure 5: import", flush=True)
            attempt(frozenset({5}), lambda: [figure_import.figure_import(size, fixtures)])
    if not args.no_demo:
        print("The demo: seed_demo on SQLite", flush=True)
        try:
            demo = demo_timing.demo_timing(env)
            demo["measured_at"] = timezone.now().isoformat(timespec="seconds")
            results["demo"] = demo
        except Exception as error:
            traceback.print_exc()
            run["errors"].append(f"demo: {type(error).__name__}: {error}")

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        run["database_version"] = (
            cursor.fetchone()[0] if connection.vendor == "postgresql" else "SQLite (embedded)"
        )
    run["load_average"]["end"] = load_average()
    run["finished_at"] = timezone.now().isoformat(timespec="seconds")
    results["runs"] = [*results.get("runs", [])[-4:], run]
    results_save(size.results_file, results)
    size.output.write_text(report_render(size, results, analysis_text(size)))
    print(f"Wrote {size.output}", flush=True)
    for problem in run["errors"]:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if run["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
