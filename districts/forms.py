"""Forms of this app: the login (with its lockout), and those of a district's journey map: a
milestone, the district's place on the path, and its professional-learning offers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from districts.login_lockout import (
    locked_out_message,
    login_failure_record,
    login_failures_clear,
    login_is_locked,
)
from districts.models import District, LearningOffer, Membership, Milestone, PathPlace, School


class LoginForm(AuthenticationForm):
    """Django's login form with the autocomplete hints password managers and phones expect."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, object]:
        username = self.data.get("username", "") or ""
        if username and login_is_locked(username):
            raise ValidationError(locked_out_message(), code="locked_out")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                login_failure_record(username)
            raise
        login_failures_clear(username)
        return cleaned


MILESTONE_IN_FUTURE = (
    "A milestone is something the district has already done: choose today or an earlier date."
)
MILESTONE_TEXT_MISSING = "Say in a few words what the district is proud of."
# Prompts from the domain brief: what districts are proud of at every stage.
MILESTONE_EXAMPLES = (
    "Strong teacher buy-in",
    "Piloting in six schools at once",
    "Students moving from passive recipients to active learners",
)


class MilestoneForm(forms.ModelForm[Milestone]):
    class Meta:
        model = Milestone
        fields = ["happened_on", "text"]
        labels = {"happened_on": "Date", "text": "What we are proud of"}
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {"text": {"required": MILESTONE_TEXT_MISSING}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.update({"maxlength": 200, "autocomplete": "off"})
        self.fields["text"].help_text = (
            "A short sentence, for example “" + "”, “".join(MILESTONE_EXAMPLES) + "”. "
            "The national map shows milestones without your district's name unless the district "
            "chose to be named."
        )

    def clean_happened_on(self) -> Any:
        happened_on = self.cleaned_data["happened_on"]
        if happened_on and happened_on > timezone.localdate():
            raise forms.ValidationError(MILESTONE_IN_FUTURE, code="future")
        return happened_on


class JourneyPlaceForm(forms.ModelForm[District]):
    class Meta:
        model = District
        fields = ["path_place", "listed_on_national_map", "named_as_co_traveler"]
        labels = {
            "path_place": "Where are we on the path?",
            "listed_on_national_map": "Name our district on the national map",
            "named_as_co_traveler": "Name our district as a co-traveler",
        }
        help_texts = {
            "named_as_co_traveler": (
                "Districts one or two stages behind ours then see our name, state, size and "
                "stage, our milestones, and our Onpoint score at each stage (released results "
                "only)."
            ),
        }
        widgets = {"path_place": forms.RadioSelect(choices=PathPlace.choices)}


LEARNING_OFFER_NAME_MISSING = "Name the professional learning, for example a microcredential."


class LearningOfferForm(forms.ModelForm[LearningOffer]):
    """Professional learning the district runs, tied to the landmark it serves (issue 16)."""

    class Meta:
        model = LearningOffer
        fields = ["name", "landmark", "earned_count"]
        labels = {
            "name": "Name",
            "landmark": "The landmark it serves",
            "earned_count": "Staff who have earned it",
        }
        help_texts = {
            "name": "For example “Microcredential: student goal-setting”.",
            "earned_count": "A count: Journeys keeps nobody's name.",
        }
        error_messages = {"name": {"required": LEARNING_OFFER_NAME_MISSING}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"maxlength": 200, "autocomplete": "off"})
        self.fields["earned_count"].widget.attrs.update({"min": 0, "inputmode": "numeric"})


# --- the school team ---------------------------------------------------------------------------

TEAM_KIND_CHOICES = [
    (
        Membership.Kind.PRINCIPAL.value,
        "Principal: sees the district's results and their own school's",
    ),
    (Membership.Kind.LEADER.value, "Co-leader: runs the surveys and sees every result"),
]


class TeamInviteForm(forms.Form):
    """A leader's invitation to the team; districts.team.member_invite checks the rest."""

    email = forms.EmailField(label="Email address", max_length=254)
    kind = forms.ChoiceField(
        label="Invite as", choices=TEAM_KIND_CHOICES, widget=forms.RadioSelect, initial="principal"
    )
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        label="School",
        empty_label="Choose the principal's school",
        help_text="A principal sees their own school's results; leave empty for a co-leader.",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = district.schools.order_by("name")
        self.fields["email"].widget.attrs.update({"autocomplete": "off"})
