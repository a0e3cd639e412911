"""The anonymous survey's form, built from the instrument, and the leaders' campaign form."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy

from districts.models import School
from onpoint.method.structure import ROLES
from surveys import texts
from surveys.campaigns import CAMPAIGN_EDITABLE, CLOSES_BEFORE_OPENS, REMINDER_OUTSIDE
from surveys.comments import COMMENT_FIELDS, COMMENT_MAX_LENGTH, comment_text_clean
from surveys.invitation_lists import INVITE_LIMIT, INVITE_NOT_UTF8
from surveys.models import Campaign, Instrument, LinkMode
from surveys.selectors import instrument_text
from surveys.services import SurveyInputError, submission_id_parse

# The page's value for "Don't know / not applicable": a choice the person made, stored as no answer.
DONT_KNOW = "dk"
# Fields the page posts besides the form's own: its language and which button was pressed. The
# open questions' names too: a page of a campaign that does not ask them (an old tab) may still
# send them, and they are dropped, not refused.
SURVEY_CONTROL_FIELDS = frozenset({"lang", "action", *COMMENT_FIELDS})
# Errors a person can make on an untouched page; every other error means a tampered form (400).
PERSON_ERROR_CODES = frozenset({"required", "no_answers", "comment_too_long"})


class SchoolField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A school of the district by its id: ASCII digits only ("²" and "٣" are digits to
    str.isdigit() and int(), but no page sends them: a tampered form)."""

    def to_python(self, value: Any) -> School | None:
        if value not in self.empty_values and not (
            isinstance(value, str) and value.isascii() and value.isdigit()
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        school: School | None = super().to_python(value)
        return school


class CommentField(forms.CharField):
    """An open question (staff voice, issue 16): optional, the words as typed with line breaks
    kept, control characters dropped (PostgreSQL refuses NUL), at most COMMENT_MAX_LENGTH."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, widget=forms.Textarea, **kwargs)

    def to_python(self, value: Any) -> str:
        return comment_text_clean(str(super().to_python(value)))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > COMMENT_MAX_LENGTH:
            raise ValidationError(
                texts.COMMENT_TOO_LONG, code="comment_too_long", params={"max": COMMENT_MAX_LENGTH}
            )


@dataclass(frozen=True)
class SurveyItem:
    """One statement as the page shows it: its number, its words and its radio group."""

    code: str
    number: int
    text: str
    field: forms.BoundField

    @property
    def chosen(self) -> str:
        """ "1".."5" or "dk" as posted, "" when unanswered (the review page reads it)."""
        value = self.field.value()
        return str(value) if value not in (None, "") else ""

    @property
    def chosen_label(self) -> str:
        """The words of the chosen answer ("Agree"), "" when unanswered."""
        return next(
            (str(option.choice_label) for option in self.field if option.data["selected"]), ""
        )


@dataclass(frozen=True)
class SurveyCategory:
    key: str
    label: str
    items: list[SurveyItem]


class SurveyForm(forms.Form):
    """The survey of one instrument in one language: a radio group per item (the instrument's
    scale and "Don't know / not applicable"), the role, the school, and the submission id that
    makes a resubmitted page one response.

    Field names are the item codes, `role`, `school`, `submission_id` and `invitation` (a
    personal link's token, issue 15): the page's POST
    protocol, which static/js/survey.js and the review step's hidden fields rely on. Answers are
    all optional (a response may skip any); the role is required. Two kinds of errors:

    - a person's (`person_errors`): no role, or no answer at all. The page shows the form again
      with the message and every answer kept.
    - a tampered form's (`tampered`): a field the form lacks, an answer or role that is not one
      of the choices, a school of another district, a damaged submission id. 400, nothing stored.

    Messages are gettext strings: construct and render the form with the survey's language
    active (surveys.survey_views does, for the whole request). To add a question, add a field in
    __init__: the unknown-field check, the review step's hidden fields (`carried`) and the error
    split follow the fields.
    """

    submission_id = forms.CharField(required=False, widget=forms.HiddenInput)
    # A personal link's token (issue 15), carried in the form's body from page to page, never in
    # a URL the access log keeps; "" for the shared link. Checked by the service, not here: a
    # used or unknown token gets its own kind page.
    invitation = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)
    role = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": texts.ROLE_REQUIRED, "invalid_choice": texts.UNKNOWN_ROLE},
    )
    school = SchoolField(
        queryset=School.objects.none(),
        required=False,
        empty_label=texts.SCHOOL_NONE,
        error_messages={"invalid_choice": texts.UNKNOWN_SCHOOL},
    )

    def __init__(
        self,
        instrument: Instrument,
        language: str,
        data: QueryDict | None = None,
        *,
        schools: QuerySet[School],
        asks_comments: bool = False,
        invitation: str = "",
    ) -> None:
        if data is not None and not data.get("submission_id"):
            # A page posted without its id (an old page, a script) gets one now, so that the
            # review step and a resubmit carry the same id.
            data = data.copy()
            data["submission_id"] = str(uuid.uuid4())
        super().__init__(
            data, initial={"submission_id": str(uuid.uuid4()), "invitation": invitation}
        )
        self.instrument = instrument
        self.language = language
        definition = instrument.definition
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role, texts.ROLE_LABELS[role]) for role in ROLES]
        school_field = self.fields["school"]
        assert isinstance(school_field, SchoolField)
        school_field.queryset = schools
        scale = [
            (str(point["value"]), instrument_text(point["label"], language))
            for point in definition.get("scale", [])
        ]
        scale.append((DONT_KNOW, instrument_text(definition.get("no_answer_label"), language)))
        self.item_codes: list[str] = []
        for item in definition.get("items", []):
            code = item["code"]
            self.item_codes.append(code)
            self.fields[code] = forms.ChoiceField(
                choices=scale,
                required=False,
                widget=forms.RadioSelect,
                label=instrument_text(item["text"], language),
                error_messages={
                    "invalid_choice": str(texts.ANSWER_NOT_ALLOWED) % {"item": code},
                },
            )
        # Staff voice (issue 16): the two optional open questions, when the campaign asks them.
        self.comment_names: list[str] = list(COMMENT_FIELDS) if asks_comments else []
        for name in self.comment_names:
            self.fields[name] = CommentField(label=texts.COMMENT_LABELS[name])

    def clean_submission_id(self) -> str:
        value = self.cleaned_data["submission_id"]
        try:
            return str(submission_id_parse(value))
        except SurveyInputError as error:
            raise ValidationError(texts.FORM_DAMAGED, code="bad_submission_id") from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        known = set(self.fields) | SURVEY_CONTROL_FIELDS
        if any(name not in known for name in self.data):
            raise ValidationError(texts.UNKNOWN_ITEM, code="unknown_item")
        if not any(self.data.get(code) for code in self.item_codes):
            self.add_error(None, ValidationError(texts.NO_ANSWERS, code="no_answers"))
        return cleaned

    # --- what the view and the templates read ---------------------------------------------------

    def tampered(self) -> str | None:
        """The first message of an error no untouched page can cause, or None."""
        for problems in self.errors.as_data().values():
            for problem in problems:
                if problem.code not in PERSON_ERROR_CODES:
                    return " ".join(problem.messages)
        return None

    def person_errors(self) -> dict[str, str]:
        """{"role": message, "answers": message, "comments": message}, each only when it
        applies."""
        found = {}
        if self.has_error("role", "required"):
            found["role"] = str(texts.ROLE_REQUIRED)
        if self.has_error(NON_FIELD_ERRORS, "no_answers"):
            found["answers"] = str(texts.NO_ANSWERS)
        if any(self.has_error(name, "comment_too_long") for name in self.comment_names):
            found["comments"] = str(texts.COMMENT_TOO_LONG) % {"max": COMMENT_MAX_LENGTH}
        return found

    def categories(self) -> list[SurveyCategory]:
        """The instrument's categories in order, each with its statements numbered 1..n across
        the whole survey."""
        definition = self.instrument.definition
        number = 0
        shown = []
        for category in definition.get("categories", []):
            items = []
            for item in definition.get("items", []):
                if item["category"] != category["key"]:
                    continue
                number += 1
                items.append(
                    SurveyItem(
                        code=item["code"],
                        number=number,
                        text=instrument_text(item["text"], self.language),
                        field=self[item["code"]],
                    )
                )
            shown.append(
                SurveyCategory(
                    key=category["key"],
                    label=instrument_text(category["label"], self.language),
                    items=items,
                )
            )
        return shown

    def answered(self) -> int:
        return sum(1 for code in self.item_codes if self[code].value() not in (None, ""))

    def carried(self) -> Iterator[tuple[str, str]]:
        """(name, value) of every field with a value, in field order: the review step posts
        them back as hidden fields."""
        for field in self:
            value = field.value()
            if field.name in self.comment_names:
                # The words as they will be stored (line breaks kept, control characters gone).
                value = comment_text_clean(str(value or ""))
            if value not in (None, ""):
                yield field.html_name, str(value)

    def comment_questions(self) -> list[forms.BoundField]:
        """The open questions' fields (none when the campaign does not ask them)."""
        return [self[name] for name in self.comment_names]

    def comments(self) -> dict[str, str]:
        """The cleaned, non-empty answers to the open questions, by field name (COMMENT_FIELDS),
        as surveys.comments.comments_create takes them."""
        return {name: text for name in self.comment_names if (text := self.cleaned_data.get(name))}

    def answers(self) -> dict[str, int | None]:
        """The cleaned answers as the service takes them: "dk" is no answer."""
        return {
            code: None if value == DONT_KNOW else int(value)
            for code in self.item_codes
            if (value := self.cleaned_data.get(code))
        }


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ZonedDateTimeField(forms.DateTimeField):
    """A moment entered and shown in `zone` (a district's), whatever zone is active: the form
    of a Pacific district reads "08:00" as 08:00 Pacific, stored in UTC. None: the active zone.
    """

    zone: dt.tzinfo | None = None

    def to_python(self, value: Any) -> dt.datetime | None:
        if self.zone is None:
            return super().to_python(value)
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if self.zone is None:
            return super().prepare_value(value)
        with timezone.override(self.zone):
            return super().prepare_value(value)


DATES_FIXED_WHEN_CLOSED = "Fixed: the campaign is closed and its results are released."
CREATE_ANYWAY = gettext_lazy("Create it anyway")


class CampaignForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit a campaign. Times are read and shown in `zone`, the district's."""

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_EDITABLE)
        labels = {
            "name": "Name",
            "opens_at": "Opens at",
            "closes_at": "Closes at",
            "expected_responses": "Expected responses",
            "exclude_from_benchmarks": "Exclude from the national benchmarks",
            "asks_comments": "Ask staff two open questions",
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
            "asks_comments": (
                "“What are you proud of in our personalized-learning work?” and “What would help "
                "you most?”, both optional. Staff read that they must not name anyone. Their "
                "words are kept apart from their answers and shown to the district's leaders "
                "when the campaign closes, if at least 10 staff answered."
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
        field_classes = {
            "opens_at": ZonedDateTimeField,
            "closes_at": ZonedDateTimeField,
            "reminder_at": ZonedDateTimeField,
        }

    def __init__(
        self,
        *args: Any,
        opens_at_locked: bool = False,
        closed: bool = False,
        zone: dt.tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at", "reminder_at"):
            moment = self.fields[name]
            assert isinstance(moment, ZonedDateTimeField)
            moment.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
            moment.zone = zone
        self.fields["link_mode"].required = False
        if opens_at_locked:
            self.fields["opens_at"].disabled = True
            self.fields["opens_at"].help_text = "Fixed: responses have arrived."
        if closed:
            # Method 1.1, "Release": a closed campaign's dates never change (no reopening).
            for name in ("opens_at", "closes_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = DATES_FIXED_WHEN_CLOSED
            self.fields["asks_comments"].disabled = True

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


class NewCampaignForm(CampaignForm):
    """A new campaign. When another campaign of the district is open at the same time in the
    same stage, the page asks first: the form comes back with a warning and this box."""

    create_anyway = forms.BooleanField(required=False, label=CREATE_ANYWAY)


# A school's expected number of responses, when set: as a campaign's, at least one.
SCHOOL_EXPECTED_MAX = 100_000


class SchoolsExpectedForm(forms.Form):
    """How many staff each school expects to answer, optional: the base of its response rate
    while a campaign runs. One field per school of the district, `school_<id>`."""

    def __init__(self, *args: Any, schools: Sequence[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schools = list(schools)
        for school in self.schools:
            self.fields[f"school_{school.pk}"] = forms.IntegerField(
                label=school.name,
                required=False,
                min_value=1,
                max_value=SCHOOL_EXPECTED_MAX,
                initial=school.expected_responses,
            )

    def expected_by_school(self) -> dict[int, int | None]:
        """School id to its expected number of responses (None: not set). After is_valid()."""
        return {school.pk: self.cleaned_data.get(f"school_{school.pk}") for school in self.schools}
