"""Store one response in one statement: INSERT ... ON CONFLICT DO NOTHING ... RETURNING id.

Issue 13: the double-submit guard is the unique (campaign, submission_id) constraint itself, so
a new response costs one round trip and no savepoint, and a replay (a double tap, a retried
request) inserts nothing and says so. PostgreSQL and SQLite (3.35 and later) take the same SQL.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection

from surveys.models import Response

# The columns written, in order: every concrete column but the id.
_FIELDS = tuple(field for field in Response._meta.concrete_fields if not field.primary_key)


@lru_cache(maxsize=4)
def _insert_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in _FIELDS)
    placeholders = ", ".join(["%s"] * len(_FIELDS))
    return (
        f"INSERT INTO {quote(Response._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({quote('campaign_id')}, {quote('submission_id')}) DO NOTHING "
        f"RETURNING {quote('id')}"
    )


def response_insert_once(response: Response) -> bool:
    """Insert the unsaved `response` unless its (campaign, submission id) is already stored.

    Returns True and sets `response.pk` when it was inserted; False when it was already there.
    """
    params = [
        field.get_db_prep_save(field.pre_save(response, add=True), connection) for field in _FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return False
    response.pk = row[0]
    response._state.adding = False
    response._state.db = connection.alias
    return True
