"""The compact response row (issue 13): answers as bytes, scores as small integers on the grid.

Carries every stored response over exactly:
- each dimension and category score (a float of points) becomes the whole number of 1/36
  points it is (onpoint.method.grid); a score that is not on that grid is refused, naming how
  many there are, rather than rounded (no method-made score is off it);
- `answers` (JSON, item code to 1..5 or null) becomes one byte per item of the campaign's
  instrument, in its item order, 0 for no answer; an answer to a code the instrument lacks, or
  outside 1..5, is refused the same way;
- `item_scores` is dropped: it follows from the answers (method section 3.1);
- the campaign's own index goes: the unique (campaign, submission_id) constraint leads with it.

Going back restores the float scores and the JSON answers (`item_scores` comes back empty).
Rows are converted in batches, one UPDATE statement per row through executemany, so a national
table is never held in memory. SQLite rebuilds surveys_response for each altered column; the
instrument trigger of 0002 is on surveys_instrument and names no column of this table, so it
survives (tests/surveys/test_migration_compact.py checks it).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations, models

GRID = 36
SCORE_COLUMNS = (
    "vision",
    "plan",
    "devices_tools",
    "it_support",
    "teacher_role",
    "student_role",
    "buy_in",
    "risk_taking",
    "supportive",
    "strategy",
    "operations",
    "design",
    "culture",
)
BATCH = 2000
OFF_GRID = (
    "{count} stored score(s) in surveys_response.{column} are not whole numbers of 1/36 point"
)
BAD_ANSWERS = "response {pk}: answers {answers!r} do not fit its instrument's items ({problem})"


def _table(schema_editor: Any) -> str:
    return str(schema_editor.connection.ops.quote_name("surveys_response"))


def scores_check_on_grid(apps: Any, schema_editor: Any) -> None:
    table = _table(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        for column in SCORE_COLUMNS:
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL "  # noqa: S608
                f"AND ABS({column} * {GRID} - ROUND({column} * {GRID})) > 0.000001"
            )
            (count,) = cursor.fetchone()
            if count:
                raise RuntimeError(OFF_GRID.format(count=count, column=column))


# Forward the float becomes its whole number of grid units (still a float until the column type
# changes; SQLite's integer affinity then stores 3000.0 as 3000). Back, a true division.
# The columns are this module's constants, never input.
SCORES_TO_GRID = "UPDATE surveys_response SET " + ", ".join(  # noqa: S608
    f"{column} = ROUND({column} * {GRID})" for column in SCORE_COLUMNS
)
SCORES_TO_POINTS = "UPDATE surveys_response SET " + ", ".join(  # noqa: S608
    f"{column} = {column} / {GRID}.0" for column in SCORE_COLUMNS
)


def _codes_by_campaign(apps: Any) -> dict[int, list[str]]:
    campaign = apps.get_model("surveys", "Campaign")
    return {
        pk: [item["code"] for item in (definition or {}).get("items", [])]
        for pk, definition in campaign.objects.values_list("pk", "instrument__definition")
    }


def _pack(pk: int, codes: list[str], answers: Any) -> bytes:
    if isinstance(answers, str):  # a JSON column read raw on SQLite
        answers = json.loads(answers)
    answers = answers or {}
    problem = None
    if not isinstance(answers, dict):
        problem = "not an object"
    elif unknown := [code for code in answers if code not in codes]:
        problem = f"unknown item(s) {', '.join(sorted(unknown))}"
    else:
        values = [answers.get(code) for code in codes]
        if all(value is None or (type(value) is int and 1 <= value <= 5) for value in values):
            return bytes(0 if value is None else value for value in values)
        problem = "an answer outside 1..5"
    raise RuntimeError(BAD_ANSWERS.format(pk=pk, answers=answers, problem=problem))


def _unpack(codes: list[str], packed: Any) -> str:
    raw = bytes(packed or b"")
    return json.dumps({code: (value or None) for code, value in zip(codes, raw, strict=False)})


def _convert(apps: Any, schema_editor: Any, *, source: str, target: str, forward: bool) -> None:
    """Write `target` from `source` for every response, a batch of ids at a time."""
    codes = _codes_by_campaign(apps)
    table = _table(schema_editor)
    connection = schema_editor.connection
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, campaign_id, {source} FROM {table} "  # noqa: S608
                f"WHERE id > %s ORDER BY id LIMIT {BATCH}",
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            if forward:
                values = [(_pack(pk, codes[cid], raw), pk) for pk, cid, raw in rows]
            else:
                values = [(_unpack(codes[cid], raw), pk) for pk, cid, raw in rows]
            placeholder = "%s"
            if not forward and connection.vendor == "postgresql":
                placeholder = "CAST(%s AS jsonb)"
            cursor.executemany(
                f"UPDATE {table} SET {target} = {placeholder} WHERE id = %s",  # noqa: S608
                values,
            )
            last = rows[-1][0]


def answers_to_bytes(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, source="answers", target="answers_packed", forward=True)


def answers_to_json(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, source="answers_packed", target="answers", forward=False)


def constraints_checked_now(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL refuses to ALTER a table with deferred foreign-key checks still queued by an
    UPDATE earlier in the same transaction ("pending trigger events"): from here on, in this
    migration's transaction, they run at once, so the data steps leave none queued."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


_CHECKED_NOW = migrations.RunPython(
    constraints_checked_now, constraints_checked_now, elidable=False
)


def _grid_condition() -> models.Q:
    """The model's check (surveys.models._scores_on_the_grid) as of this migration."""
    condition = models.Q()
    for column in SCORE_COLUMNS:
        condition &= models.Q(**{f"{column}__isnull": True}) | models.Q(
            **{f"{column}__gte": 0, f"{column}__lte": 100 * GRID}
        )
    return condition


def _small(column: str) -> Any:
    return migrations.AlterField(
        model_name="response", name=column, field=models.SmallIntegerField(null=True)
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_staff_comments")]

    operations = [
        _CHECKED_NOW,  # first forward
        # Scores: refuse what is off the grid, scale to grid units, then narrow the columns.
        migrations.RunPython(scores_check_on_grid, migrations.RunPython.noop, elidable=False),
        migrations.RunSQL(SCORES_TO_GRID, SCORES_TO_POINTS, elidable=False),
        *(_small(column) for column in SCORE_COLUMNS),
        # Answers: a bytes column beside the JSON one, filled, then put in its place.
        migrations.AddField(
            model_name="response",
            name="answers_packed",
            field=models.BinaryField(default=bytes),
        ),
        migrations.RunPython(answers_to_bytes, answers_to_json, elidable=False),
        migrations.RemoveField(model_name="response", name="answers"),
        migrations.RenameField(
            model_name="response", old_name="answers_packed", new_name="answers"
        ),
        migrations.RemoveField(model_name="response", name="item_scores"),
        migrations.AlterField(
            model_name="response",
            name="campaign",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="responses",
                to="surveys.campaign",
            ),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=_grid_condition(),
                name="response_scores_within_the_grid",
            ),
        ),
        _CHECKED_NOW,  # first backward
    ]
