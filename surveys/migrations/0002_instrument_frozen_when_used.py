"""A database trigger that refuses to change an instrument once a campaign has used it.

Method section 1: "A survey instrument is versioned and immutable once a campaign has used it".
A trigger holds for every path (the ORM, a bulk update, the admin, a psql session), not just the
ones this app exposes. Deleting a used instrument is already refused by the campaign's foreign
key (PROTECT, and the database's own constraint).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER surveys_instrument_frozen_when_used
BEFORE UPDATE ON surveys_instrument
FOR EACH ROW
WHEN (NEW.version IS NOT OLD.version OR NEW.definition IS NOT OLD.definition OR NEW.id IS NOT OLD.id)
  AND EXISTS (SELECT 1 FROM surveys_campaign WHERE instrument_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'instrument in use: an instrument that a campaign has used cannot change');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS surveys_instrument_frozen_when_used;"

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION surveys_instrument_frozen_when_used() RETURNS trigger AS $$
BEGIN
  IF (NEW.version IS DISTINCT FROM OLD.version
      OR NEW.definition IS DISTINCT FROM OLD.definition
      OR NEW.id IS DISTINCT FROM OLD.id)
     AND EXISTS (SELECT 1 FROM surveys_campaign WHERE instrument_id = OLD.id) THEN
    RAISE EXCEPTION 'instrument in use: an instrument that a campaign has used cannot change' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER surveys_instrument_frozen_when_used
BEFORE UPDATE ON surveys_instrument
FOR EACH ROW EXECUTE FUNCTION surveys_instrument_frozen_when_used();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS surveys_instrument_frozen_when_used ON surveys_instrument;
DROP FUNCTION IF EXISTS surveys_instrument_frozen_when_used();
"""


def create_trigger(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    else:  # pragma: no cover - the two databases this app supports
        raise RuntimeError(f"no instrument trigger for {vendor}")


def drop_trigger(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    schema_editor.execute(POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
