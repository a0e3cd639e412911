"""The four landmarks of a campaign (method section 6), with what they mean for the district."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from onpoint.method.benchmarks import Benchmark, CampaignFacts, chronological
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    CATEGORY_LABELS,
    CULTURE_MIN_GROWTH,
    LANDMARK_CATEGORY,
    LANDMARK_LABELS,
    NOT_YET,
    ON_TRACK,
    ONPOINT,
    STAGE_LABELS,
    STAGES,
    STUDENT_AGENCY_GAP,
    UNKNOWN,
    WATCH,
)

UNKNOWN_STAGE = "unknown stage {stage!r}"
PREVIOUS_NOT_REPORTED = "the previous campaign must be one whose Onpoint score is reported"

# Method section 6: landmarks 3 and 4 change rule "from year_2 on".
EARLY_STAGES = ("planning", "year_1")


@dataclass(frozen=True)
class Landmark:
    """One landmark's status and what it means for the district.

    The first sentence of `explanation` stands alone as the landmark's `message`.
    """

    key: str
    status: str
    title: str
    explanation: str
    next_steps: tuple[str, ...]

    @property
    def message(self) -> str:
        """One sentence for the API's {"status", "message"}."""
        first, separator, _ = self.explanation.partition(". ")
        return first + "." if separator else self.explanation


def _landmark(key: str, status: str, message: str, detail: str, *steps: str) -> Landmark:
    return Landmark(
        key=key,
        status=status,
        title=LANDMARK_LABELS[key],
        explanation=f"{message} {detail}",
        next_steps=steps,
    )


def _value(scores: Mapping[str, Score] | None, key: str) -> float | None:
    if scores is None:
        return None
    score = scores.get(key)
    return None if score is None else score.value


def _published(benchmarks: Mapping[str, Benchmark], key: str) -> Benchmark | None:
    benchmark = benchmarks.get(key)
    return benchmark if benchmark is not None and benchmark.published else None


def _score_missing(key: str, label: str) -> Landmark:
    return _landmark(
        key,
        UNKNOWN,
        f"This survey does not have enough answers to show {label}.",
        "A score is shown only when at least 5 people answered its questions, so that no one's "
        "answers can be singled out, and this score did not reach 5 this time.",
        "Encourage every staff member to take the survey, for example in a staff meeting.",
        "Let staff know that their answers are anonymous and that groups under 5 are never shown.",
    )


def _previous_score_missing(key: str, category: str) -> Landmark:
    label = CATEGORY_LABELS[category]
    return _landmark(
        key,
        UNKNOWN,
        f"The previous survey has no {label} score to compare with.",
        "This landmark compares the district with its own previous survey, and that survey did "
        "not have enough answers to show the score.",
        "Look at the trend again after the next survey.",
    )


def _benchmark_missing(key: str, category: str, stage: str) -> Landmark:
    label = CATEGORY_LABELS[category]
    return _landmark(
        key,
        UNKNOWN,
        f"There is no national benchmark yet for {label} at {STAGE_LABELS[stage]}.",
        "A benchmark is published only when at least 5 districts at the same stage have a "
        "reported score, and there are not enough of them yet.",
        "Look at the district's own trend from survey to survey in the meantime.",
        "Check this landmark again when the benchmarks are next updated.",
    )


def _shared_understanding(
    stage: str, current: Mapping[str, Score], benchmarks: Mapping[str, Benchmark]
) -> Landmark:
    key = "shared_understanding"
    category = LANDMARK_CATEGORY[key]
    strategy = _value(current, category)
    if strategy is None:
        return _score_missing(key, CATEGORY_LABELS[category])
    benchmark = _published(benchmarks, category)
    if benchmark is None or benchmark.p50 is None:
        return _benchmark_missing(key, category, stage)
    # Method section 6, landmark 1: "watch when strategy < p50_s, else on_track".
    if strategy < benchmark.p50:
        return _landmark(
            key,
            WATCH,
            "Staff understand the why and the how of personalized learning less well than in "
            "the typical district at this stage.",
            "Nationally, about 70% of the growth in Strategy Communication happens between "
            "Planning and Year 1: the community needs to understand the vision and the plan "
            "before and at launch. Without it, teachers may see one more district initiative.",
            "Explain the vision again in every school: why the district is personalizing "
            "learning and what it will mean for students.",
            "Share the plan and its timeline, and tell each group of staff what their own role "
            "in it is.",
            "Have principals repeat the conversation with their school teams, and leave room "
            "for questions.",
            "Look at the results by role to see which groups understand least, and start there.",
        )
    return _landmark(
        key,
        ON_TRACK,
        "Staff understand the why and the how of personalized learning at least as well as in "
        "the typical district at this stage.",
        "Most of the growth in Strategy Communication happens between Planning and Year 1, "
        "and the district has made it.",
        "Keep telling the story of why: new staff join every year and need to hear it too.",
        "Report progress against the plan and timeline, so staff keep seeing their part in it.",
    )


