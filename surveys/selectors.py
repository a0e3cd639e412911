"""Reads of the surveys app: the current instrument, its items, campaigns a user may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from districts.models import District
from districts.selectors import User, districts_visible_to
from onpoint.method.scoring import ItemSpec
from surveys import instrument_v1
from surveys.models import Campaign, Instrument


def instrument_current() -> Instrument:
    """The Instrument row of version 1, created from surveys/instrument_v1.py if missing."""
    instrument, _ = Instrument.objects.get_or_create(
        version=instrument_v1.VERSION, defaults={"definition": instrument_v1.DEFINITION}
    )
    return instrument


def item_specs(instrument: Instrument) -> list[ItemSpec]:
    """The instrument's items as the scoring module takes them, in the instrument's order."""
    return [
        ItemSpec(
            code=item["code"],
            dimension=item["dimension"],
            reverse_coded=bool(item.get("reverse_coded", False)),
        )
        for item in instrument.definition.get("items", [])
    ]


def item_codes(instrument: Instrument) -> list[str]:
    return [item["code"] for item in instrument.definition.get("items", [])]


def instrument_text(value: Any, language: str) -> str:
    """One text of the definition in `language`, falling back to English (or a plain string)."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return str(value or "")


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Campaigns of the districts the user may see; everything else is a 404."""
    return Campaign.objects.filter(district__in=districts_visible_to(user))


def campaign_for(user: User, *, district: District, campaign_id: int) -> Campaign:
    """The district's campaign with this id, or Http404 (the district was already checked)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Campaign.objects.select_related("district", "instrument"),
        district=district,
        pk=campaign_id,
    )


def campaign_list(*, district: District) -> QuerySet[Campaign]:
    """The district's campaigns, newest first, each with its count of responses."""
    return (
        Campaign.objects.filter(district=district)
        .select_related("district")
        .annotate(n_responses=Count("responses"))
        .order_by("-opens_at", "-id")
    )


def campaign_response_count(campaign: Campaign) -> int:
    return campaign.responses.count()


def campaigns_overlapping(
    *, district: District, opens_at: dt.datetime, closes_at: dt.datetime
) -> list[Campaign]:
    """The district's campaigns open at some moment between `opens_at` and `closes_at`, in the
    stage a campaign opening at `opens_at` would have (method section 2), oldest first. One
    query. Two such campaigns split the staff's answers, and the national benchmarks keep only
    the later one of a district and stage."""
    stage = Campaign(district=district, opens_at=opens_at).stage
    found = (
        Campaign.objects.filter(district=district, opens_at__lt=closes_at, closes_at__gt=opens_at)
        .select_related("district")
        .order_by("opens_at", "pk")
    )
    return [campaign for campaign in found if campaign.stage == stage]


# A campaign's link token is secrets.token_urlsafe (surveys.models.new_campaign_token): letters,
# digits, "-" and "_". Anything else names no campaign and never reaches the database, where
# PostgreSQL answers a NUL character in a query with an error instead of "no such row".
LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def campaign_by_token(token: str) -> Campaign | None:
    """The campaign of a survey link, with its district and instrument; None if no campaign."""
    if not LINK_TOKEN.fullmatch(token):
        return None
    return Campaign.objects.select_related("district", "instrument").filter(token=token).first()


@dataclass(frozen=True)
class SurveyLink:
    """What a survey link's campaign never changes once made: its id, its district, and its
    instrument's items (an instrument is immutable once a campaign uses it). Nothing that a
    leader may change (the dates, the link mode): the submission's INSERT checks those
    (surveys.response_insert.response_insert_if_open)."""

    campaign_id: int
    district_id: int
    codes: tuple[str, ...]
    items: tuple[ItemSpec, ...]


# Per process, by link token (192 random bits, never reused): issue 13's campaign and instrument
# cached per process. Emptied when full rather than ordered: a process serves few campaigns at
# once, and a miss costs one query.
_LINKS: dict[str, SurveyLink] = {}
LINKS_KEPT = 4096


def survey_link(token: str) -> SurveyLink | None:
    """The campaign of a survey link, as SurveyLink; None if no campaign has (or had) it."""
    link = _LINKS.get(token)
    if link is not None:
        return link
    campaign = campaign_by_token(token)
    if campaign is None:
        return None
    items = tuple(item_specs(campaign.instrument))
    link = SurveyLink(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        codes=tuple(item.code for item in items),
        items=items,
    )
    if len(_LINKS) >= LINKS_KEPT:
        _LINKS.clear()
    _LINKS[token] = link
    return link
