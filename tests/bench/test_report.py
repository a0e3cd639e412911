"""Verdicts say PASS or MISS and by how much; the report names every figure, its target and its
anchor, and says which were not measured; `--only` measures whole groups."""

from __future__ import annotations

import argparse

import pytest

from bench.config import FULL, QUICK
from bench.report import report_render
from bench.run import BAD_ONLY, figures_parse
from bench.verdict import (
    MISS,
    NOT_MEASURED,
    PASS,
    FigureResult,
    Row,
    at_least,
    at_most,
    missed,
    not_measured,
)


def test_a_figure_under_its_limit_passes_with_its_margin() -> None:
    verdict = at_most(80.0, 100, "ms")
    assert verdict.status == PASS
    assert verdict.text == "PASS, 20.00 ms under the limit"


def test_a_figure_over_its_limit_misses_by_how_much() -> None:
    verdict = at_most(130.0, 100, "ms")
    assert verdict.status == MISS
    assert verdict.text == "MISS by 30.00 ms (1.3x the limit)"


def test_a_ratio_short_of_its_target_says_how_short() -> None:
    verdict = at_least(0.6, 0.8, "x")
    assert verdict.status == MISS
    assert verdict.text == "MISS by 0.20x (25% short)"
    assert at_least(0.9, 0.8, "x").text == "PASS, 0.10x above the limit"


def test_a_figure_not_measured_is_never_a_pass() -> None:
    assert at_most(None, 100, "ms").status == NOT_MEASURED
    assert not_measured("no page").text == "NOT MEASURED: no page"
    assert missed("stopped at 4 h").status == MISS
    figure = FigureResult(3, "Pages", "now", rows=[
        Row.of("a", "1", "", "", at_most(1.0, 2, "s")),
        Row.of("b", "", "", "", not_measured("404")),
    ])  # fmt: skip
    assert figure.status == NOT_MEASURED


def test_one_miss_makes_the_figure_a_miss() -> None:
    figure = FigureResult(2, "Recompute", "now", rows=[
        Row.of("a", "1 s", "", "", at_most(1.0, 2, "s")),
        Row.of("b", "90 s", "", "", at_most(90.0, 60, "s")),
    ])  # fmt: skip
    assert figure.status == MISS
    assert FigureResult.from_json(figure.as_json()) == figure


@pytest.mark.parametrize(
    ("text", "measured"),
    [
        (None, {1, 2, 3, 4, 5, 6, 7}),
        ("4", {1, 4}),
        ("6", {2, 6, 7}),
        ("7", {2, 6, 7}),
        ("3,5", {3, 5}),
        ("1,2", {1, 2, 4, 6, 7}),
    ],
)
def test_only_measures_a_figure_with_the_others_of_its_group(
    text: str | None, measured: set[int]
) -> None:
    assert figures_parse(text) == measured


@pytest.mark.parametrize("text", ["8", "0", "one", "1;2"])
def test_only_refuses_what_is_not_a_figure(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        figures_parse(text)
    assert str(refused.value) == BAD_ONLY


def results() -> dict[str, object]:
    figure = FigureResult(
        1,
        "Survey submissions under 64 concurrent clients",
        "2026-11-23T10:00:00+00:00",
        rows=[
            Row.of("Throughput vs the bare insert view", "0.62 x", ">= 0.8 x anchor",
                   "bare view inserting one row: 400 req/s", at_least(0.62, 0.8, "x")),
            Row.of("p95 latency", "80.0 ms", "<= 100 ms", "bare view p95: 40 ms",
                   at_most(80.0, 100, "ms")),
        ],
        notes=["The worker runs on the same cores."],
        details={"anchor": {"throughput_per_s": 400}},
    )  # fmt: skip
    return {
        "figures": {"1": figure.as_json()},
        "runs": [
            {
                "started_at": "2026-11-23T09:00:00+00:00",
                "finished_at": "2026-11-23T11:00:00+00:00",
                "figures": [1],
                "machine": {"cpu": "Test CPU", "cores": 2, "memory_gib": 8, "packages": {}},
                "load_average": {"start": [1, 1, 1], "end": [2, 2, 2]},
                "database_version": "PostgreSQL 15",
                "redis_version": "7.0",
                "errors": [],
            }
        ],
        "demo": {"seconds": 41.0, "limit_seconds": 60, "exit": 0, "peak_mib": 200,
                 "measured_at": "2026-11-23T11:00:00+00:00"},
    }  # fmt: skip


def test_the_report_gives_each_figure_its_target_anchor_and_verdict() -> None:
    text = report_render(FULL, results())
    assert text.startswith("# Benchmarks\n")
    assert "2026-11-23T11:00:00+00:00" in text
    assert "Test CPU, 2 cores" in text
    assert "PostgreSQL 15" in text
    assert "13,000 synthetic districts" in text
    assert (
        "and 3,700,000 responses; figure 2 also at 925,000 responses over 3,250 districts" in text
    )
    assert "an open loop of 150 arrivals a second" in text
    assert "alternately, 3 times each" in text
    assert (
        "| 1 | Throughput vs the bare insert view | 0.62 x | >= 0.8 x anchor | bare view "
        "inserting one row: 400 req/s | MISS by 0.18x (23% short) |"
    ) in text
    assert (
        "| 1 | Survey submissions: throughput under 64 clients, p95 at 150 a second (open loop) "
        "| **MISS** |" in text
    )
    for number in (2, 3, 4, 5, 6, 7):
        assert f"| {number} | not measured in any run | | | | NOT MEASURED |" in text
    assert "## Where the first limit is" in text
    assert "- Figure 1, Throughput vs the bare insert view: MISS by 0.18x (23% short)." in text
    assert "41.0 s, limit 60 s: **PASS**" in text
    assert "not judged" not in text


def test_the_quick_report_says_its_figures_are_not_judged() -> None:
    text = report_render(QUICK, results())
    assert "These figures are not judged" in text
    assert "make bench-quick" in text
    assert QUICK.output.name == "BENCHMARKS-quick.md"
    assert FULL.output.name == "BENCHMARKS.md"


def test_the_full_report_carries_the_analysis_of_its_run_and_the_quick_one_does_not() -> None:
    from bench.run import analysis_text

    full = report_render(FULL, results(), "Figure 2 writes 3 million rows.")
    assert "## Why, read from this run's numbers" in full
    assert "Figure 2 writes 3 million rows." in full
    assert "## Why" not in report_render(QUICK, results(), None)
    assert analysis_text(QUICK) is None
