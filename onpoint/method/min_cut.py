"""Minimum cuts of the small bipartite graphs of method 1.1's suppression across breakdowns.

The graph of one score of one campaign joins school nodes to role nodes only, and the role side
is small (five roles and the suppressed-roles node at most). So instead of a general algorithm
(Stoer-Wagner), a cut is chosen by its role side: for each way of putting the role nodes on two
sides, every school node independently takes the side that crosses fewer of its responses
(schools have no edges between them). That is exact, and 2**5 * schools steps at most (a
split and its mirror cross the same edges), each school's responses toward every role side
found by subset sums.
tests/onpoint/method/test_min_cut.py checks it against trying every split of every node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping

NOT_POSITIVE = "edge weights must be positive"


def components[L: Hashable, R: Hashable](
    weights: Mapping[tuple[L, R], int],
) -> list[dict[tuple[L, R], int]]:
    """The edges of each connected part of the bipartite graph, in the order first seen."""
    parent: dict[object, object] = {}

    def root(node: object) -> object:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in weights:
        parent[root(("L", left))] = root(("R", right))
    parts: dict[object, dict[tuple[L, R], int]] = defaultdict(dict)
    for (left, right), weight in weights.items():
        parts[root(("L", left))][(left, right)] = weight
    return list(parts.values())


def min_cut[L: Hashable, R: Hashable](weights: Mapping[tuple[L, R], int]) -> int:
    """The smallest total weight of the edges crossing a split of the nodes of a connected
    bipartite graph into two non-empty sides.

    `weights` maps each edge (left node, right node) to its positive weight; the nodes are those
    of the edges. The caller passes one connected part (see `components`).
    """
    if any(weight <= 0 for weight in weights.values()):
        raise ValueError(NOT_POSITIVE)
    if not weights:
        return 0
    lefts = {left for left, _ in weights}
    rights = {right for _, right in weights}
    if len(rights) > len(lefts):
        return min_cut({(right, left): weight for (left, right), weight in weights.items()})
    right_order = sorted(rights, key=repr)
    bit = {right: 1 << index for index, right in enumerate(right_order)}
    # Each school node's responses by role node (one edge per pair), keyed by the role's bit.
    edges_of: dict[L, dict[int, int]] = defaultdict(dict)
    for (left, right), weight in weights.items():
        edges_of[left][bit[right]] = weight
    degrees = [sum(edges.values()) for edges in edges_of.values()]
    # Every role node on one side: the other side holds school nodes only, and the cheapest
    # such side is one school node alone (its whole degree crosses).
    best = min(degrees)
    # A split and its mirror cross the same edges, so the role sides that leave out the last
    # role node cover every split: 2**(roles - 1) - 1 of them besides the one above.
    masks = range(1, 1 << (len(right_order) - 1))
    if not masks:
        return best
    cuts = [0] * len(masks)
    for edges, degree in zip(edges_of.values(), degrees, strict=True):
        # The school's responses toward each role side, by subset sums (one addition each).
        toward = [0] * (1 << (len(right_order) - 1))
        for mask in masks:
            low = mask & -mask
            toward[mask] = toward[mask ^ low] + edges.get(low, 0)
        for index, mask in enumerate(masks):
            # The school takes the side that crosses fewer of its responses.
            cuts[index] += min(toward[mask], degree - toward[mask])
    return min(best, *cuts)


def surely_no_cut_under[L: Hashable, R: Hashable](
    weights: Mapping[tuple[L, R], int], threshold: int
) -> bool:
    """True only when the bipartite graph is connected and every split of its nodes into two
    non-empty sides crosses `threshold` or more: a sufficient condition, far cheaper than
    `components` and `min_cut` (False says nothing; the caller then finds the cuts).

    Why it is exact where it says True. Write lam(a, c) for the smallest weight of the edges
    crossing a split that parts nodes a and c. (1) lam(a, c) >= min(lam(a, b), lam(b, c)): a
    split parting a from c parts b from one of them. So nodes joined by links of lam >=
    threshold form a class that no split under the threshold divides. (2) The paths r1-l-r2
    through distinct left nodes l share no edge, so lam(r1, r2) >= the sum over l of
    min(w(l, r1), w(l, r2)). (3) A split under the threshold keeps a class K on one side; if a
    left node l's edges into K weigh `threshold` or more, l is on that side too (otherwise all
    those edges cross), so l joins K. When one class holds every node, no split crosses less.
    tests/onpoint/method/test_min_cut.py checks it against `min_cut` on random graphs.
    """
    if not weights:
        return False
    index: dict[R, int] = {}
    edges_of: dict[L, dict[int, int]] = defaultdict(dict)
    for (left, right), weight in weights.items():
        edges_of[left][index.setdefault(right, len(index))] = weight
    n_rights = len(index)
    # Nodes as integers: the right nodes 0..n_rights-1, then the left nodes.
    parent = list(range(n_rights + len(edges_of)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    lefts = list(edges_of.values())
    if _rights_join(lefts, n_rights, parent, root, threshold):
        # One class holds every right node: a left node joins it when its edges weigh enough.
        return all(sum(edges.values()) >= threshold for edges in lefts)
    _lefts_join(lefts, n_rights, parent, root, threshold)
    return len({root(node) for node in range(len(parent))}) == 1


def _rights_join(
    lefts: list[dict[int, int]],
    n_rights: int,
    parent: list[int],
    root: Callable[[int], int],
    threshold: int,
) -> bool:
    """Join right nodes whose two-step paths through the left nodes weigh `threshold` or more
    (step 2 of `surely_no_cut_under`); True when they end in one class. Pairs with the most
    joined right node first, every pair only when those leave more than one class."""
    hub, through = _through_hub(lefts, n_rights)
    for right, weight in enumerate(through):
        if right != hub and weight >= threshold:
            parent[root(right)] = root(hub)
    if len({root(right) for right in range(n_rights)}) <= 1:
        return True
    pairs = [0] * (n_rights * n_rights)
    for edges in lefts:
        items = sorted(edges.items())
        for position, (first, first_weight) in enumerate(items):
            for second, second_weight in items[position + 1 :]:
                pairs[first * n_rights + second] += min(first_weight, second_weight)
    for pair, weight in enumerate(pairs):
        if weight >= threshold:
            parent[root(pair // n_rights)] = root(pair % n_rights)
    return len({root(right) for right in range(n_rights)}) <= 1


def _through_hub(lefts: list[dict[int, int]], n_rights: int) -> tuple[int, list[int]]:
    """The heaviest right node, and for each right node the weight of its two-step paths to it
    (the sum over left nodes of the lighter of their two edges)."""
    degree = [0] * n_rights
    for edges in lefts:
        for right, weight in edges.items():
            degree[right] += weight
    hub = max(range(n_rights), key=degree.__getitem__)
    through = [0] * n_rights
    for edges in lefts:
        if (to_hub := edges.get(hub)) is not None:
            for right, weight in edges.items():
                through[right] += min(weight, to_hub)
    return hub, through


def _lefts_join(
    edges_of: list[dict[int, int]],
    n_rights: int,
    parent: list[int],
    root: Callable[[int], int],
    threshold: int,
) -> None:
    """Join each left node (n_rights + its position) to every class its edges into weigh
    `threshold` or more (step 3 of `surely_no_cut_under`), again while classes merge."""
    merged = True
    while merged:
        merged = False
        for position, edges in enumerate(edges_of):
            into: dict[int, int] = defaultdict(int)
            for right, weight in edges.items():
                into[root(right)] += weight
            node = n_rights + position
            for klass, weight in into.items():
                if weight >= threshold and root(node) != root(klass):
                    # A left node already in a class joins a second one: two classes merge.
                    merged = merged or root(node) != node
                    parent[root(node)] = root(klass)
