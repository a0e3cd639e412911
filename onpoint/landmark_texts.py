"""The words of the four landmarks, in the reader's language, from their stored keys.

onpoint.method.landmarks decides each landmark's status and reason; CampaignResult stores those
keys; the selectors turn them into a LandmarkText here, through gettext, when a page or the API
reads them. The API keeps its contract's English words (onpoint.api renders them with English
active); a page shows them in the language Django activated for the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onpoint.method import landmarks as rules
from onpoint.method.landmarks import Landmark
from onpoint.method.structure import LANDMARK_CATEGORY, NOT_YET, ON_TRACK, UNKNOWN, WATCH

TITLES: Final[dict[str, Promise]] = {
    "shared_understanding": _("Shared understanding"),
    "operations": _("Iterating on operations"),
    "student_agency": _("Student agency"),
    "culture": _("Culture of innovation"),
}
STATUS_NAMES: Final[dict[str, Promise]] = {
    ON_TRACK: _("On track"),
    WATCH: _("Watch"),
    NOT_YET: _("Not yet"),
    UNKNOWN: _("Unknown"),
}
# The categories and stages as the sentences name them.
CATEGORY_NAMES: Final[dict[str, Promise]] = {
    "strategy": _("Strategy Communication"),
    "operations": _("Operations"),
    "design": _("Instructional Design"),
    "culture": _("Culture of Innovation"),
}
STAGE_NAMES: Final[dict[str, Promise]] = {
    "planning": _("Planning"),
    "year_1": _("Year 1"),
    "year_2": _("Year 2"),
    "year_3_plus": _("Year 3+"),
}
# What a score-missing landmark says it could not show; landmark 3 needs two dimensions.
MISSING_SCORE_NAMES: Final[dict[str, Promise]] = {
    **{key: CATEGORY_NAMES[category] for key, category in LANDMARK_CATEGORY.items()},
    "student_agency": _("the teacher's role and the student's role side by side"),
}


@dataclass(frozen=True)
class Words:
    """A landmark's words before they are filled in: one sentence that stands alone as the
    message, the sentences that explain it, and what to do next."""

    message: Promise
    detail: Promise
    next_steps: tuple[Promise, ...]


@dataclass(frozen=True)
class LandmarkText:
    """One landmark as a person reads it. The first sentence of `explanation` is `message`."""

    key: str
    status: str
    title: str
    explanation: str
    next_steps: tuple[str, ...]

    @property
    def message(self) -> str:
        """One sentence, for the API's {"status", "message"}."""
        first, separator, _rest = self.explanation.partition(". ")
        return first + "." if separator else self.explanation


SCORE_MISSING = Words(
    _("This survey does not have enough answers to show %(score)s."),
    _(
        "A score is shown only when at least 5 people answered its questions, so that no one's "
        "answers can be singled out, and this score did not reach 5 this time."
    ),
    (
        _("Encourage every staff member to take the survey, for example in a staff meeting."),
        _(
            "Let staff know that their answers are anonymous and that groups under 5 are never "
            "shown."
        ),
    ),
)
PREVIOUS_SCORE_MISSING = Words(
    _("The previous survey has no %(score)s score to compare with."),
    _(
        "This landmark compares the district with its own previous survey, and that survey did "
        "not have enough answers to show the score."
    ),
    (_("Look at the trend again after the next survey."),),
)
BENCHMARK_MISSING = Words(
    _("There is no national benchmark yet for %(score)s at %(stage)s."),
    _(
        "A benchmark is published only when at least 5 districts at the same stage have a "
        "reported score, and there are not enough of them yet."
    ),
    (
        _("Look at the district's own trend from survey to survey in the meantime."),
        _("Check this landmark again when the benchmarks are next updated."),
    ),
)
OPERATIONS_STEPS = (
    _(
        "Ask teachers which devices and digital tools get in the way of personalizing "
        "instruction, and fix those first."
    ),
    _(
        "Check how quickly technical problems are solved, and set a response time that staff "
        "can count on."
    ),
    _("Bring technology staff and instructional staff together to plan the next round of tools."),
)
CULTURE_RENEW_STEPS = (
    _("Ask staff what would make it safer to try new things, and act on one answer visibly."),
    _("Share stories of things that did not work and what was learned from them."),
    _("Recognize the people and teams who take risks for students."),
)

