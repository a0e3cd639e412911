"""One submitted response: its validation and its single INSERT.

Campaigns are written in surveys/campaigns.py, CSV imports in surveys/response_import.py.

Every validation error a person may read is a module constant (or a `SurveyInputError` code
with its constant), so the tests assert on the words.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from districts.models import District, School
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, ROLES
from surveys import queueing
from surveys.comments import comments_create
from surveys.invitations import invitation_consume
from surveys.models import Campaign, Instrument, LinkMode, Response
from surveys.response_insert import response_insert_if_open, response_insert_once
from surveys.response_row import response_score_fields
from surveys.selectors import SurveyLink, item_specs

# --- messages a person reads -------------------------------------------------------------------
UNKNOWN_ITEM = "Unknown item code: {code}."
ANSWER_NOT_ALLOWED = (
    "The answer to {code} must be a whole number from 1 to 5, or null for no answer."
)
ANSWERS_NOT_A_MAP = "answers must be an object of item codes to answers."
ROLE_REQUIRED = (
    "A role is required: one of teacher, coach, school_leader, technology, district_staff."
)
UNKNOWN_ROLE = (
    "Unknown role {role!r}: use one of teacher, coach, school_leader, technology, district_staff."
)
UNKNOWN_SCHOOL = "Unknown school {school!r}: it is not a school of this district."
BAD_SUBMISSION_ID = "submission_id must be a UUID."
CAMPAIGN_CLOSED = "This survey is closed: it no longer takes responses."
CAMPAIGN_NOT_OPEN_YET = "This survey is not open yet."
INVITATION_USED = (
    "This personal link has already been used, or it is not a link of this survey: each "
    "personal link answers once."
)
PERSONAL_LINK_REQUIRED = (
    "This survey is answered through the personal link each person received by email."
)


class SurveyInputError(ValueError):
    """A response that cannot be stored. `code` names the problem, `message` says it in English.

    The survey page shows `code` in the person's language; the API returns `message`.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


class CampaignNotOpen(SurveyInputError):
    """The campaign is closed (`code` "closed") or has not opened yet (`code` "not_open_yet")."""


class InvitationUsed(SurveyInputError):
    """A personal link used a second time (or never made): the page says so kindly, the API
    answers 410. Nothing is stored."""

    def __init__(self) -> None:
        super().__init__("invitation_used", INVITATION_USED)


class PersonalLinkRequired(SurveyInputError):
    """A campaign of personal links only, answered without one (the shared link's address)."""

    def __init__(self) -> None:
        super().__init__("personal_link_required", PERSONAL_LINK_REQUIRED)


# --- validation --------------------------------------------------------------------------------


def answers_validate(*, codes: Iterable[str], answers: object) -> dict[str, int | None]:
    """Every item code of the instrument mapped to its answer (1..5) or None for no answer.

    Raises SurveyInputError for a code the instrument lacks, or an answer that is not a whole
    number from 1 to 5 (booleans, floats and strings included). Every answer None ("Don't know /
    not applicable" throughout) is a valid response: it has no score, but it is one of the
    group's responses (method sections 8 and 9), so it is stored like any other.
    """
    known = list(codes)
    if not isinstance(answers, Mapping):
        raise SurveyInputError("answers_not_a_map", ANSWERS_NOT_A_MAP)
    for code in answers:
        if code not in known:
            raise SurveyInputError("unknown_item", UNKNOWN_ITEM.format(code=code), item=code)
    clean: dict[str, int | None] = {}
    for code in known:
        value = answers.get(code)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not ANSWER_MIN <= value <= ANSWER_MAX
        ):
            raise SurveyInputError(
                "answer_not_allowed", ANSWER_NOT_ALLOWED.format(code=code), item=code
            )
        clean[code] = value
    return clean


def role_validate(role: object) -> str:
    if role is None or role == "":
        raise SurveyInputError("role_required", ROLE_REQUIRED)
    if not isinstance(role, str) or role not in ROLES:
        raise SurveyInputError("unknown_role", UNKNOWN_ROLE.format(role=role), role=role)
    return role


def school_by_name(*, district: District, name: object) -> School | None:
    """The district's school of this name (any case); None for no name; SurveyInputError else."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    if not isinstance(name, str):
        raise SurveyInputError("unknown_school", UNKNOWN_SCHOOL.format(school=name), school=name)
    school = School.objects.filter(district=district, name__iexact=name.strip()).first()
    if school is None:
        raise SurveyInputError("unknown_school", UNKNOWN_SCHOOL.format(school=name), school=name)
    return school


def submission_id_parse(value: object) -> uuid.UUID:
    """The page's submission id; a fresh one when the caller sent none (API without retries)."""
    if value is None or value == "":
        return uuid.uuid4()
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise SurveyInputError("bad_submission_id", BAD_SUBMISSION_ID) from error


def campaign_open_check(campaign: Campaign, now: dt.datetime) -> None:
    if campaign.is_closed(now):
        raise CampaignNotOpen("closed", CAMPAIGN_CLOSED)
    if not campaign.is_open(now):
        raise CampaignNotOpen("not_open_yet", CAMPAIGN_NOT_OPEN_YET)


