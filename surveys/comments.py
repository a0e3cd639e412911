"""Staff voice (issue 16): the survey's two optional open questions, kept apart from the answers.

A comment keeps its campaign, the question it answers and its words; nothing else. It never
carries the respondent's role, school, date or time, or a reference to their response, and its
primary key is random. The release rewrites a campaign's comments in random order
(`comments_release_shuffle`), so even the database's own row order and PostgreSQL's transaction
ids stop following the submissions; until then those are visible only to someone reading the
database itself (SECURITY.md).

Who reads them: the district's leaders (and staff), once the campaign has closed with at least
COMMENTS_MIN_RESPONSES responses, in random order. Consultants do not: the words are staff's to
their own leaders, and free text is where a person is easiest to recognise; a "proud of" comment
a leader turns into a milestone reaches the consultant as a milestone. Hiding a comment erases
its words for good and is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from districts.models import AuditEvent, District, Milestone
from districts.services import milestone_create
from surveys.models import Campaign, Comment, Response

# Fewer responses than this and the comments stay unpublished: in a small group a person's
# words are easy to recognise even with no name on them.
COMMENTS_MIN_RESPONSES: Final = 10
COMMENT_MAX_LENGTH: Final = 1000
# The survey form's field of each question.
COMMENT_FIELDS: Final[dict[str, str]] = {
    "comment_proud_of": Comment.Kind.PROUD_OF,
    "comment_help": Comment.Kind.HELP,
}

# Why a page shows no comments (read by leaders).
NOT_ASKED: Final = "This campaign did not ask staff the two open questions."
NOT_CLOSED: Final = (
    "Staff comments are released with the results, when the campaign closes, and only if at "
    "least 10 staff have answered. Until then nobody sees them, not even how many there are."
)
TOO_FEW_RESPONSES: Final = (
    "Fewer than 10 staff answered this campaign, so their comments stay unpublished: in a group "
    "this small, a person is easy to recognise by their words."
)
NOT_A_PROUD_OF_COMMENT: Final = "Only a “proud of” comment can become a milestone."
ALREADY_A_MILESTONE: Final = "This comment is already a milestone."

# Control characters other than tab and newline: nobody types them, and PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def comment_text_clean(value: str) -> str:
    """The words as a person typed them: line breaks kept, control characters and the spaces
    around the text dropped."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def comments_create(*, campaign: Campaign, comments: Mapping[str, str]) -> list[Comment]:
    """Store the non-empty answers to the open questions (keyed by COMMENT_FIELDS' names or by
    kind) as comments of `campaign`; nothing when it does not ask them.

    Called by `response_submit` inside the response's transaction, so a retried submission
    stores its comments once, with the response, or not at all. The caller checked the length.
    """
    if not campaign.asks_comments:
        return []
    kinds = {**COMMENT_FIELDS, **{kind: kind for kind in Comment.Kind.values}}
    rows = [
        Comment(campaign=campaign, kind=kinds[name], text=text)
        for name, value in comments.items()
        if name in kinds and (text := comment_text_clean(value))
    ]
    return Comment.objects.bulk_create(rows) if rows else []


def comments_release_shuffle(
    *, campaign: Campaign | None = None, campaign_ids: Sequence[int] = ()
) -> int:
    """Rewrite the comments of the campaign (or of every campaign of `campaign_ids`, a rescore's
    batch) in random order, keeping each one's id and state.

    Run by the release (onpoint's rescore of a closed campaign) inside its transaction: the rows
    written at submission sit in the table in submission order, and on PostgreSQL each carries
    the transaction id of its response; rewritten, they carry the release's and sit in random
    order. Returns how many were rewritten. One read, one delete and one insert for a batch.
    """
    ids = [*campaign_ids, *([campaign.pk] if campaign is not None else [])]
    if not ids:
        return 0
    rows = list(
        Comment.objects.filter(campaign_id__in=ids).values(
            "id", "campaign_id", "kind", "text", "hidden", "milestone_id"
        )
    )
    if not rows:
        return 0
    random.SystemRandom().shuffle(rows)
    with transaction.atomic():
        Comment.objects.filter(campaign_id__in=ids).delete()
        Comment.objects.bulk_create(Comment(**row) for row in rows)
    return len(rows)


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffVoice:
    """What a campaign's comments page shows. `released` False: `reason` says why not, and
    nothing else is filled (no count either)."""

    released: bool
    reason: str = ""
    proud_of: list[Comment] = field(default_factory=list)
    help: list[Comment] = field(default_factory=list)
    hidden: int = 0


