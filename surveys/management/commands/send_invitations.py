"""manage.py send_invitations --campaign ID [--file LIST] [--remind]: a campaign's personal survey
links, mailed from this process with a progress bar (the worker does the same in the background).

    send_invitations --campaign 12                    the invitations waiting to be sent
    send_invitations --campaign 12 --file staff.csv   invite a list (address[, school] a line)
    send_invitations --campaign 12 --remind           a reminder to the links not used yet
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from surveys import invitation_lists, invitation_sending, invitations, reminders
from surveys.models import Campaign

NO_SUCH_CAMPAIGN = "No campaign with id {id}."
NO_SUCH_FILE = "Cannot read {path}: {error}"
NEEDS_PUBLIC_URL = (
    "Set PUBLIC_URL (https://journeys.example.org): the links mailed from this command need "
    "the site's address."
)
INVITED = "{invited} address(es) invited, {already} already invited."
SENT = "{sent} mail(s) sent, {failed} not delivered."


class Command(BaseCommand):
    help = (
        "Mail a campaign's personal survey links: the invitations waiting to be sent, a list "
        "from a file first (--file), or a reminder to every link not used yet (--remind). "
        "Refused mails are counted and shown on the campaign's invitations page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int, required=True, help="The campaign's id.")
        parser.add_argument(
            "--file", help="Invite these addresses first: one a line, 'address, school'."
        )
        parser.add_argument(
            "--remind", action="store_true", help="Remind every invitation not used yet."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = Campaign.objects.select_related("district").get(pk=options["campaign"])
        except Campaign.DoesNotExist as missing:
            raise CommandError(NO_SUCH_CAMPAIGN.format(id=options["campaign"])) from missing
        try:
            if options["file"]:
                self._invite(campaign, Path(options["file"]))
            round_ = 0
            if options["remind"]:
                round_, _ = reminders.reminders_request(campaign=campaign, by=None, send=False)
        except invitation_lists.InvitationError as error:
            raise CommandError(" ".join(error.problems)) from error
        with tqdm(
            desc="reminders" if round_ else "invitations",
            unit=" mails",
            file=sys.stderr,
            disable=options["quiet"],
        ) as bar:

            def total(n: int) -> None:
                bar.total = n
                bar.refresh()

            outcome = invitation_sending.invitations_send(
                campaign_id=campaign.pk, reminder_round=round_, progress=bar.update, total=total
            )
        self.stdout.write(SENT.format(sent=outcome.sent, failed=outcome.failed))

    def _invite(self, campaign: Campaign, path: Path) -> None:
        if not settings.PUBLIC_URL:
            raise CommandError(NEEDS_PUBLIC_URL)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(NO_SUCH_FILE.format(path=path, error=error)) from error
        outcome = invitations.invitations_add(
            campaign=campaign,
            entries=invitation_lists.entries_from_text(text),
            by=None,
            link_base=settings.PUBLIC_URL,
            send=False,
        )
        self.stdout.write(INVITED.format(invited=outcome.invited, already=outcome.already_invited))
