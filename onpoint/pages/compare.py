"""The consultants' compare page: the districts a person serves, filtered by stage and state,
sorted by any column, paged; the chart of their latest Onpoint scores on the national curve;
and two to six chosen districts side by side."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from districts.models import District
from districts.selectors import User, districts_consulted_by, districts_visible_to, is_consultant
from onpoint import charts, selectors
from onpoint.compare_selectors import (
    COMPARE_SORTS,
    STALE_AFTER_MONTHS,
    ComparePoint,
    CompareRow,
    compare_counts,
    compare_points,
    compare_queryset,
    compare_rows,
    points_of,
)
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    LANDMARK_LABELS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_FEW_RESPONSES,
    STAGE_LABELS,
    STAGES,
)
from onpoint.models import BenchmarkVersion
from onpoint.pages.base import PageModel
from onpoint.selectors import BenchmarkSet

# The compare page lists this many districts per page, and charts them when at most this many
# match (beyond, the chart would be a cloud: the page asks to filter instead).
COMPARE_PAGE_SIZE: Final = 50
COMPARE_CHART_LIMIT: Final = 300
SIDE_BY_SIDE_MIN: Final = 2
SIDE_BY_SIDE_MAX: Final = 6
PICK_TOO_FEW: Final = "Choose at least 2 districts to see them side by side."
PICK_TOO_MANY: Final = "Choose at most 6 districts to see them side by side."
COMPARE_CHART_TOO_MANY: Final = (
    "More than 300 districts match: filter by stage or state to see them on the chart."
)

COMPARE_COLUMNS: Final = (
    ("name", "District"),
    ("state", "State"),
    ("stage", "Stage"),
    ("onpoint", "Onpoint score"),
    ("percentile", "Percentile"),
    ("change", "Change"),
    (None, "Landmarks"),
    ("gap", "Alignment gap"),
    ("rate", "Response rate"),
    ("last", "Last campaign"),
)


class CompareForm(forms.Form):
    """The compare page's query string. Bad values fall back to the defaults: it is a GET."""

    stage = forms.ChoiceField(
        choices=[("", "Every stage"), *((s, STAGE_LABELS[s]) for s in STAGES)], required=False
    )
    state = forms.CharField(required=False, max_length=2)
    sort = forms.ChoiceField(choices=[(key, key) for key in COMPARE_SORTS], required=False)
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    page = forms.IntegerField(required=False, min_value=1)


@dataclass(frozen=True)
class CompareColumn:
    """A column heading; a sortable one links to its sort (the other order when it is the
    current sort)."""

    label: str
    key: str | None
    href: str = ""
    aria_sort: str | None = None


@dataclass(frozen=True)
class SideBySide:
    """The chosen districts (`picks`), and their chart or why there is none."""

    picks: set[str]
    error: str
    chart: charts.Chart | None


@dataclass(frozen=True)
class ComparePage(PageModel):
    form: CompareForm
    stage: str
    state: str
    sort: str
    order: str
    stages: list[tuple[str, str]]
    states: list[str]
    columns: list[CompareColumn]
    rows: list[CompareRow]
    page: Page[District]
    page_query: str
    chart: charts.Chart | None
    chart_too_many: str
    picks: set[str]
    pick_error: str
    side_by_side: charts.Chart | None
    landmark_labels: Mapping[str, str]
    benchmark_version: BenchmarkVersion | None
    sort_choices: list[tuple[str, str]]
    stale_months: int


def districts_compared_by(user: User) -> QuerySet[District]:
    """Consultants (and staff) compare the districts they serve; anyone else, their own."""
    if getattr(user, "is_staff", False) or is_consultant(user):
        return districts_consulted_by(user)
    return districts_visible_to(user)


def compare_page(*, user: User, query: QueryDict, now: dt.datetime, today: dt.date) -> ComparePage:
    """The compare page of `user` for the query string `query` (stage, state, sort, order, page,
    and the `pick`ed districts' slugs). A fixed number of queries, whatever the districts: whether
    the user consults (1), the states and how many match (1), the page (1), its rows (2), the
    current benchmarks (1, two the first time), the chart's points (1, none when every match is
    on the page or too many match to draw), and the side-by-side picks (3, none when not two to
    six)."""
    form = CompareForm(query)
    params: Mapping[str, str] = form.cleaned_data if form.is_valid() else {}
    stage = params.get("stage") or ""
    state = (params.get("state") or "").upper()
    sort = params.get("sort") or "name"
    descending = params.get("order") == "desc"
    base = districts_compared_by(user)
    queryset = compare_queryset(
        districts=base,
        now=now,
        today=today,
        stage=stage,
        state=state,
        sort=sort,
        descending=descending,
    )
    counts = compare_counts(districts=base, today=today, stage=stage, state=state)
    paginator = CountedPaginator(queryset, COMPARE_PAGE_SIZE, count=counts.matching)
    page = paginator.get_page(params.get("page") or 1)
    on_page = list(page.object_list)
    rows = compare_rows(districts=on_page, today=today)
    benchmarks = selectors.benchmarks_current()
    points = _chart_points(queryset, on_page, counts.matching)
    chosen = _side_by_side(base, picks=query.getlist("pick"), now=now, today=today)
    links = query.copy()
    links.pop("page", None)
    links.pop("pick", None)
    return ComparePage(
        form=form,
        stage=stage,
        state=state,
        sort=sort,
        order="desc" if descending else "asc",
        stages=[(s, STAGE_LABELS[s]) for s in STAGES],
        states=counts.states,
        columns=_columns(links, sort=sort, descending=descending),
        rows=rows,
        page=page,
        page_query=links.urlencode(),
        chart=_districts_chart(benchmarks, points),
        chart_too_many=COMPARE_CHART_TOO_MANY if points is None else "",
        picks=chosen.picks,
        pick_error=chosen.error,
        side_by_side=chosen.chart,
        landmark_labels=LANDMARK_LABELS,
        benchmark_version=benchmarks.version,
        sort_choices=[(key, label) for key, label in COMPARE_COLUMNS if key is not None],
        stale_months=STALE_AFTER_MONTHS,
    )


