"""CampaignResult.landmarks keeps each landmark's status and reason, not English prose.

The words are rendered when a page or the API reads them (onpoint/landmark_texts.py), in the
reader's language. Each stored landmark's reason is read back from its first sentence, which
the code that wrote it chose by reason (the table below, frozen as that code wrote them). A
landmark whose words match no reason (none should) is dropped and its campaign marked dirty,
so the sweep rescores it within a minute. Backwards: the English words again, from the keys.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# {landmark: [(first words of its explanation, reason)]}, the longer of two shared beginnings
# first.
SCORE_MISSING = ("This survey does not have enough answers to show ", "score_missing")
BENCHMARK_MISSING = ("There is no national benchmark yet for ", "benchmark_missing")
PREVIOUS_MISSING = ("The previous survey has no ", "previous_score_missing")
REASONS_BY_WORDS: dict[str, list[tuple[str, str]]] = {
    "shared_understanding": [
        SCORE_MISSING,
        BENCHMARK_MISSING,
        ("Staff understand the why and the how of personalized learning less", "below_median"),
        (
            "Staff understand the why and the how of personalized learning at least",
            "at_or_above_median",
        ),
    ],
    "operations": [
        SCORE_MISSING,
        BENCHMARK_MISSING,
        PREVIOUS_MISSING,
        ("Operations is in the bottom quarter of districts at this stage and ", "low_and_declined"),
        ("Operations is in the bottom quarter of districts at this stage.", "low"),
        ("Operations has slipped since the previous survey.", "declined"),
        ("Operations is keeping pace with districts at this stage.", "keeping_pace"),
    ],
    "student_agency": [
        ("Student agency becomes the focus from Year 2 on.", "too_early"),
        SCORE_MISSING,
        ("Students have less of a role in their own learning", "teacher_role_ahead"),
        ("Students have a role in their own learning that keeps up", "keeping_up"),
    ],
    "culture": [
        SCORE_MISSING,
        BENCHMARK_MISSING,
        PREVIOUS_MISSING,
        ("The culture of innovation is weaker than", "below_median"),
        ("The culture of innovation is at least as strong", "at_or_above_median"),
        ("The culture of innovation has stalled", "stalled"),
        ("The culture of innovation has kept growing", "growing"),
    ],
}


def reason_of(key: str, explanation: str) -> str | None:
    for words, reason in REASONS_BY_WORDS.get(key, []):
        if explanation.startswith(words):
            return reason
    return None


def landmarks_to_keys(apps: Any, schema_editor: Any) -> None:
    CampaignResult = apps.get_model("onpoint", "CampaignResult")
    Campaign = apps.get_model("surveys", "Campaign")
    stale = []
    for result in CampaignResult.objects.all().iterator():
        stored = {}
        for key, landmark in result.landmarks.items():
            reason = landmark.get("reason") or reason_of(key, landmark.get("explanation", ""))
            if reason is None:
                stale.append(result.campaign_id)
                continue
            stored[key] = {"status": landmark["status"], "reason": reason}
        if stored != result.landmarks:
            result.landmarks = stored
            result.save(update_fields=["landmarks"])
    Campaign.objects.filter(pk__in=stale).update(scores_dirty=True)


def landmarks_to_words(apps: Any, schema_editor: Any) -> None:
    from django.utils import translation

    from onpoint.landmark_texts import landmark_text
    from onpoint.method.landmarks import Landmark

    CampaignResult = apps.get_model("onpoint", "CampaignResult")
    with translation.override("en"):
        for result in CampaignResult.objects.all().iterator():
            words = {}
            for key, landmark in result.landmarks.items():
                text = landmark_text(
                    Landmark(key=key, status=landmark["status"], reason=landmark["reason"]),
                    stage=result.stage,
                )
                words[key] = {
                    "status": text.status,
                    "title": text.title,
                    "explanation": text.explanation,
                    "next_steps": list(text.next_steps),
                }
            result.landmarks = words
            result.save(update_fields=["landmarks"])


class Migration(migrations.Migration):
    dependencies = [
        ("onpoint", "0002_unreleased_results_removed"),
        ("surveys", "0003_district_and_school_from_districts"),
    ]

    operations = [migrations.RunPython(landmarks_to_keys, landmarks_to_words)]
