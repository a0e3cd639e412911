"""Figure 4's probe: close a campaign, time until its released scores are stored."""

from __future__ import annotations

import http.client
import json
import math
import random
import threading
import time

from django.db import connection
from django.utils import timezone

from bench import data
from bench.data import (
    Fixtures,
)
from bench.measure import JSON, PROBE_TIMEOUT_S
from bench.stack import HOST
from onpoint.models import CampaignResult


class Probe(threading.Thread):
    """Closes a campaign now and then while the load runs, as a leader does (PATCH closes_at to
    now, through the API), and times how long until its released scores are stored (polling the
    database every 25 ms). Method 1.1: a campaign's scores are computed when it closes.

    Each probe opens a fresh campaign of its own with a few responses first, so every probe
    measures a real release."""

    def __init__(self, port: int, fixtures: Fixtures, limit: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.fixtures = fixtures
        self.limit = limit
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.timeouts = 0
        self.errors: list[str] = []

    def run(self) -> None:
        rng = random.Random("probe")
        try:
            while not self.stop.is_set() and len(self.latencies) + self.timeouts < self.limit:
                if self.stop.wait(rng.uniform(0.5, 1.5)):
                    break
                number = len(self.latencies) + self.timeouts + len(self.errors) + 1
                campaign_id = data.probe_campaign_open(self.fixtures, number)
                started = time.perf_counter()
                closes_at = timezone.now()
                web = http.client.HTTPConnection(HOST, self.port, timeout=PROBE_TIMEOUT_S)
                try:
                    web.request(
                        "PATCH",
                        f"/api/v1/campaigns/{campaign_id}/",
                        body=json.dumps({"closes_at": closes_at.isoformat()}).encode(),
                        headers={
                            **dict(JSON),
                            "Authorization": f"Token {self.fixtures.probe_token}",
                        },
                    )
                    status = web.getresponse().status
                finally:
                    web.close()
                if status != 200:
                    self.errors.append(f"the close answered {status}")
                    continue
                released = CampaignResult.objects.filter(
                    campaign_id=campaign_id, computed_at__gte=closes_at
                )
                while time.perf_counter() - started < PROBE_TIMEOUT_S:
                    if released.exists():
                        self.latencies.append(time.perf_counter() - started)
                        break
                    time.sleep(0.025)
                else:
                    self.timeouts += 1
        except Exception as error:  # reported in the figure, never hidden
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def percentile(self, q: float) -> float | None:
        """Nearest rank; a probe that timed out counts as the longest wait."""
        values = sorted(self.latencies) + [float("inf")] * self.timeouts
        if not values:
            return None
        rank = max(1, math.ceil(q / 100 * len(values)))
        return values[rank - 1]
