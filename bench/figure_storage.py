"""Figure 7: the response table and its indexes, in bytes a response, at the largest size.

Storage does not vary from one reading to the next the way a time does; it is still read in
rounds beside its anchor (the rows' own bytes, without page, index or free-space overhead), so
that every figure has the same shape."""

from __future__ import annotations

from django.db import connection

from bench.config import Size
from bench.measure import alternate, fmt, median, now
from bench.sql import row_data_bytes, storage_bytes
from bench.verdict import FigureResult, Row, at_most, not_measured

STORAGE_LIMIT_BYTES = 300


def figure_storage(size: Size) -> FigureResult:
    result = FigureResult(7, "Storage of the responses", now())
    rounds = alternate(size.rounds, row_data_bytes, storage_bytes)
    stored = rounds.app[-1]
    per_row = [r["total"] / r["rows"] for r in rounds.app if r["rows"]]
    value = median(per_row)
    anchors = [a for a in rounds.anchor if a is not None]
    anchor = median(anchors)
    engine = "pg_total_relation_size" if connection.vendor == "postgresql" else "SQLite dbstat"
    result.rows.append(
        Row.of(
            f"Response table and its indexes at {stored['rows']:,} responses ({engine} / rows)",
            fmt(value, "bytes", 0),
            f"<= {STORAGE_LIMIT_BYTES} bytes a response",
            "the rows' own values (pg_column_size), median: " + fmt(anchor, "bytes", 0)
            if anchor is not None
            else "n/a on SQLite (no pg_column_size)",
            at_most(value, STORAGE_LIMIT_BYTES, "bytes")
            if value is not None
            else not_measured("the response table is empty"),
        )
    )
    rows = stored["rows"] or 1
    result.details = {
        **stored,
        "heap_bytes_per_response": round(stored["heap"] / rows, 1),
        "index_bytes_per_response": round(stored["indexes"] / rows, 1),
        "other_bytes_per_response (TOAST, maps)": round(
            (stored["total"] - stored["heap"] - stored["indexes"]) / rows, 1
        ),
        "row_data_bytes_runs": [None if a is None else round(a, 1) for a in rounds.anchor],
        **rounds.as_json(),
    }
    result.notes.append(
        f"Read at the largest size ({size.largest:,} responses) after its recomputes. "
        + rounds.note()
    )
    return result
