"""A campaign's scores after suppression (`CampaignScoreSet`), and the stored rows <-> the
method's objects: GroupScore rows and Score, CampaignResult's alignment and landmark JSON.

The one place that says what a stored score row, an alignment or a landmark looks like. Pure
conversions: no query here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onpoint.aggregates import CampaignAggregates
from onpoint.method.alignment import Alignment
from onpoint.method.landmarks import Landmark
from onpoint.method.scoring import Score, group_scores
from onpoint.method.structure import SCORE_KEYS
from onpoint.method.suppression import across_breakdowns, breakdown_scores
from onpoint.models import GroupScore


@dataclass(frozen=True)
class CampaignScoreSet:
    """Every stored score of one campaign after suppression. Breakdowns in code point order."""

    n_responses: int
    whole: dict[str, Score]
    by_school: dict[str, dict[str, Score]]
    by_role: dict[str, dict[str, Score]]


def campaign_score_set(aggregates: CampaignAggregates) -> CampaignScoreSet:
    """Suppression by the pure functions: group_scores for the whole, breakdown_scores within
    each breakdown, then across_breakdowns (method 1.1, section 4)."""
    whole = group_scores(aggregates.whole.aggregates, aggregates.whole.n_responses)
    by_school = breakdown_scores(
        {name: group.aggregates for name, group in aggregates.by_school.items()},
        {name: group.n_responses for name, group in aggregates.by_school.items()},
    )
    n_by_role = {name: group.n_responses for name, group in aggregates.by_role.items()}
    by_role = breakdown_scores(
        {name: group.aggregates for name, group in aggregates.by_role.items()}, n_by_role
    )
    across_breakdowns(whole, by_school, by_role, aggregates.cells, n_by_role)
    return CampaignScoreSet(
        n_responses=aggregates.whole.n_responses,
        whole=whole,
        by_school=by_school,
        by_role=by_role,
    )


RowKey = tuple[str, str, str]  # (breakdown, group, score key)
RowFields = tuple[int, float | None, int, bool, str]  # (position, value, n, reported, reason)


def _score_rows(score_set: CampaignScoreSet) -> dict[RowKey, RowFields]:
    rows: dict[RowKey, RowFields] = {}
    groups: list[tuple[str, str, int, Mapping[str, Score]]] = [
        (GroupScore.Breakdown.WHOLE, "", 0, score_set.whole)
    ]
    breakdowns: list[tuple[str, dict[str, dict[str, Score]]]] = [
        (GroupScore.Breakdown.SCHOOL, score_set.by_school),
        (GroupScore.Breakdown.ROLE, score_set.by_role),
    ]
    for breakdown, named in breakdowns:
        groups.extend(
            (breakdown, name, position, scores)
            for position, (name, scores) in enumerate(sorted(named.items()))
        )
    for breakdown, group, position, scores in groups:
        for key in SCORE_KEYS:
            score = scores[key]
            rows[(breakdown, group, key)] = (
                position,
                score.value,
                score.n,
                score.reported,
                score.reason or "",
            )
    return rows


GROUP_SCORE_FIELDS = ("position", "value", "n", "reported", "reason")


def group_score_row(
    campaign_id: int, key: RowKey, fields: RowFields, *, pk: int | None = None
) -> GroupScore:
    """One GroupScore from its key (breakdown, group, score key) and its stored fields."""
    breakdown, group, score_key = key
    return GroupScore(
        pk=pk,
        campaign_id=campaign_id,
        breakdown=breakdown,
        group=group,
        key=score_key,
        **dict(zip(GROUP_SCORE_FIELDS, fields, strict=True)),
    )


def score_of_row(row: GroupScore) -> Score:
    """A stored row as the pure modules' Score."""
    return Score(value=row.value, n=row.n, reported=row.reported, reason=row.reason or None)


def alignment_json(alignment: Alignment) -> dict[str, Any]:
    """Alignment at full precision, as stored (the API rounds it for display)."""
    return {
        "gap": alignment.gap,
        "categories": {
            key: {
                "gap": gap.gap,
                "high_role": gap.high_role,
                "low_role": gap.low_role,
                "divided": gap.divided,
            }
            for key, gap in alignment.categories.items()
        },
    }


def landmark_json(landmark: Landmark) -> dict[str, Any]:
    """What CampaignResult.landmarks keeps of a landmark: keys, never words (the selectors put
    them into words in the reader's language, onpoint.landmark_texts)."""
    return {"status": landmark.status, "reason": landmark.reason}
