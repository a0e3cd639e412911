"""The synthetic demo world as plain data: deterministic, national, private, and shaped so that
the national benchmarks computed from it by the method's own functions show the four landmarks.

No database: the world is scored here with onpoint's pure modules, exactly as the engine would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo.world import (
    DEMO_DISTRICTS,
    MAPLE_NAME,
    MAPLE_SLUG,
    PROUD_OF,
    SCALE_LEVELS,
    SCALE_SLUG_PREFIX,
    SYNTHETIC,
    TOO_FEW_DISTRICTS,
    World,
    answer_draw,
    scale_campaign_rows,
    scale_templates,
    scale_world,
    world_campaigns,
    world_generate,
)
from districts.models import US_STATES, PathPlace
from onpoint.method.alignment import alignment_of
from onpoint.method.benchmarks import Benchmark, CampaignFacts, benchmarks_by_stage, growth_shares
from onpoint.method.scoring import (
    ItemSpec,
    Score,
    aggregate_responses,
    group_scores,
    score_response,
)
from onpoint.method.stages import stage_of
from onpoint.method.structure import MIN_PUBLISHED_DISTRICTS, ONPOINT, ROLES, STAGES
from onpoint.method.suppression import breakdown_scores
from surveys import instrument_v1

TODAY = dt.date(2026, 11, 23)
ITEMS = [
    ItemSpec(code=item["code"], dimension=item["dimension"], reverse_coded=item["reverse_coded"])
    for item in instrument_v1.DEFINITION["items"]
]


@dataclass(frozen=True)
class ScoredCampaign:
    slug: str
    stage: str
    closed: bool
    whole: dict[str, Score]
    by_school: dict[str, dict[str, Score]]
    by_role: dict[str, dict[str, Score]]


def score_world(world: World) -> list[ScoredCampaign]:
    """Every campaign's scores, as the engine computes them from the same answers."""
    scored = []
    for district, campaign in world_campaigns(world):
        responses = [(r, score_response(r.answers, ITEMS)) for r in campaign.responses]
        breakdowns: dict[str, dict[str, list]] = {
            "school": defaultdict(list),
            "role": defaultdict(list),
        }
        for plan, scores in responses:
            breakdowns["school"][plan.school or "Unspecified"].append(scores)
            breakdowns["role"][plan.role].append(scores)
        by = {
            name: breakdown_scores(
                {group: aggregate_responses(members) for group, members in groups.items()},
                {group: len(members) for group, members in groups.items()},
            )
            for name, groups in breakdowns.items()
        }
        scored.append(
            ScoredCampaign(
                slug=district.slug,
                stage=campaign.stage,
                closed=campaign.closes_on < world.today,
                whole=group_scores(aggregate_responses(s for _, s in responses), len(responses)),
                by_school=by["school"],
                by_role=by["role"],
            )
        )
    return scored


@pytest.fixture(scope="module")
def world() -> World:
    return world_generate(items=ITEMS, today=TODAY)


@pytest.fixture(scope="module")
def scored(world: World) -> list[ScoredCampaign]:
    return score_world(world)


@pytest.fixture(scope="module")
def benchmarks(world: World, scored: list[ScoredCampaign]) -> dict[str, dict[str, Benchmark]]:
    district_ids = {d.slug: i for i, d in enumerate(world.districts)}
    facts = [
        CampaignFacts(
            campaign_id=i,
            district_id=district_ids[c.slug],
            stage=c.stage,
            opens_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i),
            created_order=i,
            closed=c.closed,
            excluded=False,
            scores=c.whole,
        )
        for i, c in enumerate(scored)
    ]
    return benchmarks_by_stage(facts)


def p50(benchmarks: dict[str, dict[str, Benchmark]], key: str) -> list[float]:
    medians = [benchmarks[stage][key].p50 for stage in STAGES]
    assert all(m is not None for m in medians), f"{key} is not published at every stage"
    return [m for m in medians if m is not None]


