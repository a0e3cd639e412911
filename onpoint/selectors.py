"""Reads of the Onpoint engine's stored results, for pages and the API. They never recompute.

Each function makes a fixed number of queries, whatever the number of rows (documented per
function). Scores come back as the pure modules' `Score` (value None when suppressed), so a
page can only show what the method lets it show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from districts.models import District
from districts.selectors import CampaignReader, SchoolScope, User, campaign_reader_of
from onpoint.aggregates import SCHOOL_NAMED_UNSPECIFIED, UNSPECIFIED_SCHOOL
from onpoint.benchmark_reads import version_benchmark_rows, version_benchmarks
from onpoint.landmark_texts import LandmarkText, landmark_text
from onpoint.method.alignment import NO_GAP, Alignment, CategoryGap
from onpoint.method.benchmarks import Benchmark
from onpoint.method.landmarks import Landmark
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    CATEGORY_KEYS,
    LANDMARK_KEYS,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
    STAGES,
)
from onpoint.models import BenchmarkVersion, CampaignResult, GroupScore
from onpoint.standing import campaign_facts, campaign_standing, district_campaign_facts
from surveys.models import Campaign, Response
from surveys.participation import (
    Participation,
    SchoolParticipation,
    campaign_participation,
    response_rate,
)


def _every_score(whole: Mapping[str, Score]) -> dict[str, Score]:
    """Every score key of a campaign's stored whole-campaign scores; one not stored reads as
    suppressed with no responses."""
    return {key: whole.get(key, Score.suppressed(0, REASON_FEW_RESPONSES)) for key in SCORE_KEYS}


def _landmarks_in_words(landmarks: dict[str, Landmark], stage: str) -> dict[str, LandmarkText]:
    """The landmarks in the active language, in LANDMARK_KEYS order."""
    language = translation.get_language()
    return {
        key: _landmark_words(landmarks[key], stage, language)
        for key in LANDMARK_KEYS
        if key in landmarks
    }


@lru_cache(maxsize=1024)
def _landmark_words(landmark: Landmark, stage: str, language: str | None) -> LandmarkText:
    """landmark_text, kept per process: its words depend on the landmark (its key, status and
    reason), the stage and the active language alone, and a compare page or a journey map
    shows dozens of campaigns' landmarks (a frozen LandmarkText, so sharing it is safe)."""
    return landmark_text(landmark, stage=stage)


def _landmarks_of_json(stored: dict[str, Any], stage: str) -> dict[str, LandmarkText]:
    """CampaignResult.landmarks ({key: {"status", "reason"}}) in words; `stage` is the one they
    were computed at (CampaignResult.stage)."""
    return _landmarks_in_words(
        {
            key: Landmark(key=key, status=found["status"], reason=found["reason"])
            for key, found in stored.items()
        },
        stage,
    )


def _alignment_of_json(stored: dict[str, Any]) -> Alignment:
    categories = {}
    for key in CATEGORY_KEYS:
        found = (stored.get("categories") or {}).get(key)
        categories[key] = (
            CategoryGap(
                gap=found["gap"],
                high_role=found["high_role"],
                low_role=found["low_role"],
                divided=bool(found["divided"]),
            )
            if found
            else NO_GAP
        )
    return Alignment(gap=stored.get("gap"), categories=categories)


@dataclass(frozen=True)
class Group:
    """One group of a breakdown: a school's name ("Unspecified" for no school) or a role key."""

    name: str
    scores: dict[str, Score]


@dataclass(frozen=True)
class CampaignScores:
    """Everything the campaign's dashboard and `GET /api/v1/campaigns/{id}/scores/` show.

    - `scores`: the whole campaign's scores keyed as SCORE_KEYS (onpoint, the categories, the
      dimensions), with `percentile_ranks` for the same keys (None when not reported or the
      benchmark is not published).
    - `by_school`, `by_role`: the groups in Unicode code point order of their names, each with
      its scores after complementary suppression. A school or role with no response is absent.
    - `landmarks`: keyed as LANDMARK_KEYS; `alignment`: from the by-role scores.
    - `released`: the campaign has closed (method 1.1, section 4, "Release"). An unreleased
      campaign carries no score, rank, landmark or alignment, only `participation` (counts);
      pages and the API show nothing else of it.
    - `computed_at` is None and `recompute_pending` True while the released scores are being
      prepared (the campaign closed moments ago).
    - `benchmark_version`: the version the ranks and landmarks were computed against (None
      while no benchmarks exist).
    """

    campaign: Campaign
    stage: str
    n_responses: int
    computed_at: dt.datetime | None
    recompute_pending: bool
    benchmark_version: BenchmarkVersion | None
    scores: dict[str, Score]
    percentile_ranks: dict[str, float | None]
    by_school: list[Group] = field(default_factory=list)
    by_role: list[Group] = field(default_factory=list)
    landmarks: dict[str, LandmarkText] = field(default_factory=dict)
    alignment: Alignment = field(
        default_factory=lambda: Alignment(gap=None, categories=dict.fromkeys(CATEGORY_KEYS, NO_GAP))
    )
    previous_campaign_id: int | None = None
    released: bool = True
    participation: Participation | None = None
    # A principal's view (campaign_scores_for): the one school whose group and counts are
    # shown; every other school's group and count is left out. None: every school is shown.
    only_school: str | None = None

    @property
    def results_ready(self) -> bool:
        """Released and computed: the only state in which a page may show a score."""
        return self.released and self.computed_at is not None


