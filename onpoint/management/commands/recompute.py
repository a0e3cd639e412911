"""manage.py recompute: bring every score and benchmark up to date, with the worker's code.

    recompute                      rescore every campaign, rebuild the benchmarks, refresh every
                                   rank and landmark
    recompute --campaign ID        rescore one campaign and refresh what depends on it
    recompute --benchmarks-only    rebuild the benchmarks and refresh every rank and landmark

Running it twice leaves the same rows: a rescore writes only what changed, and a rebuild that
finds the same cohorts writes no new benchmark version.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from onpoint import benchmark_rebuild, rescore
from onpoint.models import CampaignResult
from onpoint.rescore_all import campaigns_rescore_all
from surveys.models import Campaign

NO_SUCH_CAMPAIGN = "No campaign with id {id}."
BOTH_OPTIONS = "--campaign and --benchmarks-only do not go together."


class Command(BaseCommand):
    help = (
        "Recompute every campaign's scores, the national benchmarks, and every rank and "
        "landmark (or one campaign with --campaign, or the benchmarks with --benchmarks-only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int, help="Only this campaign (its id).")
        parser.add_argument(
            "--benchmarks-only",
            action="store_true",
            help="Rebuild the benchmarks and refresh ranks and landmarks; no rescoring.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (for logs)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["campaign"] is not None and options["benchmarks_only"]:
            raise CommandError(BOTH_OPTIONS)
        self.quiet = bool(options["no_progress"])
        now = timezone.now()
        if options["campaign"] is not None:
            self._one_campaign(options["campaign"], now)
            return
        if not options["benchmarks_only"]:
            self._every_campaign(now)
        self._benchmarks(now)

    def _bar(self, total: int, what: str) -> tqdm[Any]:
        return tqdm(total=total, desc=what, unit=" campaigns", file=sys.stderr, disable=self.quiet)

    def _one_campaign(self, campaign_id: int, now: Any) -> None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(NO_SUCH_CAMPAIGN.format(id=campaign_id))
        stale = benchmark_rebuild.benchmarks_stale(now=now)
        outcome = rescore.campaign_rescore(campaign=campaign, now=now)
        rescore.campaign_rescore_followup(outcome=outcome, now=now, rebuild_now=True)
        if stale:
            # A campaign closed (or opened) since the last rebuild, this one perhaps: its
            # scores may be unchanged, but the cohorts are not, and its rank depends on them.
            self._benchmarks(now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Campaign {campaign_id} rescored from {outcome.n_responses} responses"
                + (" (scores changed)." if outcome.whole_changed else " (no change).")
            )
        )

    def _every_campaign(self, now: Any) -> None:
        # In batches (onpoint.rescore_all): the same rows as campaign_rescore one by one.
        with self._bar(Campaign.objects.count(), "Scores") as bar:
            n_campaigns = campaigns_rescore_all(now=now, progress=bar.update)
        self.stdout.write(f"Rescored {n_campaigns} campaigns.")

    def _benchmarks(self, now: Any) -> None:
        total = CampaignResult.objects.count()
        with self._bar(total, "Ranks and landmarks") as bar:
            outcome = benchmark_rebuild.benchmarks_rebuild(now=now, progress=bar.update)
        version = outcome.version
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmarks version {version.pk} "
                + ("written" if outcome.created else "unchanged")
                + f" ({outcome.n_eligible} eligible campaigns); "
                + f"{outcome.results_changed} campaigns' ranks or landmarks changed."
            )
        )
