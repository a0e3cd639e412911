"""Issue 16: districts may be named as co-travelers, keep their professional-learning offers,
and the audit log records who hid a staff comment."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0003_district_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="district",
            name="named_as_co_traveler",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[("view", "Viewed"), ("export", "Exported"), ("hide", "Hid a comment")],
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="LearningOffer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "landmark",
                    models.CharField(
                        choices=[
                            ("shared_understanding", "Shared understanding"),
                            ("operations", "Iterating on operations"),
                            ("student_agency", "Student agency"),
                            ("culture", "Culture of innovation"),
                        ],
                        max_length=30,
                    ),
                ),
                ("earned_count", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="learning_offers",
                        to="districts.district",
                    ),
                ),
            ],
            options={
                "ordering": ["name", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("district"),
                        django.db.models.functions.text.Lower("name"),
                        name="learning_offer_name_unique_in_district",
                        violation_error_message="The district already has an offer of this name.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "landmark__in",
                                ["shared_understanding", "operations", "student_agency", "culture"],
                            )
                        ),
                        name="learning_offer_landmark_is_known",
                    ),
                ],
            },
        ),
    ]
