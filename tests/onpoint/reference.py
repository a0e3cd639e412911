"""An independent implementation of the Onpoint method (onpoint-method.md), for contract tests.

Written from the method's text alone, on plain dicts and lists, importing nothing from the
product (not even its constants), so that a test comparing it with what the API returns checks
the product against the page, not against itself. It favours the obvious over the fast.

Data in: campaigns as dicts with `district`, `launch_date`, `opens_at`, `closes_at`, `created`
(an increasing number), `excluded` and `responses` (each `{"role", "school", "answers"}`), and
the instrument's items as the API's `items` (code, dimension, category, reverse_coded).
Arithmetic is exact (fractions), so the numbers out are the method's true values, without the
floating-point drift that can push a true x.x5 to either side of its rounding; `shown`
rounds them as the API does.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

CATEGORY_DIMENSIONS = {
    "strategy": ["vision", "plan"],
    "operations": ["devices_tools", "it_support"],
    "design": ["teacher_role", "student_role"],
    "culture": ["buy_in", "risk_taking", "supportive"],
}
CATEGORY_KEYS = list(CATEGORY_DIMENSIONS)
DIMENSION_KEYS = [d for ds in CATEGORY_DIMENSIONS.values() for d in ds]
KEYS = ["onpoint", *CATEGORY_KEYS, *DIMENSION_KEYS]
STAGE_ORDER = ["planning", "year_1", "year_2", "year_3_plus"]
FEW = "fewer than 5 responses"
COMPLEMENTARY = "complementary suppression"


def shown(value: Fraction | float | None, decimals: int = 1) -> float | None:
    """Rounded for display: halves away from zero, as a spreadsheet's ROUND (docs/decisions.md)."""
    if value is None:
        return None
    scaled = abs(Fraction(value)) * 10**decimals
    rounded = math.floor(scaled + Fraction(1, 2)) * (-1 if value < 0 else 1)
    return float(Fraction(rounded, 10**decimals))


# --- section 2 -----------------------------------------------------------------------------------


def school_year(day: dt.date) -> int:
    return day.year if day.month >= 7 else day.year - 1


def stage(launch: dt.date | None, opens_at: dt.datetime) -> str:
    opened = opens_at.astimezone(dt.UTC).date()
    if launch is None or opened < launch:
        return "planning"
    k = school_year(opened) - school_year(launch) + 1
    return {1: "year_1", 2: "year_2"}.get(k, "year_3_plus")


# --- section 3 -----------------------------------------------------------------------------------


def response_scores(answers: dict[str, int | None], items: list[dict[str, Any]]) -> dict[str, Any]:
    """{dimension or category: score or None} of one response."""
    out: dict[str, Any] = {}
    for dimension in DIMENSION_KEYS:
        mine = [item for item in items if item["dimension"] == dimension]
        scores = []
        for item in mine:
            answer = answers.get(item["code"])
            if answer is None:
                continue
            points = (5 - answer) * 25 if item["reverse_coded"] else (answer - 1) * 25
            scores.append(Fraction(points))
        needed = math.ceil(len(mine) / 2)
        out[dimension] = sum(scores) / len(scores) if scores and len(scores) >= needed else None
    for category, dimensions in CATEGORY_DIMENSIONS.items():
        present = [out[d] for d in dimensions if out[d] is not None]
        out[category] = sum(present) / len(present) if present else None
    return out


# --- section 4 -----------------------------------------------------------------------------------


