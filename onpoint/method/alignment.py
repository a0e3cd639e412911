"""Stakeholder alignment: where roles see the initiative differently (method section 7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from onpoint.method.scoring import Score, round_for_display
from onpoint.method.structure import CATEGORY_KEYS, DIVIDED_GAP, ROLES

UNKNOWN_ROLE = "unknown role {role!r}"


@dataclass(frozen=True)
class CategoryGap:
    """The perception gap of one category; all None when fewer than two roles are reported."""

    gap: float | None
    high_role: str | None
    low_role: str | None
    divided: bool

    def as_dict(self, decimals: int = 1) -> dict[str, object]:
        return {
            "gap": None if self.gap is None else round_for_display(self.gap, decimals),
            "high_role": self.high_role,
            "low_role": self.low_role,
            "divided": self.divided,
        }


NO_GAP = CategoryGap(gap=None, high_role=None, low_role=None, divided=False)


@dataclass(frozen=True)
class Alignment:
    """The campaign's alignment gap (the largest category gap, None when there is none) and
    the gap of every category, keyed as CATEGORY_KEYS."""

    gap: float | None
    categories: dict[str, CategoryGap]

    def as_dict(self, decimals: int = 1) -> dict[str, object]:
        """The API's alignment object (api-v1.md), rounded for display only."""
        return {
            "gap": None if self.gap is None else round_for_display(self.gap, decimals),
            "categories": {key: gap.as_dict(decimals) for key, gap in self.categories.items()},
        }


def _category_gap(by_role: Mapping[str, Mapping[str, Score]], category: str) -> CategoryGap:
    reported = [
        (value, role)
        for role, scores in by_role.items()
        if (value := scores[category].value) is not None
    ]
    # Method section 7: a gap exists "when two or more are" reported.
    if len(reported) < 2:
        return NO_GAP
    # A tie at either end goes to the role key that sorts first in code point order: the
    # method's tie rule ("ties: the group whose name sorts first", section 4; "Group names
    # sort by Unicode code point", section 9). When every reported role has the same score,
    # the gap is 0 and that one role is both the high and the low role.
    high, high_role = min(reported, key=lambda pair: (-pair[0], pair[1]))
    low, low_role = min(reported)
    gap = high - low
    # Method section 7: "divided when the gap is 15 points or more", at full precision.
    return CategoryGap(gap=gap, high_role=high_role, low_role=low_role, divided=gap >= DIVIDED_GAP)


def alignment_of(by_role: Mapping[str, Mapping[str, Score]]) -> Alignment:
    """Stakeholder alignment from the by-role scores after complementary suppression
    (method section 9), as `breakdown_scores` returns them.

    A score hidden by either kind of suppression takes no part. The gap is kept at full
    precision, so a gap of 14.96 shows as 15.0 and is not divided.
    """
    for role in by_role:
        if role not in ROLES:
            raise ValueError(UNKNOWN_ROLE.format(role=role))
    categories = {category: _category_gap(by_role, category) for category in CATEGORY_KEYS}
    gaps = [c.gap for c in categories.values() if c.gap is not None]
    return Alignment(gap=max(gaps) if gaps else None, categories=categories)
