"""Helpers for the survey's browser tests: answering with taps, clicks or keys, and axe-core."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

from surveys import instrument_v1

# Every A and AA rule of WCAG 2.0, 2.1 and 2.2 that axe-core knows.
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.2 A and AA violations on the page, one line each (empty when none)."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_A_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{page.url} {violation['id']}: {violation['help']} "
        f"({[node['target'] for node in violation['nodes']][:5]})"
        for violation in results.response["violations"]
    ]


def varied_answers() -> dict[str, int]:
    """Every item answered, cycling 1..5 so each score differs."""
    return {code: i % 5 + 1 for i, code in enumerate(instrument_v1.ITEM_CODES)}


def choice(page: Any, name: str, value: str) -> Any:
    """The label (the big touch target) of one radio button."""
    return page.locator(f"label.choice:has(input[name='{name}'][value='{value}'])")
