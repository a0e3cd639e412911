"""Login lockout, API token revocation, and the audit log of who viewed district data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from journeys.models import AuditEvent
from journeys.security import locked_out_message
from tests.factories import PASSWORD


def log_in(client: Client, password: str, username: str = "maple.leader") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_an_account_is_locked_after_five_failures_with_a_clear_message(
    client: Client, leader_of_maple: Any
) -> None:
    for _ in range(5):
        assert "Please enter a correct" in log_in(client, "wrong").content.decode()
    refused = log_in(client, PASSWORD)
    assert refused.status_code == 200
    assert locked_out_message() in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lockout_ends_after_its_window(client: Client, leader_of_maple: Any) -> None:
    import time_machine

    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        for _ in range(5):
            log_in(client, "wrong")
    with time_machine.travel("2026-03-02 09:16:00+00:00", tick=False):
        assert log_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_keys_on_the_account_not_the_schools_shared_address(
    client: Client, leader_of_maple: Any, leader_of_oak: Any
) -> None:
    for _ in range(5):
        log_in(client, "wrong", username="maple.leader")
    assert log_in(Client(), PASSWORD, username="oak.leader").status_code == 302


@pytest.mark.django_db
def test_a_success_clears_earlier_failures(client: Client, leader_of_maple: Any) -> None:
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    for _ in range(4):
        log_in(Client(), "wrong")
    assert log_in(Client(), PASSWORD).status_code == 302


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


@pytest.mark.django_db
def test_viewing_a_district_is_audited_and_a_refused_view_is_not(
    client: Client, leader_of_maple: Any, oak: Any
) -> None:
    client.force_login(leader_of_maple)
    client.get("/districts/maple-valley/")
    client.get("/districts/oak-ridge/")
    events = list(AuditEvent.objects.values_list("username", "district_slug", "action", "path"))
    assert events == [("maple.leader", "maple-valley", "view", "/districts/maple-valley/")]


@pytest.mark.django_db
def test_staff_read_the_audit_log_in_the_admin(
    client: Client, leader_of_maple: Any, staff_user: Any
) -> None:
    from django.conf import settings

    client.force_login(leader_of_maple)
    client.get("/districts/maple-valley/")
    staff_user.is_superuser = True
    staff_user.save()
    admin = Client()
    admin.force_login(staff_user)
    listing = admin.get(f"/{settings.ADMIN_URL}journeys/auditevent/").content.decode()
    assert "maple.leader" in listing
    assert "/districts/maple-valley/" in listing
    assert admin.get(f"/{settings.ADMIN_URL}journeys/auditevent/add/").status_code == 403
