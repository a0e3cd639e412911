"""The bipartite minimum cut of method 1.1's suppression across breakdowns, against trying every
split of the nodes into two sides."""

from __future__ import annotations

from itertools import pairwise, product

from hypothesis import given
from hypothesis import strategies as st

from onpoint.method.min_cut import components, min_cut, surely_no_cut_under


def every_split_min_cut(weights: dict[tuple[str, str], int]) -> int:
    nodes = sorted({("L", left) for left, _ in weights} | {("R", right) for _, right in weights})
    best: int | None = None
    for sides in product((False, True), repeat=len(nodes)):
        if all(sides) or not any(sides):
            continue
        side = dict(zip(nodes, sides, strict=True))
        cut = sum(w for (left, right), w in weights.items() if side["L", left] != side["R", right])
        best = cut if best is None else min(best, cut)
    assert best is not None
    return best


graphs = st.dictionaries(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from("tuvwx")),
    st.integers(1, 9),
    min_size=1,
    max_size=14,
)


@given(graphs)
def test_min_cut_of_each_part_equals_trying_every_split(
    weights: dict[tuple[str, str], int],
) -> None:
    for part in components(weights):
        assert min_cut(part) == every_split_min_cut(part)


@given(graphs)
def test_components_partition_the_edges(weights: dict[tuple[str, str], int]) -> None:
    parts = components(weights)
    assert sorted(edge for part in parts for edge in part) == sorted(weights)
    for one, other in pairwise(parts):
        assert not {school for school, _ in one} & {school for school, _ in other}
        assert not {role for _, role in one} & {role for _, role in other}


def test_the_principal_at_school_b_is_a_cut_of_one() -> None:
    # Method 1.1 section 4: school B holds 10 teachers and 1 principal, and the 10 teachers are
    # all the campaign's teachers; school A holds 6 coaches.
    weights = {("B", "teacher"): 10, ("B", "principal"): 1, ("A", "coach"): 6}
    parts = components(weights)
    assert sorted(min_cut(part) for part in parts) == [1, 6]


def test_a_single_edge_is_cut_by_its_weight() -> None:
    assert min_cut({("A", "teacher"): 7}) == 7


@given(graphs)
def test_no_split_crosses_less_than_the_lightest_edge(weights: dict[tuple[str, str], int]) -> None:
    """Why suppression across breakdowns skips the minimum cut of a part whose edges all hold
    5 or more responses: every split of a connected part crosses at least one of its edges."""
    for part in components(weights):
        assert min_cut(part) >= min(part.values())


@given(graphs, st.integers(1, 12))
def test_surely_no_cut_under_is_never_wrong(weights: dict[tuple[str, str], int], t: int) -> None:
    """The cheap sufficient condition of suppression across breakdowns: when it says yes, the
    graph is one part and trying every split finds none crossing less than the threshold."""
    if surely_no_cut_under(weights, t):
        assert len(components(weights)) == 1
        assert every_split_min_cut(weights) >= t


heavy_graphs = st.dictionaries(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from("tuvwx")),
    st.integers(1, 40),
    min_size=6,
    max_size=30,
)


@given(heavy_graphs)
def test_surely_no_cut_under_is_exact_where_it_answers(weights: dict[tuple[str, str], int]) -> None:
    # Denser graphs, as national campaigns draw: where it says yes, min_cut agrees.
    if surely_no_cut_under(weights, 5):
        assert min_cut(weights) >= 5


def test_surely_no_cut_under_sees_a_well_joined_graph_with_small_cells() -> None:
    # Every school and role pair meets, some cells hold 1 to 4: no split crosses under 5.
    weights = {
        ("A", "teacher"): 12, ("A", "coach"): 3, ("A", "principal"): 1,
        ("B", "teacher"): 9, ("B", "coach"): 4, ("B", "principal"): 2,
        ("C", "teacher"): 7, ("C", "coach"): 2, ("C", "principal"): 2,
    }  # fmt: skip
    assert surely_no_cut_under(weights, 5)
    assert every_split_min_cut(weights) >= 5


def test_surely_no_cut_under_says_nothing_of_a_graph_with_a_small_cut() -> None:
    # Method 1.1 section 4's example (cuts of 1 and 6), and two parts.
    assert not surely_no_cut_under({("B", "teacher"): 10, ("B", "principal"): 1}, 5)
    assert not surely_no_cut_under({("B", "teacher"): 10, ("A", "coach"): 6}, 5)
