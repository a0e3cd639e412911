"""The school team: a district's leaders invite co-leaders and principals by email, the invited
person sets a password (or uses their account) within 7 days, and leaders remove members.

Every change is in the audit log (districts.audit). The invitation's mail is sent by the worker
(districts.tasks.send_membership_invitation), after the commit; its link's token is made from a
stored nonce with the SECRET_KEY (districts.tokens), so the database never holds a usable link.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from districts import queueing
from districts.audit import audit_change
from districts.models import (
    MEMBERSHIP_INVITATION_LIFETIME,
    AuditEvent,
    District,
    Membership,
    MembershipInvitation,
    School,
)
from districts.tokens import is_token, link_token, new_nonce, token_digest

logger = logging.getLogger(__name__)

SEND_MEMBERSHIP_INVITATION_TASK = "districts.tasks.send_membership_invitation"
TOKEN_PURPOSE = "districts.membership-invitation"  # noqa: S105 - an HMAC salt, not a secret

# --- messages a person reads -------------------------------------------------------------------
INVITE_EMAIL_INVALID = "Enter a valid email address, like name@school.org."
INVITE_KIND_UNKNOWN = "Invite a co-leader or a principal."
INVITE_SCHOOL_REQUIRED = "A principal's invitation names their school: choose it."
INVITE_SCHOOL_FOR_PRINCIPALS = "Only a principal's invitation names a school."
INVITE_SCHOOL_NOT_HERE = "That school is not one of this district's schools."
INVITE_ALREADY_MEMBER = "{email} is already on this district's team as {kind}."
INVITATION_UNKNOWN = (
    "This invitation link is not valid: it was cancelled, already used, or copied only in part. "
    "Ask the district's leader for a new one."
)
INVITATION_EXPIRED = (
    "This invitation has expired: an invitation lasts 7 days. Ask the district's leader to "
    "invite you again."
)
INVITATION_OTHER_ACCOUNT = (
    "This invitation is for {email}, and you are signed in as {username}. Log out, then open "
    "the link again."
)
REVOKE_SELF = "You cannot remove yourself from the team: ask another of the district's leaders."
REVOKE_CONSULTANT = "A consultant is assigned to the district by Journeys staff."

# Log lines: never an address or a token.
MAIL_FAILED = "membership invitation %s: the mail could not be sent (%s)"

INVITABLE = (Membership.Kind.LEADER, Membership.Kind.PRINCIPAL)
KIND_WORDS = {
    Membership.Kind.LEADER: "a co-leader",
    Membership.Kind.PRINCIPAL: "a principal",
    Membership.Kind.CONSULTANT: "a consultant",
}


class TeamError(ValueError):
    """A team change that cannot be made; `message` says why, for the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _membership_words(kind: str, school: School | None) -> str:
    words = KIND_WORDS.get(Membership.Kind(kind), kind)
    return f"{words} of {school.name}" if school is not None else words


def email_normalize(email: str) -> str:
    """Addresses compare in lower case: mail systems treat them so in practice."""
    return email.strip().lower()


# --- inviting ----------------------------------------------------------------------------------


@transaction.atomic
def member_invite(
    *,
    district: District,
    email: str,
    kind: str,
    school: School | None,
    invited_by: User | AnonymousUser | None,
    link_base: str,
) -> MembershipInvitation:
    """Invite `email` to the district's team as a co-leader or a principal of `school`.

    An earlier invitation of the same address to the same district is replaced (its link stops
    working). Raises TeamError and stores nothing for a bad address, kind or school, or a person
    already on the team as that. The mail is sent by the worker once this commits.
    """
    address = email_normalize(email)
    try:
        validate_email(address)
    except ValidationError as error:
        raise TeamError(INVITE_EMAIL_INVALID, field="email") from error
    if kind not in INVITABLE:
        raise TeamError(INVITE_KIND_UNKNOWN, field="kind")
    if kind == Membership.Kind.PRINCIPAL and school is None:
        raise TeamError(INVITE_SCHOOL_REQUIRED, field="school")
    if kind != Membership.Kind.PRINCIPAL and school is not None:
        raise TeamError(INVITE_SCHOOL_FOR_PRINCIPALS, field="school")
    if school is not None and school.district_id != district.pk:
        raise TeamError(INVITE_SCHOOL_NOT_HERE, field="school")
    existing = Membership.objects.filter(
        district=district, kind=kind, user__email__iexact=address
    ).first()
    if existing is not None and (kind != Membership.Kind.PRINCIPAL or existing.school == school):
        raise TeamError(
            INVITE_ALREADY_MEMBER.format(email=address, kind=_membership_words(kind, school)),
            field="email",
        )
    MembershipInvitation.objects.filter(
        district=district, email=address, accepted_at__isnull=True
    ).delete()
    nonce = new_nonce()
    invitation = MembershipInvitation.objects.create(
        district=district,
        email=address,
        kind=kind,
        school=school,
        nonce=nonce,
        token_digest=token_digest(link_token(purpose=TOKEN_PURPOSE, nonce=nonce)),
        invited_by=invited_by if isinstance(invited_by, User) else None,
        expires_at=timezone.now() + MEMBERSHIP_INVITATION_LIFETIME,
    )
    audit_change(
        action=AuditEvent.Action.MEMBER_INVITED,
        district=district,
        user=invited_by,
        detail=f"{address} invited as {_membership_words(kind, school)}",
    )
    queueing.task_after_commit(SEND_MEMBERSHIP_INVITATION_TASK, invitation.pk, link_base)
    return invitation


def membership_invitation_link(invitation: MembershipInvitation, *, link_base: str) -> str:
    token = link_token(purpose=TOKEN_PURPOSE, nonce=invitation.nonce)
    return f"{link_base.rstrip('/')}{reverse('team_join')}?token={token}"


