"""The bench's data: a fresh database at each size, the national world, and the bench's own
campaigns and consultant. Runs inside the bench process, with the app's (bench) settings."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from psycopg import sql
from rest_framework.authtoken.models import Token
from tqdm import tqdm

from bench.config import WORK_DIR, Size
from bench.pg_settings import database_settings_apply
from demo.management.commands.seed_scale import scale_seed
from demo.world import (
    DEFAULT_SEED,
    ROLE_WEIGHTS,
    SCALE_SLUG_PREFIX,
    scale_campaign_rows,
    scale_school_name,
    scale_templates,
    scale_world,
)
from districts.models import District, Membership, School
from surveys.campaigns import campaign_create
from surveys.models import Campaign, Response
from surveys.response_row import response_score_fields
from surveys.selectors import instrument_current, item_codes, item_specs

CONSULTANT = "bench-consultant"
CONSULTED = 12
SUBMIT_CAMPAIGNS = 48  # the staff meetings surveyed at once in figure 1
BENCH_CAMPAIGN = "Bench {what} {n}"


# --- the database ------------------------------------------------------------------------------


def database_reset(size: Size) -> None:
    """An empty, migrated database of the size's engine."""
    connections.close_all()
    if size.engine == "postgresql":
        db = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            autocommit=True,
        ) as admin:
            name = sql.Identifier(db["NAME"])
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
            database_settings_apply(admin, db["NAME"])
    else:
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


@dataclass
class State:
    """What the bench database holds, so that a later `--only` run can reuse it."""

    responses: int = 0
    recomputed: bool = False


def state_load(size: Size) -> State:
    try:
        return State(**json.loads(size.state_file.read_text()))
    except (OSError, ValueError, TypeError):
        return State()


def state_save(size: Size, state: State) -> None:
    size.state_file.parent.mkdir(parents=True, exist_ok=True)
    size.state_file.write_text(json.dumps(asdict(state)))


def database_holds(size: Size, state: State) -> bool:
    """Whether the database really holds what the state file says (it may have been dropped)."""
    try:
        return (
            state.responses > 0
            and District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).count()
            == size.districts
        )
    except Exception:  # no such database or table yet: it holds nothing
        return False


# --- the national world ------------------------------------------------------------------------


def _bulk_seed(*, n_districts: int, n_responses: int, seed: int, today: dt.date) -> None:
    """The scale world through the ORM, for SQLite, which has no COPY (same rows as seed_scale)."""
    world = scale_world(n_districts=n_districts, n_responses=n_responses, today=today, seed=seed)
    instrument = instrument_current()
    items = item_specs(instrument)
    pool = {
        key: [response_score_fields(items=items, answers=answers) for answers in people]
        for key, people in scale_templates(items=items, seed=seed).items()
    }
    with transaction.atomic():
        districts = District.objects.bulk_create(
            District(
                name=d.name,
                slug=d.slug,
                state=d.state,
                launch_date=d.launch_date,
                enrollment=d.enrollment,
                path_place=d.path_place,
            )
            for d in world.districts
        )
        schools = {
            (i, j): school
            for (i, j), school in zip(
                [(i, j) for i, d in enumerate(world.districts) for j in range(d.n_schools)],
                School.objects.bulk_create(
                    School(district=districts[i], name=scale_school_name(j))
                    for i, d in enumerate(world.districts)
                    for j in range(d.n_schools)
                ),
                strict=True,
            )
        }
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                district=districts[c.district],
                instrument=instrument,
                name=c.name,
                opens_at=timezone.make_aware(dt.datetime.combine(c.opens_on, dt.time(8))),
                closes_at=timezone.make_aware(dt.datetime.combine(c.closes_on, dt.time(18))),
                scores_dirty=True,
            )
            for c in world.campaigns
        )
        Response.objects.bulk_create(
            (
                Response(
                    campaign=campaigns[index],
                    submission_id=f"{row.submission_id:032x}",
                    role=row.role,
                    school=None if row.school is None else schools[(c.district, row.school)],
                    submitted_on=row.submitted_on,
                    **pool[(c.years_in, c.level, row.role)][row.template],
                )
                for index, c in enumerate(world.campaigns)
                for row in scale_campaign_rows(world, index)
            ),
            batch_size=2000,
        )


def world_load(size: Size, n_responses: int) -> dict[str, Any]:
    """Load the scale world of `n_responses` (its districts, and so its campaigns, in
    proportion): COPY (seed_scale) on PostgreSQL, bulk inserts on SQLite; then the planner's
    statistics, as autovacuum would gather them soon after on a real server."""
    started = time.monotonic()
    n_districts = size.districts_at(n_responses)
    if size.engine == "postgresql":
        with tqdm(total=n_responses, desc="seed_scale", unit=" rows", unit_scale=True) as bar:
            scale_seed(n_districts=n_districts, n_responses=n_responses, progress=bar.update)
    else:
        _bulk_seed(
            n_districts=n_districts,
            n_responses=n_responses,
            seed=DEFAULT_SEED,
            today=timezone.localdate(),
        )
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "responses": n_responses,
        "districts": n_districts,
        "campaigns": Campaign.objects.count(),
        "load_seconds": round(seconds, 1),
        "rows_per_second": round(n_responses / seconds),
    }


