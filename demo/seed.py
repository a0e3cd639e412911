"""The demo world that `make run` loads. Synthetic: no real district, school or person.

The world itself is plain data from `demo.world` (seeded, deterministic); this module
stores it in bulk, adds the demo accounts, and brings the scores up to date once: one rescore
per new campaign and one benchmark rebuild, not a task per response.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.world import (
    CONSULTED_DISTRICTS,
    DEFAULT_SEED,
    DEMO_DISTRICTS,
    MAPLE_NAME,
    MAPLE_SLUG,
    CampaignPlan,
    DistrictPlan,
    World,
    world_generate,
)
from districts.models import (
    District,
    LearningOffer,
    Membership,
    Milestone,
    School,
    time_zone_for_state,
)
from onpoint.benchmark_rebuild import benchmarks_rebuild
from onpoint.release import campaigns_to_release
from onpoint.rescore import campaign_rescore
from surveys.models import Campaign, Comment, Instrument, Response
from surveys.response_row import response_score_fields
from surveys.selectors import instrument_current, item_specs

# A published password for local demo accounts only; seed_demo refuses to run in production.
DEMO_PASSWORD = "journeys-demo"  # noqa: S105
DEMO_ACCOUNTS = {
    "leader": f"District leader of {MAPLE_NAME}",
    "consultant": f"Consultant for {CONSULTED_DISTRICTS} demo districts, Maple Valley among them",
    "staff": "Journeys staff: sees every district, and the admin",
    "principal": f"Principal of a school of {MAPLE_NAME}: the district's results and that school's",
}

# Campaigns open at the start of a school day and close at its end, in the district's time zone.
OPENS_AT = dt.time(8, 0)
CLOSES_AT = dt.time(18, 0)
RESPONSE_BATCH = 1000


@dataclass(frozen=True)
class DemoOutcome:
    districts: int
    campaigns: int
    responses: int
    rescored: int

    def summary(self) -> str:
        if not (self.districts or self.campaigns or self.responses or self.rescored):
            return "Demo already loaded: nothing to add."
        return (
            f"Demo loaded (synthetic data): {self.districts} districts, {self.campaigns} "
            f"campaigns and {self.responses} responses added; {self.rescored} campaigns scored."
        )


def _aware(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at), zone)


def _districts_store(world: World) -> dict[str, District]:
    slugs = [plan.slug for plan in world.districts]
    existing = set(District.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    District.objects.bulk_create(
        District(
            name=plan.name,
            slug=plan.slug,
            state=plan.state,
            launch_date=plan.launch_date,
            enrollment=plan.enrollment,
            path_place=plan.path_place,
            listed_on_national_map=plan.listed_on_national_map,
            named_as_co_traveler=plan.named_as_co_traveler,
            time_zone=time_zone_for_state(plan.state),
        )
        for plan in world.districts
        if plan.slug not in existing
    )
    named = [plan.slug for plan in world.districts if plan.named_as_co_traveler]
    in_db = District.objects.filter(slug__in=slugs)
    if not in_db.filter(named_as_co_traveler=True).exists():
        # A demo loaded before co-travelers existed: its districts take the world's choice once.
        in_db.filter(slug__in=named).update(named_as_co_traveler=True)
    return {district.slug: district for district in District.objects.filter(slug__in=slugs)}


def _schools_store(world: World, districts: dict[str, District]) -> dict[tuple[int, str], School]:
    """Every school of the world, keyed by (district id, name folded), the missing ones added."""
    ids = [district.pk for district in districts.values()]
    have = {
        (school.district_id, school.name.casefold())
        for school in School.objects.filter(district_id__in=ids)
    }
    School.objects.bulk_create(
        School(district=districts[plan.slug], name=name)
        for plan in world.districts
        for name in plan.schools
        if (districts[plan.slug].pk, name.casefold()) not in have
    )
    return {
        (school.district_id, school.name.casefold()): school
        for school in School.objects.filter(district_id__in=ids)
    }


def _campaigns_store(
    world: World, districts: dict[str, District], instrument: Instrument
) -> list[tuple[Campaign, DistrictPlan, CampaignPlan]]:
    """The world's campaigns that were missing, now stored and marked dirty (to be scored)."""
    ids = [district.pk for district in districts.values()]
    have = set(Campaign.objects.filter(district_id__in=ids).values_list("district_id", "name"))
    missing = [
        (district, campaign)
        for district in world.districts
        for campaign in district.campaigns
        if (districts[district.slug].pk, campaign.name) not in have
    ]
    created = Campaign.objects.bulk_create(
        Campaign(
            district=districts[district.slug],
            instrument=instrument,
            name=campaign.name,
            opens_at=_aware(campaign.opens_on, OPENS_AT, districts[district.slug].zone),
            closes_at=_aware(campaign.closes_on, CLOSES_AT, districts[district.slug].zone),
            expected_responses=campaign.expected_responses,
            scores_dirty=True,
        )
        for district, campaign in missing
    )
    # Both databases return the new ids from a bulk insert (SQLite 3.35+, PostgreSQL).
    assert all(row.pk is not None for row in created)
    return [(row, *plans) for row, plans in zip(created, missing, strict=True)]


def _responses(
    campaigns: Sequence[tuple[Campaign, DistrictPlan, CampaignPlan]],
    schools: dict[tuple[int, str], School],
    instrument: Instrument,
) -> Iterator[Response]:
    items = item_specs(instrument)
    for row, _, plan in campaigns:
        for response in plan.responses:
            school = (
                None
                if response.school is None
                else schools[(row.district_id, response.school.casefold())]
            )
            # The stored scores are method section 3's, computed as a submission computes them.
            yield Response(
                campaign=row,
                submission_id=response.submission_id,
                role=response.role,
                school=school,
                submitted_on=response.submitted_on,
                **response_score_fields(items=items, answers=response.answers),
            )


