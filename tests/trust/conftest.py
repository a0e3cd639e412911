"""Fixtures of the trust tests (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trust.stack import collect_static


@pytest.fixture(scope="session")
def production_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected once per run, as `make prod` does, for gunicorn in production mode."""
    root = tmp_path_factory.mktemp("staticfiles")
    collect_static(root)
    return root