def _operations(
    stage: str,
    current: Mapping[str, Score],
    previous: Mapping[str, Score] | None,
    benchmarks: Mapping[str, Benchmark],
) -> Landmark:
    key = "operations"
    category = LANDMARK_CATEGORY[key]
    operations = _value(current, category)
    if operations is None:
        return _score_missing(key, CATEGORY_LABELS[category])
    benchmark = _published(benchmarks, category)
    # Method section 9: "Landmark 2 is unknown when p25_s is not published, even when P shows
    # a decline".
    if benchmark is None or benchmark.p25 is None:
        return _benchmark_missing(key, category, stage)
    previous_operations = _value(previous, category)
    if previous is not None and previous_operations is None:
        return _previous_score_missing(key, category)

    # Method section 6, landmark 2: "watch when operations < p25_s, or when P exists and
    # operations(C) < operations(P)".
    low = operations < benchmark.p25
    declined = previous_operations is not None and operations < previous_operations
    steps = (
        "Ask teachers which devices and digital tools get in the way of personalizing "
        "instruction, and fix those first.",
        "Check how quickly technical problems are solved, and set a response time that staff "
        "can count on.",
        "Bring technology staff and instructional staff together to plan the next round of tools.",
    )
    if low and declined:
        return _landmark(
            key,
            WATCH,
            "Operations is in the bottom quarter of districts at this stage and has slipped "
            "since the previous survey.",
            "Devices, digital tools and IT support keep growing for years in districts that do "
            "this well: operations is never done at the start.",
            *steps,
        )
    if low:
        return _landmark(
            key,
            WATCH,
            "Operations is in the bottom quarter of districts at this stage.",
            "Devices, digital tools and IT support keep growing for years in districts that do "
            "this well: as teachers personalize better, they need better tools and quicker "
            "support.",
            *steps,
        )
    if declined:
        return _landmark(
            key,
            WATCH,
            "Operations has slipped since the previous survey.",
            "Devices, digital tools and IT support should keep improving for years, and a drop "
            "often means the tools no longer keep up with how teachers now teach.",
            *steps,
        )
    return _landmark(
        key,
        ON_TRACK,
        "Operations is keeping pace with districts at this stage.",
        "Devices, digital tools and IT support keep growing for years: as teachers personalize "
        "better, the district gets better at giving them what they need.",
        "Keep asking teachers each year which tools and support would help them most.",
        "Plan for steady improvement rather than a finished rollout.",
    )


def _student_agency(stage: str, current: Mapping[str, Score]) -> Landmark:
    key = "student_agency"
    # Method section 6, landmark 3: "not_yet at planning and year_1".
    if stage in EARLY_STAGES:
        return _landmark(
            key,
            NOT_YET,
            "Student agency becomes the focus from Year 2 on.",
            "Early growth in Instructional Design comes from the teacher's role: targeting "
            "instruction to each student's needs and goals. Growth in the student's role comes "
            "later.",
            "Help teachers target instruction to specific student needs and goals.",
            "Start preparing for Year 2: where could students reflect on their learning, set "
            "goals and choose their path and pace?",
        )
    teacher_role = _value(current, "teacher_role")
    student_role = _value(current, "student_role")
    if teacher_role is None or student_role is None:
        return _score_missing(key, "the teacher's role and the student's role side by side")
    # Method section 6, landmark 3: "watch when teacher_role - student_role > 10".
    if teacher_role - student_role > STUDENT_AGENCY_GAP:
        return _landmark(
            key,
            WATCH,
            "Students have less of a role in their own learning than teachers have in targeting "
            "it.",
            "From Year 2 on, growth in Instructional Design comes from the student's role: "
            "students reflecting on their learning, setting goals and making choices about "
            "their path and pace.",
            "Give students regular time to reflect on their learning and set their own goals.",
            "Let students make real choices about path and pace, starting in a few classrooms.",
            "Share examples from classrooms where students already shape their own learning.",
        )
    return _landmark(
        key,
        ON_TRACK,
        "Students have a role in their own learning that keeps up with the teacher's role.",
        "From Year 2 on, growth in Instructional Design comes from student agency, and the "
        "district is growing it.",
        "Keep widening student choice about path and pace to more classrooms.",
        "Collect what students say about setting goals and reflecting, and share it.",
    )


