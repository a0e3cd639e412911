"""Districts, their schools, who may see them, and the milestones on their journey; the audit
log of who read a district's data, and the failed logins that pause an account.

A district's stage is the method's (section 2): `onpoint.method.stages.stage_of(launch_date,
day)`, called by the layers above; this app imports no other app of the project.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

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
    """A user's standing with one district: its leader, or its consultant."""

    class Kind(models.TextChoices):
        LEADER = "leader", "District leader"
        CONSULTANT = "consultant", "Consultant"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "kind"], name="membership_unique_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.district}"


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
    """Who viewed or exported which district's data, and when. Visible to staff in the admin.

    Also who hid a staff comment, for good (issue 16): the row names the comment by its random
    id in `path`, never by its words.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        HIDE = "hide", "Hid a comment"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    district_slug = models.CharField(max_length=80, blank=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    path = models.CharField(max_length=500)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.path}"


class LoginFailure(models.Model):
    """A failed login for one account name; enough of them in a while locks the name out.

    Keyed on the account name, never on the network address alone: a whole school shares one
    address (domain.md), and locking it would lock out every teacher.
    """

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"
