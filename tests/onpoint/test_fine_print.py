"""Method section 9: "A campaign is closed when closes_at <= now; it is open when
opens_at <= now < closes_at", at the exact instants, and what that means for the benchmarks.
No database: unsaved model instances only."""

from __future__ import annotations

import datetime as dt

import pytest

from districts.models import District
from onpoint.method.benchmarks import eligible
from onpoint.method.scoring import Score
from onpoint.method.structure import SCORE_KEYS
from onpoint.standing import campaign_facts
from surveys.models import Campaign

OPENS = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2025, 3, 15, 17, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)


def campaign() -> Campaign:
    district = District(name="Fine Print", launch_date=dt.date(2024, 8, 1))
    return Campaign(pk=1, district=district, opens_at=OPENS, closes_at=CLOSES)


@pytest.mark.parametrize(
    ("now", "is_open", "is_closed"),
    [
        (OPENS - TICK, False, False),  # scheduled
        (OPENS, True, False),  # opens_at <= now
        (CLOSES - TICK, True, False),
        (CLOSES, False, True),  # closes_at <= now: closed at the very instant
        (CLOSES + TICK, False, True),
    ],
)
def test_open_and_closed_at_the_exact_instants(
    now: dt.datetime, is_open: bool, is_closed: bool
) -> None:
    assert campaign().is_open(now) is is_open
    assert campaign().is_closed(now) is is_closed


@pytest.mark.parametrize(("now", "expected"), [(CLOSES - TICK, False), (CLOSES, True)])
def test_a_campaign_joins_the_benchmarks_at_the_instant_it_closes(
    now: dt.datetime, expected: bool
) -> None:
    scores = {key: Score.shown(50.0, 20) for key in SCORE_KEYS}
    facts = campaign_facts(campaign(), scores, now=now)
    assert facts.stage == "year_1"
    assert eligible(facts) is expected
