"""Fixtures of the Onpoint engine's database tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_coalescing_window_left_over() -> Iterator[None]:
    """The coalescing keys live in the cache, which outlives a test's database rollback (and
    campaign ids are reused after it)."""
    cache.clear()
    yield
    cache.clear()
