"""Fixtures of the Onpoint engine's database tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from onpoint.benchmark_reads import benchmark_rows_forget


@pytest.fixture(autouse=True)
def _no_coalescing_window_left_over() -> Iterator[None]:
    """The coalescing keys live in the cache, which outlives a test's database rollback (and
    campaign ids are reused after it)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_benchmark_rows_kept() -> Iterator[None]:
    """Each test starts with no benchmark version's rows kept in the process
    (onpoint.selectors reads a version's rows once per process), so that its query counts do
    not depend on the tests before it."""
    benchmark_rows_forget()
    yield
    benchmark_rows_forget()