def _groups(rows: Iterable[GroupScore], breakdown: str) -> list[Group]:
    """The breakdown's groups in their stored order (one row each)."""
    return [
        Group(name=row.group, scores=row.scores())
        for row in sorted(
            (row for row in rows if row.breakdown == breakdown),
            key=lambda row: (row.position, row.group),
        )
    ]


def campaign_scores(
    *, campaign: Campaign, benchmark_version: BenchmarkVersion | None = None
) -> CampaignScores:
    """The campaign's stored results. Two queries: its CampaignResult (with the benchmark
    version) and its GroupScore rows. `campaign.district` should be loaded by the caller
    (select_related), or it costs one more.

    A campaign never scored yet answers as one with no responses (every score suppressed,
    n = 0) with `recompute_pending` True; its landmarks are those of no scores at all.

    `benchmark_version`, when given and not the one stored, gives the percentile ranks and
    landmarks against that (older) version instead, so that a report from March can be
    reproduced in June: its stored cohorts are ranked against with the pure functions, from
    the stored scores (four more queries). The scores themselves are the current ones.
    """
    found = _campaign_scores_stored(campaign)
    if (
        not found.results_ready
        or benchmark_version is None
        or found.computed_at is None
        or (
            found.benchmark_version is not None
            and found.benchmark_version.pk == benchmark_version.pk
        )
    ):
        return found
    now = timezone.now()
    facts = campaign_facts(campaign, found.scores, now=now)
    district = district_campaign_facts([campaign.district_id], now=now, override=facts)
    stage_benchmarks = version_benchmarks(benchmark_version, [facts.stage])[facts.stage]
    standing = campaign_standing(
        facts, district.get(campaign.district_id, [facts]), stage_benchmarks
    )
    return replace(
        found,
        stage=standing.stage,
        benchmark_version=benchmark_version,
        percentile_ranks=standing.ranks,
        landmarks=_landmarks_in_words(standing.landmarks, standing.stage),
        previous_campaign_id=standing.previous_campaign_id,
    )


def campaign_scores_for(
    *,
    user: User,
    campaign: Campaign,
    benchmark_version: BenchmarkVersion | None = None,
) -> CampaignScores:
    """campaign_scores as `user` may see them: the one place that keeps a principal to their
    own school. Every page, export, report and API answer of a campaign's scores or counts
    reads through here.

    A principal (districts.selectors.school_scope_of) sees the district-wide scores, ranks,
    landmarks, alignment and role groups, and of the school groups only their own, as reported
    (a suppressed group stays suppressed, with its reason); no other school's group or count
    is in the result at all. Everyone else gets campaign_scores unchanged. One more query than
    campaign_scores (none for staff); `campaign.district` should be loaded.
    """
    reader = campaign_reader_of(user=user, district=campaign.district)
    return campaign_scores_read_by(
        reader=reader, campaign=campaign, benchmark_version=benchmark_version
    )


def campaign_scores_read_by(
    *,
    reader: CampaignReader,
    campaign: Campaign,
    benchmark_version: BenchmarkVersion | None = None,
) -> CampaignScores:
    """campaign_scores_for with the reader already known (districts.selectors.
    campaign_reader_of: a page that also needs the reader's leadership asks once)."""
    scores = campaign_scores(campaign=campaign, benchmark_version=benchmark_version)
    return scores_in_scope(scores, reader.scope)


def school_group_name(school_name: str) -> str:
    """The name of a school's group in a breakdown (onpoint.services: a real school named
    "Unspecified" is kept apart from the responses that named no school)."""
    return SCHOOL_NAMED_UNSPECIFIED if school_name == UNSPECIFIED_SCHOOL else school_name


