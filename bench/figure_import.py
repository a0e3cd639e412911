"""Figure 5: importing CSV rows against COPY."""

from __future__ import annotations

import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection

from bench.config import Size
from bench.data import (
    Fixtures,
    import_file,
)
from bench.measure import Alternation, alternate, fmt, median, now
from bench.sql import campaign_rows_delete, scored_rows_copy, scored_rows_export
from bench.verdict import FigureResult, Row, at_most, missed
from surveys.models import Campaign

IMPORT_RATIO = 3


def _copy_anchor(path: Path, codes: list[str]) -> float:
    """PostgreSQL COPY of the same file into a temporary table of text columns; on SQLite,
    which has no COPY, the same rows by executemany in one transaction."""
    import csv

    columns = ", ".join(f'"{name}" text' for name in ["role", "school", *codes])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_import ({columns})")
        try:
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
            return time.perf_counter() - started
        finally:
            cursor.execute("DROP TABLE bench_import")


@dataclass(frozen=True)
class Imported:
    seconds: float
    stored: int


@dataclass(frozen=True)
class Copied:
    scored_seconds: float  # the same rows, already scored, into the response table
    raw_seconds: float  # the file's text into a temporary table


def figure_import(size: Size, fixtures: Fixtures) -> FigureResult:
    """`manage.py import_responses` of a CSV of `size.import_rows` rows, alternated with its
    anchor: COPY of the rows that import stored, already scored, into the response table itself
    (the raw COPY of the file into a temporary table beside it). The campaign is emptied before
    each run, untimed."""
    from surveys.selectors import item_codes

    path = import_file(size.import_rows, fixtures.import_campaign)
    campaign = Campaign.objects.select_related("instrument").get(pk=fixtures.import_campaign)
    codes = item_codes(campaign.instrument)
    campaign_rows_delete(campaign.pk)
    exported: list[Any] = []

    def app() -> Imported:
        started = time.perf_counter()
        call_command("import_responses", str(path), campaign=campaign.pk, stdout=StringIO())
        seconds = time.perf_counter() - started
        stored = campaign.responses.count()
        exported[:] = [scored_rows_export(campaign.pk)]
        campaign_rows_delete(campaign.pk)
        return Imported(seconds, stored)

    def anchor() -> Copied:
        started = time.perf_counter()
        scored_rows_copy(exported[0])
        scored = time.perf_counter() - started
        campaign_rows_delete(campaign.pk)
        return Copied(scored, _copy_anchor(path, codes))

    rounds = alternate(size.rounds, anchor, app, app_first=True)
    return _import_result(size, path, rounds)


def _import_result(size: Size, path: Path, rounds: Alternation[Copied, Imported]) -> FigureResult:
    result = FigureResult(5, f"Importing {size.import_rows:,} CSV rows", now())
    seconds = median([run.seconds for run in rounds.app]) or 0.0
    anchor = median([run.scored_seconds for run in rounds.anchor]) or 0.0
    raw = median([run.raw_seconds for run in rounds.anchor]) or 0.0
    short = [run.stored for run in rounds.app if run.stored != size.import_rows]
    copy = "COPY" if connection.vendor == "postgresql" else "SQLite executemany"
    result.rows.append(
        Row.of(
            f"manage.py import_responses, {size.import_rows:,} rows (median of {len(rounds.app)})",
            fmt(seconds, "s", 2) + ("" if not short else f" (stored {short[0]:,} rows)"),
            f"<= {IMPORT_RATIO} x anchor = {IMPORT_RATIO * anchor:.2f} s",
            f"{copy} of the same rows, scored, into the response table: {anchor:.2f} s "
            f"(the file's text into a temporary table: {raw:.2f} s)",
            at_most(seconds, IMPORT_RATIO * anchor, "s")
            if not short
            else missed(f"{short[0]:,} of {size.import_rows:,} rows stored"),
        )
    )
    result.details = {
        "file_mib": round(path.stat().st_size / 1024 / 1024, 1),
        "import_seconds_runs": [round(run.seconds, 2) for run in rounds.app],
        "rows_stored_runs": [run.stored for run in rounds.app],
        "scored_copy_seconds_runs": [round(run.scored_seconds, 3) for run in rounds.anchor],
        "raw_copy_seconds_runs": [round(run.raw_seconds, 3) for run in rounds.anchor],
        "rows_per_second": round(size.import_rows / seconds) if seconds else None,
        **rounds.as_json(),
    }
    result.notes += [
        "The import validates every row, scores it (method section 3) and stores it, all or "
        "nothing, in one transaction; the anchor writes the very rows that import stored "
        "(their scores included) into the same table, with its indexes and constraints.",
        rounds.note(),
    ]
    return result
