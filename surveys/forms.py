"""The leaders' campaign form, and the parsing of the anonymous survey form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy

from districts.models import District, School
from surveys.models import Campaign
from surveys.services import (
    ANSWER_NOT_ALLOWED,
    CLOSES_BEFORE_OPENS,
    UNKNOWN_ITEM,
    UNKNOWN_SCHOOL,
    SurveyInputError,
)

# Form fields of the survey page that are not item codes.
SURVEY_CONTROL_FIELDS = frozenset({"role", "school", "submission_id", "lang", "action"})
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
    )


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
        fields = ["name", "opens_at", "closes_at", "expected_responses", "exclude_from_benchmarks"]
        labels = {
            "name": "Name",
            "opens_at": "Opens at",
            "closes_at": "Closes at",
            "expected_responses": "Expected responses",
            "exclude_from_benchmarks": "Exclude from the national benchmarks",
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
        }
        widgets = {"opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput()}
        field_classes = {"opens_at": ZonedDateTimeField, "closes_at": ZonedDateTimeField}

    def __init__(
        self,
        *args: Any,
        opens_at_locked: bool = False,
        closed: bool = False,
        zone: dt.tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            moment = self.fields[name]
            assert isinstance(moment, ZonedDateTimeField)
            moment.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
            moment.zone = zone
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