def _culture(
    stage: str,
    current: Mapping[str, Score],
    previous: Mapping[str, Score] | None,
    benchmarks: Mapping[str, Benchmark],
) -> Landmark:
    key = "culture"
    category = LANDMARK_CATEGORY[key]
    culture = _value(current, category)
    if culture is None:
        return _score_missing(key, CATEGORY_LABELS[category])
    renew = (
        "Ask staff what would make it safer to try new things, and act on one answer visibly.",
        "Share stories of things that did not work and what was learned from them.",
        "Recognize the people and teams who take risks for students.",
    )
    if stage in EARLY_STAGES or previous is None:
        benchmark = _published(benchmarks, category)
        if benchmark is None or benchmark.p50 is None:
            return _benchmark_missing(key, category, stage)
        # Method section 6, landmark 4: "watch when culture < p50_s" at planning and year_1,
        # and from year_2 on "when P does not exist".
        if culture < benchmark.p50:
            return _landmark(
                key,
                WATCH,
                "The culture of innovation is weaker than in the typical district at this stage.",
                "Buy-in, risk-taking and a supportive environment carry an initiative through "
                "its hard years, and culture tends to flatten after Year 2.",
                *renew,
            )
        return _landmark(
            key,
            ON_TRACK,
            "The culture of innovation is at least as strong as in the typical district at "
            "this stage.",
            "Culture tends to rise at first and then flatten after Year 2, so it needs care "
            "even when it is strong.",
            "Keep making room for staff to try new things and learn from mistakes.",
            "Watch for a stall in the next surveys.",
        )
    previous_culture = _value(previous, category)
    if previous_culture is None:
        return _previous_score_missing(key, category)
    # Method section 6, landmark 4: from year_2 on, "watch when P exists and
    # culture(C) - culture(P) < 1".
    if culture - previous_culture < CULTURE_MIN_GROWTH:
        return _landmark(
            key,
            WATCH,
            "The culture of innovation has stalled since the previous survey.",
            "Nationally, culture rises at first and then flattens after Year 2, even dipping. "
            "A stall is the signal to renew it.",
            *renew,
        )
    return _landmark(
        key,
        ON_TRACK,
        "The culture of innovation has kept growing since the previous survey.",
        "Many districts see culture flatten after Year 2, and this district has kept it rising.",
        "Keep what is working: ask staff what has made it safe to try new things.",
        "Watch for a stall in the next surveys.",
    )


def landmarks_of(
    stage: str,
    current: Mapping[str, Score],
    previous: Mapping[str, Score] | None,
    benchmarks: Mapping[str, Benchmark],
) -> dict[str, Landmark]:
    """The four landmarks of a campaign at `stage`, keyed and ordered as LANDMARK_KEYS.

    `current` and `previous` are whole-campaign scores; `previous` is those of P, the latest
    earlier campaign of the district whose Onpoint score is reported (see `previous_campaign`),
    or None when there is none. `benchmarks` are the published-or-not benchmarks of `stage`,
    by score key. A landmark is unknown when a score or published benchmark it needs is
    missing; which ones it needs depends on the branch of its rule that applies.
    """
    if stage not in STAGES:
        raise ValueError(UNKNOWN_STAGE.format(stage=stage))
    if previous is not None and not _onpoint_reported(previous):
        raise ValueError(PREVIOUS_NOT_REPORTED)
    return {
        "shared_understanding": _shared_understanding(stage, current, benchmarks),
        "operations": _operations(stage, current, previous, benchmarks),
        "student_agency": _student_agency(stage, current),
        "culture": _culture(stage, current, previous, benchmarks),
    }


def _onpoint_reported(scores: Mapping[str, Score]) -> bool:
    score = scores.get(ONPOINT)
    return score is not None and score.reported


def previous_campaign(
    campaigns: Iterable[CampaignFacts], current: CampaignFacts
) -> CampaignFacts | None:
    """P of method section 6: the latest closed campaign of the same district that opened
    strictly earlier than `current` and whose Onpoint score is reported.

    Section 9: excluded campaigns count, and among earlier campaigns with the same `opens_at`
    the one created last is the latest. A campaign opening at the same moment as `current` is
    not earlier, whatever its creation order. An open campaign is never P (method 1.1: its
    scores are not released).
    """
    earlier = [
        campaign
        for campaign in campaigns
        if campaign.district_id == current.district_id
        and campaign.opens_at < current.opens_at
        and campaign.closed
        and campaign.onpoint_reported
    ]
    return max(earlier, key=chronological, default=None)
