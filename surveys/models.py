"""Survey instruments, campaigns (one administration in one district) and anonymous responses."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import models
from django.utils import timezone

from districts.models import District, Milestone, School
from onpoint.method.grid import GRID_MAX, from_grid
from onpoint.method.stages import stage_of
from onpoint.method.structure import CATEGORY_KEYS, DIMENSIONS, ROLE_LABELS, ROLES, STAGE_LABELS
from surveys.response_row import answers_unpack


def new_campaign_token() -> str:
    """192 random bits, URL-safe: a survey link can't be guessed or enumerated."""
    return secrets.token_urlsafe(24)


def _scores_on_the_grid() -> models.Q:
    """Every stored score is absent or 0..100 points in grid units."""
    condition = models.Q()
    for column in (*DIMENSIONS, *CATEGORY_KEYS):
        condition &= models.Q(**{f"{column}__isnull": True}) | models.Q(
            **{f"{column}__gte": 0, f"{column}__lte": GRID_MAX}
        )
    return condition


class Instrument(models.Model):
    """A versioned survey instrument. Immutable once a campaign has used it.

    `definition` holds the scale and the items with their codes, dimension, category,
    reverse coding and statement in each language (see surveys/instrument_v1.py).
    """

    version = models.CharField(max_length=20, unique=True)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Onpoint staff survey, version {self.version}"


class LinkMode(models.TextChoices):
    """How staff reach the survey (issue 15): the shared link (and its QR code, for a staff
    meeting), a personal single-use link emailed to each invited address, or both."""

    SHARED = "shared", "The shared link and QR code"
    PERSONAL = "personal", "Personal links sent by email"
    BOTH = "both", "Both"


class Campaign(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="campaigns")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    expected_responses = models.PositiveIntegerField(null=True, blank=True)
    exclude_from_benchmarks = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, default=new_campaign_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by each stored response, cleared by the recompute that claims it (onpoint.tasks).
    scores_dirty = models.BooleanField(default=False, db_index=True)
    # The survey asks the two optional open questions (staff voice, issue 16).
    # A database default too, so rows written outside the ORM (seed_scale's COPY) take it.
    asks_comments = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Ask staff two optional open questions: what they are proud of, and what would "
        "help them most.",
    )
    # Database defaults too, so rows written outside the ORM (seed_scale's COPY) take them.
    link_mode = models.CharField(
        max_length=10,
        choices=LinkMode.choices,
        default=LinkMode.SHARED,
        db_default=LinkMode.SHARED,
    )
    # A reminder to the invitations not yet used, sent once at this time (chosen at creation).
    reminder_at = models.DateTimeField(null=True, blank=True)
    # Reminder rounds started (by the button, the API or the schedule), and when the last one
    # started: the next waits an hour, and a scheduled reminder already covered by one is done.
    reminder_rounds = models.PositiveSmallIntegerField(default=0, db_default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(link_mode__in=list(LinkMode.values)),
                name="campaign_link_mode_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def opens_on(self) -> dt.date:
        """The opening date in the project's time zone (TIME_ZONE): the date the method's stage
        rule uses. Named explicitly: a page shown in the district's own zone
        (`timezone.override`) must not move a campaign to another stage (docs/decisions.md)."""
        return timezone.localdate(self.opens_at, timezone.get_default_timezone())

    @property
    def stage(self) -> str:
        """The method's stage (section 2) of the district when the campaign opened."""
        return stage_of(self.district.launch_date, self.opens_on)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now: dt.datetime | None = None) -> bool:
        return self.closes_at <= (now or timezone.now())

    @property
    def takes_shared_link(self) -> bool:
        return self.link_mode != LinkMode.PERSONAL

    @property
    def takes_personal_links(self) -> bool:
        return self.link_mode != LinkMode.SHARED


