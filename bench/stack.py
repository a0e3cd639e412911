"""The app under benchmark as production runs it: gunicorn (and a Celery worker) on loopback.

Processes are started here and stopped here, by their own process ids, whatever happens.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

from bench.config import ROOT, WORK_DIR, Size

HOST = "127.0.0.1"
NOT_READY = "The app did not answer /healthz within {seconds} s; see {log}."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def rss_peak_mib(pid: int) -> float | None:
    """The peak resident memory (VmHWM) of a running process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Stack:
    """gunicorn with the size's workers and, on PostgreSQL, a Celery worker on the bench broker."""

    def __init__(self, size: Size, env: dict[str, str]) -> None:
        self.size = size
        self.env = env
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, IO[bytes]] = {}

    def _start(self, name: str, args: list[str]) -> None:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        log = (WORK_DIR / f"{name}.log").open("wb")
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed args
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> Stack:
        self._start(
            "gunicorn",
            [
                "gunicorn", "journeys.wsgi:application", "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.size.web_workers), "--timeout", "60",
                "--graceful-timeout", "10", "--backlog", "2048",
            ],
        )  # fmt: skip
        if self.size.worker_concurrency:
            self._start(
                "worker",
                [
                    "celery", "-A", "journeys", "worker", "--loglevel", "WARNING",
                    "--concurrency", str(self.size.worker_concurrency), "-Q", "celery",
                    "--without-gossip", "--without-mingle",
                ],
            )  # fmt: skip
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} stopped at start; see {WORK_DIR / name}.log")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=5) as r:
                    if r.status == 200:
                        if "worker" in self.processes:
                            time.sleep(3)  # let the worker connect to the broker
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(NOT_READY.format(seconds=seconds, log=WORK_DIR / "gunicorn.log"))

    def worker_peak_mib(self) -> float | None:
        """The largest peak memory of the Celery worker's processes so far (prefork children)."""
        worker = self.processes.get("worker")
        if worker is None:
            return None
        peaks = [rss_peak_mib(pid) for pid in [worker.pid, *children(worker.pid)]]
        known = [peak for peak in peaks if peak is not None]
        return max(known) if known else None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs.values():
            log.close()
        self.processes.clear()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def run_measured(
    args: list[str], *, env: dict[str, str], timeout: float, log_name: str
) -> tuple[int | None, float, float]:
    """Run `python <args>` and return (exit code or None when stopped at `timeout`, wall seconds,
    peak resident memory in MiB), the memory from the kernel's high-water mark of that process
    (VmHWM)."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    with (WORK_DIR / f"{log_name}.log").open("wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed args
            [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        stopped = threading.Event()

        def stop_at_timeout() -> None:
            if not stopped.wait(timeout):
                process.kill()

        peaks: list[float] = []

        def watch_memory() -> None:
            # VmHWM belongs to the process's own memory map, made at its exec. ru_maxrss from
            # wait4 does not do: Linux carries the spawning process's high-water mark across
            # the exec, so it reported the bench process's own size.
            while not stopped.wait(0.05):
                peak = rss_peak_mib(process.pid)
                if peak is not None:
                    peaks.append(peak)

        watchdog = threading.Thread(target=stop_at_timeout, daemon=True)
        watchdog.start()
        watcher = threading.Thread(target=watch_memory, daemon=True)
        watcher.start()
        _, status = os.waitpid(process.pid, 0)
        seconds = time.monotonic() - started
        stopped.set()
        watcher.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    code = None if process.returncode == -signal.SIGKILL else process.returncode
    # Sampled every 50 ms: a peak held for less than that could be missed.
    return code, seconds, max(peaks, default=0.0)
