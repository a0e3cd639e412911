"""The dashboard of a released campaign that fewer than 5 people answered (issue 14): it says "not
enough answers" once, keeps the landmarks that do not wait for answers and a short table of the
stage's benchmarks, in English and Spanish; and the query counts of the campaign's two results
pages, pinned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from districts.models import District
from onpoint import benchmark_rebuild
from surveys.models import Campaign
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    closed_campaign,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)
from tests.surveys.conftest import campaign_of

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"
SAYS = {
    "en": {
        "not_enough": "Not enough answers",
        "fewer": "Fewer than 5 people answered this campaign",
        "no_one": "No one answered this campaign",
        "judged": "Landmarks that do not wait for answers",
        "benchmarks": "National benchmarks at Year 1",
        "report": "Board report (PDF)",
    },
    "es": {
        "not_enough": "No hay suficientes respuestas",
        "fewer": "Menos de 5 personas respondieron esta campaña",
        "no_one": "Nadie respondió esta campaña",
        "judged": "Hitos que no dependen de las respuestas",
        "benchmarks": "Puntos de referencia nacionales en Year 1",
        "report": "Informe para la junta (PDF)",
    },
}


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def dashboard_url(campaign: Campaign) -> str:
    return reverse("campaign_dashboard", args=[campaign.district.slug, campaign.pk])


def visible_text(response: Any) -> str:
    body = re.sub(r"<script\b.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).replace("&#x27;", "'").split())


@pytest.fixture
def year_one(maple: District) -> District:
    maple.launch_date = launched_for("year_1")
    maple.save(update_fields=["launch_date"])
    peer_districts(5)
    return maple


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("answers", [3, 0], ids=["three answers", "no answer"])
def test_the_empty_dashboard_says_not_enough_answers_once(
    year_one: District, leader_of_maple: Any, language: str, answers: int
) -> None:
    campaign = scored(
        closed_campaign(year_one, name="Quiet survey", expected_responses=40),
        [(uniform(4), "teacher", None)] * answers,
    )
    benchmark_rebuild.benchmarks_rebuild()
    page = signed_in(leader_of_maple, language).get(dashboard_url(campaign))
    assert page.status_code == 200
    text, body = visible_text(page), page.content.decode()
    says = SAYS[language]
    assert text.count(says["not_enough"]) == 1
    assert text.lower().count("enough answers") <= 1
    assert "does not have enough answers" not in text  # no landmark repeats it
    assert (says["fewer"] if answers else says["no_one"]) in text
    # What remains worth reading: landmark 3 (Year 1, "not yet") and the stage's benchmarks.
    assert says["judged"] in text
    # Landmarks are put into words when read, in the reader's language (issue 12).
    with translation.override(language):
        assert gettext("Student agency becomes the focus from Year 2 on.") in text
    assert says["benchmarks"] in text
    table = re.search(r'<table class="data data--compact">.*?</table>', body, re.S)
    assert table is not None
    assert table.group(0).count('<th scope="col"') == 3
    assert table.group(0).count('<th scope="row">') == 14
    # No chart says it again, and the board report is still offered.
    assert 'class="chart"' not in body
    assert says["report"] in text
    # No warning of a low rate before any answer.
    assert ("may not represent the staff" in text) == bool(answers)


def test_a_campaign_with_enough_answers_shows_every_section(
    year_one: District, leader_of_maple: Any
) -> None:
    campaign = scored(
        closed_campaign(year_one, name="Busy survey"), [(uniform(4), "teacher", None)] * 6
    )
    benchmark_rebuild.benchmarks_rebuild()
    text = visible_text(signed_in(leader_of_maple).get(dashboard_url(campaign)))
    assert "Not enough answers" not in text
    assert "Every score of this campaign" in text
    assert "The four landmarks" in text


def test_the_results_pages_read_a_fixed_number_of_queries(
    year_one: District, leader_of_maple: Any, django_assert_num_queries: Any
) -> None:
    released = maple_campaign_with_a_school_of_three(year_one)
    benchmark_rebuild.benchmarks_rebuild()
    running = campaign_of(year_one, name="Running survey", expected_responses=30)
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the district (district_for), 4 the campaign, 5 the user's memberships
    # of the district (the school a principal is kept to, issue 15, and whether they lead it:
    # the staff comments link, issue 16), 6 its result with its benchmark version and 7 its
    # group scores (campaign_scores), 8 the district's campaigns with their results and whole
    # scores, 9 the version's benchmarks (read once per process: the first page since the
    # rebuild), 10 the districts for the header's switcher, 11 the audit log's row (written
    # at once in the embedded mode)
    with django_assert_num_queries(11):
        assert client.get(dashboard_url(released)).status_code == 200
    # 1 session, 2 user, 3 the district, 4 the campaign, 5 the user's memberships
    # (campaign_reader_of), 6 the counts by school and 7 the district's schools (participation),
    # 8 the switcher, 9 the audit log's row
    with django_assert_num_queries(9):
        assert client.get(dashboard_url(running)).status_code == 200
    for index in range(4):
        scored(
            closed_campaign(year_one, days_ago=300 + index, name=f"Old {index}"),
            [(uniform(3), "coach", None)] * 5,
        )
    benchmark_rebuild.benchmarks_rebuild()
    with django_assert_num_queries(11):
        assert client.get(dashboard_url(released)).status_code == 200
