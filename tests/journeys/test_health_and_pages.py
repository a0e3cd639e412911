"""/healthz, the accounts pages (and a person's API token), the error pages, and the offline
API docs."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client: Client, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    with mock.patch("journeys.views.broker_answers", side_effect=ConnectionError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "down": ["broker"]}


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client: Client) -> None:
    with mock.patch("journeys.views.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


@pytest.mark.django_db
def test_a_leader_logs_in_and_lands_on_their_district(client: Client, leader_of_maple: Any) -> None:
    response = client.post(
        reverse("login"), {"username": "maple.leader", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/districts/maple-valley/"
    assert "Maple Valley School District" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_the_form_again_with_a_message(
    client: Client, leader_of_maple: Any
) -> None:
    response = client.post(reverse("login"), {"username": "maple.leader", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client: Client, leader_of_maple: Any) -> None:
    client.force_login(leader_of_maple)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/districts/maple-valley/").status_code == 302


@pytest.mark.django_db
def test_password_change_page_works(client: Client, leader_of_maple: Any) -> None:
    client.force_login(leader_of_maple)
    new = "a-much-longer-passphrase-42"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    leader_of_maple.refresh_from_db()
    assert leader_of_maple.check_password(new)


@pytest.mark.django_db
def test_unknown_pages_get_the_products_404_page(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_the_500_page_renders_without_a_database() -> None:
    from django.test import RequestFactory

    from journeys.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


@pytest.mark.django_db
def test_the_admin_lives_at_admin_url(client: Client, staff_user: Any) -> None:
    from django.conf import settings

    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200


@pytest.mark.django_db
def test_the_api_docs_load_with_no_other_host(client: Client, leader_of_maple: Any) -> None:
    docs = client.get("/api/docs/").content.decode()
    assert "https://" not in docs
    assert "http://" not in docs.replace("http://testserver", "")
    assert "swagger-ui" in docs
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/districts/" in schema.content


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client: Client, leader_of_maple: Any) -> None:
    client.force_login(leader_of_maple)
    policy = client.get("/districts/maple-valley/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_a_person_creates_and_revokes_their_api_token(client: Client, leader_of_maple: Any) -> None:
    client.force_login(leader_of_maple)
    page = client.post(reverse("api_token"), {"action": "create"}).content.decode()
    key = Token.objects.get(user=leader_of_maple).key
    assert key in page
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/districts/").status_code == 200
    client.post(reverse("api_token"), {"action": "revoke"})
    assert api.get("/api/v1/districts/").status_code == 401
    assert key not in client.get(reverse("api_token")).content.decode()
