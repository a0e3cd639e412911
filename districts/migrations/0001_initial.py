"""The models of journeys move here, where they belong: state only, the tables stay.

District, School, Membership, Milestone, AuditEvent and LoginFailure were journeys' models. This
migration creates them in districts' migration state on the tables they already have (db_table
journeys_*); it touches no row and no table. surveys' 0003 then points its foreign keys at them,
journeys' 0004 drops the old models from journeys' state, and 0002 here renames the tables to
districts_*. A database made before the move goes through all four; a new one runs journeys'
0001-0003 first (they create the tables), then the same four.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("journeys", "0003_school_expected_responses"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LoginFailure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("username", models.CharField(db_index=True, max_length=150)),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "db_table": "journeys_loginfailure",
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("username", models.CharField(max_length=150)),
                        (
                            "district_slug",
                            models.CharField(blank=True, db_index=True, max_length=80),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[("view", "Viewed"), ("export", "Exported")], max_length=10
                            ),
                        ),
                        ("path", models.CharField(max_length=500)),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "journeys_auditevent",
                        "ordering": ["-at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="District",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("slug", models.SlugField(max_length=80, unique=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("AK", "Alaska"),
                                    ("AL", "Alabama"),
                                    ("AR", "Arkansas"),
                                    ("AS", "American Samoa"),
                                    ("AZ", "Arizona"),
                                    ("CA", "California"),
                                    ("CO", "Colorado"),
                                    ("CT", "Connecticut"),
                                    ("DC", "District of Columbia"),
                                    ("DE", "Delaware"),
                                    ("FL", "Florida"),
                                    ("GA", "Georgia"),
                                    ("GU", "Guam"),
                                    ("HI", "Hawaii"),
                                    ("IA", "Iowa"),
                                    ("ID", "Idaho"),
                                    ("IL", "Illinois"),
                                    ("IN", "Indiana"),
                                    ("KS", "Kansas"),
                                    ("KY", "Kentucky"),
                                    ("LA", "Louisiana"),
                                    ("MA", "Massachusetts"),
                                    ("MD", "Maryland"),
                                    ("ME", "Maine"),
                                    ("MI", "Michigan"),
                                    ("MN", "Minnesota"),
                                    ("MO", "Missouri"),
                                    ("MP", "Northern Mariana Islands"),
                                    ("MS", "Mississippi"),
                                    ("MT", "Montana"),
                                    ("NC", "North Carolina"),
                                    ("ND", "North Dakota"),
                                    ("NE", "Nebraska"),
                                    ("NH", "New Hampshire"),
                                    ("NJ", "New Jersey"),
                                    ("NM", "New Mexico"),
                                    ("NV", "Nevada"),
                                    ("NY", "New York"),
                                    ("OH", "Ohio"),
                                    ("OK", "Oklahoma"),
                                    ("OR", "Oregon"),
                                    ("PA", "Pennsylvania"),
                                    ("PR", "Puerto Rico"),
                                    ("RI", "Rhode Island"),
                                    ("SC", "South Carolina"),
                                    ("SD", "South Dakota"),
                                    ("TN", "Tennessee"),
                                    ("TX", "Texas"),
                                    ("UT", "Utah"),
                                    ("VA", "Virginia"),
                                    ("VI", "U.S. Virgin Islands"),
                                    ("VT", "Vermont"),
                                    ("WA", "Washington"),
                                    ("WI", "Wisconsin"),
                                    ("WV", "West Virginia"),
                                    ("WY", "Wyoming"),
                                ],
                                max_length=2,
                            ),
                        ),
                        (
                            "nces_id",
                            models.CharField(
                                blank=True,
                                max_length=7,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{7}$", "An NCES district id is seven digits."
                                    )
                                ],
                                verbose_name="NCES district id",
                            ),
                        ),
                        ("enrollment", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "launch_date",
                            models.DateField(
                                blank=True,
                                help_text="The day personalized learning started in classrooms; empty while planning.",
                                null=True,
                            ),
                        ),
                        (
                            "path_place",
                            models.CharField(
                                choices=[
                                    ("exploring", "Exploring it"),
                                    ("trying", "Trying it and still learning"),
                                    ("doing", "Doing it for a while"),
                                    ("helping", "Helping others do it"),
                                ],
                                default="exploring",
                                max_length=20,
                            ),
                        ),
                        ("listed_on_national_map", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "journeys_district",
                        "ordering": ["name", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("nces_id", ""), _negated=True),
                                fields=("nces_id",),
                                name="district_nces_id_unique_when_set",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "state__in",
                                        [
                                            "AL",
                                            "AK",
                                            "AZ",
                                            "AR",
                                            "CA",
                                            "CO",
                                            "CT",
                                            "DE",
                                            "DC",
                                            "FL",
                                            "GA",
                                            "HI",
                                            "ID",
                                            "IL",
                                            "IN",
                                            "IA",
                                            "KS",
                                            "KY",
                                            "LA",
                                            "ME",
                                            "MD",
                                            "MA",
                                            "MI",
                                            "MN",
                                            "MS",
                                            "MO",
                                            "MT",
                                            "NE",
                                            "NV",
                                            "NH",
                                            "NJ",
                                            "NM",
                                            "NY",
                                            "NC",
                                            "ND",
                                            "OH",
                                            "OK",
                                            "OR",
                                            "PA",
                                            "RI",
                                            "SC",
                                            "SD",
                                            "TN",
                                            "TX",
                                            "UT",
                                            "VT",
                                            "VA",
                                            "WA",
                                            "WV",
                                            "WI",
                                            "WY",
                                            "AS",
                                            "GU",
                                            "MP",
                                            "PR",
                                            "VI",
                                        ],
                                    )
                                ),
                                name="district_state_is_us_code",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Milestone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("happened_on", models.DateField()),
                        ("text", models.CharField(max_length=200)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="milestones",
                                to="districts.district",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "journeys_milestone",
                        "ordering": ["-happened_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("leader", "District leader"),
                                    ("consultant", "Consultant"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="districts.district",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "journeys_membership",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "district", "kind"),
                                name="membership_unique_per_kind",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="School",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("expected_responses", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="schools",
                                to="districts.district",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "journeys_school",
                        "ordering": ["name", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("district"),
                                django.db.models.functions.text.Lower("name"),
                                name="school_name_unique_in_district",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
