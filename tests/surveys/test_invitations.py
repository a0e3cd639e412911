"""Personal survey links (issue 15): one mail per invited address, a link that answers once,
reminders to the links not used, counts by school, and every address erased at close."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from districts.models import AuditEvent, District
from surveys import (
    invitation_erasure,
    invitation_lists,
    invitation_sending,
    invitation_summary,
    invitations,
    reminders,
    services,
)
from surveys.invitation_lists import Entry
from surveys.mail import INVITATION_SUBJECT
from surveys.models import Campaign, Delivery, Invitation, InvitationTally, InvitedAddress, Response
from tests.clients import signed_in
from tests.surveys.conftest import campaign_of
from tests.surveys.invitation_helpers import (
    STAFF,
    answer_through,
    invitations_url,
    invite,
    links_by_address,
    token_of,
)
from tests.surveys.mail_backends import REFUSING

pytestmark = pytest.mark.django_db

# --- the list ----------------------------------------------------------------------------------


def test_a_pasted_list_reads_addresses_schools_headers_and_mail_program_copies() -> None:
    text = (
        "\ufeffemail,school\n"
        "Ana@Maple.k12.or.us, Maple Elementary\n"
        "\n"
        "# the high school\n"
        "ben@maple.k12.or.us;Maple High School\n"
        "Cy Doe <cy@maple.k12.or.us>; Dee <dee@maple.k12.or.us>\n"
        "eve@maple.k12.or.us\tMaple High School\n"
        "not an address at all\n"
    )
    assert invitation_lists.entries_from_text(text) == [
        Entry("ana@maple.k12.or.us", "Maple Elementary"),
        Entry("ben@maple.k12.or.us", "Maple High School"),
        Entry("cy@maple.k12.or.us"),
        Entry("dee@maple.k12.or.us"),
        Entry("eve@maple.k12.or.us", "Maple High School"),
        Entry("not an address at all"),
    ]


def test_a_list_with_bad_addresses_or_schools_stores_and_sends_nothing_and_names_them(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    entries = [
        Entry("ana@maple.k12.or.us", "Maple Elementary"),
        Entry("ben@maple"),
        Entry("not an address"),
        Entry("cy@maple.k12.or.us", "Fern Hollow"),
    ]
    with pytest.raises(invitation_lists.InvitationError) as refused:
        invite(personal, entries, django_capture_on_commit_callbacks)
    assert refused.value.problems == [
        invitation_lists.INVITE_BAD_ADDRESSES.format(addresses="ben@maple, not an address"),
        invitation_lists.INVITE_UNKNOWN_SCHOOLS.format(schools="Fern Hollow"),
    ]
    assert not Invitation.objects.exists()
    assert not InvitationTally.objects.exists()
    assert not InvitedAddress.objects.exists()
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


def test_the_page_refuses_a_bad_list_naming_each_address_and_sends_nothing(
    personal: Campaign, leader_of_maple: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(leader_of_maple).post(
            invitations_url(personal), {"addresses": "ana@maple.k12.or.us\nben(at)maple\n"}
        )
    assert page.status_code == 400
    html = page.content.decode()
    assert invitation_lists.INVITE_BAD_ADDRESSES.format(addresses="ben(at)maple") in html
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_address_already_invited_is_skipped_even_once_its_link_is_used(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF, django_capture_on_commit_callbacks)
    assert answer_through(Client(), links_by_address()[STAFF[0]][0]).status_code == 303
    mail.outbox.clear()

    again = invite(
        personal,
        [*STAFF, STAFF[1].upper(), "dee@maple.k12.or.us"],
        django_capture_on_commit_callbacks,
    )

    assert (again.invited, again.already_invited, again.repeated) == (1, 3, 1)
    assert [message.to for message in mail.outbox] == [["dee@maple.k12.or.us"]]
    assert InvitationTally.objects.get(campaign=personal, school=None).invited == 4


def test_a_campaign_of_the_shared_link_only_invites_no_one(
    maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    shared = campaign_of(maple, link_mode="shared")
    with pytest.raises(
        invitation_lists.InvitationError, match=re.escape(invitations.INVITE_SHARED_ONLY)
    ):
        invite(shared, STAFF, django_capture_on_commit_callbacks)
    assert not Invitation.objects.exists()


# --- one mail, one answer ---------------------------------------------------------------------


def test_an_invited_address_gets_one_mail_with_its_personal_link(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    outcome = invite(personal, STAFF, django_capture_on_commit_callbacks)

    assert outcome.invited == 3
    links = links_by_address()
    assert sorted(links) == sorted(STAFF)
    assert all(len(found) == 1 for found in links.values())
    tokens = {token_of(found[0]) for found in links.values()}
    assert len(tokens) == 3  # each its own
    assert all(f"/s/{personal.token}/?i=" in found[0] for found in links.values())
    message = mail.outbox[0]
    assert message.subject == INVITATION_SUBJECT.format(district=personal.district.name)
    assert "anonymous" in message.body
    assert Invitation.objects.filter(campaign=personal, delivery=Delivery.SENT).count() == 3


def test_the_database_holds_no_usable_link(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    """The rows keep a nonce and the token's hash: a copy of the database answers nothing."""
    invite(personal, STAFF, django_capture_on_commit_callbacks)
    tokens = [token_of(found[0]) for found in links_by_address().values()]
    for row in Invitation.objects.values():
        assert not any(token in str(value) for token in tokens for value in row.values())


