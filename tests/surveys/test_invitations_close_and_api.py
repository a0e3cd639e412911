"""Personal survey links (issue 15), continued from test_invitations.py: every address erased at
close, the API's invitations and reminders, who may use them, and the tasks beat and the embedded
beat run."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from districts.models import AuditEvent, District
from surveys import (
    campaigns,
    invitation_erasure,
    invitation_lists,
    invitation_sending,
    invitation_summary,
    invitations,
)
from surveys.invitation_lists import Entry
from surveys.models import Campaign, Invitation, InvitationTally, InvitedAddress
from tests.clients import signed_in
from tests.factories import MembershipFactory, UserFactory
from tests.surveys.invitation_helpers import (
    STAFF,
    answer_through,
    invitations_url,
    invite,
    links_by_address,
)
from tests.surveys.mail_backends import REFUSING

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("closed_by", ["the close button", "its date"])
def test_after_close_no_address_remains_anywhere_in_the_database(
    personal: Campaign,
    leader_of_maple: Any,
    django_capture_on_commit_callbacks: Any,
    closed_by: str,
) -> None:
    invite(
        personal,
        [Entry(STAFF[0], "Maple Elementary"), Entry(STAFF[1]), Entry(STAFF[2])],
        django_capture_on_commit_callbacks,
    )
    answer_through(Client(), links_by_address()[STAFF[0]][0])
    assert any(STAFF[1] in value for value in _every_text_value())  # the scan sees them

    if closed_by == "the close button":
        with django_capture_on_commit_callbacks(execute=True):
            signed_in(leader_of_maple).post(
                f"/districts/maple-valley/campaigns/{personal.pk}/close/"
            )
    else:
        Campaign.objects.filter(pk=personal.pk).update(closes_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            assert invitation_erasure.invitations_sweep().erased_campaign_ids == [personal.pk]

    personal.refresh_from_db()
    text = _every_text_value()
    assert not [value for value in text for address in STAFF if address in value]
    assert not Invitation.objects.exists()
    assert not InvitedAddress.objects.exists()
    # Only the counts stay.
    assert sorted(InvitationTally.objects.values_list("invited", "answered")) == [(1, 1), (2, 0)]
    summary = invitation_summary.invitation_summary(campaign=personal)
    assert (summary.erased, summary.invited, summary.answered, summary.failed) == (True, 3, 1, [])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATIONS_ERASED).count() == 1


def _every_text_value() -> list[str]:
    """Every text value of every row of every model (sessions, the admin's log and the audit
    log included)."""
    values: list[str] = []
    for model in apps.get_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model._default_manager.values_list(*names):
            values.extend(str(value) for value in row if value is not None)
    return values


def test_a_closed_campaign_sends_no_mail_and_invites_no_one(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invitations.invitations_add(
        campaign=personal, entries=[Entry(STAFF[0])], by=None, link_base="http://x", send=False
    )
    campaigns.campaign_close(campaign=personal)
    personal.refresh_from_db()
    assert invitation_sending.invitations_send(campaign_id=personal.pk).sent == 0
    with pytest.raises(
        invitation_lists.InvitationError, match=re.escape(invitations.INVITE_CLOSED)
    ):
        invite(personal, STAFF[1:], django_capture_on_commit_callbacks)
    assert mail.outbox == []


# --- the API ----------------------------------------------------------------------------------


def test_the_api_invites_counts_and_reminds(
    personal: Campaign, leader_of_maple: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(leader_of_maple)
    url = f"/api/v1/campaigns/{personal.pk}/invitations/"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            url,
            {"emails": [STAFF[0], {"email": STAFF[1], "school": "Maple Elementary"}]},
            content_type="application/json",
        )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["invited"], body["already_invited"], body["invited"]) == (2, 0, 2)
    assert len(mail.outbox) == 2
    # The bare-list form of the body.
    with django_capture_on_commit_callbacks(execute=True):
        listed = client.post(
            url, [{"email": STAFF[2], "school": None}], content_type="application/json"
        )
    assert listed.status_code == 201
    answer_through(Client(), links_by_address()[STAFF[1]][0])

    counts = client.get(url).json()
    assert (counts["invited"], counts["answered"], counts["response_rate"]) == (3, 1, 0.333)
    assert counts["by_school"] == [
        {"school": "Maple Elementary", "invited": 1, "answered": 1, "response_rate": 1.0},
        {"school": None, "invited": 2, "answered": 0, "response_rate": 0.0},
    ]
    assert counts["delivery"] == {"pending": 0, "sent": 2, "failed": 0}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminded = client.post(f"/api/v1/campaigns/{personal.pk}/reminders/")
    assert reminded.status_code == 202
    assert reminded.json() == {"reminder_round": 1, "addresses": 2}
    assert sorted(m.to[0] for m in mail.outbox) == [STAFF[0], STAFF[2]]
    too_soon = client.post(f"/api/v1/campaigns/{personal.pk}/reminders/")
    assert too_soon.status_code == 400


def test_the_api_refuses_a_bad_list_with_every_problem_and_stores_nothing(
    personal: Campaign, leader_of_maple: Any
) -> None:
    client = signed_in(leader_of_maple)
    url = f"/api/v1/campaigns/{personal.pk}/invitations/"
    refused = client.post(
        url,
        {"emails": ["ana@", {"email": "ben@maple.k12.or.us", "school": "Nowhere"}]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        invitation_lists.INVITE_BAD_ADDRESSES.format(addresses="ana@"),
        invitation_lists.INVITE_UNKNOWN_SCHOOLS.format(schools="Nowhere"),
    ]
    for body in ({"emails": "ana@maple.k12.or.us"}, {"emails": [3]}, "text", {}):
        assert client.post(url, body, content_type="application/json").status_code == 400
    assert not Invitation.objects.exists()


def test_the_api_answers_counts_and_never_an_address_after_close(
    personal: Campaign,
    leader_of_maple: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = REFUSING
    invite(personal, [STAFF[0], "bounce@maple.k12.or.us"], django_capture_on_commit_callbacks)
    client = signed_in(leader_of_maple)
    url = f"/api/v1/campaigns/{personal.pk}/invitations/"
    assert client.get(url).json()["not_delivered"][0]["email"] == "bounce@maple.k12.or.us"
    # Closed by its date, before the sweep erased anything: the answer holds no address.
    Campaign.objects.filter(pk=personal.pk).update(closes_at=timezone.now())
    closed = client.get(url)
    assert closed.json()["closed"] is True
    assert closed.json()["not_delivered"] == []
    assert closed.json()["delivery"] is None
    assert "@" not in closed.content.decode()


def test_the_api_counts_in_a_fixed_number_of_queries(
    personal: Campaign,
    leader_of_maple: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    invite(
        personal, [f"t{n}@maple.k12.or.us" for n in range(25)], django_capture_on_commit_callbacks
    )
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the campaign among the user's districts, 4 whether the user runs its
    # campaigns, 5 the tallies, 6 the invitations left by school and delivery, then the audit
    # middleware: 7 the campaign's district, 8 the record of the read.
    with django_assert_num_queries(8):
        assert client.get(f"/api/v1/campaigns/{personal.pk}/invitations/").status_code == 200


def test_a_principal_neither_invites_nor_reads_the_invitations(
    personal: Campaign, maple: District
) -> None:
    principal = UserFactory(username="principal.elementary")
    MembershipFactory(
        user=principal,
        district=maple,
        kind="principal",
        school=maple.schools.get(name="Maple Elementary"),
    )
    client = signed_in(principal)
    assert client.get(invitations_url(personal)).status_code == 403
    api = f"/api/v1/campaigns/{personal.pk}/invitations/"
    assert client.get(api).status_code == 403
    assert client.post(api, {"emails": STAFF}, content_type="application/json").status_code == 403
    assert client.post(f"/api/v1/campaigns/{personal.pk}/reminders/").status_code == 403
    assert not Invitation.objects.exists()


# --- the worker and the beat -----------------------------------------------------------------


def test_celery_finds_the_mail_tasks_and_beat_sweeps_the_invitations() -> None:
    from celery import current_app
    from django.conf import settings

    current_app.loader.import_default_modules()
    assert {
        "surveys.tasks.send_invitations",
        "surveys.tasks.sweep_invitations",
        "districts.tasks.send_membership_invitation",
    } <= set(current_app.tasks)
    entry = settings.CELERY_BEAT_SCHEDULE["surveys-sweep-invitations"]
    assert (entry["task"], entry["schedule"]) == ("surveys.tasks.sweep_invitations", 60.0)


def test_the_embedded_beat_erases_the_addresses_of_a_campaign_closed_by_its_date(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    from journeys.embedded_beat import embedded_sweep

    invite(personal, STAFF, django_capture_on_commit_callbacks)
    Campaign.objects.filter(pk=personal.pk).update(closes_at=timezone.now())
    embedded_sweep()
    assert not Invitation.objects.exists()
    assert InvitationTally.objects.get(campaign=personal).answered == 0


# --- bad input --------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(JSON, st.fixed_dictionaries({"emails": JSON})))
def test_random_json_to_the_invitations_api_never_errs_or_stores_half(
    personal: Campaign, leader_of_maple: Any, body: Any
) -> None:
    before = (Invitation.objects.count(), InvitationTally.objects.count())
    answer = signed_in(leader_of_maple).post(
        f"/api/v1/campaigns/{personal.pk}/invitations/", body, content_type="application/json"
    )
    assert answer.status_code in {201, 400}, (body, answer.content)
    if answer.status_code == 400:
        assert (Invitation.objects.count(), InvitationTally.objects.count()) == before
        assert answer.json()["detail"]


def test_an_upload_that_is_not_utf8_is_refused_on_the_page(
    personal: Campaign, leader_of_maple: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("staff.csv", "ana@maple.k12.or.us, École\n".encode("latin-1"))
    page = signed_in(leader_of_maple).post(invitations_url(personal), {"file": upload})
    assert page.status_code == 400
    assert invitation_lists.INVITE_NOT_UTF8 in page.content.decode()
    assert not Invitation.objects.exists()


def test_an_uploaded_list_invites_its_addresses_with_their_schools(
    personal: Campaign, leader_of_maple: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "staff.csv",
        (
            "\ufeffemail,school\r\nana@maple.k12.or.us,Maple Elementary\r\nben@maple.k12.or.us,\r\n"
        ).encode(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(leader_of_maple).post(invitations_url(personal), {"file": upload})
    assert page.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@maple.k12.or.us", "ben@maple.k12.or.us"]
    summary = invitation_summary.invitation_summary(campaign=personal)
    assert [(s.school, s.invited) for s in summary.by_school] == [
        ("Maple Elementary", 1),
        (None, 1),
    ]
