"""A database made before districts existed keeps every row through the move of journeys' models.

The migrations are run for real: back to the leaves of the graph before the move (journeys still
holding District, School and the rest, on journeys_* tables), rows are written through the
historical models, then forward to today's leaves; the same rows are found through today's
models, on districts_* tables. Run on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from districts.models import AuditEvent, District, LoginFailure, Membership, Milestone, School
from surveys.models import Campaign, Response

# The leaves of the project's apps before the move (main at "Onpoint method 1.1").
BEFORE_THE_MOVE = [
    ("journeys", "0003_school_expected_responses"),
    ("surveys", "0002_instrument_frozen_when_used"),
    ("onpoint", "0002_unreleased_results_removed"),
]
MOVED_MODELS = ("district", "school", "membership", "milestone", "auditevent", "loginfailure")
OPENS_AT = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def executor() -> MigrationExecutor:
    """A fresh executor: its loader reads which migrations are applied when it is made."""
    return MigrationExecutor(connection)


@pytest.fixture
def before_the_move() -> Iterator[Apps]:
    """The database migrated back to before the move; the historical models of that state. Forward
    to today's leaves again afterwards, whatever the test did."""
    executor().migrate([("districts", None), *BEFORE_THE_MOVE])
    try:
        yield executor().loader.project_state(BEFORE_THE_MOVE).apps
    finally:
        forward = executor()
        forward.migrate(forward.loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()


def historical(apps: Apps, app_label: str, model_name: str) -> Any:
    """A model as the migration state had it (mypy's Django plugin knows only today's)."""
    return apps.get_model(app_label, model_name)


def migrate_to_today() -> None:
    forward = executor()
    forward.migrate(forward.loader.graph.leaf_nodes())


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_before_the_move_the_models_are_journeys_on_journeys_tables(before_the_move: Apps) -> None:
    district = historical(before_the_move, "journeys", "District")
    assert district._meta.db_table == "journeys_district"
    assert {f"journeys_{model}" for model in MOVED_MODELS} <= tables()
    assert not {f"districts_{model}" for model in MOVED_MODELS} & tables()


def test_the_rows_of_an_existing_database_come_through_the_move(before_the_move: Apps) -> None:
    old = before_the_move
    user = historical(old, "auth", "User").objects.create(username="maple.leader")
    district = historical(old, "journeys", "District").objects.create(
        name="Maple Valley", slug="maple-valley", state="OR", launch_date=dt.date(2025, 8, 15)
    )
    school = historical(old, "journeys", "School").objects.create(
        district=district, name="Maple Elementary", expected_responses=40
    )
    historical(old, "journeys", "Membership").objects.create(
        user=user, district=district, kind="leader"
    )
    historical(old, "journeys", "Milestone").objects.create(
        district=district, happened_on=dt.date(2026, 1, 9), text="Strong teacher buy-in"
    )
    historical(old, "journeys", "AuditEvent").objects.create(
        user=user, username="maple.leader", district_slug="maple-valley", action="view", path="/"
    )
    historical(old, "journeys", "LoginFailure").objects.create(username="maple.leader")
    instrument = historical(old, "surveys", "Instrument").objects.create(
        version="move-test", definition={"items": [{"code": "vision_1", "dimension": "vision"}]}
    )
    campaign = historical(old, "surveys", "Campaign").objects.create(
        district=district,
        instrument=instrument,
        name="Spring 2026 staff survey",
        opens_at=OPENS_AT,
        closes_at=OPENS_AT + dt.timedelta(days=14),
        token="a-link-token-made-before-the-move",
    )
    response = historical(old, "surveys", "Response").objects.create(
        campaign=campaign,
        school=school,
        role="teacher",
        submitted_on=dt.date(2026, 3, 3),
        answers={"vision_1": 4},
        vision=75.0,
    )

    migrate_to_today()

    assert {f"districts_{model}" for model in MOVED_MODELS} <= tables()
    assert not {f"journeys_{model}" for model in MOVED_MODELS} & tables()
    maple = District.objects.get(pk=district.pk)
    assert (maple.slug, maple.state, maple.launch_date) == (
        "maple-valley",
        "OR",
        dt.date(2025, 8, 15),
    )
    assert School.objects.get(pk=school.pk).district == maple
    assert School.objects.get(pk=school.pk).expected_responses == 40
    assert Membership.objects.get(district=maple).user.username == "maple.leader"
    assert Milestone.objects.get(district=maple).text == "Strong teacher buy-in"
    assert AuditEvent.objects.get().district_slug == "maple-valley"
    assert LoginFailure.objects.get().username == "maple.leader"
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.district, stored.token) == (maple, "a-link-token-made-before-the-move")
    assert stored.stage == "year_1"
    answer = Response.objects.select_related("school__district").get(pk=response.pk)
    assert answer.school is not None
    assert (answer.campaign, answer.school.district) == (stored, maple)
    # Carried on to the compact row (surveys 0005): 75 points in 1/36 points, the answer as a byte.
    assert (answer.vision, answer.answers_by_code()) == (75 * 36, {"vision_1": 4})
    assert list(maple.campaigns.all()) == [stored]
    # The renamed tables still hand out ids (PostgreSQL's identity sequence went with the table)
    # and their foreign keys still hold.
    oak = District.objects.create(name="Oak Ridge", slug="oak-ridge", state="WA")
    assert oak.pk > maple.pk
    assert School.objects.create(district=oak, name="Oak Middle").pk > school.pk


def test_permissions_follow_the_models_to_districts(before_the_move: Apps) -> None:
    """Content types of the moved models are renamed, not made anew: permissions granted on
    them, and the admin's history of them, keep pointing at the same models. (Migrating back
    gave them their old app label, as a database made before the move has them.)"""
    # (Models districts gained after the move, such as LearningOffer and MembershipInvitation,
    # keep their own content type.)
    assert not ContentType.objects.filter(app_label="districts", model__in=MOVED_MODELS).exists()
    journeys_district = ContentType.objects.get(app_label="journeys", model="district")
    granted = Permission.objects.get(content_type=journeys_district, codename="change_district")

    migrate_to_today()

    ContentType.objects.clear_cache()
    granted.refresh_from_db()
    assert granted.content_type_id == journeys_district.pk
    assert (granted.content_type.app_label, granted.content_type.model) == ("districts", "district")
    assert ContentType.objects.get_for_model(District).pk == journeys_district.pk
    assert not ContentType.objects.filter(app_label="journeys").exists()


def test_a_new_database_ends_with_the_same_tables(django_db_setup: Any) -> None:
    """The test database itself was made from nothing by the same migrations."""
    assert {f"districts_{model}" for model in MOVED_MODELS} <= tables()
    assert not {f"journeys_{model}" for model in MOVED_MODELS} & tables()
    assert District._meta.db_table == "districts_district"
