"""Store one response in one statement: INSERT ... ON CONFLICT DO NOTHING ... RETURNING id.

Issue 13: the double-submit guard is the unique (campaign, submission_id) constraint itself, so
a new response costs one round trip and no savepoint, and a replay (a double tap, a retried
request) inserts nothing and says so. PostgreSQL and SQLite (3.35 and later) take the same SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.db import connection

from districts.models import School
from surveys.models import Campaign, LinkMode, Response

# The columns written, in order: every concrete column but the id.
_FIELDS = tuple(field for field in Response._meta.concrete_fields if not field.primary_key)
_DATETIME = Campaign._meta.get_field("opens_at")
# The columns a survey link's submission sends values for, each with whether its value goes to
# the database as it is (a string, a small integer or None) rather than prepared by its field.
_VALUE_FIELDS = tuple(
    (str(field.column), field, field.get_internal_type() in ("CharField", "SmallIntegerField"))
    for field in _FIELDS
    if field.column not in ("campaign_id", "school_id")
)
# The right-hand side of Django's `iexact` on each database (its backends' `operators`).
_IEXACT = {"postgresql": "= UPPER(%s)", "sqlite": "LIKE %s ESCAPE '\\'"}


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

    Returns True and sets `response.pk` when it was inserted; False when nothing was: the
    campaign is closed, not open yet or gone, it takes personal links only, no school has that
    name, or the submission was already stored. The caller tells which by reading the campaign
    again.
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


# --- a survey link's submission, the campaign's state checked by the INSERT itself -------------


@lru_cache(maxsize=8)
def _open_insert_sql(vendor: str, with_school: bool) -> str:
    """INSERT ... SELECT from the campaign row when it is open at the moment given and takes the
    shared link, and from the district's school of the name given (compared as Django's
    `iexact`), so that a closed campaign or an unknown school inserts nothing."""
    quote = connection.ops.quote_name
    values = []
    for field in _FIELDS:
        if field.column == "campaign_id":
            values.append("c.id")
        elif field.column == "school_id":
            values.append("s.id" if with_school else "NULL")
        else:
            values.append("%s")
    sources = f"{quote(Campaign._meta.db_table)} c"
    if with_school:
        name = connection.ops.lookup_cast("iexact", "CharField") % f"s2.{quote('name')}"
        # As School.objects.filter(district=..., name__iexact=...).first(): the first by
        # (name, id) of those that match.
        sources += (
            f", (SELECT s2.id FROM {quote(School._meta.db_table)} s2 "  # noqa: S608
            f"WHERE s2.{quote('district_id')} = %s "
            f"AND {name} {_IEXACT[connection.vendor]} "
            f"ORDER BY s2.{quote('name')}, s2.id LIMIT 1) s"
        )
    columns = ", ".join(quote(str(field.column)) for field in _FIELDS)
    return (
        f"INSERT INTO {quote(Response._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {sources} "
        f"WHERE c.id = %s AND c.{quote('opens_at')} <= %s AND c.{quote('closes_at')} > %s "
        f"AND c.{quote('link_mode')} <> %s "
        f"ON CONFLICT ({quote('campaign_id')}, {quote('submission_id')}) DO NOTHING "
        f"RETURNING {quote('id')}"
    )


def response_insert_if_open(
    values: Mapping[str, Any],
    *,
    campaign_id: int,
    district_id: int,
    school_name: str | None,
    now: dt.datetime,
) -> bool:
    """Insert a response of `values` (by column: every column but the id, the campaign and the
    school) in one statement, only if campaign `campaign_id` is open at `now` and takes the
    shared link, with the district's school named `school_name` (any case), and only if its
    (campaign, submission id) is new. The values are the validated ones of
    surveys.services.response_submit_quick: plain ones (the role, the scores in grid units)
    are sent as they are, the others as their field prepares them.

    Returns True when it was inserted; False when nothing was: the campaign is closed, not open
    yet or gone, it takes personal links only, no school has that name, or the submission was
    already stored. The caller tells which by reading the campaign again.
    """
    params = [
        values[column] if plain else field.get_db_prep_save(values[column], connection)
        for column, field, plain in _VALUE_FIELDS
    ]
    if school_name is not None:
        params += [district_id, connection.ops.prep_for_iexact_query(school_name)]
    moment = _DATETIME.get_db_prep_value(now, connection)
    params += [campaign_id, moment, moment, LinkMode.PERSONAL]
    with connection.cursor() as cursor:
        cursor.execute(_open_insert_sql(connection.vendor, school_name is not None), params)
        return cursor.fetchone() is not None
