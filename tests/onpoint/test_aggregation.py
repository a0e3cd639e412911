"""The SQL aggregation gives the numbers of the pure functions, on SQLite and on PostgreSQL.

5,000 random responses across schools and roles go into the database; the three aggregate
queries (whole, by school, by role) and the suppression on top of them must give what
onpoint.method.scoring computes from the same answers in Python.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection

from districts.models import District, School
from onpoint import rescore
from onpoint.aggregates import campaign_aggregates, score_grid
from onpoint.method.scoring import (
    ResponseScores,
    aggregate_responses,
    group_scores,
    round_for_display,
    score_response,
)
from onpoint.method.structure import CATEGORY_KEYS, DIMENSIONS, ROLES, SCORE_KEYS
from onpoint.method.suppression import breakdown_scores
from onpoint.models import GroupScore
from onpoint.score_rows import campaign_score_set
from surveys.selectors import item_specs
from tests.onpoint.builders import answers_of, closed_campaign_of, random_answers, school_of, store

pytestmark = pytest.mark.django_db

N_RESPONSES = 5000


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def assert_scores_match(sql: dict[str, Any], pure: dict[str, Any], where: str) -> None:
    assert list(sql) == list(pure) == list(SCORE_KEYS), where
    for key in SCORE_KEYS:
        a, b = sql[key], pure[key]
        assert (a.n, a.reported, a.reason) == (b.n, b.reported, b.reason), (where, key)
        assert close(a.value, b.value), (where, key, a.value, b.value)


def check_sql_against_pure(district: District) -> None:
    rng = random.Random(20250901)
    campaign = closed_campaign_of(district)
    items = item_specs(campaign.instrument)
    schools: list[School | None] = [
        school_of(district, name)
        for name in ("Ash Elementary", "Beech Middle", "Cedar High", "Zelkova Academy", "ash annex")
    ]
    schools.append(None)
    sheets = []
    # Skewed sizes, so that some groups are small (suppressed, with complementary partners).
    school_weights = [50, 30, 15, 3, 1, 1]
    role_weights = [70, 10, 10, 9, 1]
    for _ in range(N_RESPONSES):
        school = rng.choices(schools, weights=school_weights)[0]
        role = rng.choices(ROLES, weights=role_weights)[0]
        sheets.append((random_answers(rng, skip=rng.choice([0.0, 0.2, 0.6])), role, school))
    # A handful of tiny groups: a school with 2 responses, a role of 1.
    tiny = school_of(district, "Tiny Elementary")
    sheets += [(random_answers(rng), "teacher", tiny)] * 2
    store(campaign, sheets)

    # In Python, from the same answers.
    scored: list[tuple[ResponseScores, str, str]] = [
        (score_response(answers, items), role, school.name if school else "Unspecified")
        for answers, role, school in sheets
    ]
    by_school: dict[str, list[ResponseScores]] = defaultdict(list)
    by_role: dict[str, list[ResponseScores]] = defaultdict(list)
    for response, role, school_name in scored:
        by_school[school_name].append(response)
        by_role[role].append(response)
    pure_whole = group_scores(aggregate_responses(r for r, _, _ in scored), len(scored))
    pure_schools = breakdown_scores(
        {name: aggregate_responses(rs) for name, rs in by_school.items()},
        {name: len(rs) for name, rs in by_school.items()},
    )
    pure_roles = breakdown_scores(
        {name: aggregate_responses(rs) for name, rs in by_role.items()},
        {name: len(rs) for name, rs in by_role.items()},
    )

    # In SQL: three aggregate queries, then the same suppression.
    aggregates = campaign_aggregates(campaign=campaign)
    assert aggregates.whole.n_responses == N_RESPONSES + 2
    pure_aggregates = aggregate_responses(r for r, _, _ in scored)
    for key in (*CATEGORY_KEYS, *DIMENSIONS):
        assert aggregates.whole.aggregates[key].n == pure_aggregates[key].n, key
        assert close(aggregates.whole.aggregates[key].mean, pure_aggregates[key].mean), key

    sql = campaign_score_set(aggregates)
    assert_scores_match(sql.whole, pure_whole, "whole")
    assert list(sql.by_school) == list(pure_schools)
    for name in pure_schools:
        assert_scores_match(sql.by_school[name], pure_schools[name], name)
    assert list(sql.by_role) == list(pure_roles)
    for name in pure_roles:
        assert_scores_match(sql.by_role[name], pure_roles[name], name)
    # The test means something: both kinds of suppression occur in these breakdowns.
    reasons = {
        score.reason for group in (*sql.by_school.values(), *sql.by_role.values())
        for score in group.values()
    }  # fmt: skip
    assert {"fewer than 5 responses", "complementary suppression"} <= reasons

    # And what is stored is what was computed.
    rescore.campaign_rescore(campaign=campaign)
    stored_onpoint = GroupScore.objects.get(campaign=campaign, breakdown="whole", key="onpoint")
    assert close(stored_onpoint.value, pure_whole["onpoint"].value)


def test_sql_aggregates_equal_the_pure_functions_on_5000_random_responses(
    maple: District,
) -> None:
    """Runs on the suite's database: SQLite in the embedded pass, PostgreSQL in the other."""
    check_sql_against_pure(maple)


