"""manage.py import_responses FILE.csv --campaign ID: historical responses, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.models import Campaign
from surveys.response_import import responses_import

NO_SUCH_CAMPAIGN = "No campaign with id {id}."
NO_SUCH_FILE = "Cannot read {path}: {error}"
NOTHING_IMPORTED = "Nothing was imported: {n} bad row(s)."


class Command(BaseCommand):
    help = (
        "Import responses from a CSV file (columns: role, school, then one per item code; an "
        "empty cell is no answer) into a campaign, open or closed. A file with any bad row "
        "imports nothing, and every bad row is reported with its line number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file, UTF-8 (a spreadsheet's 'CSV UTF-8').")
        parser.add_argument("--campaign", type=int, required=True, help="The campaign's id.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = Campaign.objects.select_related("district", "instrument").get(
                pk=options["campaign"]
            )
        except Campaign.DoesNotExist as missing:
            raise CommandError(NO_SUCH_CAMPAIGN.format(id=options["campaign"])) from missing
        path = Path(options["file"])
        try:
            # Read line by line as the import goes: the file is never held in memory whole.
            with path.open(encoding="utf-8", newline="") as lines:
                report = responses_import(campaign=campaign, lines=lines)
        except OSError as error:
            raise CommandError(NO_SUCH_FILE.format(path=path, error=error)) from error
        if not report.ok:
            for line, message in report.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(NOTHING_IMPORTED.format(n=len(report.errors)))
        self.stdout.write(
            self.style.SUCCESS(f"Imported {report.created} responses into “{campaign}”.")
        )
