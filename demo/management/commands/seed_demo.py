"""Load the synthetic demo world and its accounts. Safe to run again: nothing is duplicated."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_seed
from demo.world import (
    CONSULTED_DISTRICTS,
    DEFAULT_SEED,
    DEMO_DISTRICTS,
    TOO_FEW_DISTRICTS,
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