def _milestones_store(world: World, districts: dict[str, District]) -> None:
    ids = [district.pk for district in districts.values()]
    have = set(
        Milestone.objects.filter(district_id__in=ids).values_list(
            "district_id", "happened_on", "text"
        )
    )
    Milestone.objects.bulk_create(
        Milestone(district=districts[plan.slug], happened_on=m.happened_on, text=m.text)
        for plan in world.districts
        for m in plan.milestones
        if (districts[plan.slug].pk, m.happened_on, m.text) not in have
    )


def _comments_store(world: World, districts: dict[str, District]) -> int:
    """The staff comments of every campaign of the world that has none yet (issue 16): a
    campaign seeded before comments existed gets them too, and a second run adds nothing."""
    by_key = {
        (campaign.district_id, campaign.name): campaign
        for campaign in Campaign.objects.filter(district__in=districts.values())
    }
    have = set(
        Comment.objects.filter(campaign__in=by_key.values()).values_list("campaign_id", flat=True)
    )
    rows = [
        Comment(campaign=campaign, kind=comment.kind, text=comment.text)
        for plan in world.districts
        for campaign_plan in plan.campaigns
        if (campaign := by_key.get((districts[plan.slug].pk, campaign_plan.name))) is not None
        and campaign.pk not in have
        for comment in campaign_plan.comments
    ]
    Comment.objects.bulk_create(rows, batch_size=RESPONSE_BATCH)
    return len(rows)


def _learning_offers_store(world: World, districts: dict[str, District]) -> None:
    have = {
        (district_id, name.casefold())
        for district_id, name in LearningOffer.objects.filter(
            district__in=districts.values()
        ).values_list("district_id", "name")
    }
    LearningOffer.objects.bulk_create(
        LearningOffer(
            district=districts[plan.slug],
            name=offer.name,
            landmark=offer.landmark,
            earned_count=offer.earned_count,
        )
        for plan in world.districts
        for offer in plan.learning_offers
        if (districts[plan.slug].pk, offer.name.casefold()) not in have
    )


def _accounts_store(world: World, districts: dict[str, District]) -> None:
    users = get_user_model().objects
    accounts = {}
    for username in DEMO_ACCOUNTS:
        user, _ = users.get_or_create(username=username)
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = username == "staff"
        user.save()
        accounts[username] = user
    # The leader leads Maple Valley alone, so logging in lands on its page.
    Membership.objects.get_or_create(
        user=accounts["leader"], district=districts[MAPLE_SLUG], kind=Membership.Kind.LEADER
    )
    # The principal of Maple Valley's first school (issue 15): no other school's numbers.
    school = districts[MAPLE_SLUG].schools.order_by("name", "pk").first()
    if school is not None:
        Membership.objects.update_or_create(
            user=accounts["principal"],
            district=districts[MAPLE_SLUG],
            kind=Membership.Kind.PRINCIPAL,
            defaults={"school": school},
        )
    # The consultant serves exactly this world's twelve, even after a smaller demo was loaded.
    consulting = Membership.objects.filter(
        user=accounts["consultant"], kind=Membership.Kind.CONSULTANT
    )
    consulting.exclude(district__slug__in=world.consulted).delete()
    for slug in world.consulted:
        Membership.objects.get_or_create(
            user=accounts["consultant"], district=districts[slug], kind=Membership.Kind.CONSULTANT
        )


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """The engine logs a line per rescored campaign; the demo's hundreds would bury the logins."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def demo_scores_recompute(world: World) -> int:
    """Score the world's closed campaigns whose released scores are missing or stale, then
    rebuild the benchmarks once. Open campaigns stay unscored until they close (method 1.1).

    Runs after the world is committed, as the worker would: it reads only committed rows.
    Returns how many campaigns were scored; a second run finds none and rebuilds nothing.
    """
    campaigns = list(
        campaigns_to_release(timezone.now())
        .filter(district__slug__in=[d.slug for d in world.districts])
        .order_by("pk")
    )
    with _quiet("onpoint"):  # onpoint.rescore and onpoint.benchmark_rebuild
        # One transaction for all: on SQLite each commit waits for the disk, and hundreds of
        # them would cost the demo most of its time budget.
        with transaction.atomic():
            for campaign in campaigns:
                campaign_rescore(campaign=campaign)
        if campaigns:
            benchmarks_rebuild()
    return len(campaigns)


def demo_seed(
    *, seed: int = DEFAULT_SEED, today: dt.date | None = None, n_districts: int = DEMO_DISTRICTS
) -> str:
    """Store the demo world of `seed` as of `today` (default: today) and score it.

    Safe to run again: districts, schools, campaigns and milestones already there are kept as
    they are and nothing is duplicated; only what is missing is added (and scored).
    """
    today = today or timezone.localdate()
    instrument = instrument_current()
    world = world_generate(
        items=item_specs(instrument), today=today, seed=seed, n_districts=n_districts
    )
    with transaction.atomic():
        before = District.objects.filter(slug__in=[d.slug for d in world.districts]).count()
        districts = _districts_store(world)
        schools = _schools_store(world, districts)
        campaigns = _campaigns_store(world, districts, instrument)
        responses = Response.objects.bulk_create(
            _responses(campaigns, schools, instrument), batch_size=RESPONSE_BATCH
        )
        _milestones_store(world, districts)
        _comments_store(world, districts)
        _learning_offers_store(world, districts)
        _accounts_store(world, districts)
    rescored = demo_scores_recompute(world)
    return DemoOutcome(
        districts=len(districts) - before,
        campaigns=len(campaigns),
        responses=len(responses),
        rescored=rescored,
    ).summary()
