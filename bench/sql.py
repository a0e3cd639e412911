"""The schema-specific SQL of the anchors, in one place to adapt when the response row changes."""

from __future__ import annotations

from django.db import connection

from surveys.models import SCORE_COLUMNS, Response


def groupby_sql(vendor: str) -> str:
    """The anchor: one hand-written aggregate over the responses table computing what the
    recompute needs, every score's mean and count for each campaign, each campaign's schools
    and each campaign's roles. The first column tells the breakdown apart (3 whole, 1 school,
    2 role). PostgreSQL does it in one GROUP BY GROUPING SETS; SQLite has no grouping sets, so
    there it is the same three GROUP BYs joined by UNION ALL."""
    table = connection.ops.quote_name(Response._meta.db_table)
    aggregates = ", ".join(f"AVG({c}), COUNT({c})" for c in SCORE_COLUMNS)
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
