"""A principal (issue 15) sees the district's released results and their own school's group as
reported, and never another school's numbers: on every page, export and API answer (the URLs
are discovered from the URL configuration, as the tenancy test does), through
onpoint.selectors.campaign_scores_for."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from districts.models import District, LearningOffer, Membership, School
from onpoint import board_report
from onpoint.charts import SUPPRESSED_FEW
from onpoint.selectors import campaign_scores, campaign_scores_for
from surveys.models import Campaign
from tests.clients import signed_in
from tests.districts.test_tenancy import district_scoped_urls
from tests.factories import MembershipFactory, UserFactory
from tests.onpoint.builders import campaign_of, respond, uniform
from tests.onpoint.pages_world import (
    OPEN_SCHOOL,
    PARTNER_SCHOOL,
    TINY_SCHOOL,
    maple_campaign_with_a_school_of_three,
)

pytestmark = pytest.mark.django_db

OTHER_SCHOOLS = (PARTNER_SCHOOL, TINY_SCHOOL)


@pytest.fixture
def released(maple: District) -> Campaign:
    """Maple's closed, scored campaign: 10 at Maple Elementary, 8 at Maple High School, 3 at
    the tiny school."""
    return maple_campaign_with_a_school_of_three(maple)


@pytest.fixture
def running(maple: District) -> Campaign:
    """An open campaign with answers from two schools: counts only."""
    campaign = campaign_of(maple, name="Maple open survey", expected_responses=30)
    schools = {school.name: school for school in maple.schools.all()}
    respond(campaign, uniform(4), school=schools[OPEN_SCHOOL], times=4)
    respond(campaign, uniform(2), school=schools[PARTNER_SCHOOL], times=7)
    return campaign


def principal_of(maple: District, school_name: str) -> Any:
    user = UserFactory(username=f"principal.{school_name.split()[0].lower()}")
    MembershipFactory(
        user=user, district=maple, kind="principal", school=maple.schools.get(name=school_name)
    )
    return user


def json_objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from json_objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from json_objects(inner)


def numbers_of_another_school(body: str, content_type: str) -> list[str]:
    """Where a body gives another school's numbers: for JSON, any object that names the school
    with a number in it (a school's own id and name, as the district's school list gives them,
    are not its results); for pages and CSV, any mention of the school at all."""
    found = []
    if "json" in content_type:
        for item in json_objects(json.loads(body)):
            names = {value for value in item.values() if isinstance(value, str)}
            numbers = {key for key, value in item.items() if key != "id" and _numeric(value)}
            found += [
                f"{name}: {sorted(numbers)}" for name in OTHER_SCHOOLS if name in names and numbers
            ]
        return found
    return [name for name in OTHER_SCHOOLS if name in body]


def _numeric(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
        isinstance(value, dict) and any(_numeric(inner) for inner in value.values())
    )


def walk(
    client: Client, maple: District, campaigns: tuple[Campaign, ...]
) -> tuple[dict[str, list[str]], list[str]]:
    """GET every district-scoped URL of each campaign: where another school's numbers show,
    and which URLs answered 200."""
    leaks: dict[str, list[str]] = {}
    answered: list[str] = []
    offer = LearningOffer.objects.get_or_create(
        district=maple, name="Microcredential: goal-setting", landmark="student_agency"
    )[0]
    for campaign in campaigns:
        urls, unfilled = district_scoped_urls(
            {
                "slug": maple.slug,
                "campaign_id": campaign.pk,
                "pk": campaign.pk,
                "id": campaign.pk,
                "milestone_id": 0,
                "offer_id": offer.pk,
                "comment_id": uuid.uuid4(),
            }
        )
        assert not unfilled
        # And the pages across districts that show a district's results (issue 16's portfolio,
        # compare, the national pages).
        for url in [*urls, "/portfolio/", "/compare/", "/benchmarks/", "/map/"]:
            response = client.get(url)
            assert response.status_code in {200, 403, 404, 405}, (url, response.status_code)
            if response.status_code != 200:
                continue
            answered.append(url)
            # (A PDF's text is compressed: this reads pages, CSV and JSON; the board's PDF report
            # takes its numbers from the same campaign_scores_for.)
            found = numbers_of_another_school(
                response.content.decode(errors="replace"), response.get("Content-Type", "")
            )
            if found:
                leaks[url] = found
    return leaks, answered


def test_a_principal_never_gets_another_schools_numbers_anywhere(
    maple: District, released: Campaign, running: Campaign, leader_of_maple: Any
) -> None:
    leaks, answered = walk(signed_in(principal_of(maple, OPEN_SCHOOL)), maple, (released, running))
    assert leaks == {}
    # The walk reached the pages and answers that carry schools' numbers.
    for campaign in (released, running):
        for url in (
            reverse("campaign_dashboard", args=[maple.slug, campaign.pk]),
            reverse("campaign_scores_csv", args=[maple.slug, campaign.pk]),
            f"/api/v1/campaigns/{campaign.pk}/scores/",
        ):
            assert url in answered, url
    # The same walk finds them for the district's leader: the check can see a leak.
    leader_leaks, _ = walk(signed_in(leader_of_maple), maple, (released, running))
    assert f"/api/v1/campaigns/{released.pk}/scores/" in leader_leaks
    assert reverse("campaign_dashboard", args=[maple.slug, running.pk]) in leader_leaks


def test_a_principal_sees_the_district_and_their_own_school_as_reported(
    maple: District, released: Campaign
) -> None:
    client = signed_in(principal_of(maple, OPEN_SCHOOL))
    api = client.get(f"/api/v1/campaigns/{released.pk}/scores/").json()
    leader_view = campaign_scores(campaign=released)
    assert [group["school"] for group in api["by_school"]] == [OPEN_SCHOOL]
    assert api["by_school"][0]["scores"]["onpoint"]["reported"] is True
    # The district-wide numbers and the roles are the leader's, unchanged.
    assert api["n_responses"] == leader_view.n_responses == 21
    assert [group["role"] for group in api["by_role"]] == [g.name for g in leader_view.by_role]
    assert api["scores"]["onpoint"]["value"] is not None

    page = client.get(reverse("campaign_dashboard", args=[maple.slug, released.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="school-scope"' in html
    assert OPEN_SCHOOL in html
    assert "Manage this campaign" not in html

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("campaign_scores_csv", args=[maple.slug, released.pk])
                ).content.decode()
            )
        )
    )
    assert {row[1] for row in rows if row[0] == "school"} == {OPEN_SCHOOL}


def test_a_principal_of_a_small_school_is_told_its_group_is_suppressed(
    maple: District, released: Campaign
) -> None:
    client = signed_in(principal_of(maple, TINY_SCHOOL))
    api = client.get(f"/api/v1/campaigns/{released.pk}/scores/").json()
    (group,) = api["by_school"]
    assert group["school"] == TINY_SCHOOL
    assert group["scores"]["onpoint"] == {
        "value": None,
        "n": 3,
        "reported": False,
        "reason": "fewer than 5 responses",
    }
    html = client.get(
        reverse("campaign_dashboard", args=[maple.slug, released.pk])
    ).content.decode()
    assert TINY_SCHOOL in html
    assert SUPPRESSED_FEW in html


def test_a_principal_sees_their_schools_count_of_an_open_campaign_and_no_other(
    maple: District, running: Campaign
) -> None:
    client = signed_in(principal_of(maple, OPEN_SCHOOL))
    api = client.get(f"/api/v1/campaigns/{running.pk}/scores/").json()
    assert api["released"] is False
    assert api["n_responses"] == 11
    assert api["responses_by_school"] == [
        {"school": OPEN_SCHOOL, "n_responses": 4, "expected_responses": None, "response_rate": None}
    ]
    page = client.get(reverse("campaign_dashboard", args=[maple.slug, running.pk])).content.decode()
    assert "Close now" not in page


def test_the_selector_is_the_leaders_for_everyone_but_a_principal(
    maple: District, released: Campaign, leader_of_maple: Any, staff_user: Any
) -> None:
    full = campaign_scores(campaign=released)
    for user in (leader_of_maple, staff_user):
        assert campaign_scores_for(user=user, campaign=released) == full
    scoped = campaign_scores_for(user=principal_of(maple, OPEN_SCHOOL), campaign=released)
    assert [g.name for g in scoped.by_school] == [OPEN_SCHOOL]
    assert scoped.only_school == OPEN_SCHOOL
    assert (scoped.scores, scoped.by_role, scoped.landmarks) == (
        full.scores,
        full.by_role,
        full.landmarks,
    )


def test_a_principal_runs_no_campaign(maple: District, running: Campaign) -> None:
    principal = principal_of(maple, OPEN_SCHOOL)
    client = signed_in(principal)
    base = f"/districts/{maple.slug}/campaigns/"
    for url in (f"{base}new/", f"{base}{running.pk}/manage/", f"{base}{running.pk}/edit/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{base}{running.pk}/close/").status_code == 403
    created = client.post(
        "/api/v1/campaigns/",
        {
            "district": maple.slug,
            "name": "Mine",
            "opens_at": "2026-03-01T08:00:00Z",
            "closes_at": "2026-03-20T08:00:00Z",
        },
        content_type="application/json",
    )
    assert created.status_code == 403
    patched = client.patch(
        f"/api/v1/campaigns/{running.pk}/", {"name": "Renamed"}, content_type="application/json"
    )
    assert patched.status_code == 403
    school = client.post(
        f"/api/v1/districts/{maple.slug}/schools/", {"name": "New"}, content_type="application/json"
    )
    assert school.status_code == 403
    running.refresh_from_db()
    assert running.name == "Maple open survey"
    assert not School.objects.filter(name="New").exists()
    assert running.is_open()


def test_the_demo_principal_sees_maple_and_one_school(settings: Any) -> None:
    from django.core.management import call_command

    from demo.seed import DEMO_PASSWORD
    from demo.world import MAPLE_SLUG

    settings.DEBUG = True
    call_command("seed_demo", "--districts", "20", stdout=io.StringIO())
    client = Client()
    assert client.login(username="principal", password=DEMO_PASSWORD)
    assert client.get("/")["Location"] == f"/districts/{MAPLE_SLUG}/"
    maple = District.objects.get(slug=MAPLE_SLUG)
    released = (
        Campaign.objects.filter(district=maple, result__isnull=False).order_by("-opens_at").first()
    )
    assert released is not None
    own = Membership.objects.get(user__username="principal").school
    assert own is not None
    body = client.get(f"/api/v1/campaigns/{released.pk}/scores/").json()
    assert [group["school"] for group in body["by_school"]] in ([], [own.name])
    assert len(maple.schools.all()) > 1  # there are other schools to keep out


def test_a_principals_board_report_names_their_school_and_no_other(
    maple: District, released: Campaign, leader_of_maple: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDF itself, laid out by WeasyPrint and read back with pypdf; the charts are blank
    images here (Chromium is board_report's test), so every school named in the text comes from
    the report's own tables and words."""
    blank = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    monkeypatch.setattr(board_report, "svg_images", lambda figures: [blank for _ in figures])
    url = reverse("campaign_report", args=[maple.slug, released.pk])

    def text_of(client: Client) -> str:
        response = client.get(url)
        assert response.status_code == 200
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)

    principal_text = text_of(signed_in(principal_of(maple, OPEN_SCHOOL)))
    assert OPEN_SCHOOL in principal_text
    assert not [name for name in OTHER_SCHOOLS if name in principal_text]
    # The leader's report of the same campaign names them: the check can see a leak.
    leader_text = text_of(signed_in(leader_of_maple))
    assert all(name in leader_text for name in OTHER_SCHOOLS)
