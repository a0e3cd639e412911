"""Nothing the app shows reveals a group of fewer than 5 respondents.

Hypothesis generates campaigns (a few schools, a few roles, small groups, skipped items), the
real recompute scores them, and the test reads every number a person can see: the scores API,
the CSV export and the dashboard's charts and data tables. Then it attacks them as a curious
reader would: for each breakdown (by school, by role) and each score, the campaign's mean times
its n, minus every shown group's mean times its n, is the sum of the hidden groups' answers; it
must cover 0 or at least 5 responses. The count of hidden responses comes from the stored
responses themselves, not from the n the app prints, so a wrong n cannot hide a leak.

What the property does not cover (docs/decisions.md, "Anonymity across breakdowns"): method v1's
complementary suppression works within one breakdown. Combining the school breakdown with the
role breakdown can, for some campaigns, isolate the people of one role at one school.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from html import unescape
from typing import Any, cast

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from districts.models import School
from onpoint import rescore
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    DIMENSIONS,
    MIN_REPORTED_N,
    ONPOINT,
    ROLE_LABELS,
)
from surveys.models import Campaign, Response
from tests.factories import DistrictFactory, SchoolFactory
from tests.onpoint.builders import closed_campaign_of, random_answers, store

SCHOOL_NAMES = ("Aspen Elementary", "Birch Middle", "Cedar High", "Unspecified")
ROLES = ("teacher", "coach", "school_leader")
# Keys differenced: the mean of a category or a dimension is a mean over responses. The Onpoint
# score of a group is the mean of its category scores, not of its responses, and is reported
# only when they all are: it reveals nothing its categories do not.
AVERAGED_KEYS = (*CATEGORY_KEYS, *DIMENSIONS)
# A shown value at one decimal (API, CSV) or whole (page) against the full precision behind it.
PAGE_TOLERANCE = 0.5 + 0.05 + 1e-9
EXAMPLES = 30


@dataclass(frozen=True)
class Sheet:
    role: str
    school: int | None  # index into the campaign's schools; None: no school named
    seed: int
    skip: float


sheet = st.builds(
    Sheet,
    role=st.sampled_from(ROLES),
    school=st.one_of(st.none(), st.integers(0, 2)),
    seed=st.integers(0, 2**16),
    # Most sheets answer most items; some skip most, so that one score's n differs from
    # another's and a group can be small for one score only.
    skip=st.sampled_from((0.0, 0.1, 0.6, 0.95)),
)
# Campaigns of every size from 1 to 40, not mostly tiny ones: a campaign under 5 responses
# shows no number at all, and the interesting ones mix groups of 1 to 4 with bigger ones.
sheets = st.integers(1, 40).flatmap(lambda n: st.lists(sheet, min_size=n, max_size=n))


def build_campaign(drawn: list[Sheet], n_schools: int) -> Campaign:
    district: Any = DistrictFactory()
    schools: list[School] = [
        cast(School, SchoolFactory(district=district, name=name))
        for name in SCHOOL_NAMES[: n_schools + 1]
    ]
    campaign = closed_campaign_of(district)
    store(
        campaign,
        [
            (
                random_answers(random.Random(sheet.seed), skip=sheet.skip),
                sheet.role,
                schools[sheet.school % len(schools)] if sheet.school is not None else None,
            )
            for sheet in drawn
        ],
    )
    rescore.campaign_rescore(campaign=campaign)
    return campaign


# --- what the app shows --------------------------------------------------------------------


@dataclass
class Shown:
    """One breakdown's groups as the API shows them, for one score key."""

    whole_value: float | None
    whole_n: int
    groups: dict[str, tuple[float | None, int]]  # name -> (value or None, n)


