"""The audit log of who viewed district data (journeys/audit_log.py), read by staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from districts.models import AuditEvent


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
    listing = admin.get(f"/{settings.ADMIN_URL}districts/auditevent/").content.decode()
    assert "maple.leader" in listing
    assert "/districts/maple-valley/" in listing
    assert admin.get(f"/{settings.ADMIN_URL}districts/auditevent/add/").status_code == 403
