"""The Onpoint engine's stored results: group scores, benchmark versions, ranks and landmarks.

Everything here is derived: it is recomputed from the responses by `onpoint.rescore` and
`onpoint.benchmark_rebuild` (the worker, or `manage.py recompute`) and read by pages and the API
through `onpoint.selectors`, which never recompute. Full precision is stored; rounding happens
only for display.
"""

from __future__ import annotations

from django.db import models

from onpoint.method.scoring import Score
from onpoint.method.structure import REASON_COMPLEMENTARY, REASON_FEW_RESPONSES, SCORE_KEYS, STAGES
from surveys.models import Campaign

SCORE_KEY_CHOICES = [(key, key) for key in SCORE_KEYS]
STAGE_CHOICES = [(stage, stage) for stage in STAGES]


# How a stored score was suppressed, as a small code (GroupScore.<key>_reason).
REPORTED = 0
REASON_CODES: dict[int, str] = {1: REASON_FEW_RESPONSES, 2: REASON_COMPLEMENTARY}
CODE_OF_REASON: dict[str, int] = {reason: code for code, reason in REASON_CODES.items()}


def _reported_or_hidden(key: str) -> models.Q:
    """A reported score has a value, at least 5 responses and no reason; a suppressed one has
    no value and one of the documented reasons. So no query, export or chart can leak one."""
    return models.Q(
        **{f"{key}_reason": REPORTED, f"{key}__isnull": False, f"{key}_n__gte": 5}
    ) | models.Q(**{f"{key}_reason__in": list(REASON_CODES), f"{key}__isnull": True})


class GroupScore(models.Model):
    """Every score of one group of one campaign (method section 4), after suppression: one row
    per group (issue 13), a value, an n and a reason code per score key.

    A group is the campaign as a whole, one school (or "Unspecified", the responses with no
    school), or one role. For each key of SCORE_KEYS, `<key>` is the full-precision value (NULL
    when suppressed), `<key>_n` its n, `<key>_reason` REPORTED or a code of REASON_CODES. The
    check constraints keep the privacy rule in the database itself. Read through `scores()`.
    """

    class Breakdown(models.TextChoices):
        WHOLE = "whole", "Whole campaign"
        SCHOOL = "school", "By school"
        ROLE = "role", "By role"

    # No index of its own: the unique (campaign, breakdown, group) constraint leads with it.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="group_scores", db_index=False
    )
    breakdown = models.CharField(max_length=10, choices=Breakdown.choices)
    # "" for the whole campaign; the school's name (or "Unspecified"); the role's key.
    group = models.CharField(max_length=200, blank=True)
    # The group's place in its breakdown: names in Unicode code point order (method section 9).
    position = models.PositiveIntegerField(default=0)

    onpoint = models.FloatField(null=True)
    onpoint_n = models.PositiveIntegerField(default=0)
    onpoint_reason = models.PositiveSmallIntegerField(default=REPORTED)
    strategy = models.FloatField(null=True)
    strategy_n = models.PositiveIntegerField(default=0)
    strategy_reason = models.PositiveSmallIntegerField(default=REPORTED)
    operations = models.FloatField(null=True)
    operations_n = models.PositiveIntegerField(default=0)
    operations_reason = models.PositiveSmallIntegerField(default=REPORTED)
    design = models.FloatField(null=True)
    design_n = models.PositiveIntegerField(default=0)
    design_reason = models.PositiveSmallIntegerField(default=REPORTED)
    culture = models.FloatField(null=True)
    culture_n = models.PositiveIntegerField(default=0)
    culture_reason = models.PositiveSmallIntegerField(default=REPORTED)
    vision = models.FloatField(null=True)
    vision_n = models.PositiveIntegerField(default=0)
    vision_reason = models.PositiveSmallIntegerField(default=REPORTED)
    plan = models.FloatField(null=True)
    plan_n = models.PositiveIntegerField(default=0)
    plan_reason = models.PositiveSmallIntegerField(default=REPORTED)
    devices_tools = models.FloatField(null=True)
    devices_tools_n = models.PositiveIntegerField(default=0)
    devices_tools_reason = models.PositiveSmallIntegerField(default=REPORTED)
    it_support = models.FloatField(null=True)
    it_support_n = models.PositiveIntegerField(default=0)
    it_support_reason = models.PositiveSmallIntegerField(default=REPORTED)
    teacher_role = models.FloatField(null=True)
    teacher_role_n = models.PositiveIntegerField(default=0)
    teacher_role_reason = models.PositiveSmallIntegerField(default=REPORTED)
    student_role = models.FloatField(null=True)
    student_role_n = models.PositiveIntegerField(default=0)
    student_role_reason = models.PositiveSmallIntegerField(default=REPORTED)
    buy_in = models.FloatField(null=True)
    buy_in_n = models.PositiveIntegerField(default=0)
    buy_in_reason = models.PositiveSmallIntegerField(default=REPORTED)
    risk_taking = models.FloatField(null=True)
    risk_taking_n = models.PositiveIntegerField(default=0)
    risk_taking_reason = models.PositiveSmallIntegerField(default=REPORTED)
    supportive = models.FloatField(null=True)
    supportive_n = models.PositiveIntegerField(default=0)
    supportive_reason = models.PositiveSmallIntegerField(default=REPORTED)

    class Meta:
        ordering = ["campaign", "breakdown", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "breakdown", "group"], name="group_score_once_per_group"
            ),
            *(
                models.CheckConstraint(
                    condition=_reported_or_hidden(key), name=f"group_score_{key}_hidden_or_shown"
                )
                for key in SCORE_KEYS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.breakdown}:{self.group}"

    def score(self, key: str) -> Score:
        """The stored score `key` as the pure modules' Score."""
        value, n, code = (getattr(self, name) for name in (key, f"{key}_n", f"{key}_reason"))
        if code == REPORTED:
            return Score.shown(value, n)
        return Score.suppressed(n, REASON_CODES[code])

    def scores(self) -> dict[str, Score]:
        """Every stored score of the group, in SCORE_KEYS order."""
        return {key: self.score(key) for key in SCORE_KEYS}