def scores_in_scope(scores: CampaignScores, scope: SchoolScope | None) -> CampaignScores:
    """The scores with only the scope's school among the schools (unchanged for None)."""
    if scope is None:
        return scores
    own_group = school_group_name(scope.school_name)
    participation = scores.participation
    if participation is not None:
        participation = Participation(
            n_responses=participation.n_responses,
            expected_responses=participation.expected_responses,
            by_school=[
                SchoolParticipation(
                    school=row.school,
                    n_responses=row.n_responses,
                    expected_responses=row.expected_responses,
                )
                for row in participation.by_school
                if row.school == scope.school_name
            ],
        )
    return replace(
        scores,
        by_school=[group for group in scores.by_school if group.name == own_group],
        participation=participation,
        only_school=scope.school_name,
    )


def _not_ready(campaign: Campaign, stage: str, *, released: bool) -> CampaignScores:
    """A campaign whose scores no one may see yet: open, or closed moments ago and still being
    scored. Its counts only (two queries)."""
    participation = campaign_participation(campaign=campaign)
    return CampaignScores(
        campaign=campaign,
        stage=stage,
        n_responses=participation.n_responses,
        computed_at=None,
        recompute_pending=released,
        benchmark_version=None,
        scores=_every_score({}),
        percentile_ranks=dict.fromkeys(SCORE_KEYS),
        released=released,
        participation=participation,
    )


def _campaign_scores_stored(campaign: Campaign) -> CampaignScores:
    stage = campaign.stage
    if not campaign.is_closed():
        return _not_ready(campaign, stage, released=False)
    result = (
        CampaignResult.objects.select_related("benchmark_version").filter(campaign=campaign).first()
    )
    # A result computed before the campaign closed is not the released one (version 1 scored
    # open campaigns live; the sweep scores it again).
    if result is None or result.computed_at < campaign.closes_at:
        return _not_ready(campaign, stage, released=True)
    rows = list(GroupScore.objects.filter(campaign=campaign))
    whole = next((row.scores() for row in rows if row.breakdown == GroupScore.Breakdown.WHOLE), {})
    return CampaignScores(
        campaign=campaign,
        stage=stage,
        n_responses=result.n_responses,
        computed_at=result.computed_at,
        # Stale while a response waits for its recompute, or the district's launch date moved
        # the campaign to another stage since its ranks were computed.
        recompute_pending=campaign.scores_dirty or result.stage != stage,
        benchmark_version=result.benchmark_version,
        scores=_every_score(whole),
        percentile_ranks={key: result.ranks.get(key) for key in SCORE_KEYS},
        by_school=_groups(rows, GroupScore.Breakdown.SCHOOL),
        by_role=_groups(rows, GroupScore.Breakdown.ROLE),
        landmarks=_landmarks_of_json(result.landmarks, result.stage),
        alignment=_alignment_of_json(result.alignment),
        previous_campaign_id=result.previous_campaign_id,
    )


@dataclass(frozen=True)
class CampaignSummary:
    """One campaign on a district's journey map or a consultant's compare table."""

    campaign: Campaign
    stage: str
    n_responses: int
    computed_at: dt.datetime | None
    recompute_pending: bool
    benchmark_version_id: int | None
    scores: dict[str, Score]
    percentile_ranks: dict[str, float | None]
    landmarks: dict[str, LandmarkText]
    alignment_gap: float | None
    released: bool = True
    # The version the ranks were computed against, read with the result (None as above).
    benchmark_version: BenchmarkVersion | None = None

    @property
    def results_ready(self) -> bool:
        """Released and computed: the only state in which a page may show its scores."""
        return self.released and self.computed_at is not None

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.n_responses, self.campaign.expected_responses)


