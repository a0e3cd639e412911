"""Figure 5: importing CSV rows against COPY."""

from __future__ import annotations

import statistics
import time
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.config import Size
from bench.data import (
    Fixtures,
    import_file,
)
from bench.measure import fmt, now
from bench.verdict import FigureResult, Row, at_most, missed
from surveys.models import Campaign

IMPORT_RATIO = 5


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

    result = FigureResult(5, f"Importing {size.import_rows:,} CSV rows", now())
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
            fmt(seconds, "s", 2) + ("" if complete else f" (stored {stored:,} rows)"),
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
