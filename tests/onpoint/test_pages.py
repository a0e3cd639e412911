"""The dashboard pages of issue 6, read as a browser gets them (Django's test client): what they
show, what they never show (a school of 3), who gets 404, and their query counts.

The world: Maple, Oak and four peer districts in Year 1 with closed, scored campaigns, and the
national benchmarks built from them (6 districts: published). Maple's campaign has a school of 3
responses. The clock is pinned so stages and "closed" hold on any day.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District, Milestone, PathPlace
from onpoint import benchmark_rebuild, charts, selectors
from onpoint.method.structure import LANDMARK_KEYS, LANDMARK_STATUS_LABELS, ONPOINT, STAGE_LABELS
from onpoint.models import Benchmark as BenchmarkRow
from onpoint.models import BenchmarkVersion
from onpoint.pages.compare import PICK_TOO_FEW, PICK_TOO_MANY
from surveys.models import Campaign
from tests.clients import signed_in
from tests.factories import UserFactory
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    OPEN_SCHOOL,
    PARTNER_SCHOOL,
    TINY_SCHOOL,
    TINY_VALUES,
    campaigns_for,
    closed_campaign,
    district_at,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@dataclass
class World:
    maple: District
    oak: District
    campaign: Campaign
    oak_campaign: Campaign
    peers: list[District]


@pytest.fixture
def world(
    maple: District,
    oak: District,
    leader_of_maple: Any,
    leader_of_oak: Any,
    consultant_for_maple_and_oak: Any,
) -> World:
    for district in (maple, oak):
        district.launch_date = launched_for("year_1")
        district.save(update_fields=["launch_date"])
    campaign = maple_campaign_with_a_school_of_three(maple)
    oak_campaign = scored(
        closed_campaign(oak, name="Oak survey", expected_responses=10),
        [(uniform(3), "teacher", None)] * 6,
    )
    peers = peer_districts(4)
    benchmark_rebuild.benchmarks_rebuild()
    return World(maple=maple, oak=oak, campaign=campaign, oak_campaign=oak_campaign, peers=peers)


def dashboard_url(campaign: Campaign, slug: str | None = None) -> str:
    return reverse(
        "campaign_dashboard",
        kwargs={"slug": slug or campaign.district.slug, "campaign_id": campaign.pk},
    )


def csv_url(campaign: Campaign, slug: str | None = None) -> str:
    return reverse(
        "campaign_scores_csv",
        kwargs={"slug": slug or campaign.district.slug, "campaign_id": campaign.pk},
    )


def text_of(response: Any) -> str:
    """The page's visible text, roughly: tags dropped, entities decoded, spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def figures_of(response: Any) -> dict[str, dict[str, Any]]:
    """Every chart's figure, as the page embeds it (json_script), by element id."""
    body = response.content.decode()
    return {
        match.group(1): json.loads(match.group(2))
        for match in re.finditer(
            r'<script id="([\w-]+-figure)" type="application/json">(.*?)</script>', body, re.S
        )
    }


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def numbers_in(value: Any) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from numbers_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers_in(item)


# --- the district's journey map ----------------------------------------------------------------


def test_journey_map_shows_stage_path_timeline_landmarks_and_milestones(
    world: World, leader_of_maple: Any
) -> None:
    Milestone.objects.create(
        district=world.maple, happened_on=world.campaign.opens_on, text="Strong teacher buy-in"
    )
    response = signed_in(leader_of_maple).get(reverse("district", args=[world.maple.slug]))
    assert response.status_code == 200
    text = text_of(response)
    body = response.content.decode()

    assert "Year 1" in text
    # The path, with the district's own place marked.
    for label in ("Exploring it", "Trying it and still learning", "Doing it for a while"):
        assert label in text
    place = PathPlace(world.maple.path_place).label
    assert re.search(r'aria-current="step">\s*<span class="path__marker"[^>]*></span>\s*'
                     rf'<span class="path__label">{re.escape(place)}</span>', body)  # fmt: skip
    # The timeline links the campaign's dashboard.
    assert dashboard_url(world.campaign) in body
    # Each landmark: its title, status, explanation and next steps, as stored.
    stored = selectors.campaign_scores(campaign=world.campaign).landmarks
    for key in LANDMARK_KEYS:
        landmark = stored[key]
        assert landmark.title in text
        assert html.unescape(landmark.explanation) in text
        for step in landmark.next_steps:
            assert step in text
    assert text.count("Next steps") == sum(1 for k in LANDMARK_KEYS if stored[k].next_steps)
    statuses = re.findall(
        r'<span class="badge badge--(on_track|watch|not_yet|unknown)">([^<]+)</span>', body
    )
    assert [label for _, label in statuses] == [
        LANDMARK_STATUS_LABELS[stored[key].status] for key in LANDMARK_KEYS
    ]
    # Milestones, and the form to add one (a leader keeps them).
    assert "Strong teacher buy-in" in text
    assert 'action="/districts/maple-valley/milestones/"' in body
    # The Onpoint chart has its summary and "Show data" table.
    assert body.count('class="chart-card__summary"') == body.count("<summary>Show data") == 1


