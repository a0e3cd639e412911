"""`python -m bench.run --size full|quick [--only 1,3] [--no-demo]`: measure, then write the report.

    full   PostgreSQL (BENCH_DATABASE_URL, default database journeys_bench on 127.0.0.1, dropped
           and created by the bench), Redis (BENCH_REDIS_URL, default database 13, flushed),
           gunicorn and a Celery worker: the figures of BENCHMARKS.md, judged.
    quick  the same harness at a small size on SQLite, embedded, in a few minutes (CI): written
           to var/bench/BENCHMARKS-quick.md, not judged.
    smoke  the full stack (PostgreSQL, Redis, gunicorn, worker) at a small size, in minutes: a
           check of the full harness before a long run; var/bench/BENCHMARKS-smoke.md, not judged.

Figures are measured in groups that share their setup: 2, 6 and 7 (the recomputes give 2 and
6; the storage, 7, is read on the world they leave),
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.config import CLEARED, REDIS_URL, ROOT, SIZES, WORK_DIR, Size, app_environment

if TYPE_CHECKING:
    from bench.verdict import FigureResult

FIGURES = frozenset(range(1, 8))
RECOMPUTE_GROUP = frozenset({2, 6, 7})
GROUPS: tuple[frozenset[int], ...] = (
    RECOMPUTE_GROUP,
    frozenset({3}),
    frozenset({1, 4}),
    frozenset({5}),
)
BAD_ONLY = "--only takes figure numbers from 1 to 7, separated by commas, e.g. --only 1,4"


def figures_parse(text: str | None) -> set[int]:
    if not text:
        return set(FIGURES)
    try:
        chosen = {int(part) for part in text.split(",") if part.strip()}
    except ValueError as error:
        raise argparse.ArgumentTypeError(BAD_ONLY) from error
    if not chosen or not chosen <= FIGURES:
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
    """The hand-written reading of the full run, kept beside the code (bench/analysis.md) and
    written from that run's numbers after it; the reading of an earlier run with other figures
    is kept under docs/ and never carried into a new report."""
    path = ROOT / "bench" / "analysis.md"
    if size.name != "full" or not path.exists():
        return None
    return path.read_text()


@dataclass
class Session:
    """One run of the bench: what it measures, with which environment, and what it found."""

    size: Size
    chosen: set[int]
    env: dict[str, str]
    results: dict[str, Any]
    run: dict[str, Any]

    def record(self, new: list[FigureResult]) -> None:
        from bench.report import results_save

        for figure in new:
            self.results["figures"][str(figure.figure)] = figure.as_json()
        results_save(self.size.results_file, self.results)

    def attempt(self, group: frozenset[int], work: Callable[[], list[FigureResult]]) -> None:
        """Measure a group of figures; a failure is reported with the run, never hidden, and the
        other groups are still measured."""
        try:
            self.record(work())
        except Exception as error:
            traceback.print_exc()
            self.run["errors"].append(f"figures {sorted(group)}: {type(error).__name__}: {error}")


def session_start(size: Size, chosen: set[int], env: dict[str, str]) -> Session:
    from django.utils import timezone

    from bench.machine import load_average, machine_facts, redis_version
    from bench.report import results_load

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
    return Session(size, chosen, env, results_load(size.results_file), run)


def measure_recompute(session: Session) -> None:
    """Figures 2, 6 and 7: the quarter world and the whole world, each recomputed in rounds;
    the storage read on the whole world they leave behind."""
    from bench import figure_recompute, figure_storage

    size, env = session.size, session.env
    print("Figures 2, 6 and 7: recompute at", size.recompute_sizes, flush=True)
    session.attempt(
        frozenset(RECOMPUTE_GROUP),
        lambda: [
            *figure_recompute.figures_recompute(size, env),
            figure_storage.figure_storage(size),
        ],
    )


def measure_served(session: Session) -> None:
    """Figures 3, 1 and 4 on gunicorn (and the worker), and 5, on the whole world recomputed."""
    from django.core.management import call_command
    from django.db import connection

    from bench import data, figure_import, figure_pages, figure_recompute, figure_submissions
    from bench.stack import Stack

    size, chosen = session.size, session.chosen
    figure_recompute.ensure_data(size, data.state_load(size), session.env)
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
        with Stack(size, session.env) as stack:
            if 3 in chosen:
                print("Figure 3: pages", flush=True)
                session.attempt(
                    frozenset({3}),
                    lambda: [figure_pages.figure_pages(size, stack, fixtures, cookie)],
                )
            if {1, 4} & chosen:
                print("Figures 1 and 4: submissions, and closes to released scores", flush=True)
                session.attempt(
                    frozenset({1, 4}),
                    lambda: figure_submissions.figures_submissions(size, stack, fixtures),
                )
    if 5 in chosen:
        print("Figure 5: import", flush=True)
        session.attempt(frozenset({5}), lambda: [figure_import.figure_import(size, fixtures)])


def measure_demo(session: Session) -> None:
    from django.utils import timezone

    from bench import demo_timing

    print("The demo: seed_demo on SQLite", flush=True)
    try:
        demo = demo_timing.demo_timing(session.env)
        demo["measured_at"] = timezone.now().isoformat(timespec="seconds")
        session.results["demo"] = demo
    except Exception as error:
        traceback.print_exc()
        session.run["errors"].append(f"demo: {type(error).__name__}: {error}")


def session_finish(session: Session) -> int:
    """The database's version and settings, the load at the end; the results and the report."""
    from django.db import connection
    from django.utils import timezone

    from bench.machine import load_average
    from bench.pg_settings import settings_read
    from bench.report import report_render, results_save

    run, size = session.run, session.size
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            run["database_version"] = cursor.fetchone()[0]
            run["database_settings"] = settings_read(cursor)
        else:
            run["database_version"] = "SQLite (embedded)"
    run["load_average"]["end"] = load_average()
    run["finished_at"] = timezone.now().isoformat(timespec="seconds")
    session.results["runs"] = [*session.results.get("runs", [])[-4:], run]
    results_save(size.results_file, session.results)
    size.output.write_text(report_render(size, session.results, analysis_text(size)))
    print(f"Wrote {size.output}", flush=True)
    for problem in run["errors"]:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if run["errors"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    size = SIZES[args.size]
    chosen: set[int] = args.only or figures_parse(None)
    env = environment_apply(size)

    import django

    django.setup()
    # Imported after setup: they import the app's models.
    from bench.report import report_render, results_load

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        results = results_load(size.results_file)
        size.output.write_text(report_render(size, results, analysis_text(size)))
        print(f"Wrote {size.output}", flush=True)
        return 0
    session = session_start(size, chosen, env)
    if RECOMPUTE_GROUP & chosen:
        measure_recompute(session)
    if chosen - RECOMPUTE_GROUP:
        measure_served(session)
    if not args.no_demo:
        measure_demo(session)
    return session_finish(session)


if __name__ == "__main__":
    sys.exit(main())
