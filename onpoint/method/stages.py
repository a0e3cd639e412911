"""Implementation stages (method section 2)."""

from __future__ import annotations

from datetime import date, datetime

# Method section 2: "A school year starts on July 1".
SCHOOL_YEAR_FIRST_MONTH = 7

DATETIME_NOT_DATE = (
    "stage_of takes dates: convert opens_at to a date in the district's time zone first"
)


def school_year(d: date) -> int:
    """The calendar year in which the school year containing `d` began."""
    return d.year if d.month >= SCHOOL_YEAR_FIRST_MONTH else d.year - 1


def stage_of(launch_date: date | None, opens_on: date) -> str:
    """The stage of a campaign opening on `opens_on` in a district launched on `launch_date`.

    `opens_on` is the campaign's `opens_at` converted to a date by the caller, in the time zone
    the district's dates are kept in. A `datetime` raises `TypeError`: whether 00:30 UTC on
    July 1 is still June somewhere is the caller's decision, not a silent one made here.
    """
    if isinstance(opens_on, datetime) or isinstance(launch_date, datetime):
        raise TypeError(DATETIME_NOT_DATE)
    if launch_date is None or opens_on < launch_date:
        return "planning"
    years_of_implementation = school_year(opens_on) - school_year(launch_date) + 1
    if years_of_implementation >= 3:
        return "year_3_plus"
    if years_of_implementation == 2:
        return "year_2"
    return "year_1"