def test_leaders_add_edit_and_delete_milestones_and_set_their_place(
    world: World, leader_of_maple: Any
) -> None:
    client = signed_in(leader_of_maple)
    slug = world.maple.slug
    added = client.post(
        reverse("milestone_add", args=[slug]),
        {"happened_on": "2026-10-01", "text": "Piloting in six schools at once"},
    )
    assert added.status_code == 302
    milestone = Milestone.objects.get(district=world.maple)
    assert milestone.text == "Piloting in six schools at once"
    client.post(
        reverse("milestone_edit", args=[slug, milestone.pk]),
        {"happened_on": "2026-10-02", "text": "Piloting in seven schools"},
    )
    milestone.refresh_from_db()
    assert milestone.text == "Piloting in seven schools"
    future = client.post(
        reverse("milestone_add", args=[slug]), {"happened_on": "2027-01-01", "text": "Later"}
    )
    assert future.status_code == 200
    assert "already done" in future.content.decode()
    client.post(reverse("milestone_delete", args=[slug, milestone.pk]))
    assert not Milestone.objects.filter(district=world.maple).exists()

    client.post(
        reverse("district_place", args=[slug]),
        {"path_place": "helping", "listed_on_national_map": "on"},
    )
    world.maple.refresh_from_db()
    assert (world.maple.path_place, world.maple.listed_on_national_map) == ("helping", True)


def test_a_consultant_keeps_milestones_but_only_leaders_set_the_place(
    world: World, consultant_for_maple_and_oak: Any
) -> None:
    client = signed_in(consultant_for_maple_and_oak)
    slug = world.maple.slug
    page = client.get(reverse("district", args=[slug])).content.decode()
    assert 'action="/districts/maple-valley/milestones/"' in page
    assert 'action="/districts/maple-valley/path/"' not in page
    assert (
        client.post(
            reverse("milestone_add", args=[slug]), {"happened_on": "2026-10-01", "text": "Buy-in"}
        ).status_code
        == 302
    )
    refused = client.post(reverse("district_place", args=[slug]), {"path_place": "helping"})
    assert refused.status_code == 403


# --- a campaign's dashboard ----------------------------------------------------------------------


def test_dashboard_shows_score_percentile_version_landmarks_and_every_chart(
    world: World, leader_of_maple: Any
) -> None:
    response = signed_in(leader_of_maple).get(dashboard_url(world.campaign))
    assert response.status_code == 200
    text, body = text_of(response), response.content.decode()
    stored = selectors.campaign_scores(campaign=world.campaign)
    onpoint = stored.scores[ONPOINT]
    assert onpoint.reported
    assert onpoint.value is not None

    assert f"Onpoint score {charts.whole(onpoint.value)}" in text
    rank = stored.percentile_ranks[ONPOINT]
    assert rank is not None
    assert f"{charts.percentile_text(rank)} among the 6 districts at Year 1" in text
    assert stored.benchmark_version is not None
    assert f"(version {stored.benchmark_version.pk})" in text
    assert "21 responses of 30 expected" in text
    assert "70%" in text
    for key in LANDMARK_KEYS:
        assert stored.landmarks[key].explanation in text

    # Standing, four growth curves, the role split, alignment, schools: each with a one-sentence
    # summary and a "Show data" table.
    figures = figures_of(response)
    assert set(figures) == {
        "chart-onpoint-figure",
        *(f"chart-growth-{c}-figure" for c in ("strategy", "operations", "design", "culture")),
        "chart-design-roles-figure",
        "chart-alignment-figure",
        "chart-schools-figure",
    }
    summaries = re.findall(r'class="chart-card__summary"[^>]*>([^<]+)<', body)
    assert len(summaries) == len(figures) == body.count("<summary>Show data")
    assert all(s.strip().endswith(".") and s.count(". ") == 0 for s in summaries)
    assert body.count('<table class="data">') >= len(figures)
    # The teacher's and the student's role are both drawn.
    design = figures["chart-design-roles-figure"]["data"]
    names = [trace["name"] for trace in design]
    assert any("teacher's role" in n for n in names)
    assert any("student's role" in n for n in names)
    # Alignment names roles; teachers and coaches are both reported.
    assert "Teacher" in text
    assert "Instructional coach" in text
    # The print layout: a print stylesheet and the button that opens the print dialog.
    assert "css/dashboard.css" in body
    assert "data-print" in body


