"""A small HTTP/1.1 load generator: asyncio, loopback only, bounded in requests and in time.

Each request opens its own connection and asks the server to close it, as gunicorn's sync
workers (the production web server) do anyway; the latency is measured from before the connect
to the last byte of the response, so it includes any wait in the server's accept queue.

Two shapes of load. `load`: a closed loop, N clients each waiting for its reply before sending
again (throughput under a fixed concurrency). `open_loop`: requests arrive on a schedule, R a
second, whether or not earlier ones were answered, as teachers do; each latency counts from the
request's scheduled time, so a server that falls behind is charged for the wait of every request
it delayed (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LOOPBACK_ONLY = "The load generator talks to this machine only (127.0.0.1), not to {host!r}."
UNBOUNDED = "A load needs a positive request count and a positive duration."


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    def encode(self, host: str, port: int) -> bytes:
        lines = [
            f"{self.method} {self.path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Connection: close",
            "User-Agent: journeys-bench",
            *(f"{name}: {value}" for name, value in self.headers),
        ]
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass(frozen=True)
class Reply:
    status: int  # 0 when the connection failed
    seconds: float
    headers: dict[str, str]
    body: bytes


@dataclass
class LoadResult:
    concurrency: int  # clients of a closed loop; at most in flight for an open loop
    rate: float | None = None  # arrivals a second of an open loop; None: a closed loop
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # of successful (2xx) requests
    statuses: Counter[int] = field(default_factory=Counter)
    header_values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def throughput(self) -> float:
        """Successful requests per second over the whole load."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float | None:
        """The q-th percentile latency in seconds (nearest rank), None without any success."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1]

    def summary(self) -> dict[str, object]:
        def ms(value: float | None) -> float | None:
            return None if value is None else round(value * 1000, 1)

        return {
            "concurrency": self.concurrency,
            **({} if self.rate is None else {"open_loop_rate_per_s": self.rate}),
            "requests": self.ok + self.failed,
            "ok": self.ok,
            "failed": self.failed,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "seconds": round(self.seconds, 2),
            "throughput_per_s": round(self.throughput, 1),
            "p50_ms": ms(self.percentile(50)),
            "p95_ms": ms(self.percentile(95)),
            "p99_ms": ms(self.percentile(99)),
            "max_ms": ms(max(self.latencies) if self.latencies else None),
        }


def loopback_check(host: str) -> None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError as error:
        raise ValueError(LOOPBACK_ONLY.format(host=host)) from error
    if not address.is_loopback:
        raise ValueError(LOOPBACK_ONLY.format(host=host))


def _parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _unchunk(body)
    return status, headers, body


def _unchunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


async def send(host: str, port: int, request: Request, *, timeout: float = 30.0) -> Reply:
    """One request on its own connection; status 0 when it could not complete in `timeout`."""
    loopback_check(host)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(request.encode(host, port))
                await writer.drain()
                raw = await reader.read()
            finally:
                writer.close()
    except (OSError, TimeoutError):
        return Reply(status=0, seconds=time.perf_counter() - started, headers={}, body=b"")
    status, headers, body = _parse(raw)
    return Reply(status=status, seconds=time.perf_counter() - started, headers=headers, body=body)


async def load(
    host: str,
    port: int,
    make_request: Callable[[int], Request],
    *,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    keep_headers: Sequence[str] = (),
) -> LoadResult:
    """`concurrency` clients send requests one after another, each waiting for its reply, until
    `max_requests` were sent or `max_seconds` passed. `make_request(i)` makes the i-th request.
    """
    loopback_check(host)
    if max_requests < 1 or max_seconds <= 0:
        raise ValueError(UNBOUNDED)
    result = LoadResult(concurrency=concurrency)
    result.header_values = {name.lower(): [] for name in keep_headers}
    issued = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    async def client() -> None:
        nonlocal issued
        while issued < max_requests and time.perf_counter() < deadline:
            index = issued
            issued += 1
            reply = await send(host, port, make_request(index))
            _record(result, reply, reply.seconds)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def _record(result: LoadResult, reply: Reply, latency: float) -> None:
    result.statuses[reply.status] += 1
    if 200 <= reply.status < 300:
        result.latencies.append(latency)
    for name, values in result.header_values.items():
        if name in reply.headers:
            values.append(reply.headers[name])


async def open_loop(
    host: str,
    port: int,
    make_request: Callable[[int], Request],
    *,
    rate: float,
    max_requests: int,
    max_seconds: float,
    max_in_flight: int = 1024,
    keep_headers: Sequence[str] = (),
) -> LoadResult:
    """Request i is due at `i / rate` seconds, for `max_seconds` or `max_requests` requests; it
    is sent at its time whatever the earlier ones are doing, and its latency runs from that time
    to its last byte. `max_in_flight` bounds open connections (the machine's file descriptors):
    a request that waits for a free slot is still timed from its scheduled time."""
    loopback_check(host)
    if max_requests < 1 or max_seconds <= 0 or rate <= 0:
        raise ValueError(UNBOUNDED)
    result = LoadResult(concurrency=max_in_flight, rate=rate)
    result.header_values = {name.lower(): [] for name in keep_headers}
    slots = asyncio.Semaphore(max_in_flight)
    total = min(max_requests, math.floor(max_seconds * rate))
    started = time.perf_counter()

    async def arrival(index: int, due: float) -> None:
        async with slots:
            reply = await send(host, port, make_request(index))
        _record(result, reply, time.perf_counter() - due)

    tasks = []
    for index in range(total):
        due = started + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(arrival(index, due)))
    await asyncio.gather(*tasks)
    result.seconds = time.perf_counter() - started
    return result