def test_the_same_seed_and_day_give_the_same_world(world: World) -> None:
    assert world_generate(items=ITEMS, today=TODAY) == world


def test_another_seed_gives_another_world(world: World) -> None:
    other = world_generate(items=ITEMS, today=TODAY, seed=7)
    assert other != world
    assert other.districts[0].slug == MAPLE_SLUG  # the leader's district is always there


def test_the_world_spans_the_country_with_thousands_of_responses(world: World) -> None:
    assert len(world.districts) == DEMO_DISTRICTS
    assert len({d.slug for d in world.districts}) == DEMO_DISTRICTS
    assert len({d.state for d in world.districts}) >= 30
    assert {d.state for d in world.districts} <= set(US_STATES)
    assert world.n_responses >= 7000
    assert {c.stage for _, c in world_campaigns(world)} == set(STAGES)


def test_every_district_and_school_is_named_as_synthetic_or_belongs_to_one(world: World) -> None:
    for district in world.districts:
        assert district.name.endswith(SYNTHETIC)
        assert district.schools, district.slug
        folded = [name.casefold() for name in district.schools]
        assert len(folded) == len(set(folded)), f"{district.slug} repeats a school name"


def test_other_districts_have_one_to_four_closed_campaigns_in_past_school_years(
    world: World,
) -> None:
    for district in world.districts[1:]:
        assert 1 <= len(district.campaigns) <= 4
        for campaign in district.campaigns:
            assert campaign.closes_on < dt.date(2026, 7, 1)
            assert campaign.opens_on < campaign.closes_on


def test_every_stage_publishes_its_benchmark_from_closed_campaigns(
    benchmarks: dict[str, dict[str, Benchmark]],
) -> None:
    for stage in STAGES:
        assert benchmarks[stage][ONPOINT].published
        assert benchmarks[stage][ONPOINT].n_districts >= 4 * MIN_PUBLISHED_DISTRICTS


def test_most_of_strategy_communications_growth_happens_in_year_one(
    benchmarks: dict[str, dict[str, Benchmark]],
) -> None:
    share = growth_shares(benchmarks)["strategy"]
    assert share is not None
    assert 0.6 <= share <= 0.8  # "about 70%"


def test_operations_rises_at_every_stage(benchmarks: dict[str, dict[str, Benchmark]]) -> None:
    planning, year_1, year_2, year_3_plus = p50(benchmarks, "operations")
    assert planning < year_1 < year_2 < year_3_plus
    # Steady, not front-loaded like strategy: no single step holds most of the growth.
    steps = [year_1 - planning, year_2 - year_1, year_3_plus - year_2]
    assert max(steps) < 0.5 * sum(steps)


def test_design_grows_first_from_the_teachers_role_then_from_the_students(
    benchmarks: dict[str, dict[str, Benchmark]],
) -> None:
    teacher = p50(benchmarks, "teacher_role")
    student = p50(benchmarks, "student_role")
    early = (teacher[1] - teacher[0], student[1] - student[0])
    late = (teacher[3] - teacher[2], student[3] - student[2])
    assert early[0] > 2 * early[1]
    assert late[1] > 2 * late[0]


def test_culture_rises_then_flattens_after_year_two(
    benchmarks: dict[str, dict[str, Benchmark]],
) -> None:
    planning, year_1, year_2, year_3_plus = p50(benchmarks, "culture")
    assert planning < year_1 < year_2
    assert year_3_plus - year_2 < 1  # flat, or dipping


def test_some_schools_are_too_small_to_report(scored: list[ScoredCampaign]) -> None:
    tiny = [
        (c.slug, school)
        for c in scored
        for school, scores in c.by_school.items()
        if 0 < scores[ONPOINT].n < 5
    ]
    assert len({slug for slug, _ in tiny}) >= 10
    for c in scored:
        for scores in c.by_school.values():
            if scores[ONPOINT].n < 5:
                assert scores[ONPOINT].value is None