def test_answering_through_the_link_stores_one_response_as_a_shared_link_answer(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF, django_capture_on_commit_callbacks)
    link = links_by_address()[STAFF[0]][0]

    answered = answer_through(Client(), link, value="4")

    assert answered.status_code == 303
    assert "/thanks/" in answered["Location"]
    (response,) = Response.objects.filter(campaign=personal)
    shared = Response.objects.get(
        pk=services.response_submit(
            campaign=personal,
            answers=dict.fromkeys(response.answers_by_code(), 4),
            role="teacher",
            school=None,
            submission_id=None,
        )[0].pk
    )
    fields = [
        f.attname
        for f in Response._meta.concrete_fields
        if f.attname not in {"id", "submission_id"}
    ]
    assert [getattr(response, name) for name in fields] == [
        getattr(shared, name) for name in fields
    ]
    # The link is used up: its invitation is gone; the others wait.
    assert sorted(Invitation.objects.values_list("email", flat=True)) == STAFF[1:]


def test_a_second_use_of_a_personal_link_is_refused_kindly_and_stores_nothing(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF, django_capture_on_commit_callbacks)
    link = links_by_address()[STAFF[0]][0]
    assert answer_through(Client(), link).status_code == 303

    again = answer_through(Client(), link)  # another browser, the same link

    assert again.status_code == 410
    assert "This personal link has already been used" in again.content.decode()
    assert Response.objects.filter(campaign=personal).count() == 1
    # The API says the same, with 410, and stores nothing either.
    api = Client().post(
        f"/api/v1/surveys/{personal.token}/responses/",
        {"role": "teacher", "answers": {"vision_1": 4}, "invitation": token_of(link)},
        content_type="application/json",
    )
    assert api.status_code == 410
    assert api.json() == {"detail": services.INVITATION_USED, "code": "invitation_used"}
    assert Response.objects.filter(campaign=personal).count() == 1