# The words of each landmark for each reason it can give (LANDMARK_REASONS).
WORDS: Final[dict[tuple[str, str], Words]] = {
    ("shared_understanding", rules.BELOW_MEDIAN): Words(
        _(
            "Staff understand the why and the how of personalized learning less well than in "
            "the typical district at this stage."
        ),
        # xgettext:no-python-format
        _(
            "Nationally, about 70% of the growth in Strategy Communication happens between "
            "Planning and Year 1: the community needs to understand the vision and the plan "
            "before and at launch. Without it, teachers may see one more district initiative."
        ),
        (
            _(
                "Explain the vision again in every school: why the district is personalizing "
                "learning and what it will mean for students."
            ),
            _(
                "Share the plan and its timeline, and tell each group of staff what their own "
                "role in it is."
            ),
            _(
                "Have principals repeat the conversation with their school teams, and leave room "
                "for questions."
            ),
            _("Look at the results by role to see which groups understand least, and start there."),
        ),
    ),
    ("shared_understanding", rules.AT_OR_ABOVE_MEDIAN): Words(
        _(
            "Staff understand the why and the how of personalized learning at least as well as "
            "in the typical district at this stage."
        ),
        _(
            "Most of the growth in Strategy Communication happens between Planning and Year 1, "
            "and the district has made it."
        ),
        (
            _("Keep telling the story of why: new staff join every year and need to hear it too."),
            _(
                "Report progress against the plan and timeline, so staff keep seeing their part "
                "in it."
            ),
        ),
    ),
    ("operations", rules.LOW_AND_DECLINED): Words(
        _(
            "Operations is in the bottom quarter of districts at this stage and has slipped "
            "since the previous survey."
        ),
        _(
            "Devices, digital tools and IT support keep growing for years in districts that do "
            "this well: operations is never done at the start."
        ),
        OPERATIONS_STEPS,
    ),
    ("operations", rules.LOW): Words(
        _("Operations is in the bottom quarter of districts at this stage."),
        _(
            "Devices, digital tools and IT support keep growing for years in districts that do "
            "this well: as teachers personalize better, they need better tools and quicker "
            "support."
        ),
        OPERATIONS_STEPS,
    ),
    ("operations", rules.DECLINED): Words(
        _("Operations has slipped since the previous survey."),
        _(
            "Devices, digital tools and IT support should keep improving for years, and a drop "
            "often means the tools no longer keep up with how teachers now teach."
        ),
        OPERATIONS_STEPS,
    ),
    ("operations", rules.KEEPING_PACE): Words(
        _("Operations is keeping pace with districts at this stage."),
        _(
            "Devices, digital tools and IT support keep growing for years: as teachers "
            "personalize better, the district gets better at giving them what they need."
        ),
        (
            _("Keep asking teachers each year which tools and support would help them most."),
            _("Plan for steady improvement rather than a finished rollout."),
        ),
    ),
    ("student_agency", rules.TOO_EARLY): Words(
        _("Student agency becomes the focus from Year 2 on."),
        _(
            "Early growth in Instructional Design comes from the teacher's role: targeting "
            "instruction to each student's needs and goals. Growth in the student's role comes "
            "later."
        ),
        (
            _("Help teachers target instruction to specific student needs and goals."),
            _(
                "Start preparing for Year 2: where could students reflect on their learning, set "
                "goals and choose their path and pace?"
            ),
        ),
    ),
    ("student_agency", rules.TEACHER_ROLE_AHEAD): Words(
        _("Students have less of a role in their own learning than teachers have in targeting it."),
        _(
            "From Year 2 on, growth in Instructional Design comes from the student's role: "
            "students reflecting on their learning, setting goals and making choices about "
            "their path and pace."
        ),
        (
            _("Give students regular time to reflect on their learning and set their own goals."),
            _("Let students make real choices about path and pace, starting in a few classrooms."),
            _("Share examples from classrooms where students already shape their own learning."),
        ),
    ),
    ("student_agency", rules.KEEPING_UP): Words(
        _("Students have a role in their own learning that keeps up with the teacher's role."),
        _(
            "From Year 2 on, growth in Instructional Design comes from student agency, and the "
            "district is growing it."
        ),
        (
            _("Keep widening student choice about path and pace to more classrooms."),
            _("Collect what students say about setting goals and reflecting, and share it."),
        ),
    ),
    ("culture", rules.BELOW_MEDIAN): Words(
        _("The culture of innovation is weaker than in the typical district at this stage."),
        _(
            "Buy-in, risk-taking and a supportive environment carry an initiative through its "
            "hard years, and culture tends to flatten after Year 2."
        ),
        CULTURE_RENEW_STEPS,
    ),
    ("culture", rules.AT_OR_ABOVE_MEDIAN): Words(
        _(
            "The culture of innovation is at least as strong as in the typical district at this "
            "stage."
        ),
        _(
            "Culture tends to rise at first and then flatten after Year 2, so it needs care even "
            "when it is strong."
        ),
        (
            _("Keep making room for staff to try new things and learn from mistakes."),
            _("Watch for a stall in the next surveys."),
        ),
    ),
    ("culture", rules.STALLED): Words(
        _("The culture of innovation has stalled since the previous survey."),
        _(
            "Nationally, culture rises at first and then flattens after Year 2, even dipping. A "
            "stall is the signal to renew it."
        ),
        CULTURE_RENEW_STEPS,
    ),
    ("culture", rules.GROWING): Words(
        _("The culture of innovation has kept growing since the previous survey."),
        _("Many districts see culture flatten after Year 2, and this district has kept it rising."),
        (
            _("Keep what is working: ask staff what has made it safe to try new things."),
            _("Watch for a stall in the next surveys."),
        ),
    ),
}
SHARED_WORDS: Final[dict[str, Words]] = {
    rules.SCORE_MISSING: SCORE_MISSING,
    rules.PREVIOUS_SCORE_MISSING: PREVIOUS_SCORE_MISSING,
    rules.BENCHMARK_MISSING: BENCHMARK_MISSING,
}


def words_of(key: str, reason: str) -> Words:
    """The words of landmark `key` for `reason`; KeyError for a pair the method never gives."""
    return WORDS.get((key, reason)) or SHARED_WORDS[reason]


def landmark_text(landmark: Landmark, *, stage: str) -> LandmarkText:
    """The landmark's words in the active language. `stage` is the one its status was
    computed at (a benchmark-missing landmark names it)."""
    words = words_of(landmark.key, landmark.reason)
    filled = {
        "score": MISSING_SCORE_NAMES[landmark.key]
        if landmark.reason == rules.SCORE_MISSING
        else CATEGORY_NAMES[LANDMARK_CATEGORY[landmark.key]],
        "stage": STAGE_NAMES[stage],
    }
    message = str(words.message) % filled
    return LandmarkText(
        key=landmark.key,
        status=landmark.status,
        title=str(TITLES[landmark.key]),
        explanation=f"{message} {words.detail}",
        next_steps=tuple(str(step) for step in words.next_steps),
    )
