"""The leaders' campaign form, and the parsing of the anonymous survey form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from districts.models import District, School
from surveys.invitations import INVITE_LIMIT, INVITE_NOT_UTF8
from surveys.models import Campaign, LinkMode
from surveys.services import (
    ANSWER_NOT_ALLOWED,
    CLOSES_BEFORE_OPENS,
    REMINDER_OUTSIDE,
    UNKNOWN_ITEM,
    UNKNOWN_SCHOOL,
    SurveyInputError,
)

# Form fields of the survey page that are not item codes.
SURVEY_CONTROL_FIELDS = frozenset(
    {"role", "school", "submission_id", "lang", "action", "invitation"}
)
# The page's value for "Don't know / not applicable": a choice the person made, stored as no answer.
DONT_KNOW = "dk"
ANSWER_VALUES = frozenset({"1", "2", "3", "4", "5", DONT_KNOW})


@dataclass
class SurveySubmission:
    """What the survey form sent, as the page re-shows it and as the service takes it."""

    role: str = ""
    school: School | None = None
    submission_id: str = ""
    # code -> "1".."5" or "dk" exactly as chosen; unanswered codes are absent.
    chosen: dict[str, str] = field(default_factory=dict)
    # A personal link's token, carried in the form's body from page to page (never in a URL the
    # access log keeps); "" for the shared link.
    invitation: str = ""

    def answers(self) -> dict[str, int | None]:
        return {
            code: (None if value == DONT_KNOW else int(value))
            for code, value in self.chosen.items()
        }


def survey_submission_parse(
    data: QueryDict, *, codes: list[str], district: District
) -> SurveySubmission:
    """Read the survey form. Raises SurveyInputError for what only a tampered form can send:
    an unknown field, an answer that is not one of the choices, a school of another district.
    A missing role is not raised here: the page shows the form again with the message.
    """
    known = set(codes)
    for name in data:
        if name not in known and name not in SURVEY_CONTROL_FIELDS:
            raise SurveyInputError("unknown_item", UNKNOWN_ITEM.format(code=name), item=name)
    chosen: dict[str, str] = {}
    for code in codes:
        value = data.get(code, "")
        if value == "":
            continue
        if value not in ANSWER_VALUES:
            raise SurveyInputError(
                "answer_not_allowed", ANSWER_NOT_ALLOWED.format(code=code), item=code
            )
        chosen[code] = value
    school = None
    school_value = data.get("school", "")
    if school_value:
        school = (
            School.objects.filter(district=district, pk=int(school_value)).first()
            # ASCII digits only: str.isdigit() is true for "²", which int() refuses.
            if school_value.isascii() and school_value.isdigit()
            else None
        )
        if school is None:
            raise SurveyInputError(
                "unknown_school", UNKNOWN_SCHOOL.format(school=school_value), school=school_value
            )
    return SurveySubmission(
        role=data.get("role", ""),
        school=school,
        submission_id=data.get("submission_id", ""),
        chosen=chosen,
        invitation=data.get("invitation", ""),
    )


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


DATES_FIXED_WHEN_CLOSED = "Fixed: the campaign is closed and its results are released."


class CampaignForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit a campaign. Times are read and shown in the site's time zone."""

    class Meta:
        model = Campaign
        fields = [
            "name",
            "opens_at",
            "closes_at",
            "expected_responses",
            "exclude_from_benchmarks",
            "link_mode",
            "reminder_at",
        ]
        labels = {
            "name": "Name",
            "opens_at": "Opens at",
            "closes_at": "Closes at",
            "expected_responses": "Expected responses",
            "exclude_from_benchmarks": "Exclude from the national benchmarks",
            "link_mode": "How staff reach the survey",
            "reminder_at": "Remind those who have not answered, at (optional)",
        }
        help_texts = {
            "name": "Only you and your team see it, e.g. “Spring 2026 staff survey”.",
            "expected_responses": (
                "How many staff you invite. The response rate is counted against it."
            ),
            "exclude_from_benchmarks": (
                "Tick for a trial run or an unusual group, so it does not shape the national "
                "figures."
            ),
            "link_mode": (
                "A personal link works once: each invited person answers once. The shared link "
                "and its QR code suit a staff meeting; with both, someone could answer twice."
            ),
            "reminder_at": (
                "With personal links: one email, at this time, to everyone invited who has not "
                "answered yet. You can also send reminders from the invitations page."
            ),
        }
        widgets = {
            "opens_at": DateTimeLocalInput(),
            "closes_at": DateTimeLocalInput(),
            "reminder_at": DateTimeLocalInput(),
            "link_mode": forms.RadioSelect,
        }

    def __init__(
        self, *args: Any, opens_at_locked: bool = False, closed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at", "reminder_at"):
            moment = self.fields[name]
            assert isinstance(moment, forms.DateTimeField)
            moment.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.fields["link_mode"].required = False
        if opens_at_locked:
            self.fields["opens_at"].disabled = True
            self.fields["opens_at"].help_text = "Fixed: responses have arrived."
        if closed:
            # Method 1.1, "Release": a closed campaign's dates never change (no reopening).
            for name in ("opens_at", "closes_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = DATES_FIXED_WHEN_CLOSED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_at: dt.datetime | None = cleaned.get("opens_at")
        closes_at: dt.datetime | None = cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", CLOSES_BEFORE_OPENS)
        if not cleaned.get("link_mode"):
            cleaned["link_mode"] = self.instance.link_mode if self.instance.pk else LinkMode.SHARED
        reminder_at: dt.datetime | None = cleaned.get("reminder_at")
        changed = reminder_at != (self.instance.reminder_at if self.instance.pk else None)
        outside = bool(
            reminder_at and opens_at and closes_at and not opens_at < reminder_at < closes_at
        )
        if changed and outside:
            self.add_error("reminder_at", REMINDER_OUTSIDE)
        return cleaned


INVITE_FILE_TOO_BIG = "The file is larger than 1 MB: a list of addresses is much smaller."
INVITE_FILE_MAX_BYTES = 1_000_000


class InvitationListForm(forms.Form):
    """Addresses pasted or uploaded, one a line, each optionally with a school:
    `jane@school.org` or `jane@school.org, Maple Elementary`."""

    addresses = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=(
            "One a line. Add a school after a comma to count its answers by school: "
            "“jane@school.org, Maple Elementary”. Addresses copied from a mail program work too."
        ),
    )
    file = forms.FileField(
        label="Or upload a file (CSV or text)",
        required=False,
        help_text=f"The same lines: address, then an optional school. At most {INVITE_LIMIT} "
        "addresses at a time.",
    )

    def text(self) -> str:
        """The pasted text and the uploaded file's, together (after is_valid)."""
        parts = [self.cleaned_data.get("addresses") or ""]
        upload = self.cleaned_data.get("file")
        if upload is not None:
            parts.append(self.cleaned_data["file_text"])
        return "\n".join(part for part in parts if part)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > INVITE_FILE_MAX_BYTES:
                self.add_error("file", INVITE_FILE_TOO_BIG)
            else:
                try:
                    cleaned["file_text"] = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error("file", INVITE_NOT_UTF8)
        return cleaned