def test_sql_aggregates_equal_the_pure_functions_on_postgresql(
    requires_postgres: None, maple: District
) -> None:
    assert connection.vendor == "postgresql"
    check_sql_against_pure(maple)


def strategy_sheet(vision: tuple[int | None, ...], plan: tuple[int | None, ...]) -> Any:
    answers = answers_of()
    for index in range(3):
        answers[f"vision_{index + 1}"] = vision[index]
        answers[f"plan_{index + 1}"] = plan[index]
    return answers


def test_a_group_mean_that_is_exactly_a_half_is_stored_exactly(maple: District) -> None:
    """Five strategy scores whose exact mean is 38.75, which shows as 38.8 (one decimal, half
    up). Summed as floats one after the other (as SQL's AVG does), their stored values give
    38.74999999999999, which would show as 38.7. The stored mean is the exact one.
    """
    campaign = closed_campaign_of(maple)
    items = item_specs(campaign.instrument)
    sheets = [
        strategy_sheet((3, 3, 2), (3, 3, 3)),  # vision 125/3, plan 50
        strategy_sheet((3, 3, 3), (3, 2, None)),  # 50, 75/2
        strategy_sheet((4, 3, 3), (2, 2, 1)),  # 175/3, 50/3
        strategy_sheet((3, 2, 2), (3, 3, 2)),  # 100/3, 125/3
        strategy_sheet((2, 2, 1), (3, 3, 2)),  # 50/3, 125/3
    ]
    stored_values = [score_response(sheet, items).categories["strategy"] for sheet in sheets]
    naive = 0.0
    for value in stored_values:
        assert value is not None
        naive += value
    assert round_for_display(naive / 5) == 38.7  # the drift this test is about
    store(campaign, [(sheet, "teacher", None) for sheet in sheets])

    rescore.campaign_rescore(campaign=campaign)

    strategy = GroupScore.objects.get(campaign=campaign, breakdown="whole", key="strategy")
    assert strategy.value == 38.75
    assert round_for_display(strategy.value) == 38.8


def test_scores_off_the_instruments_grid_fall_back_to_the_databases_mean(
    maple: District, caplog: Any
) -> None:
    campaign = closed_campaign_of(maple)
    store(campaign, [(strategy_sheet((3, 3, 3), (3, 3, 3)), "teacher", None)] * 5)
    campaign.responses.update(strategy=50.004)

    mean = campaign_aggregates(campaign=campaign).whole.aggregates["strategy"].mean

    assert mean == pytest.approx(50.004)
    assert "not on the instrument's grid" in caplog.text


def test_the_grid_of_instrument_v1_is_36(maple: District) -> None:
    # Dimensions average 2 or 3 item scores (whole numbers), categories 1 to 3 dimensions.
    campaign = closed_campaign_of(maple)
    assert score_grid(item_specs(campaign.instrument)) == 36
