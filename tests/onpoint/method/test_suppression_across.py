"""Method 1.1, section 4 "Across breakdowns": role groups give way until no split of the
school-by-role graph of a score crosses 1 to 4 responses."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onpoint.method import suppression
from onpoint.method.scoring import Aggregate, Score, group_scores
from onpoint.method.structure import CATEGORY_KEYS, DIMENSIONS, ONPOINT, REASON_COMPLEMENTARY
from onpoint.method.suppression import across_breakdowns, breakdown_scores

AVERAGED = (*CATEGORY_KEYS, *DIMENSIONS)


def _aggregates(n: int, **n_by_key: int) -> dict[str, Aggregate]:
    return {
        key: Aggregate(mean=50.0 if n_by_key.get(key, n) else None, n=n_by_key.get(key, n))
        for key in AVERAGED
    }


Breakdowns = tuple[
    dict[str, Score],
    dict[str, dict[str, Score]],
    dict[str, dict[str, Score]],
    dict[tuple[str, str], dict[str, int]],
    dict[str, int],
]


def _breakdowns(
    cells: dict[tuple[str, str], int], skipped: dict[tuple[str, str], dict[str, int]] | None = None
) -> Breakdowns:
    """A campaign given as {(school, role): responses} after the within-breakdown rule, every
    score present in every response unless `skipped` gives a cell's n for some keys: the whole,
    schools, roles, cells and role sizes that `across_breakdowns` takes."""
    skipped = skipped or {}
    cell_counts = {
        cell: {key: skipped.get(cell, {}).get(key, n) for key in AVERAGED}
        for cell, n in cells.items()
    }

    def sums(index: int) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = {}
        for cell, counts in cell_counts.items():
            found = totals.setdefault(cell[index], dict.fromkeys(AVERAGED, 0))
            for key, n in counts.items():
                found[key] += n
        return totals

    def responses(index: int) -> dict[str, int]:
        totals: dict[str, int] = {}
        for cell, n in cells.items():
            totals[cell[index]] = totals.get(cell[index], 0) + n
        return totals

    n_total = sum(cells.values())
    whole_n = {key: sum(c[key] for c in cell_counts.values()) for key in AVERAGED}
    whole = group_scores(_aggregates(n_total, **whole_n), n_total)
    by_school = breakdown_scores(
        {name: _aggregates(0, **n) for name, n in sums(0).items()}, responses(0)
    )
    by_role = breakdown_scores(
        {name: _aggregates(0, **n) for name, n in sums(1).items()}, responses(1)
    )
    return whole, by_school, by_role, cell_counts, responses(1)


def _suppress(
    cells: dict[tuple[str, str], int], skipped: dict[tuple[str, str], dict[str, int]] | None = None
) -> tuple[dict[str, dict[str, Score]], dict[str, dict[str, Score]]]:
    """Run both rules on a campaign given as for `_breakdowns`."""
    whole, by_school, by_role, cell_counts, n_by_role = _breakdowns(cells, skipped)
    across_breakdowns(whole, by_school, by_role, cell_counts, n_by_role)
    return by_school, by_role


def test_the_principal_of_school_b_is_not_revealed_by_school_minus_teachers() -> None:
    # School B: 10 teachers and 1 principal, and they are all the campaign's teachers.
    by_school, by_role = _suppress(
        {("B", "teacher"): 10, ("B", "school_leader"): 1, ("A", "coach"): 6}
    )
    assert all(group["strategy"].reported for group in by_school.values())
    assert by_role["teacher"]["strategy"] == Score.suppressed(10, REASON_COMPLEMENTARY)
    assert not by_role["teacher"][ONPOINT].reported
    assert by_role["teacher"][ONPOINT].reason == REASON_COMPLEMENTARY


def test_groups_of_five_and_more_that_cross_in_two_responses_give_way() -> None:
    # Every group holds 6, yet A + teachers - ... : A minus coaches is one teacher minus one
    # coach of B. Coach and teacher tie at 6: "coach" sorts first and gives way first; the
    # teachers then still cross in 2 responses and give way too.
    by_school, by_role = _suppress(
        {("A", "teacher"): 1, ("A", "coach"): 5, ("B", "teacher"): 5, ("B", "coach"): 1}
    )
    assert all(group["culture"].reported for group in by_school.values())
    assert {role: group["culture"].reason for role, group in by_role.items()} == {
        "coach": REASON_COMPLEMENTARY,
        "teacher": REASON_COMPLEMENTARY,
    }


def test_each_score_gives_way_as_if_it_were_the_only_one() -> None:
    # The roles one score's graph suppresses are found once and given to each score with the
    # same graph (issue 13). Here vision and plan have graphs of their own (skipped in some
    # cells) and the other scores share one: each must end as it does when decided alone.
    cells = {
        ("A", "teacher"): 1,
        ("A", "coach"): 5,
        ("B", "teacher"): 5,
        ("B", "coach"): 1,
        ("C", "technology"): 7,
        ("C", "teacher"): 2,
    }
    skipped = {("B", "coach"): {"vision": 0}, ("C", "teacher"): {"plan": 0, "vision": 1}}
    whole, by_school, by_role, cell_counts, n_by_role = _breakdowns(cells, skipped)
    together = copy.deepcopy(by_role)
    across_breakdowns(whole, by_school, together, cell_counts, n_by_role)
    decided = set()
    for key in AVERAGED:
        alone = copy.deepcopy(by_role)
        one_key = {cell: {key: counts[key]} for cell, counts in cell_counts.items()}
        across_breakdowns(whole, by_school, alone, one_key, n_by_role)
        assert {r: g[key] for r, g in together.items()} == {r: g[key] for r, g in alone.items()}
        decided.add(tuple(sorted(r for r, g in alone.items() if not g[key].reported)))
    assert len(decided) > 1  # the scores did not all give way alike


def test_roles_that_no_split_can_isolate_stay() -> None:
    by_school, by_role = _suppress(
        {("A", "teacher"): 8, ("A", "coach"): 5, ("B", "teacher"): 9, ("B", "coach"): 6}
    )
    for group in (*by_school.values(), *by_role.values()):
        assert all(group[key].reported for key in (ONPOINT, *AVERAGED))


def test_only_the_roles_of_the_part_with_a_small_cut_give_way() -> None:
    # Birch and Cedar's teachers and coaches cross in 2 responses; Aspen's technology and
    # district staff form a part of their own that no split isolates.
    _, by_role = _suppress(
        {
            ("Birch", "teacher"): 1,
            ("Birch", "coach"): 5,
            ("Cedar", "teacher"): 5,
            ("Cedar", "coach"): 1,
            ("Aspen", "technology"): 6,
            ("Aspen", "district_staff"): 7,
        }
    )
    reasons = {role: group["vision"].reason for role, group in by_role.items()}
    assert reasons == {
        "coach": REASON_COMPLEMENTARY,
        "teacher": REASON_COMPLEMENTARY,
        "technology": None,
        "district_staff": None,
    }


def test_a_score_skipped_in_one_cell_is_suppressed_for_that_score_only() -> None:
    # Every teacher works at A. Vision is present in one of A's coaches only: for vision, A
    # minus the teachers is that one coach; for the other scores it is A's 5 coaches.
    cells = {("A", "teacher"): 6, ("A", "coach"): 5, ("B", "coach"): 6}
    by_school, by_role = _suppress(cells, skipped={("A", "coach"): {"vision": 1}})
    assert by_school["A"]["vision"].reported
    assert by_role["teacher"]["vision"].reason == REASON_COMPLEMENTARY
    assert by_role["coach"]["vision"].reason == REASON_COMPLEMENTARY
    assert by_role["coach"]["plan"].reported
    assert by_role["teacher"]["plan"].reported


def test_nothing_happens_when_the_campaign_itself_is_not_reported() -> None:
    _, by_role = _suppress({("A", "teacher"): 2, ("B", "teacher"): 2})
    assert by_role["teacher"]["strategy"].reason != REASON_COMPLEMENTARY


def test_cells_of_five_and_more_leave_every_group_reported() -> None:
    # Every split crosses at least one cell, and every cell holds 5 or more: nothing to hide, and
    # the minimum cut need not even be looked for (issue 13's shortcut).
    by_school, by_role = _suppress(
        {("A", "teacher"): 5, ("A", "coach"): 7, ("B", "teacher"): 6, ("B", "coach"): 5}
    )
    assert all(score.reported for group in by_school.values() for score in group.values())
    assert all(score.reported for group in by_role.values() for score in group.values())


campaign_cells = st.dictionaries(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D", "E", "F"]), st.sampled_from(["t", "c", "p", "s"])
    ),
    st.integers(1, 30),
    min_size=1,
    max_size=24,
)


@settings(max_examples=300, deadline=None)
@given(campaign_cells)
def test_the_cheap_condition_changes_no_suppression(cells: dict[tuple[str, str], int]) -> None:
    """`surely_no_cut_under` only skips finding the cuts: every role gives way as when the cuts
    of every graph are found (issue 13)."""
    with_condition = _suppress(cells)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(suppression, "surely_no_cut_under", lambda weights, threshold: False)
        suppression._roles_of_parts_with_small_cuts.cache_clear()
        assert _suppress(cells) == with_condition
