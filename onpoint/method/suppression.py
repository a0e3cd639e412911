"""Complementary suppression (method 1.1, sections 4 and 9): within one breakdown (by school, or
by role) of one campaign, then across the two breakdowns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

from onpoint.method.min_cut import components, min_cut, surely_no_cut_under
from onpoint.method.scoring import Aggregate, Score, group_scores, onpoint_score
from onpoint.method.structure import (
    CATEGORY_KEYS,
    DIMENSIONS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_COMPLEMENTARY,
)

GROUPS_MISMATCH = "groups and n_responses must name the same groups"

# The two nodes that gather the suppressed groups of each breakdown (method section 4, "Across
# breakdowns"). Tuples, so that no school or role name can be mistaken for them.
SUPPRESSED_SCHOOLS = ("suppressed", "schools")
SUPPRESSED_ROLES = ("suppressed", "roles")

# A cell: (school group name, role key) -> {score key: number of its responses with that score}.
Cells = Mapping[tuple[str, str], Mapping[str, int]]


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


def across_breakdowns(
    whole: Mapping[str, Score],
    by_school: Mapping[str, Mapping[str, Score]],
    by_role: dict[str, dict[str, Score]],
    cells: Cells,
    n_by_role: Mapping[str, int],
) -> None:
    """Suppress role groups until no combination of the reported sums reveals 1 to 4 responses
    (method 1.1, section 4, "Across breakdowns"). Changes `by_role` in place, Onpoint scores
    included; the schools and the whole campaign are never touched.

    `by_school` and `by_role` are the breakdowns after the within-breakdown rule
    (`breakdown_scores`); `cells` gives, for each school group and role, the number of its
    responses in which each score is present; `n_by_role` each role group's responses.
    """
    changed = False
    # No cell holds 1 to 4 responses for a key: merging cells into the suppressed-groups nodes
    # only adds to the edges, so every edge holds 5 or more and no part has a cut under 5. Found
    # in one pass over the cells rather than once a key and round.
    small = {
        key for counts in cells.values() for key, n in counts.items() if 0 < n < MIN_REPORTED_N
    }
    # The rounds of one key depend only on its graph's inputs (`_graph_inputs`); a campaign
    # whose respondents answer every item gives most of its 13 keys the same ones, so the roles
    # they suppress are found once and given to every key that shares them (issue 13).
    suppressed_for: dict[tuple[object, ...], list[str]] = {}
    for key in (*CATEGORY_KEYS, *DIMENSIONS):
        if key not in small or not whole[key].reported:
            continue
        inputs = _graph_inputs(key, by_school, by_role, cells)
        roles = suppressed_for.get(inputs)
        if roles is None:
            roles = suppressed_for[inputs] = []
            while (role := _role_to_suppress(key, by_school, by_role, cells)) is not None:
                by_role[role][key] = Score.suppressed(by_role[role][key].n, REASON_COMPLEMENTARY)
                roles.append(role)
        else:
            for role in roles:
                by_role[role][key] = Score.suppressed(by_role[role][key].n, REASON_COMPLEMENTARY)
        changed = changed or bool(roles)
    if changed:
        for name, group in by_role.items():
            group[ONPOINT] = onpoint_score(group, n_by_role[name])


def _graph_inputs(
    key: str,
    by_school: Mapping[str, Mapping[str, Score]],
    by_role: Mapping[str, Mapping[str, Score]],
    cells: Cells,
) -> tuple[object, ...]:
    """Everything `_role_to_suppress` reads for `key`, over all its rounds: each cell's count,
    each school's reported flag, each role's reported flag and n. Two keys with equal inputs
    suppress the same roles in the same order."""
    return (
        tuple(counts.get(key, 0) for counts in cells.values()),
        tuple(scores[key].reported for scores in by_school.values()),
        tuple((scores[key].reported, scores[key].n) for scores in by_role.values()),
    )


def _role_to_suppress(
    key: str,
    by_school: Mapping[str, Mapping[str, Score]],
    by_role: Mapping[str, Mapping[str, Score]],
    cells: Cells,
) -> str | None:
    """The reported role group to suppress next for `key`, or None when no part of the graph
    has a minimum cut under 5."""
    weights: dict[tuple[object, object], int] = defaultdict(int)
    for (school, role), counts in cells.items():
        n = counts.get(key, 0)
        if n <= 0:
            continue  # section 9: a group with no response for a score has no edge for it
        school_node = school if by_school[school][key].reported else SUPPRESSED_SCHOOLS
        role_node = role if by_role[role][key].reported else SUPPRESSED_ROLES
        weights[(school_node, role_node)] += n
    # Most graphs are one part with no cut under 5 although some cell holds 1 to 4; a cheap
    # sufficient condition says so without finding the cuts (issue 13).
    if surely_no_cut_under(weights, MIN_REPORTED_N):
        return None
    # "the reported role group with the smallest n for that score among the role nodes of such
    # parts (ties: the name that sorts first)".
    candidates = [
        (by_role[role][key].n, role)
        for role in _roles_of_parts_with_small_cuts(frozenset(weights.items()))
    ]
    return min(candidates)[1] if candidates else None


@lru_cache(maxsize=1024)
def _roles_of_parts_with_small_cuts(
    edges: frozenset[tuple[tuple[object, object], int]],
) -> frozenset[str]:
    """The reported role nodes of the parts of the graph whose minimum cut is under 5.

    Cached on the graph itself: a campaign whose respondents answer every item draws the same
    graph for most of its 13 scores, so the cuts are found once (issue 13: they were half of a
    national recompute's time).
    """
    roles: set[str] = set()
    for part in components(dict(edges)):
        # Every split of a connected part crosses at least one of its edges, so a part whose
        # edges all hold 5 or more has no cut under 5.
        if min(part.values()) >= MIN_REPORTED_N or min_cut(part) >= MIN_REPORTED_N:
            continue
        roles.update(role for _, role in part if isinstance(role, str))
    return frozenset(roles)
