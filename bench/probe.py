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


def probe_campaigns_prepare(port: int, fixtures: Fixtures, n: int) -> list[int]:
    """`n` fresh open campaigns of the probe district, each with a few responses submitted
    through the survey API, before any load starts: what the probes will close."""
    prepared = []
    for number in range(1, n + 1):
        campaign_id, token = data.probe_campaign_open(fixtures, number)
        for role, answers in answer_pool(PROBE_RESPONSES, seed=number):
            body = {"role": role, "school": None, "answers": answers}
            status, _ = _call(port, "POST", f"/api/v1/surveys/{token}/responses/", body, None)
            if status != 201:
                raise RuntimeError(f"a probe campaign's submission answered {status}")
        prepared.append(campaign_id)
    connection.close()
    return prepared


class Probe(threading.Thread):
    """While a load runs: closes the next prepared campaign as a leader does (PATCH closes_at to
    now, through the API), and polls GET /api/v1/campaigns/{id}/scores/ until it answers
    `released` with its scores. One probe at a time, a short pause between them, until `stop`
    or no prepared campaign is left."""

    def __init__(self, port: int, fixtures: Fixtures, campaigns: list[int], log: ProbeLog) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.fixtures = fixtures
        self.campaigns = campaigns  # shared by the probes of every phase: each closes one once
        self.log = log
        self.stop = threading.Event()

    def run(self) -> None:
        rng = random.Random(f"probe-{self.log.done}")
        try:
            while not self.stop.is_set() and self.campaigns:
                if self.stop.wait(rng.uniform(0.2, 0.6)):
                    break
                self._one(self.campaigns.pop(0))
        except Exception as error:  # reported in the figure, never hidden
            self.log.errors.append(f"{type(error).__name__}: {error}")

    def _one(self, campaign_id: int) -> None:
        started = time.perf_counter()
        status, _ = _call(
            self.port,
            "PATCH",
            f"/api/v1/campaigns/{campaign_id}/",
            {"closes_at": timezone.now().isoformat()},
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