class CountedPaginator(Paginator[District]):
    """A paginator told how many districts match (compare_counts), so it does not count them
    again."""

    def __init__(self, object_list: QuerySet[District], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _chart_points(
    queryset: QuerySet[District], on_page: list[District], matching: int
) -> list[ComparePoint] | None:
    """The chart's points: none when too many districts match; the page's own rows when every
    match is on it (no query); else compare_points' one query."""
    if matching > COMPARE_CHART_LIMIT:
        return None
    if matching <= COMPARE_PAGE_SIZE:
        return points_of(
            {
                "name": d.name,
                "launch_date": d.launch_date,
                "latest_opens_at": getattr(d, "latest_opens_at", None),
                "latest_onpoint": getattr(d, "latest_onpoint", None),
            }
            for d in on_page
        )
    return compare_points(queryset=queryset, limit=COMPARE_CHART_LIMIT)


def _columns(query: QueryDict, *, sort: str, descending: bool) -> list[CompareColumn]:
    columns = []
    for key, label in COMPARE_COLUMNS:
        if key is None:
            columns.append(CompareColumn(label=label, key=None))
            continue
        active = sort == key
        link = query.copy()
        link["sort"], link["order"] = key, "desc" if active and not descending else "asc"
        columns.append(
            CompareColumn(
                label=label,
                key=key,
                href="?" + link.urlencode(),
                aria_sort=("descending" if descending else "ascending") if active else None,
            )
        )
    return columns


def _districts_chart(
    benchmarks: BenchmarkSet, points: list[ComparePoint] | None
) -> charts.Chart | None:
    """The districts on the national curve; None when too many match to draw them."""
    if points is None:
        return None
    return charts.districts_on_the_curve(
        key="districts",
        benchmarks=_stage_benchmarks(benchmarks, ONPOINT),
        points=[
            charts.StagePoint(stage=p.stage, label=p.name, score=_point_score(p)) for p in points
        ],
    )


def _side_by_side(
    base: QuerySet[District], *, picks: list[str], now: dt.datetime, today: dt.date
) -> SideBySide:
    """Two to six of the districts, chosen by slug: their scores side by side (3 queries), or
    why not (none when fewer or more were chosen)."""
    chosen_slugs = set(picks)
    if not picks:
        return SideBySide(picks=chosen_slugs, error="", chart=None)
    if len(chosen_slugs) < SIDE_BY_SIDE_MIN:
        return SideBySide(picks=chosen_slugs, error=PICK_TOO_FEW, chart=None)
    if len(chosen_slugs) > SIDE_BY_SIDE_MAX:
        return SideBySide(picks=chosen_slugs, error=PICK_TOO_MANY, chart=None)
    chosen = list(compare_queryset(districts=base.filter(slug__in=picks), now=now, today=today))
    if len(chosen) < SIDE_BY_SIDE_MIN:
        return SideBySide(picks=chosen_slugs, error=PICK_TOO_FEW, chart=None)
    chart = charts.side_by_side(
        key="side-by-side",
        districts=[
            charts.NamedScores(
                name=row.district.name, scores=row.latest.scores if row.latest else {}
            )
            for row in compare_rows(districts=chosen, today=today)
        ],
    )
    return SideBySide(picks=chosen_slugs, error="", chart=chart)


def _stage_benchmarks(benchmarks: BenchmarkSet, score_key: str) -> dict[str, Benchmark]:
    """One score key's benchmark at each stage."""
    return {stage: benchmarks.stages[stage][score_key] for stage in STAGES}


def _point_score(point: ComparePoint) -> Score:
    if point.onpoint is not None:
        # Stored reported scores have n >= 5 (database constraint); n is not shown here.
        return Score.shown(point.onpoint, MIN_REPORTED_N)
    return Score.suppressed(0, REASON_FEW_RESPONSES)