def test_the_csv_carries_the_dashboards_numbers(world: World, leader_of_maple: Any) -> None:
    response = signed_in(leader_of_maple).get(csv_url(world.campaign))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    stored = selectors.campaign_scores(campaign=world.campaign)
    whole = {r["score"]: r for r in rows if r["section"] == "campaign" and r["group"] == ""}
    onpoint = stored.scores[ONPOINT]
    assert onpoint.value is not None
    assert whole[ONPOINT]["value"] == f"{round(onpoint.value, 1):.1f}"
    assert whole[ONPOINT]["n"] == "21"
    assert whole[ONPOINT]["stage"] == "Year 1"
    assert whole[ONPOINT]["benchmark_districts"] == "6"
    assert whole["responses"]["value"] == "21"
    assert whole["response_rate"]["value"] == "70.0"
    schools = {r["group"] for r in rows if r["section"] == "school"}
    assert schools == {OPEN_SCHOOL, PARTNER_SCHOOL, TINY_SCHOOL}


def _hidden_numbers(text: str) -> list[str]:
    """Any rendering of the hidden groups' values: one decimal (CSV, chart data), or more."""
    found = []
    for value in TINY_VALUES:
        for shown in (f"{value:.1f}", f"{value:.2f}", f"{value:.3f}", repr(value)[:6]):
            if re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", text):
                found.append(shown)
    return found


def test_a_school_of_three_never_shows_in_the_page_its_charts_or_the_csv(
    world: World, leader_of_maple: Any
) -> None:
    """The school of 3 and its complementary partner (method section 4) are hidden everywhere:
    no value in the page's bytes, its chart JSON (data, hover text, labels) or the CSV."""
    client = signed_in(leader_of_maple)
    page = client.get(dashboard_url(world.campaign))
    download = client.get(csv_url(world.campaign))
    body = page.content.decode()

    # Nothing in the served bytes spells either hidden value, at any precision.
    assert _hidden_numbers(body) == []
    assert _hidden_numbers(download.content.decode()) == []

    # The charts: the two schools appear only with the reason, never beside a number.
    schools = figures_of(page)["chart-schools-figure"]
    for trace in schools["data"]:
        labels = trace.get("y", [])
        for name in (TINY_SCHOOL, PARTNER_SCHOOL):
            if name in labels:
                assert trace["mode"] == "text"
                assert trace["hoverinfo"] == "skip"
                assert "x" not in trace or all(x == 1 for x in trace["x"])
    for figure in figures_of(page).values():
        for string in strings_in(figure):
            if TINY_SCHOOL in string or PARTNER_SCHOOL in string:
                assert not re.search(r"\d", string), string
        assert not any(abs(n - v) < 0.05 for n in numbers_in(figure) for v in TINY_VALUES)

    # The "Show data" row of each: reasons, not numbers; and the count of 3 is not told either.
    for name, reason in (
        (TINY_SCHOOL, charts.SUPPRESSED_FEW),
        (PARTNER_SCHOOL, charts.SUPPRESSED_COMPLEMENTARY),
    ):
        found = re.search(rf'<th scope="row">{name}</th>(.*?)</tr>', body, re.S)
        assert found is not None
        cells = re.findall(r"<td>([^<]*)</td>", found.group(1))
        assert cells[:5] == [reason] * 5
        assert cells[5] == ("fewer than 5" if name == TINY_SCHOOL else "8")
    assert f'<th scope="row">{OPEN_SCHOOL}</th><td>67</td>' in body

    # The CSV: empty values, the reason, and no count under 5.
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    for row in rows:
        if row["group"] in (TINY_SCHOOL, PARTNER_SCHOOL):
            assert row["value"] == ""
            assert row["reported"] == "no"
            assert row["reason"]
            assert row["percentile_rank"] == ""
            assert row["n"] == ("" if row["group"] == TINY_SCHOOL else "8")
    assert {r["value"] for r in rows if r["group"] == OPEN_SCHOOL} == {"66.7"}


