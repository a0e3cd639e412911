"""run_measured: the peak memory of the measured process itself, never of the bench process."""

from __future__ import annotations

import os

from bench.stack import run_measured

CHILD = "x = bytearray({mib} * 2**20); import time; time.sleep(0.4)"


def test_the_peak_is_the_childs_even_when_the_bench_process_is_larger() -> None:
    bench_process_ballast = bytearray(400 * 2**20)
    env = {"PATH": os.environ.get("PATH", "/usr/bin")}
    code, seconds, peak = run_measured(
        ["-c", CHILD.format(mib=150)], env=env, timeout=60, log_name="test-memory"
    )
    assert code == 0
    assert seconds > 0.4
    assert 150 <= peak < 300, peak
    assert len(bench_process_ballast) == 400 * 2**20


def test_a_process_past_its_time_limit_is_stopped_and_reported_unfinished() -> None:
    code, seconds, _ = run_measured(
        ["-c", "import time; time.sleep(30)"], env={}, timeout=1, log_name="test-timeout"
    )
    assert code is None
    assert seconds < 10