# The score columns above are the method's keys; this keeps them from drifting apart.
assert all(
    hasattr(GroupScore, name) for key in SCORE_KEYS for name in (key, f"{key}_n", f"{key}_reason")
)


class BenchmarkVersion(models.Model):
    """One build of the national benchmarks (method section 5). Never changed once written.

    A rebuild that finds exactly the same cohorts as the latest version writes no new version,
    so versions mark real changes and `manage.py recompute` run twice leaves the same rows.
    """

    computed_at = models.DateTimeField()
    # sha256 of every stage's cohort values for every key, at full precision.
    fingerprint = models.CharField(max_length=64)
    n_campaigns = models.PositiveIntegerField(help_text="Campaigns eligible for the benchmarks.")
    # {category: share or null} (method section 5, "Share of growth in the first year").
    growth_shares = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"Benchmarks version {self.pk} ({self.computed_at:%Y-%m-%d %H:%M})"


class Benchmark(models.Model):
    """One score key's benchmark at one stage in one version, with the cohort it came from.

    The cohort's values are kept so that a campaign can be ranked against this version at any
    later time (a campaign outside the cohort is ranked against it "as it is").
    """

    version = models.ForeignKey(
        BenchmarkVersion, on_delete=models.CASCADE, related_name="benchmarks"
    )
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    key = models.CharField(max_length=20, choices=SCORE_KEY_CHOICES)
    n_districts = models.PositiveIntegerField()
    published = models.BooleanField()
    mean = models.FloatField(null=True)
    p10 = models.FloatField(null=True)
    p25 = models.FloatField(null=True)
    p50 = models.FloatField(null=True)
    p75 = models.FloatField(null=True)
    p90 = models.FloatField(null=True)
    # Ascending, full precision; never shown (it would show districts' values one by one).
    cohort = models.JSONField(default=list)

    class Meta:
        ordering = ["version", "stage", "key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "stage", "key"], name="benchmark_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        published=True,
                        n_districts__gte=5,
                        mean__isnull=False,
                        p10__isnull=False,
                        p25__isnull=False,
                        p50__isnull=False,
                        p75__isnull=False,
                        p90__isnull=False,
                    )
                    | models.Q(
                        published=False,
                        mean__isnull=True,
                        p10__isnull=True,
                        p25__isnull=True,
                        p50__isnull=True,
                        p75__isnull=True,
                        p90__isnull=True,
                    )
                ),
                name="benchmark_unpublished_has_no_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.stage} {self.key}"


class BenchmarkState(models.Model):
    """A single row: when the benchmarks were last found current, and the rebuilds' lock.

    The sweep compares campaigns' opening and closing times with `checked_at` to notice a
    campaign that opened or closed since, without changing any version row.
    """

    checked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Benchmarks checked at {self.checked_at}"


class CampaignResult(models.Model):
    """What a campaign's dashboard shows beyond its group scores, as last computed.

    `ranks`, `landmarks` and `previous_campaign` depend on the benchmark version and the
    district's other campaigns; `alignment` only on the campaign's by-role scores.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="result"
    )
    # The stage the ranks and landmarks were computed at (the district's launch date may move).
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    n_responses = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    benchmark_version = models.ForeignKey(
        BenchmarkVersion, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # P of method section 6, for transparency.
    previous_campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # {score key: percentile rank or null}, full precision.
    ranks = models.JSONField(default=dict)
    # {landmark key: {"status", "reason"}}: keys, put into words when read (landmark_texts).
    landmarks = models.JSONField(default=dict)
    # {"gap": float | null, "categories": {category: {"gap", "high_role", "low_role", "divided"}}}
    alignment = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Results of campaign {self.campaign_id}"
