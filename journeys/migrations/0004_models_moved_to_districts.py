"""journeys' models now live in districts: remove them from journeys' state only.

districts' 0001 took them over on the same tables and surveys' 0003 re-pointed its foreign keys,
so nothing refers to journeys' models any more; the tables and their rows stay (districts' 0002
renames them). journeys keeps this migration history and has no models after it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0003_school_expected_responses"),
        ("districts", "0001_initial"),
        ("surveys", "0003_district_and_school_from_districts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Milestone"),
                migrations.DeleteModel(name="School"),
                migrations.DeleteModel(name="District"),
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="LoginFailure"),
            ],
            database_operations=[],
        ),
    ]