# --- compare -----------------------------------------------------------------------------------


def _compare_names(response: Any) -> list[str]:
    row_header = r'<th scope="row"><a href="/districts/[\w-]+/">([^<]+)</a></th>'
    return re.findall(row_header, response.content.decode())


def test_compare_lists_the_consultants_districts_sorted_and_filtered(
    world: World, consultant_for_maple_and_oak: Any, staff_user: Any
) -> None:
    client = signed_in(consultant_for_maple_and_oak)
    listed = client.get(reverse("compare"))
    assert _compare_names(listed) == [world.maple.name, world.oak.name]
    text = text_of(listed)
    maple = selectors.campaign_scores(campaign=world.campaign)
    oak = selectors.campaign_scores(campaign=world.oak_campaign)
    assert maple.scores[ONPOINT].value is not None
    assert oak.scores[ONPOINT].value is not None
    for scores in (maple, oak):
        rank = scores.percentile_ranks[ONPOINT]
        assert rank is not None
        assert charts.percentile_text(rank) in text
    assert "70%" in text
    assert "60%" in text
    assert "Maple spring survey" in text
    assert "Oak survey" in text

    ascending = maple.scores[ONPOINT].value < oak.scores[ONPOINT].value
    by_score = client.get(reverse("compare"), {"sort": "onpoint", "order": "desc"})
    expected = (
        [world.oak.name, world.maple.name] if ascending else [world.maple.name, world.oak.name]
    )
    assert _compare_names(by_score) == expected
    assert 'aria-sort="descending"' in by_score.content.decode()

    assert _compare_names(client.get(reverse("compare"), {"state": "TN"})) == [world.oak.name]
    assert _compare_names(client.get(reverse("compare"), {"stage": "year_2"})) == []
    assert len(_compare_names(client.get(reverse("compare"), {"stage": "year_1"}))) == 2
    # Staff see every district.
    assert len(_compare_names(signed_in(staff_user).get(reverse("compare")))) == 6


def test_compare_shows_two_to_six_chosen_districts_side_by_side(
    world: World, consultant_for_maple_and_oak: Any, staff_user: Any
) -> None:
    client = signed_in(consultant_for_maple_and_oak)
    both = client.get(reverse("compare"), {"pick": [world.maple.slug, world.oak.slug]})
    figure = figures_of(both)["chart-side-by-side-figure"]
    assert [trace["name"] for trace in figure["data"]] == [world.maple.name, world.oak.name]
    assert PICK_TOO_FEW not in both.content.decode()

    one = client.get(reverse("compare"), {"pick": [world.maple.slug]})
    assert PICK_TOO_FEW in one.content.decode()
    # A district the consultant does not serve is not picked (nor named).
    foreign = client.get(reverse("compare"), {"pick": [world.maple.slug, world.peers[0].slug]})
    assert PICK_TOO_FEW in foreign.content.decode()
    assert world.peers[0].name not in foreign.content.decode()

    staff = signed_in(staff_user)
    six = [d.slug for d in (world.maple, world.oak, *world.peers)]
    shown = staff.get(reverse("compare"), {"pick": six})
    assert len(figures_of(shown)["chart-side-by-side-figure"]["data"]) == 6
    seven = staff.get(reverse("compare"), {"pick": [*six, "one-more"]})
    assert PICK_TOO_MANY in seven.content.decode()


# --- the national benchmarks -----------------------------------------------------------------