class Response(models.Model):
    """One anonymous response. Nothing identifies the person: no account, address, agent or time.

    Compact (issue 13; surveys.response_row): `answers` holds one byte per item of the
    campaign's instrument, in its item order (1..5, 0 for no answer), and the per-response
    scores of method section 3 are one small integer column per dimension and category, in
    grid units of 1/36 point (onpoint.method.grid), NULL when absent. So group scores are plain
    SQL aggregates with exact integer sums (COUNT skips NULLs, which is exactly "the responses
    in which that score is present"). Item scores are not stored: they follow from the answers.
    """

    # No index of its own: the unique (campaign, submission_id) constraint leads with it.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    # Made by the survey page, so a double tap or a retried request stores one response.
    submission_id = models.UUIDField(default=uuid.uuid4)
    role = models.CharField(max_length=20, choices=[(key, ROLE_LABELS[key]) for key in ROLES])
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    submitted_on = models.DateField()
    answers = models.BinaryField(default=bytes)

    vision = models.SmallIntegerField(null=True)
    plan = models.SmallIntegerField(null=True)
    devices_tools = models.SmallIntegerField(null=True)
    it_support = models.SmallIntegerField(null=True)
    teacher_role = models.SmallIntegerField(null=True)
    student_role = models.SmallIntegerField(null=True)
    buy_in = models.SmallIntegerField(null=True)
    risk_taking = models.SmallIntegerField(null=True)
    supportive = models.SmallIntegerField(null=True)
    strategy = models.SmallIntegerField(null=True)
    operations = models.SmallIntegerField(null=True)
    design = models.SmallIntegerField(null=True)
    culture = models.SmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "submission_id"], name="response_once_per_submission"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=list(ROLES)), name="response_role_is_known"
            ),
            models.CheckConstraint(
                condition=_scores_on_the_grid(), name="response_scores_within_the_grid"
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.campaign_id}"

    def answers_by_code(self) -> dict[str, int | None]:
        """Every item code of the campaign's instrument mapped to its answer, or None."""
        codes = [item["code"] for item in self.campaign.instrument.definition.get("items", [])]
        return answers_unpack(codes, self.answers)

    def score(self, key: str) -> float | None:
        """The stored dimension or category score `key` in points (0..100); None when absent."""
        return from_grid(getattr(self, key))


class Comment(models.Model):
    """One answer to an open question of the survey, kept apart from every response.

    Unlinkable by design (issue 16; SECURITY.md): no role, school, date or time, no reference to
    the response it came with, and a random primary key rather than a sequence that would follow
    the responses' ids. Pages list comments in random order, and the release rewrites a
    campaign's comments in random order (surveys.comments.comments_release_shuffle) so that not
    even the database's own row order or PostgreSQL's transaction ids follow the submissions.

    Hiding is for good: the words are erased and `hidden` set; nothing sets it back.
    """

    class Kind(models.TextChoices):
        PROUD_OF = "proud_of", "What are you proud of in our personalized-learning work?"
        HELP = "help", "What would help you most?"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    hidden = models.BooleanField(default=False)
    # The milestone a leader made of this "proud of" comment.
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["proud_of", "help"]), name="comment_kind_is_known"
            ),
            # A hidden comment keeps no words (and a shown one has some).
            models.CheckConstraint(
                condition=models.Q(hidden=True, text="")
                | models.Q(hidden=False) & ~models.Q(text=""),
                name="comment_hidden_has_no_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.campaign_id}"


# The score columns above are the method's keys; this keeps them from drifting apart.
SCORE_COLUMNS: tuple[str, ...] = (*DIMENSIONS, *CATEGORY_KEYS)
assert all(hasattr(Response, column) for column in SCORE_COLUMNS)


# --- invitations (issue 15) ------------------------------------------------------------------
# Who was invited and who has answered is never joined to what anyone answered (domain.md,
# Privacy). So an invitation is deleted when its link is used, in the transaction that stores
# the response: no flag flips, no time is written, no row moves or is kept in an order that
# the responses' ids could be matched against; the response has no reference to it. Answered
# counts are the invited counts minus the invitations left. When the campaign closes, every
# address goes (surveys.invitations.invitations_erase) and only the counts stay.


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not delivered"


class Invitation(models.Model):
    """One invited address whose personal link is not used yet.

    The link's token is made from `nonce` with the SECRET_KEY (districts.tokens); the row keeps
    the nonce (to mail the same link in a reminder) and the token's SHA-256 (to find it). No
    time of any kind: not when it was sent, opened or used.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, unique=True)
    # The site address the link starts with (PUBLIC_URL, or the page's where it was added), so
    # that a reminder repeats the first mail's link.
    link_base = models.CharField(max_length=200)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    failures = models.PositiveSmallIntegerField(default=0)
    # Why the last mail was not delivered, as the mail server said (for the leader to fix it).
    error = models.CharField(max_length=200, blank=True)
    # The last reminder round this address was sent (Campaign.reminder_rounds).
    reminded = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"], name="invitation_once_per_address"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.campaign_id}"


class InvitationTally(models.Model):
    """The invited count of one campaign and school (school None: invitations naming none).

    Written when addresses are invited, never when one answers. `answered` is filled when the
    campaign closes and its invitations are erased: the counts are all that stays.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="tally_once_per_school"),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(school__isnull=True),
                name="tally_once_without_school",
            ),
        ]

    def __str__(self) -> str:
        return f"Tally of {self.campaign_id}"


class InvitedAddress(models.Model):
    """A keyed hash (HMAC-SHA256 with the SECRET_KEY) of every address the campaign invited, used
    or not, so that pasting the staff list again does not send a second link to someone whose
    first is used (and deleted). Written when inviting, never when answering; erased at close.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "digest"], name="invited_address_once_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"Invited address of {self.campaign_id}"
