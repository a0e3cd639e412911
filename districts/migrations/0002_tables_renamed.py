"""The moved models' tables take districts' names, and their content types follow them.

journeys_district becomes districts_district, and so on for the six models that 0001 took over
from journeys: a real rename (ALTER TABLE ... RENAME TO), quick on SQLite and PostgreSQL, that
keeps every row, index and sequence, and the foreign keys that point at the tables (surveys'
campaigns and responses). The content types are renamed too, not made anew, so that permissions
granted on these models and the admin's history of them keep pointing at them.
"""

from typing import Any

from django.db import migrations

MOVED_MODELS = ("district", "school", "membership", "milestone", "auditevent", "loginfailure")


def _content_types_relabel(apps: Any, schema_editor: Any, *, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    # A model that already has its content type under `target` (made by a migrate run that
    # stopped between the two apps' migrations) keeps it; the stale one is left to
    # `remove_stale_contenttypes`.
    taken = set(
        content_types.filter(app_label=target, model__in=MOVED_MODELS).values_list(
            "model", flat=True
        )
    )
    content_types.filter(app_label=source, model__in=set(MOVED_MODELS) - taken).update(
        app_label=target
    )


def content_types_to_districts(apps: Any, schema_editor: Any) -> None:
    _content_types_relabel(apps, schema_editor, source="journeys", target="districts")


def content_types_to_journeys(apps: Any, schema_editor: Any) -> None:
    _content_types_relabel(apps, schema_editor, source="districts", target="journeys")


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0001_initial"),
        # After journeys' state lets go of the models, so that no two models of the state share
        # a table once the names change.
        ("journeys", "0004_models_moved_to_districts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="district", table=None),
        migrations.AlterModelTable(name="school", table=None),
        migrations.AlterModelTable(name="membership", table=None),
        migrations.AlterModelTable(name="milestone", table=None),
        migrations.AlterModelTable(name="auditevent", table=None),
        migrations.AlterModelTable(name="loginfailure", table=None),
        migrations.RunPython(content_types_to_districts, content_types_to_journeys),
    ]