def campaign_summaries(*, campaigns: QuerySet[Campaign]) -> list[CampaignSummary]:
    """Whole-campaign scores, ranks, landmarks and alignment gap of each campaign, in the
    queryset's order. One query, whatever the number of campaigns: the campaigns with their
    district, result, benchmark version and whole-campaign GroupScore row (at most one a
    campaign: the unique group_score_once_per_group) joined.

    The caller restricts `campaigns` to what the user may see (districts_visible_to).
    """
    live = (
        Response.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    whole_row = FilteredRelation(
        "group_scores", condition=Q(group_scores__breakdown=GroupScore.Breakdown.WHOLE)
    )
    listed = list(
        campaigns.annotate(whole_row=whole_row)
        # The stubs do not know a FilteredRelation's name; Django joins it (one row at most).
        .select_related("district", "result__benchmark_version", "whole_row")  # type: ignore[misc]
        .annotate(live_responses=Coalesce(Subquery(live), 0))
    )
    now = timezone.now()
    summaries = []
    for campaign in listed:
        result: CampaignResult | None = getattr(campaign, "result", None)
        released = campaign.is_closed(now)
        if not released or result is None or result.computed_at < campaign.closes_at:
            # Counts only: open, or closed moments ago and still being scored (see
            # campaign_scores).
            summaries.append(_counts_only_summary(campaign, released=released))
        else:
            row: GroupScore | None = getattr(campaign, "whole_row", None)
            whole = row.scores() if row is not None else {}
            summaries.append(_released_summary(campaign, result, whole))
    return summaries


def _counts_only_summary(campaign: Campaign, *, released: bool) -> CampaignSummary:
    """A campaign whose scores are not released: its live count of responses, nothing else.
    `campaign` carries `live_responses` (campaign_summaries' annotation)."""
    return CampaignSummary(
        campaign=campaign,
        stage=campaign.stage,
        n_responses=campaign.live_responses,  # type: ignore[attr-defined]
        computed_at=None,
        recompute_pending=released,
        benchmark_version_id=None,
        scores=_every_score({}),
        percentile_ranks=dict.fromkeys(SCORE_KEYS),
        landmarks={},
        alignment_gap=None,
        released=released,
    )


def _released_summary(
    campaign: Campaign, result: CampaignResult, whole: dict[str, Score]
) -> CampaignSummary:
    """A released campaign from its stored result and whole-campaign scores."""
    stage = campaign.stage
    return CampaignSummary(
        campaign=campaign,
        stage=stage,
        n_responses=result.n_responses,
        computed_at=result.computed_at,
        recompute_pending=campaign.scores_dirty or result.stage != stage,
        benchmark_version_id=result.benchmark_version_id,
        benchmark_version=result.benchmark_version,
        scores=_every_score(whole),
        percentile_ranks={key: result.ranks.get(key) for key in SCORE_KEYS},
        landmarks=_landmarks_of_json(result.landmarks, result.stage),
        alignment_gap=result.alignment.get("gap"),
    )


def district_campaign_history(*, district: District) -> list[CampaignSummary]:
    """The district's campaigns, oldest first (by opening, then creation), as CampaignSummary.
    One query. The caller got `district` from district_for(user, slug)."""
    return campaign_summaries(
        campaigns=Campaign.objects.filter(district=district).order_by("opens_at", "pk")
    )


@dataclass(frozen=True)
class BenchmarkSet:
    """One benchmark version: every stage's benchmark of every score key, and growth shares.

    `version` is None while no benchmarks were ever built: every benchmark is then unpublished
    with 0 districts and every growth share None.
    """

    version: BenchmarkVersion | None
    stages: dict[str, dict[str, Benchmark]]
    growth_shares: dict[str, float | None]


def _benchmark_set(version: BenchmarkVersion | None) -> BenchmarkSet:
    """The set of `version`: its rows read once per process (one query the first time, none
    after). Each call gets its own dictionaries, so a caller cannot change another's."""
    if version is None:
        unpublished = Benchmark(n_districts=0, published=False)
        stages = {stage: dict.fromkeys(SCORE_KEYS, unpublished) for stage in STAGES}
        return BenchmarkSet(version=None, stages=stages, growth_shares=dict.fromkeys(CATEGORY_KEYS))
    kept = version_benchmark_rows(version.pk, version.fingerprint)
    shares = version.growth_shares or {}
    return BenchmarkSet(
        version=version,
        stages={stage: dict(by_key) for stage, by_key in kept.items()},
        growth_shares={key: shares.get(key) for key in CATEGORY_KEYS},
    )


def benchmarks_current() -> BenchmarkSet:
    """The latest benchmark version. Two queries the first time a process reads the version,
    one after (none exists: one)."""
    return _benchmark_set(BenchmarkVersion.objects.order_by("-id").first())


def benchmark_version_of(*, version_id: int) -> BenchmarkVersion | None:
    """One benchmark version by id, or None. One query."""
    return BenchmarkVersion.objects.filter(pk=version_id).first()


def benchmarks_of_version(*, version_id: int) -> BenchmarkSet | None:
    """An older (or the current) version, so a report can be reproduced; None when unknown.
    One query (two the first time a process reads the version)."""
    version = benchmark_version_of(version_id=version_id)
    return _benchmark_set(version) if version is not None else None


def benchmarks_of(version: BenchmarkVersion | None) -> BenchmarkSet:
    """The set of a version already read (a CampaignResult's, with select_related); None: no
    benchmarks yet. No query once the process has read the version's rows."""
    return _benchmark_set(version)


def benchmark_versions() -> list[BenchmarkVersion]:
    """Every benchmark version, newest first (the version history). One query."""
    return list(BenchmarkVersion.objects.order_by("-id"))