def test_benchmarks_show_counts_percentiles_growth_shares_and_versions(
    db: None, consultant_for_maple_and_oak: Any
) -> None:
    """Five districts surveyed at Planning, Year 1 and Year 3+: Strategy Communication's median
    goes 25, 75, 100, so the share of its growth in the first year is (75-25)/(100-25) = 67%."""
    for index in range(5):
        district = district_at("year_3_plus", name=f"Long Road {index}", slug=f"long-{index}")
        assert district.launch_date is not None
        for days_ago, value in ((1500, 2), (1100, 4), (20, 5)):
            scored(
                closed_campaign(district, days_ago=days_ago, name=f"Survey {days_ago}"),
                [(uniform(value), "teacher", None)] * 5,
            )
    first = benchmark_rebuild.benchmarks_rebuild().version
    # A later Year 3+ campaign of one district changes its cohort value: a new version.
    scored(closed_campaign(district, days_ago=10, name="Later"), [(uniform(4), "coach", None)] * 5)
    current = benchmark_rebuild.benchmarks_rebuild().version
    assert current.pk != first.pk

    response = signed_in(consultant_for_maple_and_oak).get(reverse("national_benchmarks"))
    text = text_of(response)
    p50 = {
        row.stage: row.p50 for row in BenchmarkRow.objects.filter(version=current, key="strategy")
    }
    assert (p50["planning"], p50["year_1"], p50["year_3_plus"]) == (25.0, 75.0, 100.0)
    assert "67% for Strategy Communication" in text
    assert "67%" in text_of(response).split("Share in the first year")[1]
    # Counts and percentiles per stage; Year 2 has no district and is not published.
    assert re.search(
        r"Planning Score Districts Mean 10th 25th Median 75th 90th "
        r"Onpoint score 5 25 25 25 25 25 25",
        text,
    )
    assert (
        "Year 2 Score Districts Mean 10th 25th Median 75th 90th Onpoint score 0 not published"
        in text
    )
    # The version history, newest first, the current one marked.
    assert re.search(rf"{current.pk} \(current\) .*? {first.pk} ", text)
    assert BenchmarkVersion.objects.count() == 2


# --- the national map --------------------------------------------------------------------------


def test_the_national_map_counts_districts_and_names_only_those_listed(
    world: World, leader_of_maple: Any
) -> None:
    world.oak.path_place = "doing"
    world.oak.listed_on_national_map = False
    world.oak.save()
    listed = world.peers[0]
    listed.listed_on_national_map = True
    listed.save()
    Milestone.objects.create(
        district=world.oak, happened_on=world.campaign.opens_on, text="Oak's quiet win"
    )

    response = signed_in(leader_of_maple).get(reverse("national_map"))
    text = text_of(response)
    assert "Where the 6 districts on Journeys are" in text
    assert "Oak's quiet win" in text
    assert world.oak.name not in text
    assert "Tennessee" not in text
    assert "A district · Year 1" in text
    assert f"{listed.name}, Washington" in text  # its milestone, named
    for peer in world.peers[1:]:
        assert peer.name not in text
    figure = figures_of(response)["chart-places-figure"]
    totals = {trace["name"]: sum(trace["y"]) for trace in figure["data"]}
    assert totals["Doing it for a while"] == 1
    assert sum(totals.values()) == 6
    assert "6 Year 1" in text


# --- who may see what ------------------------------------------------------------------------


