"""Figures, their targets and their verdicts: PASS or MISS, and by how much."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PASS = "PASS"  # noqa: S105 - a verdict, not a password
MISS = "MISS"
NOT_MEASURED = "NOT MEASURED"


@dataclass(frozen=True)
class Verdict:
    status: str
    text: str


def _number(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".strip()
    return f"{value:.2f} {unit}".strip()


def at_most(value: float | None, limit: float, unit: str) -> Verdict:
    """A figure that must not exceed `limit` (a latency, a time, a memory, a ratio)."""
    if value is None:
        return Verdict(NOT_MEASURED, NOT_MEASURED)
    if value <= limit:
        return Verdict(PASS, f"PASS, {_number(limit - value, unit)} under the limit")
    return Verdict(MISS, f"MISS by {_number(value - limit, unit)} ({value / limit:.1f}x the limit)")


def at_least(value: float | None, limit: float, unit: str) -> Verdict:
    """A figure that must reach `limit` (a throughput ratio)."""
    if value is None:
        return Verdict(NOT_MEASURED, NOT_MEASURED)
    if value >= limit:
        return Verdict(PASS, f"PASS, {_number(value - limit, unit)} above the limit")
    short = (1 - value / limit) * 100 if limit else 0
    return Verdict(MISS, f"MISS by {_number(limit - value, unit)} ({short:.0f}% short)")


def missed(reason: str) -> Verdict:
    """A figure that could not reach its target at all (a run stopped at its time limit)."""
    return Verdict(MISS, f"MISS: {reason}")


def not_measured(reason: str) -> Verdict:
    return Verdict(NOT_MEASURED, f"NOT MEASURED: {reason}")


@dataclass
class Row:
    """One line of the summary: a measured value, its target, the anchor of the same run."""

    measure: str
    value: str  # as displayed, with its unit
    target: str
    anchor: str
    status: str
    verdict: str

    @classmethod
    def of(cls, measure: str, value: str, target: str, anchor: str, verdict: Verdict) -> Row:
        return cls(measure, value, target, anchor, verdict.status, verdict.text)


@dataclass
class FigureResult:
    figure: int
    title: str
    measured_at: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FigureResult:
        return cls(
            figure=data["figure"],
            title=data["title"],
            measured_at=data["measured_at"],
            rows=[Row(**row) for row in data.get("rows", [])],
            notes=list(data.get("notes", [])),
            details=dict(data.get("details", {})),
        )

    @property
    def status(self) -> str:
        """MISS when any row misses; NOT MEASURED when some row could not be measured."""
        statuses = {row.status for row in self.rows}
        if MISS in statuses:
            return MISS
        if not statuses or NOT_MEASURED in statuses:
            return NOT_MEASURED
        return PASS
