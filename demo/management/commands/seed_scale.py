"""manage.py seed_scale --districts 13000 --responses 3700000: the whole country, surveyed.

Synthetic districts (named "Scale District 00001 (synthetic)", slugs `scale-00001`...), their
schools, one to three past spring surveys each and exactly `--responses` responses, bulk loaded
with PostgreSQL COPY (psycopg 3) inside one transaction, then ANALYZEd. `--recompute` then runs
`manage.py recompute`. PostgreSQL only: it exists for the benchmarks (`make bench`).

The responses are drawn from a pool of scored people (see `demo.world.scale_templates`),
so each row's stored scores are method section 3's scores of its own answers.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from demo.world import (
    DEFAULT_SEED,
    SCALE_SLUG_PREFIX,
    ScaleWorld,
    TemplateKey,
    scale_campaign_rows,
    scale_school_name,
    scale_templates,
    scale_world,
)
from districts.models import District, School, time_zone_for_state
from surveys.models import SCORE_COLUMNS, Campaign, Response, new_campaign_token
from surveys.selectors import instrument_current, item_specs
from surveys.services import response_score_fields

POSTGRES_ONLY = (
    "seed_scale loads millions of rows with PostgreSQL COPY and runs on PostgreSQL only: set "
    "DATABASE_URL=postgres://... (the embedded SQLite database has `seed_demo` instead)."
)
ALREADY_SEEDED = (
    "This database already holds {n} scale districts (slugs {prefix}...): add --replace to delete "
    "them and their surveys first."
)
NOT_POSITIVE = "--districts and --responses must be positive whole numbers."

OPENS_AT = dt.time(8, 0)
CLOSES_AT = dt.time(18, 0)


@dataclass(frozen=True)
class ScaleOutcome:
    districts: int
    schools: int
    campaigns: int
    responses: int
    seconds: float


def _text(value: object) -> str:
    """One value in COPY's text format: \\N for NULL, the format's special characters escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _line(values: Iterable[object]) -> str:
    return "\t".join(_text(v) for v in values) + "\n"


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)


def _columns(model: type[models.Model], names: Sequence[str]) -> str:
    return ", ".join(_column(model, name) for name in names)