# --- the bench's own campaigns and users -------------------------------------------------------


@dataclass(frozen=True)
class Fixtures:
    submit_campaigns: list[tuple[int, str, list[str]]]  # (id, token, school names)
    probe_district: int  # figure 4 opens and closes its campaigns there
    probe_token: str  # an API token of the bench consultant, who consults that district
    import_campaign: int
    consultant_id: int
    dashboard_paths: list[str]
    journey_paths: list[str]


def _bench_campaign(district: District, name: str, *, open_now: bool) -> Campaign:
    existing = Campaign.objects.filter(district=district, name=name).first()
    if existing is not None:
        return existing
    now = timezone.now()
    if open_now:
        opens_at, closes_at = now - dt.timedelta(hours=1), now + dt.timedelta(days=14)
    else:
        opens_at, closes_at = now - dt.timedelta(days=200), now - dt.timedelta(days=180)
    return campaign_create(district=district, name=name, opens_at=opens_at, closes_at=closes_at)


def fixtures_ensure() -> Fixtures:
    """Open campaigns to submit to, one to probe, one to import into, and a consultant of 12
    districts (each with a scored campaign) for the dashboards. Reused when already there."""
    districts = list(
        District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX, campaigns__isnull=False)
        .distinct()
        .order_by("slug")[: CONSULTED + SUBMIT_CAMPAIGNS + 2]
    )
    consulted, rest = districts[:CONSULTED], districts[CONSULTED:]
    submit = []
    for n, district in enumerate(rest[:SUBMIT_CAMPAIGNS]):
        campaign = _bench_campaign(
            district, BENCH_CAMPAIGN.format(what="survey", n=n + 1), open_now=True
        )
        names = list(district.schools.values_list("name", flat=True))
        submit.append((campaign.pk, campaign.token, names))
    probe_district = rest[-2]
    imported = _bench_campaign(rest[-1], BENCH_CAMPAIGN.format(what="import", n=1), open_now=False)

    user, _ = get_user_model().objects.get_or_create(username=CONSULTANT)
    for district in [*consulted, probe_district]:
        Membership.objects.get_or_create(
            user=user, district=district, kind=Membership.Kind.CONSULTANT
        )
    token, _ = Token.objects.get_or_create(user=user)
    dashboards = []
    for district in consulted:
        latest = district.campaigns.order_by("-opens_at").first()
        if latest is not None:
            dashboards.append(f"/districts/{district.slug}/campaigns/{latest.pk}/")
    return Fixtures(
        submit_campaigns=submit,
        probe_district=probe_district.pk,
        probe_token=token.key,
        import_campaign=imported.pk,
        consultant_id=user.pk,
        dashboard_paths=dashboards,
        journey_paths=[f"/districts/{district.slug}/" for district in consulted],
    )


def probe_campaign_open(fixtures: Fixtures, number: int) -> tuple[int, str]:
    """A fresh open campaign of the probe district, committed: what figure 4 submits to and
    then closes. Returns its id and its survey token."""
    district = District.objects.get(pk=fixtures.probe_district)
    now = timezone.now()
    campaign = campaign_create(
        district=district,
        name=BENCH_CAMPAIGN.format(what=f"probe {now:%H%M%S}", n=number),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    return campaign.pk, campaign.token


def session_cookie(user_id: int) -> str:
    """A signed-in session for the user, as the `Cookie` header's value."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# --- request bodies and files ------------------------------------------------------------------


def answer_pool(n: int, *, seed: int = DEFAULT_SEED) -> list[tuple[str, dict[str, int | None]]]:
    """`n` (role, answers) pairs of plausible people, for submissions and imports."""
    items = item_specs(instrument_current())
    templates = scale_templates(items=items, seed=seed, per_group=8)
    rng = random.Random(f"bench-answers-{seed}")
    keys = list(templates)
    roles = list(ROLE_WEIGHTS)
    weights = list(ROLE_WEIGHTS.values())
    people = []
    for _ in range(n):
        role = rng.choices(roles, weights=weights)[0]
        years_in, level, _ = rng.choice(keys)
        people.append((role, rng.choice(templates[(years_in, level, role)])))
    return people


def import_file(rows: int, campaign_id: int) -> Path:
    """A CSV of `rows` responses for the campaign's district, as a district's data team sends it."""
    campaign = Campaign.objects.select_related("instrument").get(pk=campaign_id)
    codes = item_codes(campaign.instrument)
    schools = list(campaign.district.schools.values_list("name", flat=True))
    rng = random.Random("bench-import")
    pool = answer_pool(500)
    path = WORK_DIR / f"import-{rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["role", "school", *codes])
        for i in range(rows):
            role, answers = pool[i % len(pool)]
            school = rng.choice(schools) if rng.random() > 0.06 else ""
            writer.writerow(
                [role, school, *("" if answers[c] is None else answers[c] for c in codes)]
            )
    return path
