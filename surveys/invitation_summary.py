"""What the invitations page and the API show of a campaign's personal links (issue 15): counts,
overall and by school, and while the campaign is open the delivery of the mails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from surveys.models import Campaign, Delivery, Invitation, InvitationTally, LinkMode
from surveys.participation import response_rate


@dataclass(frozen=True)
class SchoolInvitations:
    """One school's invited and answered counts; `school` None: invitations naming no school."""

    school: str | None
    invited: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.answered, self.invited)


@dataclass(frozen=True)
class FailedInvitation:
    id: int
    email: str
    school: str | None
    failures: int
    error: str


@dataclass(frozen=True)
class InvitationSummary:
    """What the invitations page and `GET /api/v1/campaigns/{id}/invitations/` show.

    Counts only, overall and by school, plus, while the campaign is open, the delivery of the
    mails and the addresses whose mail was not delivered (for the leader to fix). After close,
    no address at all (`erased`), even before the sweep has deleted them.
    """

    link_mode: str
    erased: bool
    invited: int
    answered: int
    by_school: list[SchoolInvitations]
    delivery: dict[str, int]
    failed: list[FailedInvitation]
    reminder_at: dt.datetime | None
    reminder_rounds: int
    reminded_at: dt.datetime | None

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.answered, self.invited)

    @property
    def unanswered(self) -> int:
        return self.invited - self.answered


def invitation_summary(*, campaign: Campaign, now: dt.datetime | None = None) -> InvitationSummary:
    """Three queries while the campaign is open (its tallies with their schools, the invitations
    left counted by school and delivery, the undelivered ones); one once its counts are final.
    """
    closed = campaign.is_closed(now)
    tallies = list(
        InvitationTally.objects.filter(campaign=campaign).select_related("school").order_by("pk")
    )
    final = bool(tallies) and all(t.answered is not None for t in tallies)
    left: dict[int | None, int] = {}
    delivery = dict.fromkeys(Delivery.values, 0)
    failed: list[FailedInvitation] = []
    if tallies and not final:
        left, delivery = _invitations_left(campaign)
        if not closed and delivery[Delivery.FAILED]:
            failed = _failed_invitations(campaign)
    by_school = sorted(
        (
            SchoolInvitations(
                school=t.school.name if t.school else None,
                invited=t.invited,
                answered=t.answered
                if t.answered is not None
                else max(0, t.invited - left.get(t.school_id, 0)),
            )
            for t in tallies
            if t.invited
        ),
        key=lambda s: (s.school is None, (s.school or "").casefold()),
    )
    return InvitationSummary(
        link_mode=campaign.link_mode,
        erased=closed,
        invited=sum(s.invited for s in by_school),
        answered=sum(s.answered for s in by_school),
        by_school=by_school,
        delivery={} if closed else delivery,
        failed=failed,
        reminder_at=campaign.reminder_at,
        reminder_rounds=campaign.reminder_rounds,
        reminded_at=campaign.reminded_at,
    )


def link_mode_label(mode: str) -> str:
    return LinkMode(mode).label


def _invitations_left(campaign: Campaign) -> tuple[dict[int | None, int], dict[str, int]]:
    """The invitations not yet used, by school and by delivery state (one query)."""
    left: dict[int | None, int] = {}
    delivery = dict.fromkeys(Delivery.values, 0)
    for school_id, state, n in (
        Invitation.objects.filter(campaign=campaign)
        .values_list("school_id", "delivery")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("school_id", "delivery", "n")
    ):
        left[school_id] = left.get(school_id, 0) + n
        delivery[state] += n
    return left, delivery


def _failed_invitations(campaign: Campaign) -> list[FailedInvitation]:
    """The invitations whose mail could not be delivered, for the leader to correct (one query)."""
    return [
        FailedInvitation(
            id=row.pk,
            email=row.email,
            school=row.school.name if row.school else None,
            failures=row.failures,
            error=row.error,
        )
        for row in Invitation.objects.filter(campaign=campaign, delivery=Delivery.FAILED)
        .select_related("school")
        .order_by("email")
    ]
