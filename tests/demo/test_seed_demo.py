"""`seed_demo`, which `make run` loads: its printed accounts work, a second run is safe, and the
full world is stored, scored and benchmarked so that the national pages have a picture to show.

Most tests seed a small world (`--districts 20`) for speed; one seeds the full demo.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from demo.management.commands.seed_demo import NOT_IN_PRODUCTION
from demo.seed import DEMO_PASSWORD
from demo.world import MAPLE_SLUG, SYNTHETIC, TOO_FEW_DISTRICTS
from districts.models import District, LearningOffer, Membership, Milestone, School
from onpoint.method.structure import REASON_FEW_RESPONSES, STAGES
from onpoint.models import CODE_OF_REASON, CampaignResult, GroupScore
from surveys.comments import NOT_CLOSED
from surveys.models import Campaign, Comment, Response

SMALL = 20


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *(args or ("--districts", str(SMALL))), stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _embedded_mode(settings: Any) -> None:
    settings.DEBUG = True


@pytest.mark.django_db
def test_seeding_twice_duplicates_nothing() -> None:
    seed()
    tables = (
        District,
        School,
        Membership,
        Milestone,
        Campaign,
        Response,
        GroupScore,
        Comment,
        LearningOffer,
    )
    counts = [table.objects.count() for table in tables]
    second = seed()
    assert "nothing to add" in second
    assert [table.objects.count() for table in tables] == counts
    assert get_user_model().objects.filter(username="leader").count() == 1


@pytest.mark.django_db
def test_a_second_run_adds_back_only_what_is_missing() -> None:
    seed()
    maple = District.objects.get(slug=MAPLE_SLUG)
    latest = (
        Campaign.objects.filter(district=maple, closes_at__lte=timezone.now())
        .order_by("-opens_at")
        .first()
    )
    assert latest is not None
    n_responses = latest.responses.count()
    Response.objects.filter(campaign=latest).delete()
    GroupScore.objects.filter(campaign=latest).delete()
    CampaignResult.objects.filter(campaign=latest).delete()
    latest.delete()
    seed()
    again = Campaign.objects.get(district=maple, name=latest.name)
    assert again.responses.count() == n_responses
    assert CampaignResult.objects.filter(campaign=again).exists()
    assert Campaign.objects.filter(district=maple, name=latest.name).count() == 1


@pytest.mark.django_db
def test_too_few_districts_is_refused_with_the_reason() -> None:
    with pytest.raises(CommandError, match="at least 12 districts"):
        seed("--districts", "5")
    assert TOO_FEW_DISTRICTS.startswith("A demo world needs")
    assert not District.objects.exists()


@pytest.mark.django_db
def test_the_printed_leader_login_shows_the_leaders_district(client: Client) -> None:
    printed = seed()
    assert "leader" in printed
    assert DEMO_PASSWORD in printed
    assert client.login(username="leader", password=DEMO_PASSWORD)
    landing = client.get("/", follow=True)
    district = Membership.objects.get(user__username="leader", kind="leader").district
    assert landing.redirect_chain[-1][0] == f"/districts/{district.slug}/"
    assert district.name in landing.content.decode()


@pytest.mark.django_db
def test_the_demo_refuses_to_run_in_production(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        seed()
    assert NOT_IN_PRODUCTION.startswith("seed_demo creates accounts")
    assert not District.objects.exists()


@pytest.mark.django_db
def test_the_full_demo_is_a_scored_national_picture_that_shows_the_landmarks(
    client: Client,
) -> None:
    seed()  # a small world first: the full run must add to it without a duplicate
    printed = seed("--seed", "2026")
    assert "synthetic" in printed.lower()
    districts = District.objects.all()
    assert districts.count() == 150
    assert all(d.name.endswith(SYNTHETIC) for d in districts)
    assert len({d.state for d in districts}) >= 30
    assert Response.objects.count() >= 7000

    # Scored once, in bulk: no closed campaign is left dirty or unscored, and the open ones
    # (the survey to try) have no scores at all until they close (method 1.1, "Release").
    closed = Campaign.objects.filter(closes_at__lte=timezone.now())
    assert not closed.filter(scores_dirty=True).exists()
    assert set(CampaignResult.objects.values_list("campaign_id", flat=True)) == set(
        closed.values_list("pk", flat=True)
    )
    assert Campaign.objects.exclude(pk__in=closed.values("pk")).exists()

    # The national benchmarks, as the API serves them to staff.
    assert client.login(username="staff", password=DEMO_PASSWORD)
    national = client.get("/api/v1/benchmarks/").json()
    for stage in STAGES:
        onpoint = national["stages"][stage]["onpoint"]
        assert onpoint["published"], stage
        assert onpoint["n_districts"] >= 5
    shares = national["growth_share"]
    assert 0.6 <= shares["strategy"] <= 0.8
    operations = [national["stages"][s]["operations"]["p50"] for s in STAGES]
    assert operations == sorted(operations)
    culture = [national["stages"][s]["culture"]["p50"] for s in STAGES]
    assert culture[3] - culture[2] < 1

    # Schools too small to report, and districts whose roles disagree.
    assert GroupScore.objects.filter(
        breakdown="school", onpoint_reason=CODE_OF_REASON[REASON_FEW_RESPONSES]
    ).exists()
    gaps = [r.alignment.get("gap") for r in CampaignResult.objects.all()]
    assert sum(1 for gap in gaps if gap is not None and gap >= 15) >= 8

    # Maple Valley: several stages, one survey open now with responses in.
    maple = District.objects.get(slug=MAPLE_SLUG)
    campaigns = list(Campaign.objects.filter(district=maple).order_by("opens_at"))
    assert [c.stage for c in campaigns] == ["planning", "year_1", "year_1", "year_2"]
    assert campaigns[-1].is_open()
    assert campaigns[-1].responses.count() >= 5
    assert Milestone.objects.filter(district=maple).exists()
    assert District.objects.filter(listed_on_national_map=True).count() >= 5
    assert District.objects.values("path_place").distinct().count() == 4

    consulted = District.objects.filter(
        memberships__user__username="consultant", memberships__kind="consultant"
    )
    assert consulted.count() == 12
    assert consulted.filter(slug=MAPLE_SLUG).exists()
    leader_districts = Membership.objects.filter(user__username="leader")
    assert [m.district.slug for m in leader_districts] == [MAPLE_SLUG]
    staff = get_user_model().objects.get(username="staff")
    assert staff.is_staff
    assert staff.is_superuser

    # Issue 16, as `make run` shows it to the leader: staff comments on Maple Valley's released
    # campaigns (not on the open one), co-travelers a stage ahead, professional learning.
    assert client.login(username="leader", password=DEMO_PASSWORD)
    spring = campaigns[-2]
    voice = client.get(f"/districts/{MAPLE_SLUG}/campaigns/{spring.pk}/comments/").content
    proud = Comment.objects.filter(campaign=spring, kind="proud_of").first()
    assert proud is not None
    assert proud.text.encode() in voice
    still_open = client.get(f"/districts/{MAPLE_SLUG}/campaigns/{campaigns[-1].pk}/comments/")
    assert NOT_CLOSED.encode() in still_open.content
    journey = client.get(f"/districts/{MAPLE_SLUG}/").content.decode()
    co_travelers = journey.split('id="co-travelers"', 1)[1].split("</section>", 1)[0]
    assert co_travelers.count('class="co-traveler card"') == 3
    assert "Microcredential: student goal-setting" in journey
    consultant = Client()
    assert consultant.login(username="consultant", password=DEMO_PASSWORD)
    portfolio = consultant.get("/", follow=True)
    assert portfolio.redirect_chain[-1][0] == "/portfolio/"
    assert portfolio.content.decode().count('class="portfolio-card card') == 12


@pytest.mark.django_db
def test_the_printed_survey_link_opens_maple_valleys_open_survey(client: Client) -> None:
    printed = seed("--districts", str(SMALL), "--base-url", "http://127.0.0.1:8001/")
    found = re.search(r"http://127\.0\.0\.1:8001(/s/[^/\s]+/)", printed)
    assert found is not None, printed
    survey = client.get(found.group(1))
    assert survey.status_code == 200
    campaign = Campaign.objects.get(token=found.group(1).split("/")[2])
    assert campaign.district.slug == MAPLE_SLUG
    assert campaign.is_open()
    # Once it closes, the command says how to get another link instead.
    Campaign.objects.filter(district__slug=MAPLE_SLUG).update(closes_at=timezone.now())
    assert "create a campaign" in seed()
