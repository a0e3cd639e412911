"""The leader's invitations page of a campaign (issue 15): the list of addresses to invite, the
counts (invited, answered, the rate, overall and by school), the mails not delivered, and the
reminder button. The writes are surveys.invitations', reminders' and invitation_lists'."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from districts.links import link_base
from districts.models import District
from surveys import invitations, reminders
from surveys.forms import InvitationListForm
from surveys.invitation_lists import InvitationError, entries_from_text
from surveys.invitation_summary import invitation_summary, link_mode_label
from surveys.models import Campaign, Invitation
from surveys.selectors import campaign_for
from surveys.views import campaign_status, render_in_district_time, run_district

# --- personal links: the invitations page --------------------------------------------------------

INVITATIONS_ADDED = "{invited} address(es) invited: their personal links are on their way."
INVITATIONS_SKIPPED = "{already} address(es) were already invited and were skipped."
INVITATIONS_NONE_NEW = "Every address of the list was already invited: nothing new was sent."
REMINDER_STARTED = "A reminder is on its way to the {n} invited who have not answered."
RETRY_STARTED = "{n} mail(s) are being sent again."
INVITATION_REMOVED = "The address is taken back: it no longer counts as invited."


def _mail_to_files() -> str:
    """The folder mails are written to when no mail server is configured (the embedded
    default), so the page can say where they went; "" when mail is really sent."""
    mailer: dict[str, Any] = settings.MAILERS.get("default", {})
    if mailer.get("BACKEND") == "django.core.mail.backends.filebased.EmailBackend":
        return str(mailer["OPTIONS"]["file_path"])
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def campaign_invitations(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Invited, answered and the rate, overall and by school; the mails not delivered; the list
    form; the reminder button. Counts only once the campaign is closed."""
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    form = InvitationListForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            outcome = invitations.invitations_add(
                campaign=campaign,
                entries=entries_from_text(form.text()),
                by=request.user,
                link_base=link_base(request),
            )
        except InvitationError as error:
            problems = error.problems
        else:
            if outcome.invited:
                messages.success(request, INVITATIONS_ADDED.format(invited=outcome.invited))
                if outcome.already_invited:
                    messages.info(
                        request, INVITATIONS_SKIPPED.format(already=outcome.already_invited)
                    )
            else:
                messages.info(request, INVITATIONS_NONE_NEW)
            return redirect("campaign_invitations", slug=district.slug, campaign_id=campaign.pk)
    now = timezone.now()
    summary = invitation_summary(campaign=campaign, now=now)
    return render_in_district_time(
        request,
        district,
        "surveys/campaign_invitations.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "status": campaign_status(campaign, now),
            "summary": summary,
            "form": form,
            "problems": problems,
            "mail_to_files": _mail_to_files(),
            "link_mode_label": link_mode_label(campaign.link_mode),
        },
        status=400 if problems or form.errors else 200,
    )


def _invitations_action(
    request: HttpRequest, slug: str, campaign_id: int
) -> tuple[District, Campaign]:
    district = run_district(request, slug)
    return district, campaign_for(request.user, district=district, campaign_id=campaign_id)


def _back_to_invitations(district: District, campaign: Campaign) -> HttpResponse:
    return redirect("campaign_invitations", slug=district.slug, campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_remind(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """One reminder to every invitation sent and not used yet."""
    district, campaign = _invitations_action(request, slug, campaign_id)
    try:
        _, addresses = reminders.reminders_request(campaign=campaign, by=request.user)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, REMINDER_STARTED.format(n=addresses))
    return _back_to_invitations(district, campaign)


@login_required
@require_POST
def campaign_invitations_retry(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Send again every mail that was not delivered."""
    district, campaign = _invitations_action(request, slug, campaign_id)
    try:
        count = reminders.invitations_retry(campaign=campaign, by=request.user)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, RETRY_STARTED.format(n=count))
    return _back_to_invitations(district, campaign)


@login_required
@require_POST
def campaign_invitation_remove(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Take back an address whose mail was not delivered (its id in the form)."""
    district, campaign = _invitations_action(request, slug, campaign_id)
    value = request.POST.get("invitation", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("No such invitation.")
    try:
        reminders.invitation_remove(campaign=campaign, invitation_id=int(value), by=request.user)
    except Invitation.DoesNotExist as missing:
        raise Http404("No such invitation.") from missing
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, INVITATION_REMOVED)
    return _back_to_invitations(district, campaign)
