"""The survey's languages, and the words of the public survey pages that Python code chooses.

Every word is a gettext string: English here, Spanish in locale/es/LC_MESSAGES/django.po. The
words the templates show (headings, intro, buttons) are in the templates, in {% translate %};
the ones here are picked by the view (a message, which page of "unavailable"), so they are
module constants that tests can assert on. They resolve in the language active when they are
shown: the survey view activates the respondent's language around the whole request.

The statements, scale and category names are not here: they are data of the instrument
(surveys/instrument_v1.py), stored with each version in its Instrument row and frozen once a
campaign used it, served in both languages by the instrument API.
"""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

SURVEY_LANGUAGES: Final[tuple[str, ...]] = ("en", "es")
# Each language's name in itself, as the language switch shows it: never translated.
LANGUAGE_NAMES: Final[dict[str, str]] = {"en": "English", "es": "Español"}

# The roles as the survey asks them (onpoint.method.structure.ROLES, in its order).
ROLE_LABELS: Final[dict[str, Promise]] = {
    "teacher": _("Teacher"),
    "coach": _("Instructional coach"),
    "school_leader": _("School leader (principal or assistant principal)"),
    "technology": _("Technology staff"),
    "district_staff": _("District office staff"),
}

# The school menu's first choice, and what the review step shows for it.
SCHOOL_NONE: Final = _("Prefer not to say")

# What a person left out: the form is shown again, with every answer kept.
ROLE_REQUIRED: Final = _("Choose your role to continue.")
NO_ANSWERS: Final = _("Answer at least one statement before you continue.")

# What only a tampered (or damaged) form sends: 400, nothing stored.
ANSWER_NOT_ALLOWED: Final = _("The answer to statement %(item)s is not one of the choices.")
UNKNOWN_ITEM: Final = _("The form sent an answer to a statement this survey does not have.")
UNKNOWN_ROLE: Final = _("The form sent a role this survey does not have.")
UNKNOWN_SCHOOL: Final = _("The form sent a school this district does not have.")
FORM_DAMAGED: Final = _("The form was damaged in transit.")

# Staff voice (issue 16): the two optional open questions (their heading and privacy note are
# in the templates).
COMMENT_LABELS: Final[dict[str, Promise]] = {
    "comment_proud_of": _("What are you proud of in our personalized-learning work?"),
    "comment_help": _("What would help you most?"),
}
# A person's error: the form is shown again with the words kept.
COMMENT_TOO_LONG: Final = _("Please keep each answer under %(max)s characters.")

REVIEW_UNANSWERED: Final = ngettext_lazy(
    "%(n)s statement has no answer. You can still submit.",
    "%(n)s statements have no answer. You can still submit.",
    "n",
)

# The pages of a survey that cannot take answers: (title, heading, body) by kind.
UNKNOWN_TITLE: Final = _("Survey not found")
UNKNOWN_HEADING: Final = _("We couldn't find this survey")
UNKNOWN_BODY: Final = _(
    "The link may be mistyped or incomplete. Ask the person who shared it for the full link."
)
CLOSED_TITLE: Final = _("Survey closed")
CLOSED_HEADING: Final = _("This survey has closed")
CLOSED_BODY: Final = _("It no longer takes answers. Thank you for your interest.")
NOT_OPEN_TITLE: Final = _("Survey not open yet")
NOT_OPEN_HEADING: Final = _("This survey is not open yet")
NOT_OPEN_BODY: Final = _("It opens on %(date)s. Please come back then.")
BAD_TITLE: Final = _("Something was not right")
BAD_HEADING: Final = _("We could not accept this form")
BAD_BODY: Final = _("Nothing was stored. Go back to the survey and try again.")
# A personal link (issue 15) used a second time, and a campaign of personal links only opened
# through its shared address.
USED_TITLE: Final = _("Link already used")
USED_HEADING: Final = _("This personal link has already been used")
USED_BODY: Final = _(
    "Each personal link answers the survey once, and this one has been used: your answers are "
    "in, thank you. If you have not answered yourself, tell the person who invited you; nothing "
    "about who answered what is kept, so they cannot look it up."
)
PERSONAL_ONLY_TITLE: Final = _("Personal links only")
PERSONAL_ONLY_HEADING: Final = _("This survey is answered through personal links")
PERSONAL_ONLY_BODY: Final = _(
    "Each member of staff received their own link by email. Open the survey from that mail; if "
    "you cannot find it, ask the person who runs the survey to send it again."
)
DOWN_TITLE: Final = _("Please try again in a moment")
DOWN_HEADING: Final = _("We could not save your answers just now")
DOWN_BODY: Final = _(
    "Nothing was stored yet, and your answers are still on this device. Wait a minute, then go "
    "back to the survey and submit them again."
)

UNAVAILABLE_TEXTS: Final[dict[str, tuple[Promise, Promise, Promise]]] = {
    "unknown": (UNKNOWN_TITLE, UNKNOWN_HEADING, UNKNOWN_BODY),
    "closed": (CLOSED_TITLE, CLOSED_HEADING, CLOSED_BODY),
    "not_open": (NOT_OPEN_TITLE, NOT_OPEN_HEADING, NOT_OPEN_BODY),
    "bad": (BAD_TITLE, BAD_HEADING, BAD_BODY),
    "down": (DOWN_TITLE, DOWN_HEADING, DOWN_BODY),
    "used": (USED_TITLE, USED_HEADING, USED_BODY),
    "personal_only": (PERSONAL_ONLY_TITLE, PERSONAL_ONLY_HEADING, PERSONAL_ONLY_BODY),
}


def survey_language(request: HttpRequest) -> str:
    """The survey's language: the visible switch (?lang=) first, else the browser's language."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in SURVEY_LANGUAGES:
        return chosen
    preferred = translation.get_language_from_request(request)
    return "es" if preferred and preferred.lower().startswith("es") else "en"