def _copy(model: type[models.Model], names: Sequence[str], chunks: Iterable[str]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({_columns(model, names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in chunks:
            copy.write(chunk)


def _aware(day: dt.date, at: dt.time) -> str:
    return timezone.make_aware(dt.datetime.combine(day, at)).isoformat()


def _template_text(items: Any, answers: dict[str, int | None]) -> str:
    """A scored person's columns of the COPY line, from `answers` to the last score column."""
    fields = response_score_fields(items=items, answers=answers)
    return "\t".join(
        [
            _text(json.dumps(fields["answers"], separators=(",", ":"))),
            _text(json.dumps(fields["item_scores"], separators=(",", ":"))),
            *(_text(None if fields[c] is None else repr(fields[c])) for c in SCORE_COLUMNS),
        ]
    )


def scale_clear() -> int:
    """Delete every scale district with its schools, surveys, responses and scores."""
    districts = District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX)
    campaigns = Campaign.objects.filter(district__in=districts)
    # Responses first, in one statement: the ORM would fetch millions of ids to delete them.
    with connection.cursor() as cursor:
        sql, params = campaigns.values("pk").query.sql_with_params()
        table = connection.ops.quote_name(Response._meta.db_table)
        # The table name is the model's and the subquery the ORM's, with its parameters bound.
        cursor.execute(f"DELETE FROM {table} WHERE campaign_id IN ({sql})", params)  # noqa: S608
    campaigns.delete()  # with their stored scores (CASCADE)
    School.objects.filter(district__in=districts).delete()
    n, _ = districts.delete()
    return n


def _copy_districts(world: ScaleWorld, now: str) -> list[int]:
    """The world's districts; their ids, in the world's order."""
    _copy(
        District,
        [
            "name", "slug", "state", "nces_id", "enrollment", "launch_date", "path_place",
            "listed_on_national_map", "time_zone", "created_at",
        ],
        (
            _line([d.name, d.slug, d.state, "", d.enrollment, d.launch_date, d.path_place,
                   False, time_zone_for_state(d.state), now])
            for d in world.districts
        ),
    )  # fmt: skip
    district_ids = dict(
        District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).values_list("slug", "pk")
    )
    return [district_ids[d.slug] for d in world.districts]


def _copy_schools(world: ScaleWorld, ids: list[int]) -> dict[tuple[int, str], int]:
    """Every district's schools; their ids by (district id, name)."""
    _copy(
        School,
        ["district", "name"],
        (
            _line([ids[i], scale_school_name(j)])
            for i, d in enumerate(world.districts)
            for j in range(d.n_schools)
        ),
    )
    return {
        (district_id, name): pk
        for district_id, name, pk in School.objects.filter(district_id__in=ids).values_list(
            "district_id", "name", "pk"
        )
    }


def _copy_campaigns(
    world: ScaleWorld, ids: list[int], instrument_id: int, now: str
) -> dict[tuple[int, str], int]:
    """Every district's past surveys, closed and due a recompute; their ids by (district id,
    name)."""
    _copy(
        Campaign,
        [
            "district", "instrument", "name", "opens_at", "closes_at", "expected_responses",
            "exclude_from_benchmarks", "token", "created_at", "scores_dirty",
        ],
        (
            _line([ids[c.district], instrument_id, c.name, _aware(c.opens_on, OPENS_AT),
                   _aware(c.closes_on, CLOSES_AT), None, False, new_campaign_token(), now,
                   True])
            for c in world.campaigns
        ),
    )  # fmt: skip
    return {
        (district_id, name): pk
        for district_id, name, pk in Campaign.objects.filter(district_id__in=ids).values_list(
            "district_id", "name", "pk"
        )
    }


def _copy_responses(
    world: ScaleWorld,
    *,
    ids: list[int],
    school_ids: dict[tuple[int, str], int],
    campaign_ids: dict[tuple[int, str], int],
    templates: dict[TemplateKey, list[str]],
    progress: Callable[[int], object] | None,
) -> None:
    """Every campaign's responses, each a scored person of its group (`_template_text`): the
    one place that writes the response row's columns."""

    def response_chunks() -> Iterable[str]:
        for index, campaign in enumerate(world.campaigns):
            district_id = ids[campaign.district]
            campaign_id = campaign_ids[(district_id, campaign.name)]
            lines = []
            for row in scale_campaign_rows(world, index):
                school = (
                    "\\N"
                    if row.school is None
                    else school_ids[(district_id, scale_school_name(row.school))]
                )
                pool = templates[(campaign.years_in, campaign.level, row.role)]
                lines.append(
                    f"{campaign_id}\t{row.submission_id:032x}\t{row.role}\t{school}\t"
                    f"{row.submitted_on.isoformat()}\t{pool[row.template]}\n"
                )
            yield "".join(lines)
            if progress is not None:
                progress(campaign.n_responses)

    _copy(
        Response,
        ["campaign", "submission_id", "role", "school", "submitted_on", "answers",
         "item_scores", *SCORE_COLUMNS],
        response_chunks(),
    )  # fmt: skip


def scale_seed(
    *,
    n_districts: int,
    n_responses: int,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Callable[[int], object] | None = None,
) -> ScaleOutcome:
    """Load the scale world with COPY, in one transaction; ANALYZE the tables after it."""
    if connection.vendor != "postgresql":
        raise CommandError(POSTGRES_ONLY)
    started = time.monotonic()
    today = today or timezone.localdate()
    world = scale_world(n_districts=n_districts, n_responses=n_responses, today=today, seed=seed)
    instrument = instrument_current()
    items = item_specs(instrument)
    templates: dict[TemplateKey, list[str]] = {
        key: [_template_text(items, answers) for answers in people]
        for key, people in scale_templates(items=items, seed=seed).items()
    }
    now = timezone.now().isoformat()
    with transaction.atomic():
        ids = _copy_districts(world, now)
        school_ids = _copy_schools(world, ids)
        campaign_ids = _copy_campaigns(world, ids, instrument.pk, now)
        _copy_responses(
            world,
            ids=ids,
            school_ids=school_ids,
            campaign_ids=campaign_ids,
            templates=templates,
            progress=progress,
        )
    with connection.cursor() as cursor:
        for model in (District, School, Campaign, Response):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return ScaleOutcome(
        districts=len(world.districts),
        schools=len(school_ids),
        campaigns=len(world.campaigns),
        responses=world.n_responses,
        seconds=time.monotonic() - started,
    )


class Command(BaseCommand):
    help = (
        "Load a national-scale synthetic world with PostgreSQL COPY (PostgreSQL only): "
        "--districts N --responses M, optionally --recompute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--districts", type=int, default=13_000)
        parser.add_argument("--responses", type=int, default=3_700_000)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--replace", action="store_true", help="Delete an earlier scale world first."
        )
        parser.add_argument(
            "--recompute", action="store_true", help="Then run `manage.py recompute`."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(POSTGRES_ONLY)
        if options["districts"] < 1 or options["responses"] < 1:
            raise CommandError(NOT_POSITIVE)
        existing = District.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).count()
        if existing and not options["replace"]:
            raise CommandError(ALREADY_SEEDED.format(n=existing, prefix=SCALE_SLUG_PREFIX))
        if existing:
            self.stdout.write(f"Deleted {scale_clear()} objects of the earlier scale world.")
        with tqdm(
            total=options["responses"],
            desc="Responses",
            unit=" rows",
            unit_scale=True,
            file=sys.stderr,
            disable=options["no_progress"],
        ) as bar:
            outcome = scale_seed(
                n_districts=options["districts"],
                n_responses=options["responses"],
                seed=options["seed"],
                progress=bar.update,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {outcome.districts} districts, {outcome.schools} schools, "
                f"{outcome.campaigns} campaigns and {outcome.responses} responses "
                f"in {outcome.seconds:.1f} s (synthetic)."
            )
        )
        if options["recompute"]:
            call_command("recompute", no_progress=options["no_progress"], stdout=self.stdout)
