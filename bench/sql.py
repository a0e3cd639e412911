"""The schema-specific SQL of the anchors, in one place to adapt when the response row changes."""

from __future__ import annotations

import io
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from surveys.models import SCORE_COLUMNS, Response

TABLE = Response._meta.db_table


def groupby_sql(vendor: str) -> str:
    """The anchor: one hand-written aggregate over the responses table computing what the
    recompute needs, every score's mean and count for each campaign, each campaign's schools,
    each campaign's roles and the school x role cells (method 1.1's suppression across
    breakdowns). The first column tells the breakdown apart (3 whole, 1 school, 2 role, 0
    cell). PostgreSQL does it in one scan, GROUP BY GROUPING SETS; SQLite has no grouping
    sets, so there it is the same four GROUP BYs joined by UNION ALL."""
    table = connection.ops.quote_name(Response._meta.db_table)
    aggregates = ", ".join(f"AVG({c}), COUNT({c})" for c in SCORE_COLUMNS)
    if vendor == "postgresql":
        return (
            "SELECT GROUPING(school_id, role), campaign_id, school_id, role, COUNT(*), "  # noqa: S608
            f"{aggregates} FROM {table} GROUP BY GROUPING SETS "
            "((campaign_id), (campaign_id, school_id), (campaign_id, role), "
            "(campaign_id, school_id, role))"
        )
    return " UNION ALL ".join(
        f"SELECT {kind}, campaign_id, {school}, {role}, COUNT(*), {aggregates} "  # noqa: S608
        f"FROM {table} GROUP BY {group}"
        for kind, school, role, group in (
            (3, "NULL", "NULL", "campaign_id"),
            (1, "school_id", "NULL", "campaign_id, school_id"),
            (2, "NULL", "role", "campaign_id, role"),
            (0, "school_id", "role", "campaign_id, school_id, role"),
        )
    )


def _columns() -> list[str]:
    """Every column of the response row but its id, as the model declares them today."""
    return [str(field.column) for field in Response._meta.concrete_fields if not field.primary_key]


def scored_rows_export(campaign_id: int) -> list[tuple[Any, ...]] | bytes:
    """The campaign's stored rows, scored as the app stored them, ready to be written again:
    PostgreSQL COPY text, or the rows themselves on SQLite."""
    names = ", ".join(connection.ops.quote_name(c) for c in _columns())
    table = connection.ops.quote_name(TABLE)
    query = f"SELECT {names} FROM {table} WHERE campaign_id = %s ORDER BY id"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(query, [campaign_id])
            return [tuple(row) for row in cursor.fetchall()]
        out = io.BytesIO()
        with cursor.cursor.copy(
            f"COPY ({query.replace('%s', str(int(campaign_id)))}) TO STDOUT"
        ) as copy:
            for chunk in copy:
                out.write(chunk)
        return out.getvalue()


def scored_rows_copy(rows: list[tuple[Any, ...]] | bytes) -> None:
    """Figure 5's anchor: the same rows, already scored, written into the response table itself
    (its constraints and indexes included) in one transaction, by COPY; SQLite, which has no
    COPY, by executemany."""
    names = ", ".join(connection.ops.quote_name(c) for c in _columns())
    table = connection.ops.quote_name(TABLE)
    with transaction.atomic(), connection.cursor() as cursor:
        if isinstance(rows, bytes):
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(rows)
            return
        marks = ", ".join("%s" for _ in _columns())
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def campaign_rows_delete(campaign_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(TABLE)} WHERE campaign_id = %s",  # noqa: S608
            [campaign_id],
        )


def scores_clear() -> None:
    """Every stored score, result and benchmark version gone (the onpoint app's tables, all of
    them derived from the responses), so that each timed recompute computes everything, as the
    first one did, rather than finding nothing changed."""
    tables = [model._meta.db_table for model in apps.get_app_config("onpoint").get_models()]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=False, allow_cascade=True
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def storage_bytes() -> dict[str, int]:
    """Figure 7: the response table's bytes on disk, with its indexes (and, on PostgreSQL, its
    TOAST and maps), and its rows. SQLite: the pages of the table and its indexes (dbstat)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(TABLE)}")  # noqa: S608
        rows = int(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s)",
                [TABLE, TABLE, TABLE],
            )
            total, heap, indexes = (int(x) for x in cursor.fetchone())
        else:
            cursor.execute(
                "SELECT SUM(pgsize), SUM(CASE WHEN name = %s THEN pgsize ELSE 0 END) FROM dbstat "
                "WHERE name = %s OR name IN (SELECT name FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s)",
                [TABLE, TABLE, TABLE],
            )
            total, heap = (int(x or 0) for x in cursor.fetchone())
            indexes = total - heap
    return {"rows": rows, "total": total, "heap": heap, "indexes": indexes}


def row_data_bytes() -> float | None:
    """Figure 7's anchor: the average bytes of a response row's own values (pg_column_size of
    the row, over its first 100,000 rows), without page, index or free-space overhead. None on
    SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT AVG(pg_column_size(r.*)) FROM "  # noqa: S608
            f"(SELECT * FROM {connection.ops.quote_name(TABLE)} LIMIT 100000) r"
        )
        value = cursor.fetchone()[0]
    return None if value is None else float(value)
