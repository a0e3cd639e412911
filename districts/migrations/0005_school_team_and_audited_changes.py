"""The school team and the audited changes (issue 15): principals' memberships name one school,
leaders invite co-leaders and principals by email, and the audit log records changes (campaigns,
invitations, reminders, memberships, milestones) beside views, exports and hidden comments.
Numbered after main's 0004 (issue 16), on whose audit actions it builds.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import districts.models


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0004_co_travelers_learning_offers_hide_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MembershipInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("leader", "District leader"),
                            ("consultant", "Consultant"),
                            ("principal", "Principal"),
                        ],
                        max_length=20,
                    ),
                ),
                ("nonce", models.CharField(max_length=64)),
                ("token_digest", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "expires_at",
                    models.DateTimeField(default=districts.models.membership_invitation_expiry),
                ),
                ("accepted_at", models.DateTimeField(blank=True, null=True)),
                ("mail_failed", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="detail",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="membership",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="principals",
                to="districts.school",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("export", "Exported"),
                    ("hide", "Hid a comment"),
                    ("campaign_created", "Created a campaign"),
                    ("campaign_edited", "Edited a campaign"),
                    ("campaign_closed", "Closed a campaign"),
                    ("invitations_sent", "Invited staff by email"),
                    ("reminders_sent", "Sent a reminder"),
                    ("invitations_erased", "Erased the invited addresses"),
                    ("member_invited", "Invited to the school team"),
                    ("membership_granted", "Granted a membership"),
                    ("membership_revoked", "Revoked a membership"),
                    ("milestone_added", "Added a milestone"),
                    ("milestone_edited", "Edited a milestone"),
                    ("milestone_deleted", "Deleted a milestone"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="path",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="username",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name="membership",
            name="kind",
            field=models.CharField(
                choices=[
                    ("leader", "District leader"),
                    ("consultant", "Consultant"),
                    ("principal", "Principal"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "principal"), ("school__isnull", False)),
                    models.Q(
                        models.Q(("kind", "principal"), _negated=True), ("school__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="membership_school_for_principals_only",
            ),
        ),
        migrations.AddField(
            model_name="membershipinvitation",
            name="district",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="membership_invitations",
                to="districts.district",
            ),
        ),
        migrations.AddField(
            model_name="membershipinvitation",
            name="invited_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="membershipinvitation",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="districts.school",
            ),
        ),
        migrations.AddConstraint(
            model_name="membershipinvitation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "principal"), ("school__isnull", False)),
                    models.Q(("kind", "leader"), ("school__isnull", True)),
                    _connector="OR",
                ),
                name="membership_invitation_kind_and_school",
            ),
        ),
    ]
