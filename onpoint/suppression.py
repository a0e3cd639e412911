"""Scores of one breakdown (by school, or by role) of one campaign (method sections 4 and 9)."""

from __future__ import annotations

from collections.abc import Mapping

from onpoint.scoring import Aggregate, Score, group_scores, onpoint_score
from onpoint.structure import (
    CATEGORY_KEYS,
    DIMENSIONS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_COMPLEMENTARY,
)

GROUPS_MISMATCH = "groups and n_responses must name the same groups"


def breakdown_scores(
    groups: Mapping[str, Mapping[str, Aggregate]], n_responses: Mapping[str, int]
) -> dict[str, dict[str, Score]]:
    """Every score of every group of one breakdown, with primary and complementary suppression.

    `groups` maps a group's name (a role key, a school name, or "Unspecified" for responses
    with no school) to its aggregates, as `group_scores` takes them; `n_responses` maps the same
    names to the group's number of responses. The result is ordered by name in Unicode code
    point order, each group's scores keyed as SCORE_KEYS.

    Readings of the method:

    - A name with 0 responses is left out of the result and out of the suppression: method
      section 9, "A school or role with no response in the campaign is not a group: it is not
      listed and plays no part in complementary suppression".
    - A listed group whose n for one score is 0 (every respondent skipped those items) is, for
      that score, a suppressed group holding 0 responses, so it draws a partner like any other
      suppressed group. Section 4 says "while some group is suppressed": such a score is
      suppressed (it is shown as "fewer than 5 responses"), and section 9 exempts only groups
      with no response at all, not groups with no response for one score. The reading costs
      some over-suppression and keeps the guarantee that the suppressed groups of a score
      hold at least 5 responses together whenever any group's score is shown.
    - The loop stops when every group of the breakdown is suppressed for that score: there is
      nothing left to take as a partner.
    - The Onpoint score takes no part in the loop (section 9); each group's Onpoint score is
      computed from its category scores after theirs.
    """
    if set(groups) != set(n_responses):
        raise ValueError(GROUPS_MISMATCH)
    names = sorted(name for name in groups if n_responses[name] > 0)
    scores = {name: group_scores(groups[name], n_responses[name]) for name in names}

    for key in (*CATEGORY_KEYS, *DIMENSIONS):
        _suppress_complementary(scores, key)

    for name, group in scores.items():
        group[ONPOINT] = onpoint_score(group, n_responses[name])
    return scores


def _suppress_complementary(scores: dict[str, dict[str, Score]], key: str) -> None:
    # Method section 4: "while some group is suppressed and the suppressed groups together hold
    # fewer than 5 responses for that score, the reported group with the smallest n for that
    # score is suppressed too (ties: the group whose name sorts first)"; otherwise the
    # campaign's mean minus the shown groups would reveal them.
    while True:
        suppressed = [group[key] for group in scores.values() if not group[key].reported]
        shown = [(group[key].n, name) for name, group in scores.items() if group[key].reported]
        if not suppressed or not shown:
            return
        if sum(score.n for score in suppressed) >= MIN_REPORTED_N:
            return
        _, partner = min(shown)
        scores[partner][key] = Score.suppressed(scores[partner][key].n, REASON_COMPLEMENTARY)
