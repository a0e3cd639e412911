"""The district and school endpoints of API v1, and token authentication."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from districts.models import District, Membership, School
from onpoint.api import NOT_ALLOWED_TO_CREATE_DISTRICTS


def token_client(user: Any) -> Client:
    out = StringIO()
    call_command("drf_create_token", user.username, stdout=out)
    key = out.getvalue().split()[2]
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.django_db
def test_a_staff_token_creates_a_district_with_a_slug(staff_user: Any) -> None:
    api = token_client(staff_user)
    response = api.post(
        "/api/v1/districts/",
        {"name": "Cedar Falls Community Schools", "state": "ia", "launch_date": "2024-08-20"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "cedar-falls-community-schools"
    assert body["state"] == "IA"
    assert body["launch_date"] == "2024-08-20"
    assert body["stage"] in {"year_1", "year_2", "year_3_plus"}
    assert api.get("/api/v1/districts/cedar-falls-community-schools/").status_code == 200


@pytest.mark.django_db
def test_two_districts_with_one_name_get_two_slugs(staff_user: Any) -> None:
    api = token_client(staff_user)
    slugs = [
        api.post(
            "/api/v1/districts/",
            {"name": "Union School District", "state": "CA", "launch_date": None},
            content_type="application/json",
        ).json()["slug"]
        for _ in range(2)
    ]
    assert slugs == ["union-school-district", "union-school-district-2"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["XX", "Oregon", "", "O"])
def test_a_district_needs_a_two_letter_us_state(staff_user: Any, state: str) -> None:
    response = token_client(staff_user).post(
        "/api/v1/districts/", {"name": "Nowhere", "state": state}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "state" in response.json()
    assert not District.objects.exists()


@pytest.mark.django_db
def test_a_consultant_who_creates_a_district_consults_for_it(
    consultant_for_maple_and_oak: Any,
) -> None:
    api = token_client(consultant_for_maple_and_oak)
    slug = api.post(
        "/api/v1/districts/", {"name": "Pine Lake", "state": "MN"}, content_type="application/json"
    ).json()["slug"]
    assert Membership.objects.filter(
        user=consultant_for_maple_and_oak, district__slug=slug, kind="consultant"
    ).exists()


@pytest.mark.django_db
def test_a_leader_cannot_create_districts(leader_of_maple: Any) -> None:
    response = token_client(leader_of_maple).post(
        "/api/v1/districts/", {"name": "Pine Lake", "state": "MN"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == NOT_ALLOWED_TO_CREATE_DISTRICTS
    assert not District.objects.filter(name="Pine Lake").exists()


@pytest.mark.django_db
def test_a_leader_adds_a_school_and_a_duplicate_name_is_refused(leader_of_maple: Any) -> None:
    api = token_client(leader_of_maple)
    url = "/api/v1/districts/maple-valley/schools/"
    created = api.post(url, {"name": "Lincoln Elementary"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["name"] == "Lincoln Elementary"
    duplicate = api.post(url, {"name": "lincoln elementary"}, content_type="application/json")
    assert duplicate.status_code == 400
    assert School.objects.filter(name__iexact="lincoln elementary").count() == 1


@pytest.mark.django_db
def test_the_district_list_costs_two_queries_however_many_districts(
    staff_user: Any, django_assert_num_queries: Any
) -> None:
    from tests.factories import DistrictFactory, SchoolFactory

    for _ in range(12):
        SchoolFactory(district=DistrictFactory())
    api = token_client(staff_user)
    # 1 token+user, 2 districts, 3 their schools (prefetch), 4 the audit log's insert
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/districts/").json()) == 12


@pytest.mark.django_db
def test_a_revoked_token_no_longer_works(leader_of_maple: Any) -> None:
    from rest_framework.authtoken.models import Token

    api = token_client(leader_of_maple)
    assert api.get("/api/v1/districts/").status_code == 200
    Token.objects.filter(user=leader_of_maple).delete()
    assert api.get("/api/v1/districts/").status_code == 401
