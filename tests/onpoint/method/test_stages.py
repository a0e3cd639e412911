"""Method section 2: school years and implementation stages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from onpoint.method.stages import DATETIME_NOT_DATE, school_year, stage_of


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 7, 1), 2024),
        (date(2024, 6, 30), 2023),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
    ],
)
def test_a_school_year_starts_on_july_1(day: date, expected: int) -> None:
    assert school_year(day) == expected


def test_a_district_without_a_launch_date_is_planning() -> None:
    assert stage_of(None, date(2030, 1, 1)) == "planning"


def test_a_campaign_the_day_before_launch_is_planning() -> None:
    assert stage_of(date(2024, 8, 15), date(2024, 8, 14)) == "planning"


def test_a_campaign_a_year_before_launch_is_planning() -> None:
    assert stage_of(date(2024, 8, 15), date(2023, 9, 1)) == "planning"


def test_a_campaign_on_launch_day_is_year_1() -> None:
    assert stage_of(date(2024, 8, 15), date(2024, 8, 15)) == "year_1"


def test_a_campaign_on_june_30_after_an_august_launch_is_still_year_1() -> None:
    assert stage_of(date(2024, 8, 15), date(2025, 6, 30)) == "year_1"


def test_a_campaign_on_july_1_after_an_august_launch_is_year_2() -> None:
    assert stage_of(date(2024, 8, 15), date(2025, 7, 1)) == "year_2"


def test_a_june_launch_reaches_year_2_on_the_next_july_1() -> None:
    # Counted in school years, not in years since launch: June 2024 is school year 2023.
    assert stage_of(date(2024, 6, 1), date(2024, 6, 30)) == "year_1"
    assert stage_of(date(2024, 6, 1), date(2024, 7, 1)) == "year_2"


@pytest.mark.parametrize("opens_on", [date(2026, 7, 1), date(2027, 3, 1), date(2040, 1, 1)])
def test_the_third_school_year_and_later_are_year_3_plus(opens_on: date) -> None:
    assert stage_of(date(2024, 8, 15), opens_on) == "year_3_plus"


def test_a_campaign_in_the_last_days_of_the_second_school_year_is_year_2() -> None:
    assert stage_of(date(2024, 8, 15), date(2026, 6, 30)) == "year_2"


def test_rejects_a_datetime_so_the_caller_chooses_the_time_zone() -> None:
    with pytest.raises(TypeError, match=DATETIME_NOT_DATE):
        stage_of(None, datetime(2024, 7, 1, 0, 30, tzinfo=UTC))
    with pytest.raises(TypeError, match=DATETIME_NOT_DATE):
        stage_of(datetime(2024, 7, 1, tzinfo=UTC), date(2024, 7, 2))
