"""The landmarks' words (onpoint/landmark_texts.py): every reason of every landmark has them, in
English and in Spanish, each a sentence that stands alone, then what it means and what to do."""

from __future__ import annotations

import pytest
from django.utils import translation

from onpoint.landmark_texts import LandmarkText, landmark_text
from onpoint.method import landmarks as rules
from onpoint.method.landmarks import LANDMARK_REASONS, Landmark
from onpoint.method.structure import STAGES

EVERY_REASON = [
    Landmark(key=key, status=status, reason=reason)
    for key, reasons in LANDMARK_REASONS.items()
    for reason, status in reasons.items()
]


def words(landmark: Landmark, language: str, stage: str = "year_1") -> LandmarkText:
    with translation.override(language):
        return landmark_text(landmark, stage=stage)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "landmark", EVERY_REASON, ids=[f"{m.key}-{m.reason}" for m in EVERY_REASON]
)
def test_every_landmark_says_in_one_sentence_what_it_means_and_what_to_do(
    landmark: Landmark, language: str
) -> None:
    for stage in STAGES:
        text = words(landmark, language, stage)
        assert (text.key, text.status) == (landmark.key, landmark.status)
        assert text.title
        assert text.message.endswith(".")
        assert ". " not in text.message
        assert "%(" not in text.explanation
        assert text.explanation.startswith(text.message + " ")
        assert len(text.explanation) > len(text.message) + 20
        assert text.next_steps
        assert all(step.endswith((".", "?")) for step in text.next_steps)


@pytest.mark.parametrize(
    "landmark", EVERY_REASON, ids=[f"{m.key}-{m.reason}" for m in EVERY_REASON]
)
def test_a_spanish_speaking_leader_reads_every_landmark_in_spanish(landmark: Landmark) -> None:
    english, spanish = words(landmark, "en"), words(landmark, "es")
    assert spanish.title != english.title
    assert spanish.explanation != english.explanation
    assert all(es != en for es, en in zip(spanish.next_steps, english.next_steps, strict=True))


def test_the_english_words_are_those_the_api_has_always_given() -> None:
    declined = Landmark(key="operations", status="watch", reason=rules.DECLINED)
    no_benchmark = Landmark(key="culture", status="unknown", reason=rules.BENCHMARK_MISSING)
    no_roles = Landmark(key="student_agency", status="unknown", reason=rules.SCORE_MISSING)
    assert words(declined, "en").message == "Operations has slipped since the previous survey."
    assert words(declined, "en").title == "Iterating on operations"
    assert words(no_benchmark, "en", "year_1").message == (
        "There is no national benchmark yet for Culture of Innovation at Year 1."
    )
    assert words(no_roles, "en").message == (
        "This survey does not have enough answers to show the teacher's role and the student's "
        "role side by side."
    )
    assert words(no_benchmark, "es", "year_2").message == (
        "Todavía no hay una referencia nacional de Cultura de innovación en la etapa Año 2."
    )
