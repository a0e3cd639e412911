"""The Onpoint engine's stored results: group scores, benchmark versions, ranks and landmarks.

Everything here is derived: it is recomputed from the responses by `onpoint.rescore` and
`onpoint.benchmark_rebuild` (the worker, or `manage.py recompute`) and read by pages and the API
through `onpoint.selectors`, which never recompute. Full precision is stored; rounding happens
only for display.
"""

from __future__ import annotations

from django.db import models

from onpoint.method.structure import REASON_COMPLEMENTARY, REASON_FEW_RESPONSES, SCORE_KEYS, STAGES
from surveys.models import Campaign

SCORE_KEY_CHOICES = [(key, key) for key in SCORE_KEYS]
STAGE_CHOICES = [(stage, stage) for stage in STAGES]


class GroupScore(models.Model):
    """One score of one group of one campaign (method section 4), after suppression.

    A group is the campaign as a whole, one school (or "Unspecified", the responses with no
    school), or one role. The check constraint keeps the privacy rule in the database itself: a
    row that is not reported has no value, so no query, export or chart can leak one.
    """

    class Breakdown(models.TextChoices):
        WHOLE = "whole", "Whole campaign"
        SCHOOL = "school", "By school"
        ROLE = "role", "By role"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="group_scores")
    breakdown = models.CharField(max_length=10, choices=Breakdown.choices)
    # "" for the whole campaign; the school's name (or "Unspecified"); the role's key.
    group = models.CharField(max_length=200, blank=True)
    # The group's place in its breakdown: names in Unicode code point order (method section 9).
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=20, choices=SCORE_KEY_CHOICES)
    value = models.FloatField(null=True)
    n = models.PositiveIntegerField()
    reported = models.BooleanField()
    reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["campaign", "breakdown", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "breakdown", "group", "key"], name="group_score_once"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(reported=True, value__isnull=False, n__gte=5, reason="")
                    | models.Q(
                        reported=False,
                        value__isnull=True,
                        reason__in=[REASON_FEW_RESPONSES, REASON_COMPLEMENTARY],
                    )
                ),
                name="group_score_suppressed_has_no_value",
            ),
        ]
        indexes = [models.Index(fields=["breakdown", "key"], name="group_score_breakdown_key")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.breakdown}:{self.group} {self.key}"


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