def test_some_districts_roles_see_things_very_differently(
    world: World, scored: list[ScoredCampaign]
) -> None:
    divided = {
        c.slug
        for c in scored
        if (gap := alignment_of(c.by_role).gap) is not None and gap >= 15 and c.closed
    }
    assert len(divided) >= 8
    assert MAPLE_SLUG in divided
    planned = {d.slug for d in world.districts if d.divided}
    # A survey of a few dozen people is noisy: most, not all, divided districts show it.
    assert len(planned & divided) >= 0.8 * len(planned)


def test_maple_valley_surveyed_at_several_stages_and_has_a_survey_open_now(world: World) -> None:
    maple = world.districts[0]
    assert (maple.slug, maple.name) == (MAPLE_SLUG, MAPLE_NAME)
    stages = [c.stage for c in maple.campaigns]
    assert stages == ["planning", "year_1", "year_1", "year_2"]
    current = maple.campaigns[-1]
    assert current.opens_on <= TODAY < current.closes_on
    assert 5 <= len(current.responses) < current.expected_responses
    assert all(c.closes_on < TODAY for c in maple.campaigns[:-1])


def test_responses_are_dated_within_their_campaign_and_never_later_than_today(
    world: World,
) -> None:
    for _, campaign in world_campaigns(world):
        for response in campaign.responses:
            assert campaign.opens_on <= response.submitted_on <= min(campaign.closes_on, TODAY)


def test_answers_use_the_instruments_codes_and_scale_and_every_role(world: World) -> None:
    codes = {item.code for item in ITEMS}
    roles = set()
    for _, campaign in world_campaigns(world):
        for response in campaign.responses:
            assert set(response.answers) == codes
            assert all(a is None or 1 <= a <= 5 for a in response.answers.values())
            assert any(a is not None for a in response.answers.values())
            roles.add(response.role)
    assert roles == set(ROLES)


def test_milestones_and_path_places_tell_each_districts_journey(world: World) -> None:
    assert all(m.happened_on <= TODAY for d in world.districts for m in d.milestones)
    assert sum(1 for d in world.districts if d.milestones) >= 100
    assert {d.path_place for d in world.districts} == set(PathPlace.values)
    texts = {m.text for d in world.districts for m in d.milestones}
    assert {"Strong teacher buy-in", "Piloting in six schools at once"} <= texts


def test_a_few_districts_are_listed_on_the_national_map(world: World) -> None:
    listed = [d.slug for d in world.districts if d.listed_on_national_map]
    assert 5 <= len(listed) <= 20


def test_the_consultant_serves_twelve_districts_maple_valley_among_them(world: World) -> None:
    assert len(set(world.consulted)) == 12
    assert MAPLE_SLUG in world.consulted
    assert {d.slug for d in world.districts} >= set(world.consulted)


def test_a_world_too_small_for_the_demo_cast_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 12 districts"):
        world_generate(items=ITEMS, today=TODAY, n_districts=11)
    assert TOO_FEW_DISTRICTS.startswith("A demo world needs")


@given(st.floats(min_value=-50, max_value=150), st.integers(min_value=0, max_value=2**32))
def test_a_drawn_answer_is_always_on_the_scale(score: float, seed: int) -> None:
    assert 1 <= answer_draw(random.Random(seed), score) <= 5


@pytest.mark.parametrize("target", [0, 12.5, 37.5, 60, 81.25, 100])
def test_drawn_answers_average_to_their_target_score(target: float) -> None:
    rng = random.Random(f"mean-{target}")
    mean = fmean((answer_draw(rng, target) - 1) * 25 for _ in range(20_000))
    assert mean == pytest.approx(target, abs=0.6)