def comments_released(*, campaign: Campaign, now: dt.datetime | None = None) -> str:
    """ "" when the campaign's comments may be read, else why not. One query once closed (its
    number of responses)."""
    if not campaign.asks_comments and not campaign.comments.exists():
        return NOT_ASKED
    if not campaign.is_closed(now or timezone.now()):
        return NOT_CLOSED
    if Response.objects.filter(campaign=campaign).count() < COMMENTS_MIN_RESPONSES:
        return TOO_FEW_RESPONSES
    return ""


def staff_voice_of(*, campaign: Campaign, now: dt.datetime | None = None) -> StaffVoice:
    """The campaign's comments in random order, by question, with how many were hidden. Three
    queries at most (whether it asked, its responses, its comments), whatever their number."""
    reason = comments_released(campaign=campaign, now=now)
    if reason:
        return StaffVoice(released=False, reason=reason)
    shown: dict[str, list[Comment]] = {kind: [] for kind in Comment.Kind.values}
    hidden = 0
    for comment in Comment.objects.filter(campaign=campaign).order_by("?"):
        if comment.hidden:
            hidden += 1
        else:
            shown[comment.kind].append(comment)
    return StaffVoice(
        released=True,
        proud_of=shown[Comment.Kind.PROUD_OF],
        help=shown[Comment.Kind.HELP],
        hidden=hidden,
    )


def comment_for(*, district: District, comment_id: uuid.UUID) -> Comment:
    """A shown comment of a released campaign of the district, or Http404: another district's,
    a hidden one and one not released yet are all "not found"."""
    comment = (
        Comment.objects.select_related("campaign", "campaign__district")
        .filter(pk=comment_id, campaign__district=district, hidden=False)
        .first()
    )
    if comment is None or comments_released(campaign=comment.campaign):
        raise Http404("No such comment.")
    return comment


# --- leaders' actions ----------------------------------------------------------------------------


def _campaign_lock(campaign_id: int) -> None:
    """The campaign row's lock, which the release's rescore also holds while it rewrites the
    comments: a comment hidden meanwhile waits for the rewrite and hides the rewritten row,
    instead of being rewritten from what was read before it was hidden."""
    list(Campaign.objects.select_for_update().filter(pk=campaign_id).values_list("pk"))


def comment_hide(*, comment: Comment, user: User, path: str) -> None:
    """Hide the comment for good: its words are erased (a check constraint keeps a hidden
    comment wordless, so no later write can show it again) and the audit log records who did
    it, naming the comment by its random id only."""
    with transaction.atomic():
        _campaign_lock(comment.campaign_id)
        Comment.objects.filter(pk=comment.pk).update(hidden=True, text="")
        AuditEvent.objects.create(
            user=user,
            username=user.get_username(),
            district_slug=comment.campaign.district.slug,
            action=AuditEvent.Action.HIDE,
            path=path[:500],
        )
    comment.hidden, comment.text = True, ""


def comment_promote(*, comment: Comment, happened_on: dt.date, text: str) -> Milestone:
    """Make a "proud of" comment a milestone of its district (the leader may shorten its words
    to a milestone's 200 characters); the comment remembers it, so it is promoted once."""
    if comment.kind != Comment.Kind.PROUD_OF:
        raise ValueError(NOT_A_PROUD_OF_COMMENT)
    if comment.milestone_id is not None:
        raise ValueError(ALREADY_A_MILESTONE)
    with transaction.atomic():
        _campaign_lock(comment.campaign_id)
        milestone = milestone_create(
            district=comment.campaign.district, happened_on=happened_on, text=text
        )
        Comment.objects.filter(pk=comment.pk).update(milestone=milestone)
    comment.milestone = milestone
    return milestone


def comments_csv_rows(voice: StaffVoice) -> list[list[str]]:
    """The export: one row per shown comment, the question then the words, in the page's
    random order. No id, date or anything else to join on."""
    labels = dict(Comment.Kind.choices)
    rows = [["question", "comment"]]
    for comments in (voice.proud_of, voice.help):
        rows += [[labels[c.kind], _spreadsheet_safe(c.text)] for c in comments]
    return rows


def _spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: staff wrote these words, and a comment
    that starts with "=" must open as text in the leader's spreadsheet (CSV injection)."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t")) else text
