from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from journeys.selectors import districts_visible_to, may_manage_districts


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The districts for the header's switcher, queried only if a template asks."""

    def switcher() -> list[Any]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return list(districts_visible_to(user).order_by("name").only("slug", "name")[:200])

    def serves_districts() -> bool:
        """Consultants and staff get the compare page in the header (a leader has one district)."""
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and may_manage_districts(user)

    return {
        "switcher_districts": SimpleLazyObject(switcher),
        "serves_districts": SimpleLazyObject(serves_districts),
    }
