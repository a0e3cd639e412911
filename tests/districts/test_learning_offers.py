"""Professional learning (issue 16): a district's leaders record the offers it runs for its staff,
each tied to a landmark, with how many staff earned it (a count, never names); the journey map
shows them beside the landmark's next steps."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.forms import LEARNING_OFFER_NAME_MISSING
from districts.models import LANDMARK_CHOICES, District, LearningOffer
from districts.views import LEARNING_OFFER_ADDED, LEARNING_OFFER_DELETED, LEARNING_OFFER_SAVED
from onpoint.method.structure import LANDMARK_KEYS, LANDMARK_LABELS
from tests.clients import signed_in

pytestmark = pytest.mark.django_db


def offers_url(district: District) -> str:
    return reverse("learning_offers", kwargs={"slug": district.slug})


def landmark_block(html: str, title: str) -> str:
    """The journey map's <li> of one landmark, found by its title."""
    for block in re.findall(
        r'<li class="landmark landmark--.*?</li>\s*(?=<li class="landmark|</ol>)', html, re.S
    ):
        if f">{title}</h3>" in block:
            return str(block)
    raise AssertionError(f"no landmark {title!r}")


def test_the_landmarks_are_the_methods_own() -> None:
    """districts imports nothing of the method (docs/architecture.md), so it spells them out."""
    assert tuple(key for key, _ in LANDMARK_CHOICES) == LANDMARK_KEYS
    assert dict(LANDMARK_CHOICES) == LANDMARK_LABELS


def test_a_leader_adds_edits_and_deletes_an_offer_shown_beside_its_landmark(
    leader_of_maple: Any, maple: District
) -> None:
    client = signed_in(leader_of_maple)
    added = client.post(
        offers_url(maple),
        {
            "name": "Microcredential: student goal-setting",
            "landmark": "student_agency",
            "earned_count": "23",
        },
        follow=True,
    )
    assert LEARNING_OFFER_ADDED in added.content.decode()
    offer = LearningOffer.objects.get(district=maple)
    assert (offer.landmark, offer.earned_count) == ("student_agency", 23)

    journey = client.get(reverse("district", args=[maple.slug])).content.decode()
    agency = landmark_block(journey, "Student agency")
    assert "Professional learning we offer" in agency
    assert "Microcredential: student goal-setting" in agency
    assert "23 staff earned it" in agency
    assert "Microcredential" not in landmark_block(journey, "Culture of innovation")

    edit = reverse("learning_offer_edit", kwargs={"slug": maple.slug, "offer_id": offer.pk})
    saved = client.post(
        edit,
        {"name": "Microcredential: goal-setting", "landmark": "culture", "earned_count": "31"},
        follow=True,
    )
    assert LEARNING_OFFER_SAVED in saved.content.decode()
    offer.refresh_from_db()
    assert (offer.name, offer.landmark, offer.earned_count) == (
        "Microcredential: goal-setting",
        "culture",
        31,
    )

    delete = reverse("learning_offer_delete", kwargs={"slug": maple.slug, "offer_id": offer.pk})
    assert client.get(delete).status_code == 200
    assert LearningOffer.objects.exists()  # a GET changes nothing
    gone = client.post(delete, follow=True)
    assert LEARNING_OFFER_DELETED in gone.content.decode()
    assert not LearningOffer.objects.exists()


def test_bad_offers_are_refused_with_the_reason(leader_of_maple: Any, maple: District) -> None:
    client = signed_in(leader_of_maple)
    LearningOffer.objects.create(district=maple, name="Coaching cycles", landmark="culture")
    cases = [
        ({"name": "", "landmark": "culture", "earned_count": "1"}, LEARNING_OFFER_NAME_MISSING),
        (
            {"name": "coaching CYCLES", "landmark": "culture", "earned_count": "1"},
            "already has an offer of this name",
        ),
        ({"name": "Labs", "landmark": "culture", "earned_count": "-1"}, "greater than or equal"),
        ({"name": "Labs", "landmark": "nowhere", "earned_count": "1"}, "Select a valid choice"),
    ]
    for data, message in cases:
        page = client.post(offers_url(maple), data)
        assert page.status_code == 200
        assert message in page.content.decode(), data
    assert LearningOffer.objects.count() == 1


def test_the_count_is_never_negative_in_the_database(maple: District) -> None:
    offer = LearningOffer.objects.create(district=maple, name="Labs", landmark="operations")
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningOffer.objects.filter(pk=offer.pk).update(earned_count=-1)


def test_a_consultant_reads_the_offers_but_only_leaders_change_them(
    consultant_for_maple_and_oak: Any, maple: District
) -> None:
    offer = LearningOffer.objects.create(district=maple, name="Labs", landmark="operations")
    client = signed_in(consultant_for_maple_and_oak)
    page = client.get(offers_url(maple)).content.decode()
    assert "Labs" in page
    assert 'name="earned_count"' not in page
    assert client.post(offers_url(maple), {"name": "X", "landmark": "culture"}).status_code == 403
    for name in ("learning_offer_edit", "learning_offer_delete"):
        url = reverse(name, kwargs={"slug": maple.slug, "offer_id": offer.pk})
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "Y", "landmark": "culture"}).status_code == 403
    offer.refresh_from_db()
    assert offer.name == "Labs"


def test_another_districts_offer_is_not_found(
    leader_of_maple: Any, maple: District, oak: District
) -> None:
    offer = LearningOffer.objects.create(district=oak, name="Labs", landmark="operations")
    url = reverse("learning_offer_edit", kwargs={"slug": maple.slug, "offer_id": offer.pk})
    assert signed_in(leader_of_maple).get(url).status_code == 404


def test_the_offers_page_and_journey_map_queries_do_not_grow_with_offers(
    leader_of_maple: Any, maple: District
) -> None:
    client = signed_in(leader_of_maple)
    urls = [offers_url(maple), reverse("district", args=[maple.slug])]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    LearningOffer.objects.create(district=maple, name="Offer 0", landmark="culture")
    with_one = queries()
    for index in range(1, 20):
        LearningOffer.objects.create(
            district=maple, name=f"Offer {index}", landmark=LANDMARK_KEYS[index % 4]
        )
    assert queries() == with_one
