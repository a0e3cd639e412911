"""The audit log records changes, not only views and exports (issue 15): campaigns created,
edited and closed, milestones added, edited and deleted, by the page and the API alike, each with
who did it and what changed. (Invitations, reminders and memberships: tests/surveys/
test_invitations.py and tests/districts/test_team.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from districts.models import AuditEvent, District, Milestone
from surveys import campaigns
from surveys.models import Campaign

pytestmark = pytest.mark.django_db


def changes() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.exclude(action__in=["view", "export"])
        .order_by("pk")
        .values_list("action", "username", "district_slug", "detail")
    )


def test_a_campaign_created_edited_and_closed_on_its_pages_is_in_the_audit_log(
    leader_of_maple: Any, maple: District
) -> None:
    client = Client()
    client.force_login(leader_of_maple)
    client.post(
        "/districts/maple-valley/campaigns/new/",
        {"name": "Spring survey", "opens_at": "2026-03-02T08:00", "closes_at": "2036-03-20T17:00"},
    )
    campaign = Campaign.objects.get()
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=campaign.opens_at.replace(year=2020))
    client.post(
        f"/districts/maple-valley/campaigns/{campaign.pk}/edit/",
        {
            "name": "Spring staff survey",
            "opens_at": "2020-03-02T08:00",
            "closes_at": "2036-03-20T17:00",
            "expected_responses": "40",
            "link_mode": "both",
        },
    )
    client.post(f"/districts/maple-valley/campaigns/{campaign.pk}/close/")

    assert changes() == [
        (
            "campaign_created",
            "maple.leader",
            "maple-valley",
            f"campaign {campaign.pk} “Spring survey”",
        ),
        (
            "campaign_edited",
            "maple.leader",
            "maple-valley",
            f"campaign {campaign.pk} “Spring staff survey”: name, expected_responses, link_mode",
        ),
        (
            "campaign_closed",
            "maple.leader",
            "maple-valley",
            f"campaign {campaign.pk} “Spring staff survey”: closes_at",
        ),
    ]


def test_the_api_records_its_changes_too(
    consultant_for_maple_and_oak: Any, maple: District
) -> None:
    client = Client()
    client.force_login(consultant_for_maple_and_oak)
    created = client.post(
        "/api/v1/campaigns/",
        {
            "district": "maple-valley",
            "name": "API survey",
            "opens_at": "2026-03-02T08:00:00Z",
            "closes_at": "2036-03-20T17:00:00Z",
        },
        content_type="application/json",
    ).json()
    client.patch(
        f"/api/v1/campaigns/{created['id']}/",
        {"exclude_from_benchmarks": True},
        content_type="application/json",
    )
    assert [(action, who) for action, who, _, _ in changes()] == [
        ("campaign_created", "consultant"),
        ("campaign_edited", "consultant"),
    ]
    assert changes()[1][3].endswith(": exclude_from_benchmarks")


def test_an_edit_that_changes_nothing_records_nothing(
    leader_of_maple: Any, maple: District
) -> None:

    campaign = campaigns.campaign_create(
        district=maple,
        name="Quiet",
        opens_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        closes_at=dt.datetime(2036, 3, 2, tzinfo=dt.UTC),
    )
    campaigns.campaign_update(campaign=campaign, name="Quiet", by=leader_of_maple)
    assert [action for action, *_ in changes()] == ["campaign_created"]


def test_milestones_added_edited_and_deleted_are_in_the_audit_log(
    leader_of_maple: Any, maple: District
) -> None:
    client = Client()
    client.force_login(leader_of_maple)
    client.post(
        "/districts/maple-valley/milestones/", {"happened_on": "2026-01-10", "text": "Pilot began"}
    )
    milestone = Milestone.objects.get()
    client.post(
        f"/districts/maple-valley/milestones/{milestone.pk}/edit/",
        {"happened_on": "2026-01-11", "text": "Pilot began in six schools"},
    )
    client.post(f"/districts/maple-valley/milestones/{milestone.pk}/delete/")
    assert changes() == [
        (
            "milestone_added",
            "maple.leader",
            "maple-valley",
            f"milestone {milestone.pk} of 2026-01-10: “Pilot began”",
        ),
        (
            "milestone_edited",
            "maple.leader",
            "maple-valley",
            f"milestone {milestone.pk} of 2026-01-11: “Pilot began in six schools”",
        ),
        (
            "milestone_deleted",
            "maple.leader",
            "maple-valley",
            f"milestone {milestone.pk} of 2026-01-11: “Pilot began in six schools”",
        ),
    ]


def test_staff_read_the_changes_in_the_admin(
    leader_of_maple: Any, maple: District, staff_user: Any
) -> None:
    from django.conf import settings

    client = Client()
    client.force_login(leader_of_maple)
    client.post(
        "/districts/maple-valley/milestones/", {"happened_on": "2026-01-10", "text": "Pilot began"}
    )
    staff_user.is_superuser = True
    staff_user.save()
    admin = Client()
    admin.force_login(staff_user)
    listing = admin.get(f"/{settings.ADMIN_URL}districts/auditevent/?action=milestone_added")
    assert "“Pilot began”" in listing.content.decode()
