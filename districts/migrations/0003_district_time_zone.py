"""Each district gets a time zone, its campaigns' dates are entered and shown in it (issue 14).

Existing districts take their state's zone (the map below is districts.models.STATE_TIME_ZONES
as it stood when this migration was written: a migration keeps its own copy, so that a later
change of the map does not rewrite history).
"""

from typing import Any

from django.db import migrations, models

EASTERN = "America/New_York"
STATE_TIME_ZONES = {
    **dict.fromkeys(
        ("CT", "DC", "DE", "FL", "GA", "IN", "KY", "MA", "MD", "ME", "MI", "NC", "NH", "NJ",
         "NY", "OH", "PA", "RI", "SC", "VA", "VT", "WV"),
        EASTERN,
    ),
    **dict.fromkeys(
        ("AL", "AR", "IA", "IL", "KS", "LA", "MN", "MO", "MS", "ND", "NE", "OK", "SD", "TN",
         "TX", "WI"),
        "America/Chicago",
    ),
    **dict.fromkeys(("CO", "ID", "MT", "NM", "UT", "WY"), "America/Denver"),
    "AZ": "America/Phoenix",
    **dict.fromkeys(("CA", "NV", "OR", "WA"), "America/Los_Angeles"),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
    **dict.fromkeys(("PR", "VI"), "America/Puerto_Rico"),
    **dict.fromkeys(("GU", "MP"), "Pacific/Guam"),
    "AS": "Pacific/Pago_Pago",
}  # fmt: skip


def _zones_from_states(apps: Any, schema_editor: Any) -> None:
    districts = apps.get_model("districts", "District").objects.using(
        schema_editor.connection.alias
    )
    states = set(districts.filter(time_zone="").values_list("state", flat=True))
    for state in states:
        districts.filter(time_zone="", state=state).update(
            time_zone=STATE_TIME_ZONES.get(state, EASTERN)
        )


class Migration(migrations.Migration):
    dependencies = [("districts", "0002_tables_renamed")]

    operations = [
        migrations.AddField(
            model_name="district",
            name="time_zone",
            field=models.CharField(
                blank=True,
                choices=[
                    ("Pacific/Honolulu", "Hawaii"),
                    ("America/Anchorage", "Alaska"),
                    ("America/Los_Angeles", "Pacific"),
                    ("America/Phoenix", "Mountain, no daylight saving time (Arizona)"),
                    ("America/Denver", "Mountain"),
                    ("America/Chicago", "Central"),
                    ("America/New_York", "Eastern"),
                    ("America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"),
                    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
                    ("Pacific/Pago_Pago", "Samoa"),
                ],
                default="",
                help_text="Campaign dates are entered and shown in this zone. Empty: the state's zone.",
                max_length=40,
            ),
        ),
        migrations.RunPython(_zones_from_states, migrations.RunPython.noop, elidable=True),
    ]