def api_breakdowns(body: dict[str, Any]) -> dict[tuple[str, str], Shown]:
    shown = {}
    for breakdown, name_field in (("by_school", "school"), ("by_role", "role")):
        for key in (ONPOINT, *AVERAGED_KEYS):
            whole = body["scores"][key]
            shown[breakdown, key] = Shown(
                whole_value=whole["value"],
                whole_n=whole["n"],
                groups={
                    group[name_field]: (group["scores"][key]["value"], group["scores"][key]["n"])
                    for group in body[breakdown]
                },
            )
    return shown


def csv_numbers(text: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(section, group, score) -> (value, n) of every score row of the export."""
    rows = csv.DictReader(io.StringIO(text))
    return {
        (row["section"], row["group"], row["score"]): (row["value"], row["n"])
        for row in rows
        if row["section"] in {"campaign", "school", "role"} and row["label"]
    }


FIGURE = re.compile(
    r'<script id="chart-(?P<key>[\w-]+)-figure" type="application/json">(.*?)</script>'
)
TABLE = re.compile(
    r'<div class="chart" id="chart-(?P<key>[\w-]+)".*?<table class="data">(.*?)</table>', re.S
)
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


def page_figures(html: str) -> dict[str, dict[str, Any]]:
    return {match["key"]: json.loads(match[2]) for match in FIGURE.finditer(html)}


def page_tables(html: str) -> dict[str, list[list[str]]]:
    return {
        match["key"]: [
            [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in CELL.findall(row)]
            for row in ROW.findall(match[2])
        ]
        for match in TABLE.finditer(html)
    }


def number_in(text: str) -> float | None:
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None


# --- the ground truth --------------------------------------------------------------------------


def present_by_group(campaign: Campaign) -> dict[tuple[str, str], dict[str, int]]:
    """(breakdown, key) -> group name -> how many stored responses have that score."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = Response.objects.filter(campaign=campaign).values("role", "school__name", *AVERAGED_KEYS)
    for row in rows:
        school = row["school__name"]
        school_group = "Unspecified" if school is None else school
        if school == "Unspecified":
            school_group = "Unspecified (school)"
        for key in AVERAGED_KEYS:
            if row[key] is not None:
                counts["by_school", key][school_group] += 1
                counts["by_role", key][row["role"]] += 1
    return counts


# --- the property ------------------------------------------------------------------------------


@pytest.mark.django_db
@given(drawn=sheets, n_schools=st.integers(0, 3))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_differencing_of_what_the_app_shows_reveals_fewer_than_5(
    drawn: list[Sheet], n_schools: int, staff_user: Any
) -> None:
    campaign = build_campaign(drawn, n_schools)
    client = Client()
    client.force_login(staff_user)
    body = client.get(f"/api/v1/campaigns/{campaign.pk}/scores/").json()
    prefix = f"/districts/{campaign.district.slug}/campaigns/{campaign.pk}/"
    export = client.get(prefix + "scores.csv")
    page = client.get(prefix)
    assert export.status_code == 200
    assert page.status_code == 200

    shown = api_breakdowns(body)
    truth = present_by_group(campaign)
    attacks = 0
    for (breakdown, key), seen in shown.items():
        for name, (value, n) in seen.groups.items():
            assert value is None or n >= MIN_REPORTED_N, (breakdown, key, name, n)
        if key == ONPOINT or seen.whole_value is None:
            continue
        # The attack: whole minus shown groups is the hidden groups' sum, over this many.
        shown_names = {name for name, (value, _) in seen.groups.items() if value is not None}
        hidden_true = sum(
            count for name, count in truth[breakdown, key].items() if name not in shown_names
        )
        hidden_by_app = seen.whole_n - sum(seen.groups[name][1] for name in shown_names)
        assert hidden_by_app == hidden_true, (breakdown, key, "the n shown is not the truth")
        assert hidden_true == 0 or hidden_true >= MIN_REPORTED_N, (
            f"{breakdown} {key}: the whole minus the shown groups reveals {hidden_true} "
            f"response(s): {seen}"
        )
        attacks += 1
        if hidden_true:
            event("a differencing attack met hidden groups (of 5 or more together)")

    assert_csv_shows_only_what_the_api_reports(body, export.content.decode())
    assert_page_shows_only_what_the_api_reports(body, page.content.decode())
    if body["scores"]["vision"]["reported"]:
        assert attacks, "the whole campaign is shown but no breakdown was attacked"
    event(f"campaign of {'1-9' if len(drawn) < 10 else '10-40'} responses")
    event(f"differencing attacks per campaign: {attacks}")


def assert_csv_shows_only_what_the_api_reports(body: dict[str, Any], text: str) -> None:
    numbers = csv_numbers(text)
    api: dict[tuple[str, str, str], dict[str, Any]] = {}
    for key, score in body["scores"].items():
        api["campaign", "", key] = score
    for group in body["by_school"]:
        for key, score in group["scores"].items():
            name = group["school"]
            api["school", f"'{name}" if name.startswith(("=", "+", "-", "@")) else name, key] = (
                score
            )
    for group in body["by_role"]:
        for key, score in group["scores"].items():
            api["role", ROLE_LABELS[group["role"]], key] = score
    for where, (value, n) in numbers.items():
        if where[2] in {"responses", "expected_responses", "response_rate"}:
            continue
        score = api[where]
        assert (value != "") == score["reported"], where
        if value:
            assert float(value) == score["value"], where
        assert n == "" or int(n) >= MIN_REPORTED_N, where


def assert_page_shows_only_what_the_api_reports(body: dict[str, Any], html: str) -> None:  # noqa: C901 - one walk over every figure and table of the page
    figures = page_figures(html)
    tables = page_tables(html)
    if not body["scores"][ONPOINT]["reported"]:
        # Fewer than 5 answered the whole campaign: the page says "not enough answers" once and
        # draws no chart and no breakdown (issue 14).
        assert figures == {}, "a campaign of fewer than 5 responses draws no chart"
        assert tables == {}, "a campaign of fewer than 5 responses has no breakdown table"
        return
    by_school = {group["school"]: group["scores"] for group in body["by_school"]}
    by_role = {ROLE_LABELS[group["role"]]: group["scores"] for group in body["by_role"]}
    label_key = {label: key for key, label in CATEGORY_LABELS.items()}

    # The schools chart: a bar per school with an Onpoint score, a table of every school.
    for trace in figures["schools"]["data"]:
        if trace["type"] == "bar":
            for name, value in zip(trace["y"], trace["x"], strict=True):
                score = by_school[name][ONPOINT]
                assert score["reported"], name
                assert abs(value - score["value"]) <= PAGE_TOLERANCE, name
    header, *rows = tables["schools"]
    keys = [ONPOINT, *CATEGORY_KEYS]
    for row in rows:
        name, cells = row[0], row[1 : 1 + len(keys)]
        for key, cell in zip(keys, cells, strict=True):
            assert_cell_matches(by_school[name][key], cell, (name, key))
        responses = number_in(row[-1])
        assert responses is None or responses >= MIN_REPORTED_N, (name, row[-1])

    # The alignment chart: a trace per role, a dot per category it reports.
    for trace in figures["alignment"]["data"]:
        if trace.get("mode") != "markers":
            continue
        for label, value in zip(trace["y"], trace["x"], strict=True):
            score = by_role[trace["name"]][label_key[label.removesuffix(" (divided)")]]
            assert score["reported"], (trace["name"], label)
            assert abs(value - score["value"]) <= PAGE_TOLERANCE, (trace["name"], label)
    header, *rows = tables["alignment"]
    roles = header[1:-2]
    for row in rows:
        key = label_key[row[0].removesuffix(" (divided)")]
        for role, cell in zip(roles, row[1:-2], strict=True):
            assert_cell_matches(by_role[role][key], cell, (role, key))


def assert_cell_matches(score: dict[str, Any], cell: str, where: Any) -> None:
    value = number_in(cell)
    assert (value is not None) == score["reported"], (where, cell)
    if value is not None:
        assert abs(value - score["value"]) <= PAGE_TOLERANCE, (where, cell)