# --- one response ------------------------------------------------------------------------------


def campaign_mark_dirty(campaign: Campaign) -> None:
    """Responses were imported into a closed campaign: its released scores must be redone.

    An open campaign's answers need nothing: its scores are computed when it closes (method 1.1,
    section 4, "Release"), so a staff meeting's submissions are one INSERT each.
    """
    if not campaign.is_closed():
        return
    Campaign.objects.filter(pk=campaign.pk, scores_dirty=False).update(scores_dirty=True)
    queueing.campaign_scores_request(campaign.pk)


def response_submit(
    *,
    campaign: Campaign,
    answers: object,
    role: object,
    school: School | None,
    submission_id: object,
    now: dt.datetime | None = None,
    comments: Mapping[str, str] | None = None,
    invitation: object = None,
) -> tuple[Response, bool]:
    """Validate and store one response; returns (response, created).

    `comments`, the answers to the open questions (surveys.comments), are stored with it as
    comments that keep no link to it, or not at all when the submission was already stored.

    A second call with the same campaign and submission id (a double tap, a retried request,
    the back button) stores nothing and returns the first response with created False.
    Raises SurveyInputError (CampaignNotOpen for a closed or future campaign) and stores nothing.
    Only the date is kept, never the time, the account, the address or the browser.

    `invitation` is a personal link's token (issue 15): its invitation is deleted in the
    transaction that stores the response (surveys.invitations.invitation_consume), and the
    response is stored exactly as a shared link's, with no reference to it. A token already used
    raises InvitationUsed and stores nothing; a campaign of personal links only refuses an answer
    without one (PersonalLinkRequired).
    """
    now = now or timezone.now()
    campaign_open_check(campaign, now)
    if invitation in (None, "") and campaign.link_mode == LinkMode.PERSONAL:
        raise PersonalLinkRequired()
    clean_role = role_validate(role)
    clean_answers = answers_validate(
        codes=instrument_item_codes(campaign.instrument), answers=answers
    )
    if school is not None and school.district_id != campaign.district_id:
        raise SurveyInputError(
            "unknown_school", UNKNOWN_SCHOOL.format(school=school.name), school=school.name
        )
    submission = submission_id_parse(submission_id)
    fields = response_score_fields(items=item_specs(campaign.instrument), answers=clean_answers)
    response = Response(
        campaign=campaign,
        submission_id=submission,
        role=clean_role,
        school=school,
        submitted_on=timezone.localdate(now),
        **fields,
    )
    created = _response_store(response, comments=comments, invitation=invitation)
    if created:
        return response, True
    # A concurrent twin waits for the first insert to commit, then finds nothing to insert too.
    return Response.objects.get(campaign=campaign, submission_id=submission), False


def _response_store(
    response: Response, *, comments: Mapping[str, str] | None, invitation: object
) -> bool:
    """Insert the response unless its submission is already stored; True when it was inserted."""
    personal = invitation not in (None, "")
    if not (comments or personal):
        # One statement: the unique (campaign, submission_id) constraint is the replay guard.
        return response_insert_once(response)
    # The invitation and the comments go in the response's transaction: a retried submission
    # stores them once, and a used link rolls the response back.
    with transaction.atomic():
        created = response_insert_once(response)
        campaign = response.campaign
        if created and personal and not invitation_consume(campaign=campaign, token=invitation):
            raise InvitationUsed()
        if created and comments:
            comments_create(campaign=campaign, comments=comments)
    return created


def response_submit_quick(
    *, link: SurveyLink, body: Mapping[str, Any], now: dt.datetime | None = None
) -> uuid.UUID | None:
    """The common submission in one statement and no read (issue 13): a shared link's valid
    answers to an open campaign, stored for the first time. Returns the stored submission id.

    None when it stored nothing for any reason: a personal link's token was sent, an input is
    invalid, the campaign is not open or takes personal links only, no school has that name, or
    the submission was already stored. The caller then takes the full path (the campaign read
    again, response_submit), which answers exactly as it always did, in the same order.
    """
    if body.get("invitation") not in (None, "") or body.get("answers") is None:
        return None
    school = body.get("school")
    if school is not None and not isinstance(school, str):
        return None
    try:
        role = role_validate(body.get("role"))
        answers = answers_validate(codes=link.codes, answers=body.get("answers"))
        submission = submission_id_parse(body.get("submission_id"))
    except SurveyInputError:
        return None
    now = now or timezone.now()
    values = {
        "submission_id": submission,
        "role": role,
        "submitted_on": timezone.localdate(now),
        **response_score_fields(items=link.items, answers=answers),
    }
    stored = response_insert_if_open(
        values,
        campaign_id=link.campaign_id,
        district_id=link.district_id,
        school_name=school.strip() if school and school.strip() else None,
        now=now,
    )
    return submission if stored else None


def instrument_item_codes(instrument: Instrument) -> list[str]:
    return [item["code"] for item in instrument.definition.get("items", [])]
