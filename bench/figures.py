"""The six figures of issue 7, each with its anchor measured in the same run.

1. Survey submissions under 64 concurrent clients vs a bare Django view inserting one row.
2. Recomputing everything at two sizes vs one hand-written SQL GROUP BY over the same table.
3. The campaign dashboard and the compare page under 16 users (p95, queries per page).
4. Submission to scores updated by a real worker, while 64 clients submit (with figure 1).
5. Importing CSV rows vs PostgreSQL COPY of the same file.
6. Peak memory of the full recompute (with figure 2).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import random
import statistics
import threading
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench import data
from bench.config import ROOT, Size
from bench.data import (
    Fixtures,
    State,
    answer_pool,
    database_reset,
    import_file,
    state_save,
    world_load,
)
from bench.loadgen import LoadResult, Request, load, send
from bench.middleware import QUERIES_HEADER
from bench.stack import HOST, Stack, run_measured
from bench.urls import BARE_INSERT_PATH
from bench.verdict import FigureResult, Row, at_least, at_most, missed, not_measured
from onpoint.models import CampaignResult
from surveys.models import SCORE_COLUMNS, Campaign, Response

SUBMIT_RATIO = 0.8
SUBMIT_P95_MS = 100
RECOMPUTE_RATIO = 2
RECOMPUTE_LIMIT_S = 60
PAGE_P95_MS = 200
PAGE_QUERIES = 10
SCORES_P95_S = 2
IMPORT_RATIO = 5
MEMORY_LIMIT_MIB = 500
PROBE_TIMEOUT_S = 30
JSON = (("Content-Type", "application/json"),)
SIGNED_OUT = "The bench consultant's session cookie was not accepted"


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "not measured" if value is None else f"{value:,.{digits}f} {unit}"


def _manage(*args: str) -> list[str]:
    return [str(ROOT / "manage.py"), *args]


# --- figure 2 and 6: recompute everything ---------------------------------------------------------


def groupby_sql(vendor: str) -> str:
    """The anchor: one hand-written aggregate over the responses table computing what the
    recompute needs, every score's sum and count (integers in 1/36 point on the compact row, so
    the mean is exact; issue 13) for each campaign, each campaign's schools and each campaign's
    roles. The first column tells the breakdown apart (3 whole, 1 school,
    2 role). PostgreSQL does it in one GROUP BY GROUPING SETS; SQLite has no grouping sets, so
    there it is the same three GROUP BYs joined by UNION ALL."""
    table = connection.ops.quote_name(Response._meta.db_table)
    aggregates = ", ".join(f"SUM({c}), COUNT({c})" for c in SCORE_COLUMNS)
    if vendor == "postgresql":
        return (
            "SELECT GROUPING(school_id, role), campaign_id, school_id, role, COUNT(*), "  # noqa: S608
            f"{aggregates} FROM {table} GROUP BY GROUPING SETS "
            "((campaign_id), (campaign_id, school_id), (campaign_id, role))"
        )
    return " UNION ALL ".join(
        f"SELECT {kind}, campaign_id, {school}, {role}, COUNT(*), {aggregates} "  # noqa: S608
        f"FROM {table} GROUP BY {group}"
        for kind, school, role, group in (
            (3, "NULL", "NULL", "campaign_id"),
            (1, "school_id", "NULL", "campaign_id, school_id"),
            (2, "NULL", "role", "campaign_id, role"),
        )
    )


def timed_query(sql: str, runs: int = 3) -> tuple[float, list[float], int]:
    """The median time of `runs` executions of `sql` (rows fetched), the times, the row count."""
    times = []
    n_rows = 0
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql)
            n_rows = len(cursor.fetchall())
            times.append(time.perf_counter() - started)
    return statistics.median(times), [round(t, 3) for t in times], n_rows


def figures_recompute(size: Size, env: dict[str, str]) -> list[FigureResult]:
    """Figures 2 and 6: at each size, a fresh database, the world loaded, the anchor, then
    `manage.py recompute` in its own process (time, and peak memory from the kernel)."""
    two = FigureResult(2, "Recomputing everything (all campaigns and benchmarks)", _now())
    six = FigureResult(6, "Peak memory of the full recompute", _now())
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
            _manage("recompute", "--no-progress"),
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
                _fmt(seconds, "s") + ("" if finished else " (unfinished)"),
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
            _fmt(seconds_largest, "s"),
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
                _fmt(growth, "x", 2),
                f"<= {data_growth:.1f}x (the data's growth)",
                f"GROUP BY grew {large_anchor / small_anchor:.2f}x",
                at_most(growth, data_growth, "x")
                if growth is not None
                else not_measured("a recompute did not finish"),
            )
        )
    _, _, baseline = run_measured(
        _manage("check"), env=env, timeout=300, log_name="baseline-memory"
    )
    six.rows.append(
        Row.of(
            f"Peak memory, recompute at {largest:,} responses",
            _fmt(peak, "MiB", 0),
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
        _manage("recompute", "--no-progress"),
        env=env,
        timeout=size.recompute_timeout,
        log_name="recompute-setup",
    )
    state = State(responses=size.largest, recomputed=code == 0)
    state_save(size, state)
    return state


# --- figure 3: dashboards -----------------------------------------------------------------------


def _load(port: int, make: Callable[[int], Request], size: Size, **kwargs: Any) -> LoadResult:
    return asyncio.run(
        load(
            HOST,
            port,
            make,
            concurrency=kwargs.get("concurrency", size.page_concurrency),
            max_requests=kwargs.get("max_requests", size.page_requests),
            max_seconds=kwargs.get("max_seconds", size.page_seconds),
            keep_headers=(QUERIES_HEADER,),
        )
    )


def figure_pages(size: Size, stack: Stack, fixtures: Fixtures, cookie: str) -> FigureResult:
    result = FigureResult(3, f"Dashboards under {size.page_concurrency} concurrent users", _now())
    headers = (("Cookie", cookie),)
    home = asyncio.run(send(HOST, stack.port, Request("GET", "/", headers=headers)))
    if home.status not in (200, 302) or "/accounts/login/" in home.headers.get("location", ""):
        raise RuntimeError(f"{SIGNED_OUT} (GET / answered {home.status})")
    anchor = _load(stack.port, lambda i: Request("GET", "/healthz"), size)
    anchor_p95 = _ms(anchor.percentile(95))
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
        measured = _load(
            stack.port,
            lambda i, paths=paths: Request("GET", paths[i % len(paths)], headers=headers),  # type: ignore[misc]
            size,
        )
        p95 = _ms(measured.percentile(95))
        queries = [int(q) for q in measured.header_values.get(QUERIES_HEADER.lower(), [])]
        most = max(queries) if queries else None
        errors = measured.failed
        result.rows.append(
            Row.of(
                f"{name}, p95 ({measured.ok:,} requests)",
                _fmt(p95, "ms"),
                f"<= {PAGE_P95_MS} ms" + ("" if not errors else f"; {errors} failed requests"),
                f"/healthz (SELECT 1) p95: {_fmt(anchor_p95, 'ms')}",
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


# --- figures 1 and 4: submissions, and their scores ------------------------------------------


class Probe(threading.Thread):
    """Closes a campaign now and then while the load runs, as a leader does (PATCH closes_at to
    now, through the API), and times how long until its released scores are stored (polling the
    database every 25 ms). Method 1.1: a campaign's scores are computed when it closes.

    Each probe opens a fresh campaign of its own with a few responses first, so every probe
    measures a real release."""

    def __init__(self, port: int, fixtures: Fixtures, limit: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.fixtures = fixtures
        self.limit = limit
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.timeouts = 0
        self.errors: list[str] = []

    def run(self) -> None:
        rng = random.Random("probe")
        try:
            while not self.stop.is_set() and len(self.latencies) + self.timeouts < self.limit:
                if self.stop.wait(rng.uniform(0.5, 1.5)):
                    break
                number = len(self.latencies) + self.timeouts + len(self.errors) + 1
                campaign_id = data.probe_campaign_open(self.fixtures, number)
                started = time.perf_counter()
                closes_at = timezone.now()
                web = http.client.HTTPConnection(HOST, self.port, timeout=PROBE_TIMEOUT_S)
                try:
                    web.request(
                        "PATCH",
                        f"/api/v1/campaigns/{campaign_id}/",
                        body=json.dumps({"closes_at": closes_at.isoformat()}).encode(),
                        headers={
                            **dict(JSON),
                            "Authorization": f"Token {self.fixtures.probe_token}",
                        },
                    )
                    status = web.getresponse().status
                finally:
                    web.close()
                if status != 200:
                    self.errors.append(f"the close answered {status}")
                    continue
                released = CampaignResult.objects.filter(
                    campaign_id=campaign_id, computed_at__gte=closes_at
                )
                while time.perf_counter() - started < PROBE_TIMEOUT_S:
                    if released.exists():
                        self.latencies.append(time.perf_counter() - started)
                        break
                    time.sleep(0.025)
                else:
                    self.timeouts += 1
        except Exception as error:  # reported in the figure, never hidden
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def percentile(self, q: float) -> float | None:
        """Nearest rank; a probe that timed out counts as the longest wait."""
        values = sorted(self.latencies) + [float("inf")] * self.timeouts
        if not values:
            return None
        rank = max(1, math.ceil(q / 100 * len(values)))
        return values[rank - 1]


def _body(role: str, school: str | None, answers: dict[str, int | None]) -> bytes:
    return json.dumps({"role": role, "school": school, "answers": answers}).encode()


def figures_submissions(size: Size, stack: Stack, fixtures: Fixtures) -> list[FigureResult]:
    one = FigureResult(
        1, f"Survey submissions under {size.submit_concurrency} concurrent clients", _now()
    )
    four = FigureResult(4, "From closing a campaign to its released scores", _now())
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
    _load(stack.port, bare, size, **warm)
    _load(stack.port, real, size, **warm)
    anchor = _load(stack.port, bare, size, **limits)
    probe = Probe(stack.port, fixtures, size.probes)
    probe.start()
    try:
        measured = _load(stack.port, real, size, **limits)
    finally:
        probe.stop.set()
        probe.join(timeout=PROBE_TIMEOUT_S + 5)

    ratio = measured.throughput / anchor.throughput if anchor.throughput else None
    errors = measured.failed
    one.rows.append(
        Row.of(
            "Throughput vs the bare insert view",
            _fmt(ratio, "x", 2) + f" ({measured.throughput:,.0f} req/s)",
            f">= {SUBMIT_RATIO} x anchor",
            f"bare view inserting one row: {anchor.throughput:,.0f} req/s",
            at_least(ratio, SUBMIT_RATIO, "x"),
        )
    )
    p95 = _ms(measured.percentile(95))
    one.rows.append(
        Row.of(
            f"p95 latency ({measured.ok:,} submissions"
            + (f", {errors} failed" if errors else "")
            + ")",
            _fmt(p95, "ms"),
            f"<= {SUBMIT_P95_MS} ms",
            f"bare view p95: {_fmt(_ms(anchor.percentile(95)), 'ms')}",
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
            f"over {PROBE_TIMEOUT_S} s" if p95_scores == float("inf") else _fmt(p95_scores, "s", 2),
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


# --- figure 5: import ----------------------------------------------------------------------------


def _copy_anchor(path: Path, codes: list[str]) -> tuple[float, list[float]]:
    """PostgreSQL COPY of the same file into a plain table of text columns (median of 3); on
    SQLite, which has no COPY, the same rows by executemany in one transaction."""
    import csv

    columns = ", ".join(f'"{name}" text' for name in ["role", "school", *codes])
    times = []
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_import ({columns})")
        try:
            for _ in range(3):
                cursor.execute("DELETE FROM bench_import")
                started = time.perf_counter()
                if connection.vendor == "postgresql":
                    with (
                        path.open("rb") as source,
                        cursor.cursor.copy(
                            "COPY bench_import FROM STDIN WITH (FORMAT csv, HEADER true)"
                        ) as copy,
                    ):
                        while chunk := source.read(1 << 20):
                            copy.write(chunk)
                else:
                    with path.open(newline="", encoding="utf-8") as source:
                        rows = csv.reader(source)
                        next(rows)
                        marks = ", ".join("?" * (len(codes) + 2))
                        cursor.connection.executemany(
                            f"INSERT INTO bench_import VALUES ({marks})",  # noqa: S608
                            rows,
                        )
                times.append(time.perf_counter() - started)
        finally:
            cursor.execute("DROP TABLE bench_import")
    return statistics.median(times), [round(t, 3) for t in times]


def figure_import(size: Size, fixtures: Fixtures) -> FigureResult:
    from surveys.selectors import item_codes

    result = FigureResult(5, f"Importing {size.import_rows:,} CSV rows", _now())
    path = import_file(size.import_rows, fixtures.import_campaign)
    campaign = Campaign.objects.select_related("instrument").get(pk=fixtures.import_campaign)
    before = campaign.responses.count()
    out = StringIO()
    started = time.perf_counter()
    call_command("import_responses", str(path), campaign=campaign.pk, stdout=out)
    seconds = time.perf_counter() - started
    stored = campaign.responses.count() - before
    anchor, runs = _copy_anchor(path, item_codes(campaign.instrument))
    complete = stored == size.import_rows
    result.rows.append(
        Row.of(
            f"manage.py import_responses, {size.import_rows:,} rows",
            _fmt(seconds, "s", 2) + ("" if complete else f" (stored {stored:,} rows)"),
            f"<= {IMPORT_RATIO} x anchor = {IMPORT_RATIO * anchor:.2f} s",
            ("PostgreSQL COPY" if connection.vendor == "postgresql" else "SQLite executemany")
            + f" of the same file: {anchor:.2f} s",
            at_most(seconds, IMPORT_RATIO * anchor, "s")
            if complete
            else missed(f"{stored:,} of {size.import_rows:,} rows stored"),
        )
    )
    result.details = {
        "file_mib": round(path.stat().st_size / 1024 / 1024, 1),
        "import_seconds": round(seconds, 2),
        "anchor_seconds_runs": runs,
        "rows_stored": stored,
        "rows_per_second": round(size.import_rows / seconds),
    }
    result.notes.append(
        "The import validates every row, scores it (method section 3) and inserts it with its "
        "scores, all or nothing, in one transaction; COPY only parses the text into a table."
    )
    return result


# --- the demo ------------------------------------------------------------------------------------


def demo_timing(env: dict[str, str]) -> dict[str, Any]:
    """`seed_demo` on a fresh SQLite file, as `make run` does it (the recompute included)."""
    from bench.config import WORK_DIR

    database = WORK_DIR / "demo.sqlite3"
    database.unlink(missing_ok=True)
    demo_env = {
        key: value
        for key, value in env.items()
        if key not in ("CELERY_BROKER_URL", "CACHE_URL", "DATABASE_URL")
    } | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "journeys.settings"}
    migrate_code, migrate_s, _ = run_measured(
        _manage("migrate", "--noinput", "-v", "0"), env=demo_env, timeout=600, log_name="demo"
    )
    code, seconds, peak = run_measured(
        _manage("seed_demo", "--allow-production", "--quiet-logins"),
        env=demo_env,
        timeout=600,
        log_name="demo-seed",
    )
    database.unlink(missing_ok=True)
    return {
        "seconds": round(seconds, 1),
        "exit": code,
        "migrate_seconds": round(migrate_s, 1),
        "migrate_exit": migrate_code,
        "peak_mib": round(peak),
        "limit_seconds": 60,
    }
