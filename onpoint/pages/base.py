"""What every page model shares: its fields are the template's variables."""

from __future__ import annotations

from dataclasses import fields
from typing import Any


class PageModel:
    """A mixin for the frozen dataclasses of onpoint.pages."""

    def context(self) -> dict[str, Any]:
        """The template variables: each field by its name (shallow: rows stay objects)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}  # type: ignore[arg-type]
