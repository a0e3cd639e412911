"""Login lockout: five failures pause an account name, with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from districts.login_lockout import locked_out_message
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
