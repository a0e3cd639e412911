"""Campaigns with staff comments (issue 16), for the tests of staff voice and of every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.utils import timezone

from surveys.models import Campaign, Comment
from tests.factories import CampaignFactory, CommentFactory, ResponseFactory


def campaign_with_comments(
    district: Any,
    *,
    responses: int = 10,
    comments: Sequence[tuple[str, str]] = (
        ("proud_of", "Students set their own learning goals every week"),
        ("help", "More time to plan with the coach"),
    ),
    closed: bool = True,
    **fields: Any,
) -> Campaign:
    """A campaign of `district` (closed an hour ago unless `closed` is False) with `responses`
    responses and the given (kind, text) comments."""
    now = timezone.now()
    if closed:
        fields.setdefault("opens_at", now - dt.timedelta(days=20))
        fields.setdefault("closes_at", now - dt.timedelta(hours=1))
    campaign = cast(Campaign, CampaignFactory(district=district, **fields))
    for _ in range(responses):
        ResponseFactory(campaign=campaign)
    for kind, text in comments:
        CommentFactory(campaign=campaign, kind=kind, text=text)
    return campaign


def a_comment(campaign: Campaign, kind: str = Comment.Kind.PROUD_OF) -> Comment:
    return Comment.objects.filter(campaign=campaign, kind=kind, hidden=False).first() or cast(
        Comment, CommentFactory(campaign=campaign, kind=kind)
    )