def test_a_leader_of_another_district_gets_404_on_every_page_and_csv(
    world: World, leader_of_oak: Any
) -> None:
    client = signed_in(leader_of_oak)
    milestone = Milestone.objects.create(
        district=world.maple, happened_on=world.campaign.opens_on, text="Maple's own"
    )
    slug = world.maple.slug
    gets = [
        reverse("district", args=[slug]),
        dashboard_url(world.campaign),
        csv_url(world.campaign),
        # Maple's campaign under Oak's own slug is not found either.
        dashboard_url(world.campaign, slug=world.oak.slug),
        csv_url(world.campaign, slug=world.oak.slug),
        reverse("milestone_edit", args=[slug, milestone.pk]),
        reverse("milestone_delete", args=[slug, milestone.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("milestone_add", args=[slug]),
        reverse("district_place", args=[slug]),
        reverse("milestone_edit", args=[slug, milestone.pk]),
        reverse("milestone_delete", args=[slug, milestone.pk]),
    ]
    for url in posts:
        assert client.post(url, {"text": "x", "path_place": "helping"}).status_code == 404, url
    assert Milestone.objects.get(pk=milestone.pk).text == "Maple's own"
    world.maple.refresh_from_db()
    assert world.maple.path_place != "helping"
    # Oak's own pages answer, and Maple is on none of them.
    for url in (reverse("district", args=[world.oak.slug]), dashboard_url(world.oak_campaign)):
        response = client.get(url)
        assert response.status_code == 200
        assert world.maple.name not in response.content.decode()
    assert world.maple.name not in client.get(reverse("compare")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    for url in (
        reverse("district", args=[world.maple.slug]),
        dashboard_url(world.campaign),
        csv_url(world.campaign),
        reverse("compare"),
        reverse("national_benchmarks"),
        reverse("national_map"),
    ):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


# --- query counts: the same with 3 as with 30 ------------------------------------------------


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def warmed(client: Client, urls: list[str]) -> None:
    """Each page read once: the process keeps the benchmark versions' rows it has read
    (onpoint.selectors), so the counts that follow are a page's from then on, whichever version
    a rebuild made."""
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_journey_map_dashboard_and_csv_query_counts_do_not_grow_with_campaigns(
    maple: District, leader_of_maple: Any
) -> None:
    launched = launched_for("year_2")
    assert launched is not None
    maple.launch_date = launched
    maple.save(update_fields=["launch_date"])
    Milestone.objects.create(district=maple, happened_on=launched, text="First")
    campaigns_for(maple, 3)
    benchmark_rebuild.benchmarks_rebuild()
    latest = Campaign.objects.filter(district=maple).latest("opens_at")
    client = signed_in(leader_of_maple)
    urls = [reverse("district", args=[maple.slug]), dashboard_url(latest), csv_url(latest)]
    warmed(client, urls)
    with_three = [queries(client, url) for url in urls]

    campaigns_for(maple, 27, start=3)
    for index in range(27):
        Milestone.objects.create(district=maple, happened_on=launched, text=f"M{index}")
    benchmark_rebuild.benchmarks_rebuild()
    latest = Campaign.objects.filter(district=maple).latest("opens_at")
    urls = [reverse("district", args=[maple.slug]), dashboard_url(latest), csv_url(latest)]
    assert Campaign.objects.filter(district=maple).count() == 30
    warmed(client, urls)
    assert [queries(client, url) for url in urls] == with_three


def test_compare_benchmarks_and_map_query_counts_do_not_grow_with_districts(db: None) -> None:
    consultant = UserFactory(username="busy.consultant")
    peer_districts(3, consultant=consultant)
    benchmark_rebuild.benchmarks_rebuild()
    client = signed_in(consultant)
    all_picked = "&".join(f"pick=peer-{i:02d}" for i in range(3))
    urls = [
        reverse("compare"),
        reverse("compare") + "?sort=onpoint&order=desc&stage=year_1&state=WA&" + all_picked,
        reverse("national_benchmarks"),
        reverse("national_map"),
    ]
    warmed(client, urls)
    with_three = [queries(client, url) for url in urls]

    peers = peer_districts(27, consultant=consultant, start=3)
    for district in peers[:10]:
        district.listed_on_national_map = True
        district.save(update_fields=["listed_on_national_map"])
    benchmark_rebuild.benchmarks_rebuild()
    scored(closed_campaign(peers[0], days_ago=5), [(uniform(4), "teacher", None)] * 5)
    benchmark_rebuild.benchmarks_rebuild()
    assert BenchmarkVersion.objects.count() >= 3
    warmed(client, urls)
    assert [queries(client, url) for url in urls] == with_three


def test_stage_labels_cover_the_timeline(world: World, leader_of_maple: Any) -> None:
    """The journey map's timeline names every stage, the current one marked "now"."""
    text = text_of(signed_in(leader_of_maple).get(reverse("district", args=[world.maple.slug])))
    for label in STAGE_LABELS.values():
        assert label in text
    assert "Year 1 now" in text
