from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from districts.selectors import districts_visible_to


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The districts for the header's switcher, queried only if a template asks."""

    def switcher() -> list[Any]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return list(districts_visible_to(user).order_by("name").only("slug", "name")[:200])

    return {
        "switcher_districts": SimpleLazyObject(switcher),
    }
