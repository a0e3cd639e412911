"""A database filled by the old response row (JSON answers and item scores, float scores) comes
through surveys 0005 with every answer and every score exactly as it was, on the compact row.

The migrations run for real, as in tests/test_migrations_move.py: back to surveys 0004, rows
written through the historical models, forward to today. SQLite and, with DATABASE_URL,
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onpoint.method.grid import SCORE_GRID
from onpoint.method.scoring import ItemSpec, score_response
from surveys import instrument_v1
from surveys.models import SCORE_COLUMNS, Response

BEFORE = [("surveys", "0004_staff_comments")]
OPENS_AT = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
ITEMS = [
    ItemSpec(code=item["code"], dimension=item["dimension"], reverse_coded=item["reverse_coded"])
    for item in instrument_v1.DEFINITION["items"]
]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: Sequence[tuple[str, str | None]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) if targets else executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_schema() -> Iterator[Apps]:
    """The database at surveys 0004 and its historical models; forward to today afterwards."""
    migrate(BEFORE)
    try:
        yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    finally:
        migrate()


def old_campaign(apps: Apps) -> Any:
    district = apps.get_model("districts", "District").objects.create(
        name="Maple Valley", slug="maple-valley", state="OR"
    )
    instrument = apps.get_model("surveys", "Instrument").objects.create(
        version="compact-test", definition=instrument_v1.DEFINITION
    )
    return apps.get_model("surveys", "Campaign").objects.create(
        district=district,
        instrument=instrument,
        name="Spring 2026",
        opens_at=OPENS_AT,
        closes_at=OPENS_AT + dt.timedelta(days=14),
    )


def old_row(apps: Apps, campaign: Any, answers: dict[str, int | None]) -> Any:
    """A response as the old submit path stored it: JSON answers, item scores, float scores."""
    scores = score_response(answers, ITEMS)
    historical: Any = apps.get_model("surveys", "Response")  # mypy knows only today's model
    return historical.objects.create(
        campaign=campaign,
        role="teacher",
        submitted_on=dt.date(2026, 3, 3),
        answers=answers,
        item_scores=scores.item_scores,
        **scores.dimensions,
        **scores.categories,
    )


def sheets() -> list[dict[str, int | None]]:
    """Random sheets with skips, every answer at every item, and the empty ones (r6)."""
    rng = random.Random(13)
    codes = instrument_v1.ITEM_CODES
    drawn = [
        {code: None if rng.random() < 0.25 else rng.randint(1, 5) for code in codes}
        for _ in range(60)
    ]
    every: list[dict[str, int | None]] = [dict.fromkeys(codes, value) for value in range(1, 6)]
    partial: dict[str, int | None] = {codes[0]: 4, codes[2]: 5}  # left out: no answer
    return [*drawn, *every, partial, dict.fromkeys(codes), {}]


def trigger_exists() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'surveys_instrument_frozen_when_used'"
            )
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_trigger "
                "WHERE tgname = 'surveys_instrument_frozen_when_used'"
            )
        return bool(cursor.fetchone()[0])


def test_every_answer_and_score_of_the_old_rows_survives_exactly(old_schema: Apps) -> None:
    campaign = old_campaign(old_schema)
    written = {old_row(old_schema, campaign, sheet).pk: sheet for sheet in sheets()}

    migrate()

    stored = Response.objects.select_related("campaign__instrument").in_bulk(list(written))
    assert len(stored) == len(written)
    for pk, sheet in written.items():
        response = stored[pk]
        assert response.answers_by_code() == {
            code: sheet.get(code) for code in instrument_v1.ITEM_CODES
        }
        expected = score_response(sheet, ITEMS)
        for key, value in {**expected.dimensions, **expected.categories}.items():
            units = getattr(response, key)
            if value is None:
                assert units is None, (pk, key)
            else:
                # The exact grid point, and the same float of points the old row held.
                assert isinstance(units, int), (pk, key)
                assert units / SCORE_GRID == value or abs(units / SCORE_GRID - value) < 1e-12
                assert abs(units - value * SCORE_GRID) < 1e-6, (pk, key)
    assert trigger_exists()


def test_going_back_restores_the_old_row(old_schema: Apps) -> None:
    campaign = old_campaign(old_schema)
    written = {old_row(old_schema, campaign, sheet).pk: sheet for sheet in sheets()}
    migrate()
    migrate(BEFORE)

    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    for row in old.get_model("surveys", "Response").objects.filter(pk__in=list(written)):
        sheet = written[row.pk]
        assert row.answers == {code: sheet.get(code) for code in instrument_v1.ITEM_CODES}
        expected = score_response(sheet, ITEMS)
        for key, value in {**expected.dimensions, **expected.categories}.items():
            assert getattr(row, key) == pytest.approx(value, abs=1e-9), (row.pk, key)
    assert trigger_exists()


def test_the_old_float_columns_become_small_integers_and_item_scores_go(old_schema: Apps) -> None:
    migrate()
    with connection.cursor() as cursor:
        columns = {
            column.name: column
            for column in connection.introspection.get_table_description(
                cursor, Response._meta.db_table
            )
        }
        indexes = connection.introspection.get_constraints(cursor, Response._meta.db_table)
    assert "item_scores" not in columns
    for column in SCORE_COLUMNS:
        field_type = connection.introspection.get_field_type(
            columns[column].type_code, columns[column]
        )
        assert field_type == "SmallIntegerField", column
    # The unique (campaign, submission_id) constraint is the campaign's only index.
    leading_campaign = [
        name
        for name, c in indexes.items()
        if (c["index"] or c["unique"]) and c["columns"] and c["columns"][0] == "campaign_id"
    ]
    assert len(leading_campaign) == 1
    assert indexes[leading_campaign[0]]["unique"]


def test_a_score_off_the_grid_is_refused_rather_than_rounded(old_schema: Apps) -> None:
    campaign = old_campaign(old_schema)
    odd = old_row(old_schema, campaign, {"vision_1": 4, "vision_2": 4})
    type(odd).objects.filter(pk=odd.pk).update(vision=75.01)
    with pytest.raises(RuntimeError, match=r"1 stored score\(s\) in surveys_response.vision"):
        migrate()
    type(odd).objects.filter(pk=odd.pk).delete()
