"""Figure 4's probe: close a campaign through the API, time until the API shows its released
scores. Method 1.1: a campaign's scores are computed when it closes, by the worker."""

from __future__ import annotations

import http.client
import json
import math
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from bench import data
from bench.data import Fixtures, answer_pool
from bench.measure import JSON, PROBE_TIMEOUT_S
from bench.stack import HOST

PROBE_RESPONSES = 6
POLL_S = 0.05


@dataclass
class ProbeLog:
    """Every probe's outcome, over all the phases of load it ran in."""

    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return len(self.latencies) + self.timeouts

    def percentile(self, q: float) -> float | None:
        """Nearest rank; a probe that timed out counts as the longest wait."""
        values = sorted(self.latencies) + [float("inf")] * self.timeouts
        if not values:
            return None
        rank = max(1, math.ceil(q / 100 * len(values)))
        return values[rank - 1]


def _call(port: int, method: str, path: str, body: Any, token: str | None) -> tuple[int, Any]:
    web = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT_S)
    headers = dict(JSON) | ({"Authorization": f"Token {token}"} if token else {})
    try:
        web.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        reply = web.getresponse()
        raw = reply.read()
    finally:
        web.close()
    try:
        return reply.status, json.loads(raw or b"null")
    except ValueError:
        return reply.status, None


class Probe(threading.Thread):
    """While a load runs: opens a fresh campaign of the probe district, submits a few responses
    to it through the survey API, closes it as a leader does (PATCH closes_at to now), and polls
    GET /api/v1/campaigns/{id}/scores/ until it answers `released` with scores computed after
    the close. One probe at a time, a short pause between them, until `stop` or `limit`."""

    def __init__(self, port: int, fixtures: Fixtures, limit: int, log: ProbeLog) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.fixtures = fixtures
        self.limit = limit
        self.log = log
        self.stop = threading.Event()

    def run(self) -> None:
        rng = random.Random(f"probe-{self.log.done}")
        try:
            while not self.stop.is_set() and self.log.done < self.limit:
                if self.stop.wait(rng.uniform(0.2, 0.6)):
                    break
                self._one(self.log.done + len(self.log.errors) + 1)
        except Exception as error:  # reported in the figure, never hidden
            self.log.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def _one(self, number: int) -> None:
        campaign_id, token = data.probe_campaign_open(self.fixtures, number)
        for role, answers in answer_pool(PROBE_RESPONSES, seed=number):
            status, _ = _call(
                self.port,
                "POST",
                f"/api/v1/surveys/{token}/responses/",
                {"role": role, "school": None, "answers": answers},
                None,
            )
            if status != 201:
                self.log.errors.append(f"a probe's submission answered {status}")
                return
        started = time.perf_counter()
        closes_at = timezone.now()
        status, _ = _call(
            self.port,
            "PATCH",
            f"/api/v1/campaigns/{campaign_id}/",
            {"closes_at": closes_at.isoformat()},
            self.fixtures.probe_token,
        )
        if status != 200:
            self.log.errors.append(f"the close answered {status}")
            return
        self._wait_released(campaign_id, started)

    def _wait_released(self, campaign_id: int, started: float) -> None:
        while time.perf_counter() - started < PROBE_TIMEOUT_S:
            status, body = _call(
                self.port,
                "GET",
                f"/api/v1/campaigns/{campaign_id}/scores/",
                None,
                self.fixtures.probe_token,
            )
            if (
                status == 200
                and body.get("released")
                and body.get("scores") is not None
                and not body.get("recompute_pending")
            ):
                self.log.latencies.append(time.perf_counter() - started)
                return
            time.sleep(POLL_S)
        self.log.timeouts += 1