def membership_invitation_mail(*, invitation_id: int, link_base: str) -> bool:
    """The worker's job: mail the invitation's link. False (and `mail_failed` set, so the team
    page offers to send it again) when the mail server refused it or could not be reached;
    also False, with nothing sent, for an invitation accepted or cancelled meanwhile."""
    invitation = (
        MembershipInvitation.objects.select_related("district", "school", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    base = settings.PUBLIC_URL or link_base
    context = {
        "invitation": invitation,
        "district": invitation.district,
        "kind_words": _membership_words(invitation.kind, invitation.school),
        "is_principal": invitation.kind == Membership.Kind.PRINCIPAL,
        "inviter": invitation.invited_by.get_username() if invitation.invited_by else "Journeys",
        "link": membership_invitation_link(invitation, link_base=base),
        "expires_at": invitation.expires_at,
    }
    message = EmailMessage(
        subject=f"You are invited to {invitation.district.name}'s team on Journeys",
        body=render_to_string("districts/mail/membership_invitation.txt", context),
        to=[invitation.email],
    )
    try:
        mailers.default.send_messages([message])
    except Exception as error:
        logger.warning(MAIL_FAILED, invitation.pk, type(error).__name__)
        MembershipInvitation.objects.filter(pk=invitation.pk).update(mail_failed=True)
        return False
    MembershipInvitation.objects.filter(pk=invitation.pk).update(mail_failed=False)
    return True


@transaction.atomic
def membership_invitation_cancel(
    *, invitation: MembershipInvitation, by: User | AnonymousUser | None
) -> None:
    audit_change(
        action=AuditEvent.Action.MEMBERSHIP_REVOKED,
        district=invitation.district,
        user=by,
        detail=(
            f"invitation of {invitation.email} as "
            f"{_membership_words(invitation.kind, invitation.school)} cancelled"
        ),
    )
    invitation.delete()


# --- accepting ---------------------------------------------------------------------------------


def membership_invitation_by_token(token: object) -> MembershipInvitation | None:
    """The pending invitation of a link's token (expired or not), or None."""
    if not is_token(token):
        return None
    assert isinstance(token, str)
    return (
        MembershipInvitation.objects.select_related("district", "school", "invited_by")
        .filter(token_digest=token_digest(token), accepted_at__isnull=True)
        .first()
    )


def membership_invitation_check(
    invitation: MembershipInvitation | None, *, now: dt.datetime | None = None
) -> MembershipInvitation:
    """The invitation, if it can still be accepted; TeamError saying why not otherwise."""
    if invitation is None:
        raise TeamError(INVITATION_UNKNOWN)
    if invitation.is_expired(now):
        raise TeamError(INVITATION_EXPIRED)
    return invitation


@dataclass(frozen=True)
class Joined:
    membership: Membership
    created_account: bool


@transaction.atomic
def membership_invitation_accept(
    *, invitation: MembershipInvitation, user: User, now: dt.datetime | None = None
) -> Joined:
    """Give `user` the invited membership (a principal's school replaces an earlier one) and use
    the invitation up. Raises TeamError when it expired, was used meanwhile, or is another
    address's."""
    now = now or timezone.now()
    locked = (
        MembershipInvitation.objects.select_for_update()
        .filter(pk=invitation.pk, accepted_at__isnull=True)
        .first()
    )
    membership_invitation_check(locked, now=now)
    assert locked is not None
    if email_normalize(user.email) != locked.email:
        raise TeamError(
            INVITATION_OTHER_ACCOUNT.format(email=locked.email, username=user.get_username())
        )
    membership, _ = Membership.objects.update_or_create(
        user=user,
        district=invitation.district,
        kind=locked.kind,
        defaults={"school": locked.school},
    )
    MembershipInvitation.objects.filter(pk=locked.pk).update(accepted_at=now)
    audit_change(
        action=AuditEvent.Action.MEMBERSHIP_GRANTED,
        district=invitation.district,
        user=locked.invited_by,
        detail=(
            f"{user.get_username()} ({locked.email}) joined as "
            f"{_membership_words(locked.kind, locked.school)}, invited by "
            f"{locked.invited_by.get_username() if locked.invited_by else 'staff'}"
        ),
    )
    return Joined(membership=membership, created_account=False)


@transaction.atomic
def member_account_create(
    *, invitation: MembershipInvitation, username: str, password: str
) -> Joined:
    """A new account for the invited address, with the password the person chose, and the
    membership. The caller validated the username and the password (UserCreationForm)."""
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    joined = membership_invitation_accept(invitation=invitation, user=user)
    return Joined(membership=joined.membership, created_account=True)


def account_for_invitation(invitation: MembershipInvitation) -> User | None:
    """The active account already using the invited address, if any (it should log in)."""
    return User.objects.filter(email__iexact=invitation.email, is_active=True).first()


# --- removing ----------------------------------------------------------------------------------


@transaction.atomic
def membership_revoke(*, membership: Membership, by: User | AnonymousUser | None) -> None:
    """Remove a co-leader or a principal from the district's team. A leader cannot remove
    themselves (another leader must), and consultants are staff's to assign."""
    if membership.kind == Membership.Kind.CONSULTANT and not getattr(by, "is_staff", False):
        raise TeamError(REVOKE_CONSULTANT)
    if by is not None and membership.user_id == getattr(by, "pk", None):
        raise TeamError(REVOKE_SELF)
    audit_change(
        action=AuditEvent.Action.MEMBERSHIP_REVOKED,
        district=membership.district,
        user=by,
        detail=(
            f"{membership.user.get_username()} removed as "
            f"{_membership_words(membership.kind, membership.school)}"
        ),
    )
    membership.delete()