def test_a_form_posted_twice_from_a_personal_link_stores_it_once(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    """A retried request of the API (the same submission id) is "already stored", not refused."""
    invite(personal, STAFF[:1], django_capture_on_commit_callbacks)
    token = token_of(links_by_address()[STAFF[0]][0])
    body = {
        "role": "coach",
        "answers": {"vision_1": 5},
        "invitation": token,
        "submission_id": "6b1f1c1e-7c39-4a45-9a1e-2f0d3c4b5a69",
    }
    url = f"/api/v1/surveys/{personal.token}/responses/"
    first = Client().post(url, body, content_type="application/json")
    retried = Client().post(url, body, content_type="application/json")
    assert (first.status_code, retried.status_code) == (201, 200)
    assert Response.objects.filter(campaign=personal).count() == 1


def test_a_campaign_of_personal_links_only_refuses_its_shared_link(
    maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    only = campaign_of(maple, link_mode="personal")
    shared = Client().get(f"/s/{only.token}/")
    assert shared.status_code == 403
    assert "answered through personal links" in shared.content.decode()
    api = Client().post(
        f"/api/v1/surveys/{only.token}/responses/",
        {"role": "teacher", "answers": {"vision_1": 4}},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert api.json()["detail"] == services.PERSONAL_LINK_REQUIRED
    invite(only, STAFF[:1], django_capture_on_commit_callbacks)
    assert answer_through(Client(), links_by_address()[STAFF[0]][0]).status_code == 303
    assert Response.objects.filter(campaign=only).count() == 1


def test_the_language_switch_of_a_personal_link_keeps_the_link(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF[:1], django_capture_on_commit_callbacks)
    token = token_of(links_by_address()[STAFF[0]][0])
    page = Client().get(f"/s/{personal.token}/?i={token}").content.decode()
    assert f'href="?lang=es&amp;i={token}"' in page
    assert f'name="invitation" value="{token}"' in page


def test_a_link_that_is_no_token_is_refused_without_a_lookup(personal: Campaign) -> None:
    page = Client().get(f"/s/{personal.token}/?i=../../etc/passwd")
    assert page.status_code == 410
    assert Response.objects.count() == 0


# --- reminders and counts ----------------------------------------------------------------------


def test_a_reminder_goes_only_to_the_unused_links(
    personal: Campaign, leader_of_maple: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF, django_capture_on_commit_callbacks)
    links = links_by_address()
    assert answer_through(Client(), links[STAFF[0]][0]).status_code == 303
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(leader_of_maple).post(f"{invitations_url(personal)}remind/")

    assert page.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == STAFF[1:]
    assert all(message.subject.startswith("Reminder from") for message in mail.outbox)
    # Each gets the very link of its first mail, once more.
    assert {m.to[0]: links_by_address()[m.to[0]][0] for m in mail.outbox} == {
        address: links[address][0] for address in STAFF[1:]
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.REMINDERS_SENT)
    assert (event.username, event.district_slug) == ("maple.leader", "maple-valley")
    # A second reminder within the hour is refused with its reason; nothing is sent.
    mail.outbox.clear()
    with pytest.raises(invitation_lists.InvitationError) as too_soon:
        reminders.reminders_request(campaign=personal, by=leader_of_maple)
    assert too_soon.value.message.startswith("A reminder went out at")
    assert mail.outbox == []


def test_no_reminder_when_every_link_is_used(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF[:1], django_capture_on_commit_callbacks)
    answer_through(Client(), links_by_address()[STAFF[0]][0])
    with pytest.raises(invitation_lists.InvitationError, match=re.escape(reminders.REMIND_NONE)):
        reminders.reminders_request(campaign=personal, by=None)


def test_the_scheduled_reminder_goes_once_when_its_time_comes(
    maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    campaign = campaign_of(
        maple,
        link_mode="personal",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=10),
        reminder_at=now + dt.timedelta(days=3),
    )
    invite(campaign, STAFF, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_erasure.invitations_sweep(now=now).reminded_campaign_ids == []
    assert mail.outbox == []
    later = now + dt.timedelta(days=3, minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert invitation_erasure.invitations_sweep().reminded_campaign_ids == [campaign.pk]
        assert invitation_erasure.invitations_sweep().reminded_campaign_ids == []
    assert sorted(message.to[0] for message in mail.outbox) == STAFF
    event = AuditEvent.objects.get(action=AuditEvent.Action.REMINDERS_SENT)
    assert event.username == ""  # the system, on schedule
    assert "scheduled reminder 1 to the 3 invited" in event.detail


def test_invited_answered_and_the_rate_overall_and_by_school(
    personal: Campaign, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    invite(
        personal,
        [
            Entry("ana@maple.k12.or.us", "Maple Elementary"),
            Entry("ben@maple.k12.or.us", "Maple Elementary"),
            Entry("cy@maple.k12.or.us", "maple high school"),
            Entry("dee@maple.k12.or.us"),
        ],
        django_capture_on_commit_callbacks,
    )
    links = links_by_address()
    for address in ("ana@maple.k12.or.us", "cy@maple.k12.or.us"):
        answer_through(Client(), links[address][0])

    summary = invitation_summary.invitation_summary(campaign=personal)

    assert (summary.invited, summary.answered, summary.response_rate) == (4, 2, 0.5)
    assert [(s.school, s.invited, s.answered) for s in summary.by_school] == [
        ("Maple Elementary", 2, 1),
        ("Maple High School", 1, 1),
        (None, 1, 0),
    ]
    assert summary.delivery == {"pending": 0, "sent": 2, "failed": 0}


def test_the_invitations_page_shows_the_counts_in_a_fixed_number_of_queries(
    personal: Campaign,
    leader_of_maple: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    invite(
        personal,
        [Entry(f"t{n}@maple.k12.or.us", "Maple Elementary") for n in range(30)]
        + [Entry(f"bounce{n}@maple.k12.or.us") for n in range(3)],
        django_capture_on_commit_callbacks,
    )
    Invitation.objects.filter(email__startswith="bounce").update(
        delivery=Delivery.FAILED, failures=1, error="550 5.1.1 No such mailbox"
    )
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the district, 4 whether the user runs its campaigns, 5 the campaign,
    # 6 its tallies with their schools, 7 the invitations left by school and delivery, 8 the
    # ones not delivered, 9 the header's districts, 10 the audit log's row.
    with django_assert_num_queries(10):
        page = client.get(invitations_url(personal))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="invited-count">33<' in html
    assert "bounce2@maple.k12.or.us" in html
    assert "550 5.1.1 No such mailbox" in html


# --- mails that fail -------------------------------------------------------------------------


def test_each_refused_address_is_counted_on_the_page_and_the_others_are_sent(
    personal: Campaign,
    leader_of_maple: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = REFUSING
    invite(personal, [*STAFF, "bounce@maple.k12.or.us"], django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == STAFF
    failed = Invitation.objects.get(email="bounce@maple.k12.or.us")
    assert (failed.delivery, failed.failures) == (Delivery.FAILED, 1)
    assert failed.error == "550 5.1.1 No such mailbox"
    client = signed_in(leader_of_maple)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{invitations_url(personal)}retry/")
    failed.refresh_from_db()
    assert (failed.delivery, failed.failures) == (Delivery.FAILED, 2)
    page = client.get(invitations_url(personal)).content.decode()
    assert "bounce@maple.k12.or.us" in page
    assert '<td class="num">2</td>' in page  # two failed tries

    # Taken back: it no longer counts as invited.
    client.post(f"{invitations_url(personal)}remove/", {"invitation": failed.pk})
    assert not Invitation.objects.filter(pk=failed.pk).exists()
    assert invitation_summary.invitation_summary(campaign=personal).invited == 3


def test_a_delivered_invitation_cannot_be_taken_back(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invite(personal, STAFF[:1], django_capture_on_commit_callbacks)
    sent = Invitation.objects.get()
    with pytest.raises(
        invitation_lists.InvitationError, match=re.escape(reminders.INVITATION_NOT_FAILED)
    ):
        reminders.invitation_remove(campaign=personal, invitation_id=sent.pk, by=None)


def test_two_sending_runs_never_mail_an_address_twice(
    personal: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    invitations.invitations_add(
        campaign=personal,
        entries=[Entry(address) for address in STAFF],
        by=None,
        link_base="http://testserver",
        send=False,
    )
    first = invitation_sending.invitations_send(campaign_id=personal.pk)
    second = invitation_sending.invitations_send(campaign_id=personal.pk)
    assert (first.sent, second.sent) == (3, 0)
    assert len(mail.outbox) == 3


def test_the_command_sends_with_a_progress_bar(
    personal: Campaign, capsys: pytest.CaptureFixture[str], settings: Any, tmp_path: Any
) -> None:
    settings.PUBLIC_URL = "https://journeys.example.org"
    staff = tmp_path / "staff.csv"
    staff.write_text("email,school\nana@maple.k12.or.us,Maple Elementary\nben@maple.k12.or.us,\n")
    call_command("send_invitations", "--campaign", str(personal.pk), "--file", str(staff))
    out, err = capsys.readouterr()
    assert "2 address(es) invited, 0 already invited." in out
    assert "2 mail(s) sent, 0 not delivered." in out
    assert "invitations: 100%" in err
    assert "2/2" in err
    assert all("https://journeys.example.org/s/" in m.body for m in mail.outbox)


# --- closing ----------------------------------------------------------------------------------
