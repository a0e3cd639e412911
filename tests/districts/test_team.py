"""The school team (issue 15): leaders invite co-leaders and principals by email, the link sets a
password within 7 days, leaders remove members; every change is in the audit log."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from districts import team
from districts.models import AuditEvent, District, Membership, MembershipInvitation
from districts.selectors import TEAM_LEADERS_ONLY
from tests.clients import signed_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN_LINK = re.compile(r"https?://\S+/accounts/join/\?token=[A-Za-z0-9_-]{32}")
NEW_PASSWORD = "a-principal-password-42"


def text_of(response: Any) -> str:
    return unescape(response.content.decode())


def invite_principal(
    leader: Any, maple: District, capture: Any, *, email: str = "pat@maple.k12.or.us"
) -> Any:
    school = maple.schools.get(name="Maple Elementary")
    with capture(execute=True):
        return signed_in(leader).post(
            "/districts/maple-valley/team/",
            {"email": email, "kind": "principal", "school": school.pk},
        )


def mailed_link() -> str:
    (message,) = mail.outbox
    (link,) = dict.fromkeys(JOIN_LINK.findall(str(message.body)))
    return link


def join_path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_a_leader_invites_a_principal_who_sets_a_password_and_joins(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    sent = invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    assert sent.status_code == 302
    link = mailed_link()
    assert mail.outbox[0].to == ["pat@maple.k12.or.us"]
    assert "Maple Elementary" in mail.outbox[0].body

    visitor = Client()
    page = visitor.get(join_path(link))
    assert page.status_code == 200
    assert "principal" in page.content.decode()
    token = parse_qs(urlsplit(link).query)["token"][0]
    joined = visitor.post(
        "/accounts/join/",
        {"token": token, "username": "pat", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert joined.status_code == 302
    assert joined["Location"] == "/districts/maple-valley/"
    pat = User.objects.get(username="pat")
    membership = Membership.objects.get(user=pat)
    assert membership.school is not None
    assert (membership.kind, membership.school.name) == ("principal", "Maple Elementary")
    assert visitor.get("/districts/maple-valley/").status_code == 200  # signed in
    # Used up: the same link no longer works.
    assert Client().get(join_path(link)).status_code == 410
    actions = list(
        AuditEvent.objects.filter(district_slug="maple-valley")
        .exclude(action__in=["view", "export"])
        .order_by("pk")
        .values_list("action", "username")
    )
    assert actions == [("member_invited", "maple.leader"), ("membership_granted", "maple.leader")]


def test_an_invitation_expires_after_7_days(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    link = mailed_link()
    with time_machine.travel(timezone.now() + dt.timedelta(days=6, hours=23)):
        assert Client().get(join_path(link)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        expired = Client().get(join_path(link))
        token = parse_qs(urlsplit(link).query)["token"][0]
        posted = Client().post(
            "/accounts/join/",
            {
                "token": token,
                "username": "pat",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    assert expired.status_code == 410
    assert team.INVITATION_EXPIRED in text_of(expired)
    assert posted.status_code == 410
    assert not User.objects.filter(username="pat").exists()
    assert not Membership.objects.filter(kind="principal").exists()


def test_someone_with_an_account_logs_in_then_joins_with_one_button(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    existing: Any = UserFactory(username="pat", email="Pat@Maple.k12.or.us")
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    link = mailed_link()
    asked = Client().get(join_path(link)).content.decode()
    assert "Log in" in asked
    client = Client()
    assert client.login(username="pat", password=PASSWORD)
    assert "Join Maple Valley School District" in client.get(join_path(link)).content.decode()
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert client.post("/accounts/join/", {"token": token}).status_code == 302
    assert Membership.objects.get(user=existing).kind == "principal"


def test_an_invitation_is_for_its_address_only(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    token = parse_qs(urlsplit(mailed_link()).query)["token"][0]
    other: Any = UserFactory(username="someone.else")
    refused = signed_in(other).post("/accounts/join/", {"token": token})
    assert refused.status_code == 400
    assert "This invitation is for pat@maple.k12.or.us" in refused.content.decode()
    assert not Membership.objects.filter(user=other).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pat@", "kind": "principal"}, "Enter a valid email address."),
        ({"email": "pat@maple.k12.or.us", "kind": "principal"}, team.INVITE_SCHOOL_REQUIRED),
        ({"email": "pat@maple.k12.or.us", "kind": "consultant"}, "Select a valid choice."),
    ],
    ids=["bad-address", "principal-without-school", "not-invitable"],
)
def test_a_bad_invitation_says_why_and_stores_nothing(
    leader_of_maple: Any, maple: District, data: dict[str, str], message: str
) -> None:
    page = signed_in(leader_of_maple).post("/districts/maple-valley/team/", data)
    assert page.status_code == 200
    assert message in text_of(page)
    assert not MembershipInvitation.objects.exists()
    assert mail.outbox == []


def test_a_school_of_another_district_is_refused(
    leader_of_maple: Any, maple: District, oak: District
) -> None:
    with pytest.raises(team.TeamError, match=team.INVITE_SCHOOL_NOT_HERE):
        team.member_invite(
            district=maple,
            email="pat@maple.k12.or.us",
            kind="principal",
            school=oak.schools.get(),
            invited_by=leader_of_maple,
            link_base="http://testserver",
        )


def test_a_leader_removes_a_principal_but_not_themselves(
    leader_of_maple: Any, maple: District
) -> None:
    principal = UserFactory(username="pat")
    membership: Any = MembershipFactory(
        user=principal, district=maple, kind="principal", school=maple.schools.first()
    )
    client = signed_in(leader_of_maple)
    assert (
        client.post(
            "/districts/maple-valley/team/remove/", {"membership": membership.pk}
        ).status_code
        == 302
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBERSHIP_REVOKED)
    assert event.username == "maple.leader"
    assert "pat removed as a principal of" in event.detail

    own = Membership.objects.get(user=leader_of_maple)
    page = client.post("/districts/maple-valley/team/remove/", {"membership": own.pk}, follow=True)
    assert team.REVOKE_SELF in text_of(page)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_another_districts_membership_cannot_be_removed(
    leader_of_maple: Any, leader_of_oak: Any
) -> None:
    oak_membership = Membership.objects.get(user=leader_of_oak)
    client = signed_in(leader_of_maple)
    removed = client.post("/districts/maple-valley/team/remove/", {"membership": oak_membership.pk})
    assert removed.status_code == 404
    assert (
        client.post("/districts/maple-valley/team/remove/", {"membership": "²"}).status_code == 404
    )
    assert Membership.objects.filter(pk=oak_membership.pk).exists()


def test_only_leaders_manage_the_team(consultant_for_maple_and_oak: Any, maple: District) -> None:
    principal = UserFactory(username="pat")
    MembershipFactory(
        user=principal, district=maple, kind="principal", school=maple.schools.first()
    )
    for user in (consultant_for_maple_and_oak, principal):
        page = signed_in(user).get("/districts/maple-valley/team/")
        assert page.status_code == 403
        assert TEAM_LEADERS_ONLY in text_of(page)


def test_a_cancelled_invitation_link_stops_working(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    link = mailed_link()
    invitation = MembershipInvitation.objects.get()
    signed_in(leader_of_maple).post(
        "/districts/maple-valley/team/cancel/", {"invitation": invitation.pk}
    )
    assert Client().get(join_path(link)).status_code == 410


def test_inviting_again_replaces_the_first_link(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    first = mailed_link()
    mail.outbox.clear()
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    second = mailed_link()
    assert Client().get(join_path(first)).status_code == 410
    assert Client().get(join_path(second)).status_code == 200
    assert MembershipInvitation.objects.count() == 1


def test_the_database_holds_no_usable_join_link(
    leader_of_maple: Any, maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    invite_principal(leader_of_maple, maple, django_capture_on_commit_callbacks)
    token = parse_qs(urlsplit(mailed_link()).query)["token"][0]
    row = MembershipInvitation.objects.values().get()
    assert not any(token in str(value) for value in row.values())


def test_the_team_page_lists_members_and_pending_invitations_in_a_fixed_number_of_queries(
    leader_of_maple: Any,
    maple: District,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    for n in range(5):
        MembershipFactory(
            user=UserFactory(username=f"principal{n}"),
            district=maple,
            kind="principal",
            school=maple.schools.first(),
        )
        invite_principal(
            leader_of_maple,
            maple,
            django_capture_on_commit_callbacks,
            email=f"p{n}@maple.k12.or.us",
        )
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the district, 4 whether the user leads it, 5 its schools (the form),
    # 6 the memberships with their people and schools, 7 the pending invitations with their
    # schools, 8 the header's districts, 9 the audit log's row.
    with django_assert_num_queries(9):
        page = client.get("/districts/maple-valley/team/")
    html = page.content.decode()
    assert html.count("principal") >= 5
    assert "p4@maple.k12.or.us" in html
