"""A district's stage (method section 2) as SQL: the launch dates that put it at a stage on a
day, as a filter and as a sortable index. For the reads that filter or sort districts by stage.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Q, Value, When

from onpoint.method.stages import SCHOOL_YEAR_FIRST_MONTH, school_year
from onpoint.method.structure import STAGES


def stage_bounds(stage: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The launch dates (inclusive low, exclusive high; None is open) that put a district at
    `stage` on `today` (method section 2). A district with no launch date is `planning` too.

    The school year of `today` starts on July 1 of `school_year(today)`: launched since then
    (and not after today) is Year 1, in the school year before is Year 2, earlier is Year 3+.
    """
    this_year = dt.date(school_year(today), SCHOOL_YEAR_FIRST_MONTH, 1)
    last_year = this_year.replace(year=this_year.year - 1)
    tomorrow = today + dt.timedelta(days=1)
    bounds: dict[str, tuple[dt.date | None, dt.date | None]] = {
        "planning": (tomorrow, None),
        "year_1": (this_year, tomorrow),
        "year_2": (last_year, this_year),
        "year_3_plus": (None, last_year),
    }
    return bounds[stage]


def stage_q(stage: str, today: dt.date, field: str = "launch_date") -> Q:
    """Districts at `stage` on `today`, as a filter on their launch date."""
    low, high = stage_bounds(stage, today)
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lt": high})
    if stage == "planning":
        condition |= Q(**{f"{field}__isnull": True})
    return condition


def stage_index_expression(today: dt.date) -> Case:
    """The district's stage on `today` as its index in STAGES, for sorting in SQL."""
    return Case(
        *(When(stage_q(stage, today), then=Value(index)) for index, stage in enumerate(STAGES)),
        output_field=IntegerField(),
    )
