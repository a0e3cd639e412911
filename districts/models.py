"""Districts, their schools, who may see them (and the invitations to join their team), and the
milestones on their journey; the audit log of who read or changed a district's data, and the
failed logins that pause an account.

A district's stage is the method's (section 2): `onpoint.method.stages.stage_of(launch_date,
day)`, called by the layers above; this app imports no other app of the project.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# Two-letter USPS codes: the fifty states, DC, and the territories with public school systems.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}  # fmt: skip


# The time zones of US school districts (IANA names), west to east, then the territories'. A
# campaign's dates are entered and shown in its district's zone; they are stored in UTC.
US_TIME_ZONES: dict[str, str] = {
    "Pacific/Honolulu": "Hawaii",
    "America/Anchorage": "Alaska",
    "America/Los_Angeles": "Pacific",
    "America/Phoenix": "Mountain, no daylight saving time (Arizona)",
    "America/Denver": "Mountain",
    "America/Chicago": "Central",
    "America/New_York": "Eastern",
    "America/Puerto_Rico": "Atlantic (Puerto Rico, U.S. Virgin Islands)",
    "Pacific/Guam": "Chamorro (Guam, Northern Mariana Islands)",
    "Pacific/Pago_Pago": "Samoa",
}
# The zone a new district gets unless its creator picks another: where most of the state's people
# live. A state across two zones (Texas, Florida, Oregon, Idaho, ...) takes its larger part's.
STATE_TIME_ZONES: dict[str, str] = {
    **dict.fromkeys(
        ("CT", "DC", "DE", "FL", "GA", "IN", "KY", "MA", "MD", "ME", "MI", "NC", "NH", "NJ",
         "NY", "OH", "PA", "RI", "SC", "VA", "VT", "WV"),
        "America/New_York",
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
assert set(STATE_TIME_ZONES) == set(US_STATES)
assert set(STATE_TIME_ZONES.values()) <= set(US_TIME_ZONES)


def time_zone_for_state(state: str) -> str:
    """The default time zone of a district in `state` (a two-letter code); Eastern if unknown."""
    return STATE_TIME_ZONES.get(state.upper(), "America/New_York")


class PathPlace(models.TextChoices):
    """Where a district places itself on the simpler path of domain.md."""

    EXPLORING = "exploring", "Exploring it"
    TRYING = "trying", "Trying it and still learning"
    DOING = "doing", "Doing it for a while"
    HELPING = "helping", "Helping others do it"


class District(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    state = models.CharField(max_length=2, choices=sorted(US_STATES.items()))
    nces_id = models.CharField(
        "NCES district id",
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{7}$", "An NCES district id is seven digits.")],
    )
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    launch_date = models.DateField(
        null=True,
        blank=True,
        help_text="The day personalized learning started in classrooms; empty while planning.",
    )
    path_place = models.CharField(
        max_length=20, choices=PathPlace.choices, default=PathPlace.EXPLORING
    )
    # Only districts that opt in are named on the national map (domain.md, Privacy).
    listed_on_national_map = models.BooleanField(default=False)
    # Only districts that opt in are shown, by name with their milestones and released Onpoint
    # scores, to districts one or two stages behind them ("co-travelers", issue 16).
    named_as_co_traveler = models.BooleanField(default=False, db_default=False)
    # Chosen when the district is created (districts.services.district_create), else its state's.
    time_zone = models.CharField(
        max_length=40,
        choices=list(US_TIME_ZONES.items()),
        blank=True,
        default="",
        help_text="Campaign dates are entered and shown in this zone. Empty: the state's zone.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nces_id"],
                condition=~models.Q(nces_id=""),
                name="district_nces_id_unique_when_set",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=list(US_STATES)), name="district_state_is_us_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def state_name(self) -> str:
        return US_STATES.get(self.state, self.state)

    @property
    def time_zone_name(self) -> str:
        """The district's IANA zone; a row stored without one (bulk loads) takes its state's."""
        return self.time_zone or time_zone_for_state(self.state)

    @property
    def zone(self) -> ZoneInfo:
        """The zone a campaign's dates are entered and shown in (`timezone.override(...)`)."""
        return ZoneInfo(self.time_zone_name)

    @property
    def time_zone_label(self) -> str:
        """The zone's everyday name: "Pacific" for America/Los_Angeles."""
        return US_TIME_ZONES.get(self.time_zone_name, self.time_zone_name)


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    # How many staff a campaign may expect to answer at this school: its response rate's base.
    expected_responses = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "district", Lower("name"), name="school_name_unique_in_district"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's standing with one district: its leader, its consultant, or the principal of one
    of its schools.

    A principal sees the district's released results and their own school's group, never
    another school's numbers (districts.selectors.school_scope_of); a principal's membership
    names that school, and no other kind names one (a database constraint).
    """

    class Kind(models.TextChoices):
        LEADER = "leader", "District leader"
        CONSULTANT = "consultant", "Consultant"
        PRINCIPAL = "principal", "Principal"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="principals"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "kind"], name="membership_unique_per_kind"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="principal", school__isnull=False)
                    | (~models.Q(kind="principal") & models.Q(school__isnull=True))
                ),
                name="membership_school_for_principals_only",
            ),
        ]

    def __str__(self) -> str:
        school = f" · {self.school}" if self.school_id else ""
        return f"{self.user} · {self.get_kind_display()} · {self.district}{school}"


# A leader's invitation to join the school team expires after this (issue 15).
MEMBERSHIP_INVITATION_LIFETIME = dt.timedelta(days=7)


def membership_invitation_expiry() -> dt.datetime:
    return timezone.now() + MEMBERSHIP_INVITATION_LIFETIME


class MembershipInvitation(models.Model):
    """An emailed invitation to become a district's co-leader or the principal of one of its
    schools. Its link carries a token made from `nonce` with the SECRET_KEY: the database keeps
    only the nonce and the token's SHA-256, so a copy of the database cannot be used to join.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="membership_invitations"
    )
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Membership.Kind.choices)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=membership_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    mail_failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="principal", school__isnull=False)
                    | models.Q(kind="leader", school__isnull=True)
                ),
                name="membership_invitation_kind_and_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_kind_display()} · {self.district}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class Milestone(models.Model):
    """Something a district is proud of on its journey, shown on its journey map."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="milestones")
    happened_on = models.DateField()
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return self.text


# The four landmarks of the method (onpoint.method.structure.LANDMARK_KEYS and LANDMARK_LABELS),
# spelled out here because this app imports no other (docs/architecture.md);
# tests/districts/test_learning_offers.py keeps the two the same.
LANDMARK_CHOICES: tuple[tuple[str, str], ...] = (
    ("shared_understanding", "Shared understanding"),
    ("operations", "Iterating on operations"),
    ("student_agency", "Student agency"),
    ("culture", "Culture of innovation"),
)


class LearningOffer(models.Model):
    """Professional learning the district runs for its staff, tied to the landmark it serves:
    a microcredential on student goal-setting serves student agency. How many staff
    earned it is a count; nobody's name is kept."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="learning_offers")
    name = models.CharField(max_length=200)
    landmark = models.CharField(max_length=30, choices=LANDMARK_CHOICES)
    earned_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "district",
                Lower("name"),
                name="learning_offer_name_unique_in_district",
                violation_error_message="The district already has an offer of this name.",
            ),
            models.CheckConstraint(
                condition=models.Q(landmark__in=[key for key, _ in LANDMARK_CHOICES]),
                name="learning_offer_landmark_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who viewed, exported or changed which district's data, and when. Staff read it in the
    admin.

    Views and exports are recorded by journeys.audit_log's middleware; changes by the services
    that make them (districts.audit.audit_change). Also who hid a staff comment, for good (issue
    16): the row names the comment by its random id in `path`, never by its words. No event is
    ever recorded for a survey response or for the use of a personal survey link: nothing here
    can join a person to an answer.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        HIDE = "hide", "Hid a comment"
        CAMPAIGN_CREATED = "campaign_created", "Created a campaign"
        CAMPAIGN_EDITED = "campaign_edited", "Edited a campaign"
        CAMPAIGN_CLOSED = "campaign_closed", "Closed a campaign"
        INVITATIONS_SENT = "invitations_sent", "Invited staff by email"
        REMINDERS_SENT = "reminders_sent", "Sent a reminder"
        INVITATIONS_ERASED = "invitations_erased", "Erased the invited addresses"
        MEMBER_INVITED = "member_invited", "Invited to the school team"
        MEMBERSHIP_GRANTED = "membership_granted", "Granted a membership"
        MEMBERSHIP_REVOKED = "membership_revoked", "Revoked a membership"
        MILESTONE_ADDED = "milestone_added", "Added a milestone"
        MILESTONE_EDITED = "milestone_edited", "Edited a milestone"
        MILESTONE_DELETED = "milestone_deleted", "Deleted a milestone"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # "" for a change the system made by itself (a scheduled reminder, a campaign closing by
    # its date).
    username = models.CharField(max_length=150, blank=True)
    district_slug = models.CharField(max_length=80, blank=True, db_index=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    # The page or endpoint read, for views and exports; "" for a change.
    path = models.CharField(max_length=500, blank=True)
    # What changed, in words, for a change: "campaign 12 “Spring survey”: closes_at".
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username or 'system'} {self.action} {self.path or self.detail}"


class LoginFailure(models.Model):
    """A failed login for one account name; enough of them in a while locks the name out.

    Keyed on the account name, never on the network address alone: a whole school shares one
    address (domain.md), and locking it would lock out every teacher.
    """

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"