def group_raw(scored: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{key: {"mean", "n"}} for categories and dimensions, before suppression."""
    out = {}
    for key in (*CATEGORY_KEYS, *DIMENSION_KEYS):
        values = [s[key] for s in scored if s[key] is not None]
        out[key] = {"mean": sum(values) / len(values) if values else None, "n": len(values)}
    return out


def _reported(mean: Fraction | None, n: int) -> dict[str, Any]:
    if n >= 5 and mean is not None:
        return {"value": mean, "n": n, "reported": True, "reason": None}
    return {"value": None, "n": n, "reported": False, "reason": FEW}


def _with_onpoint(scores: dict[str, dict[str, Any]], n_responses: int) -> None:
    categories = [scores[c] for c in CATEGORY_KEYS]
    if all(c["reported"] for c in categories):
        value = sum(c["value"] for c in categories) / 4
        scores["onpoint"] = {"value": value, "n": n_responses, "reported": True, "reason": None}
    else:
        # docs/decisions.md: the reason of the first unreported category, or "fewer than 5
        # responses" when the whole group has fewer than 5.
        first = next(c for c in categories if not c["reported"])
        reason = FEW if n_responses < 5 else first["reason"]
        scores["onpoint"] = {"value": None, "n": n_responses, "reported": False, "reason": reason}


def group_scores(scored: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    raw = group_raw(scored)
    scores = {key: _reported(raw[key]["mean"], raw[key]["n"]) for key in raw}
    _with_onpoint(scores, len(scored))
    return scores


def breakdown(groups: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Groups by name (only those with responses) with complementary suppression."""
    names = sorted(name for name, members in groups.items() if members)
    out = {}
    for name in names:
        raw = group_raw(groups[name])
        out[name] = {key: _reported(raw[key]["mean"], raw[key]["n"]) for key in raw}
    for key in (*CATEGORY_KEYS, *DIMENSION_KEYS):
        while True:
            hidden = [name for name in names if not out[name][key]["reported"]]
            visible = [name for name in names if out[name][key]["reported"]]
            if not hidden or not visible:
                break
            if sum(out[name][key]["n"] for name in hidden) >= 5:
                break
            partner = min(visible, key=lambda name: (out[name][key]["n"], name))
            out[partner][key] = {
                "value": None,
                "n": out[partner][key]["n"],
                "reported": False,
                "reason": COMPLEMENTARY,
            }
    for name in names:
        _with_onpoint(out[name], len(groups[name]))
    return out


def across(
    whole: dict[str, dict[str, Any]],
    schools: dict[str, dict[str, dict[str, Any]]],
    roles: dict[str, dict[str, dict[str, Any]]],
    members: list[tuple[str, str, dict[str, Any]]],
) -> None:
    """Section 4, "Across breakdowns", by brute force: every split of every connected part of
    the graph is tried. `members` holds each response's (school group, role, scores)."""
    for key in (*CATEGORY_KEYS, *DIMENSION_KEYS):
        if not whole[key]["reported"]:
            continue
        while True:
            edges: dict[tuple[str, str], int] = {}
            for school, role, scored in members:
                if scored[key] is None:
                    continue
                left = "S:" + school if schools[school][key]["reported"] else "S*"
                right = "R:" + role if roles[role][key]["reported"] else "R*"
                edges[(left, right)] = edges.get((left, right), 0) + 1
            small = [part for part in _parts(edges) if _smallest_split(part, edges) < 5]
            names = {node[2:] for part in small for node in part if node.startswith("R:")}
            if not names:
                break
            role = min(names, key=lambda name: (roles[name][key]["n"], name))
            roles[role][key] = {
                "value": None,
                "n": roles[role][key]["n"],
                "reported": False,
                "reason": COMPLEMENTARY,
            }
    for name, scores in roles.items():
        n_responses = sum(1 for _, role, _ in members if role == name)
        _with_onpoint(scores, n_responses)


def _parts(edges: dict[tuple[str, str], int]) -> list[set[str]]:
    parts: list[set[str]] = []
    for left, right in edges:
        joined = [p for p in parts if left in p or right in p]
        merged = {left, right}.union(*joined)
        parts = [p for p in parts if p not in joined] + [merged]
    return parts


def _smallest_split(part: set[str], edges: dict[tuple[str, str], int]) -> int:
    nodes = sorted(part)
    best = None
    for mask in range(1, 2 ** len(nodes) - 1):
        side = {node for i, node in enumerate(nodes) if mask >> i & 1}
        cut = sum(w for (a, b), w in edges.items() if a in part and (a in side) != (b in side))
        best = cut if best is None else min(best, cut)
    assert best is not None
    return best


# --- section 5 -----------------------------------------------------------------------------------


def percentile(values: list[Fraction], q: int) -> Fraction:
    ordered = sorted(values)
    position = Fraction((len(ordered) - 1) * q, 100)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def benchmark(values: list[Fraction]) -> dict[str, Any]:
    if len(values) < 5:
        return {"n_districts": len(values), "published": False}
    return {
        "n_districts": len(values),
        "published": True,
        "mean": sum(values) / len(values),
        **{f"p{q}": percentile(values, q) for q in (10, 25, 50, 75, 90)},
    }


def percentile_rank(score: Fraction, cohort: list[Fraction]) -> Fraction:
    target = round(score, 4)
    below = sum(1 for v in cohort if round(v, 4) < target)
    equal = sum(1 for v in cohort if round(v, 4) == target)
    return 100 * (below + Fraction(equal, 2)) / len(cohort)


# --- the whole world -----------------------------------------------------------------------------


def evaluate(  # noqa: C901 - the method's text, branch by branch, as an independent check
    campaigns: dict[Any, dict[str, Any]], items: list[dict[str, Any]], now: dt.datetime
) -> dict[str, Any]:
    """Everything the API shows: {"campaigns": {id: scores document}, "benchmarks": {...}}."""
    whole = {}
    for cid, c in campaigns.items():
        scored = [response_scores(r["answers"], items) for r in c["responses"]]
        c["_scored"] = scored
        c["_stage"] = stage(c["launch_date"], c["opens_at"])
        whole[cid] = group_scores(scored)

    def eligible(cid: Any) -> bool:
        c = campaigns[cid]
        return c["closes_at"] <= now and not c["excluded"] and whole[cid]["onpoint"]["reported"]

    order = sorted(
        campaigns, key=lambda cid: (campaigns[cid]["opens_at"], campaigns[cid]["created"])
    )
    latest: dict[tuple[str, Any], Any] = {}
    for cid in order:
        if eligible(cid):
            latest[(campaigns[cid]["_stage"], campaigns[cid]["district"])] = cid
    cohorts: dict[str, dict[str, list[Fraction]]] = {s: {k: [] for k in KEYS} for s in STAGE_ORDER}
    for (stage_key, _), cid in latest.items():
        for key in KEYS:
            if whole[cid][key]["reported"]:
                cohorts[stage_key][key].append(whole[cid][key]["value"])
    benchmarks = {s: {k: benchmark(cohorts[s][k]) for k in KEYS} for s in STAGE_ORDER}

    growth: dict[str, Fraction | None] = {}
    for category in CATEGORY_KEYS:
        marks = [benchmarks[s][category] for s in ("planning", "year_1", "year_3_plus")]
        if not all(b["published"] for b in marks):
            growth[category] = None
            continue
        denominator = marks[2]["p50"] - marks[0]["p50"]
        growth[category] = (
            (marks[1]["p50"] - marks[0]["p50"]) / denominator if denominator > 0 else None
        )

    documents = {}
    for cid, c in campaigns.items():
        s = c["_stage"]
        mine = whole[cid]
        ranks = {}
        for key in KEYS:
            b = benchmarks[s][key]
            ranks[key] = (
                percentile_rank(mine[key]["value"], cohorts[s][key])
                if b["published"] and mine[key]["reported"]
                else None
            )
        earlier = [
            other
            for other in order
            if campaigns[other]["district"] == c["district"]
            and campaigns[other]["opens_at"] < c["opens_at"]
            and campaigns[other]["closes_at"] <= now
            and whole[other]["onpoint"]["reported"]
        ]
        previous = whole[earlier[-1]] if earlier else None
        by_school: dict[str, list[dict[str, Any]]] = {}
        by_role: dict[str, list[dict[str, Any]]] = {}
        members = []
        for response, scored in zip(c["responses"], c["_scored"], strict=True):
            school = response["school"] or "Unspecified"
            by_school.setdefault(school, []).append(scored)
            by_role.setdefault(response["role"], []).append(scored)
            members.append((school, response["role"], scored))
        schools = breakdown(by_school)
        roles = breakdown(by_role)
        across(mine, schools, roles, members)
        documents[cid] = {
            "stage": s,
            "released": c["closes_at"] <= now,
            "n_responses": len(c["responses"]),
            "scores": mine,
            "ranks": ranks,
            "by_school": schools,
            "by_role": roles,
            "landmarks": landmarks(s, mine, previous, benchmarks[s]),
            "alignment": alignment(roles),
        }
    return {"campaigns": documents, "benchmarks": benchmarks, "growth_share": growth}


# --- sections 6 and 7 ----------------------------------------------------------------------------


def _value(scores: dict[str, Any] | None, key: str) -> Fraction | None:
    return None if scores is None else scores[key]["value"]


def _bench(b: dict[str, Any], key: str, figure: str) -> Fraction | None:
    return b[key][figure] if b[key]["published"] else None


def landmarks(
    s: str, c: dict[str, Any], p: dict[str, Any] | None, b: dict[str, Any]
) -> dict[str, str]:
    early = s in ("planning", "year_1")
    out = {}

    strategy, p50 = _value(c, "strategy"), _bench(b, "strategy", "p50")
    out["shared_understanding"] = (
        "unknown" if strategy is None or p50 is None else "watch" if strategy < p50 else "on_track"
    )

    # P has a reported Onpoint score, so all four of its category scores are reported.
    operations, p25 = _value(c, "operations"), _bench(b, "operations", "p25")
    before_operations = _value(p, "operations")
    if operations is None or p25 is None:
        out["operations"] = "unknown"
    elif operations < p25 or (before_operations is not None and operations < before_operations):
        out["operations"] = "watch"
    else:
        out["operations"] = "on_track"

    if early:
        out["student_agency"] = "not_yet"
    else:
        teacher, student = _value(c, "teacher_role"), _value(c, "student_role")
        out["student_agency"] = (
            "unknown"
            if teacher is None or student is None
            else "watch"
            if teacher - student > 10
            else "on_track"
        )

    culture, p50c = _value(c, "culture"), _bench(b, "culture", "p50")
    if culture is None:
        out["culture"] = "unknown"
    elif early or p is None:
        out["culture"] = "unknown" if p50c is None else "watch" if culture < p50c else "on_track"
    else:
        before = _value(p, "culture")
        out["culture"] = (
            "unknown" if before is None else "watch" if culture - before < 1 else "on_track"
        )
    return out


def alignment(by_role: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    categories: dict[str, dict[str, Any]] = {}
    for category in CATEGORY_KEYS:
        reported = sorted(
            (
                (scores[category]["value"], role)
                for role, scores in by_role.items()
                if scores[category]["reported"]
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if len(reported) < 2:
            categories[category] = {
                "gap": None,
                "high_role": None,
                "low_role": None,
                "divided": False,
            }
            continue
        lowest = min(reported)  # ties: the role key that sorts first, at either end
        gap = reported[0][0] - lowest[0]
        categories[category] = {
            "gap": gap,
            "high_role": reported[0][1],
            "low_role": lowest[1],
            "divided": gap >= 15,
        }
    gaps = [c["gap"] for c in categories.values() if c["gap"] is not None]
    return {"gap": max(gaps) if gaps else None, "categories": categories}