def test_the_scale_world_shares_exactly_the_asked_for_responses() -> None:
    world = scale_world(n_districts=300, n_responses=45_678, today=TODAY, seed=3)
    assert len(world.districts) == 300
    assert world.n_responses == 45_678
    assert len({d.slug for d in world.districts}) == 300
    assert all(d.slug.startswith(SCALE_SLUG_PREFIX) for d in world.districts)
    assert all(d.name.endswith(SYNTHETIC) for d in world.districts)
    assert {c.stage for c in world.campaigns} == set(STAGES)
    assert all(c.closes_on < TODAY for c in world.campaigns)
    assert scale_world(n_districts=300, n_responses=45_678, today=TODAY, seed=3) == world


def test_a_scale_campaigns_rows_are_the_same_drawn_alone_or_in_order() -> None:
    world = scale_world(n_districts=20, n_responses=2_000, today=TODAY, seed=3)
    last = len(world.campaigns) - 1
    alone = list(scale_campaign_rows(world, last))
    in_order = [list(scale_campaign_rows(world, i)) for i in range(len(world.campaigns))]
    assert in_order[-1] == alone
    assert sum(len(rows) for rows in in_order) == 2_000
    campaign = world.campaigns[last]
    n_schools = world.districts[campaign.district].n_schools
    for row in alone:
        assert campaign.opens_on <= row.submitted_on <= campaign.closes_on
        assert row.school is None or 0 <= row.school < n_schools
        assert row.role in ROLES


def test_the_scale_pool_holds_people_for_every_year_strength_and_role() -> None:
    pool = scale_templates(items=ITEMS, seed=3, per_group=4)
    assert {role for _, _, role in pool} == set(ROLES)
    assert all(len(people) == 4 for people in pool.values())
    # Stronger districts answer higher, everything else equal.
    weakest = fmean(
        (a - 1) * 25
        for people in (v for (y, level, _), v in pool.items() if level == 0)
        for person in people
        for code, a in person.items()
        if a is not None and code != "buy_in_3"
    )
    strongest = fmean(
        (a - 1) * 25
        for people in (v for (y, level, _), v in pool.items() if level == len(SCALE_LEVELS) - 1)
        for person in people
        for code, a in person.items()
        if a is not None and code != "buy_in_3"
    )
    assert strongest > weakest + 10


# --- staff voice, co-travelers and professional learning (issue 16) ------------------------------


def test_campaigns_carry_staff_comments_that_name_no_one(world: World) -> None:
    campaigns = [campaign for _, campaign in world_campaigns(world)]
    with_comments = [c for c in campaigns if c.comments]
    assert len(with_comments) >= 0.9 * len(campaigns)
    kinds = {comment.kind for c in campaigns for comment in c.comments}
    assert kinds == {"proud_of", "help"}
    for campaign in with_comments:
        # About a third of respondents leave one; never more than two per respondent.
        assert len(campaign.comments) <= 2 * len(campaign.responses)
        proud = [c.text for c in campaign.comments if c.kind == "proud_of"]
        stage_words = [text.rstrip(".")[1:].lower() for text in PROUD_OF[campaign.stage]]
        assert all(any(words in text.lower() for words in stage_words) for text in proud)


def test_districts_past_planning_are_named_as_co_travelers_with_their_offers(
    world: World,
) -> None:
    maple = next(d for d in world.districts if d.slug == MAPLE_SLUG)
    named = [d for d in world.districts if d.named_as_co_traveler]
    assert len(named) >= 20
    assert not maple.named_as_co_traveler  # its leader decides
    assert all(stage_of(d.launch_date, TODAY) != "planning" for d in named)
    assert all(d.learning_offers for d in named)
    # Maple Valley (Year 2) meets co-travelers at Year 3+, some in its own state.
    ahead = [d for d in named if stage_of(d.launch_date, TODAY) == "year_3_plus"]
    assert len(ahead) >= 3
    landmarks = {offer.landmark for offer in maple.learning_offers}
    assert landmarks == {"shared_understanding", "operations", "student_agency", "culture"}
