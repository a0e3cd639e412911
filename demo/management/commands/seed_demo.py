"""Load the synthetic demo world and its accounts. Safe to run again: nothing is duplicated."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_seed
from demo.world import (
    CONSULTED_DISTRICTS,
    DEFAULT_SEED,
    DEMO_DISTRICTS,
    MAPLE_NAME,
    MAPLE_SLUG,
    TOO_FEW_DISTRICTS,
)
from surveys.models import Campaign

SURVEY_LINK = "The staff survey open now at {district} (anonymous, no login; try ?lang=es):"
NO_OPEN_SURVEY = (
    "No survey of {district} is open now (the demo's open survey runs for three weeks from "
    "the day it was loaded): sign in as leader and create a campaign to get a link."
)
NOT_IN_PRODUCTION = (
    "seed_demo creates accounts with a published password; it runs only with DEBUG on "
    "(or with --allow-production, for a staging site)."
)


class Command(BaseCommand):
    help = (
        "Load the synthetic demo world (about 150 districts, their surveys and scores) and print "
        "the demo logins. Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--allow-production", action="store_true")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="The world's random seed: the same seed on the same day gives the same world.",
        )
        parser.add_argument(
            "--districts",
            type=int,
            default=DEMO_DISTRICTS,
            help="How many districts (at least 12; fewer make a quicker, thinner demo).",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the app will be served, for the survey link printed (make run's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(NOT_IN_PRODUCTION)
        if options["districts"] < CONSULTED_DISTRICTS:
            raise CommandError(TOO_FEW_DISTRICTS.format(minimum=CONSULTED_DISTRICTS))
        summary = demo_seed(seed=options["seed"], n_districts=options["districts"])
        self.stdout.write(self.style.SUCCESS(summary))
        if options["quiet_logins"]:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, description in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<12} {description}")
        self.stdout.write("")
        self.stdout.write(survey_link(options["base_url"]))


def survey_link(base_url: str) -> str:
    """The link of Maple Valley's open survey, the one a teacher would be sent."""
    now = timezone.now()
    campaign = (
        Campaign.objects.filter(district__slug=MAPLE_SLUG, opens_at__lte=now, closes_at__gt=now)
        .order_by("-opens_at")
        .first()
    )
    if campaign is None:
        return NO_OPEN_SURVEY.format(district=MAPLE_NAME)
    path = reverse("survey", kwargs={"token": campaign.token})
    return f"{SURVEY_LINK.format(district=MAPLE_NAME)}\n  {base_url.rstrip('/')}{path}"
