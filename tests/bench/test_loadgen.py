"""The bench's load generator: loopback only, bounded, and it counts what the server answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bench.loadgen import LOOPBACK_ONLY, UNBOUNDED, LoadResult, Request, load, open_loop, send

Handler = Callable[[bytes], Awaitable[bytes]]


def run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: the browser tests' sync Playwright keeps an event loop
    running in the main thread for the whole session, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@asynccontextmanager
async def server(handler: Handler) -> AsyncIterator[int]:
    """A tiny HTTP server on 127.0.0.1 that answers each connection with `handler(request)`."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        body = await reader.readexactly(length) if length else b""
        writer.write(await handler(head + body))
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with listening:
        yield listening.sockets[0].getsockname()[1]


def reply(status: int, body: bytes = b"ok", headers: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n"
    ).encode() + body


def run_load(handler: Handler, make: Callable[[int], Request], **limits: float) -> LoadResult:
    async def go() -> LoadResult:
        async with server(handler) as port:
            return await load(
                "127.0.0.1",
                port,
                make,
                concurrency=int(limits.get("concurrency", 4)),
                max_requests=int(limits.get("max_requests", 20)),
                max_seconds=limits.get("max_seconds", 10),
                keep_headers=("X-Bench-Queries",),
            )

    return run(go())


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.20", "example.org", "0.0.0.0"])  # noqa: S104
def test_it_refuses_any_host_but_this_machine(host: str) -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1") as refused:
        run(load(host, 80, lambda i: Request("GET", "/"), concurrency=1,
                         max_requests=1, max_seconds=1))  # fmt: skip
    assert str(refused.value) == LOOPBACK_ONLY.format(host=host)


def test_it_refuses_a_load_without_bounds() -> None:
    with pytest.raises(ValueError, match="positive") as refused:
        run(load("127.0.0.1", 80, lambda i: Request("GET", "/"), concurrency=1,
                         max_requests=0, max_seconds=1))  # fmt: skip
    assert str(refused.value) == UNBOUNDED


def test_it_sends_exactly_the_bounded_number_of_requests_and_counts_the_answers() -> None:
    seen: list[bytes] = []

    async def handler(raw: bytes) -> bytes:
        seen.append(raw)
        if b"/missing" in raw:
            return reply(404)
        return reply(201, headers="X-Bench-Queries: 3\r\n")

    result = run_load(
        handler,
        lambda i: Request("POST", "/missing" if i % 5 == 0 else "/ok", b'{"i": %d}' % i),
        concurrency=4,
        max_requests=25,
    )
    assert len(seen) == 25
    assert result.ok == 20
    assert result.failed == 5
    assert result.statuses == {201: 20, 404: 5}
    assert result.header_values["x-bench-queries"] == ["3"] * 20
    assert all(b"Content-Length: " in raw for raw in seen)
    assert any(raw.endswith(b'{"i": 7}') for raw in seen)
    summary = result.summary()
    assert summary["requests"] == 25
    assert summary["ok"] == 20


def test_it_stops_issuing_requests_when_its_time_is_up() -> None:
    async def slow(raw: bytes) -> bytes:
        await asyncio.sleep(0.2)
        return reply(200)

    started = time.perf_counter()
    result = run_load(
        slow, lambda i: Request("GET", "/"), concurrency=2, max_requests=10_000, max_seconds=0.5
    )
    assert time.perf_counter() - started < 3
    assert 2 <= result.ok <= 10


def test_percentiles_are_nearest_rank_over_successful_requests() -> None:
    result = LoadResult(concurrency=1, seconds=2.0, latencies=[0.01 * i for i in range(1, 101)])
    assert result.percentile(50) == pytest.approx(0.50)
    assert result.percentile(95) == pytest.approx(0.95)
    assert result.percentile(100) == pytest.approx(1.00)
    assert result.throughput == 50
    assert LoadResult(concurrency=1).percentile(95) is None


def test_a_refused_connection_is_a_failure_with_status_zero() -> None:
    async def go() -> int:
        async with server(lambda raw: asyncio.sleep(0, reply(200))) as port:
            pass  # the server is closed again: nothing listens on the port now
        return (await send("127.0.0.1", port, Request("GET", "/"), timeout=2)).status

    assert run(go()) == 0


def run_open_loop(handler: Handler, **limits: float) -> LoadResult:
    async def go() -> LoadResult:
        async with server(handler) as port:
            return await open_loop(
                "127.0.0.1",
                port,
                lambda i: Request("GET", f"/{i}"),
                rate=limits["rate"],
                max_requests=int(limits.get("max_requests", 1000)),
                max_seconds=limits["max_seconds"],
                max_in_flight=int(limits.get("max_in_flight", 1024)),
            )

    return run(go())


def test_the_open_loop_sends_on_schedule_whatever_the_replies_do() -> None:
    async def slow(_: bytes) -> bytes:
        await asyncio.sleep(0.3)
        return reply(200)

    started = time.perf_counter()
    result = run_open_loop(slow, rate=50, max_seconds=0.4)
    # 20 arrivals due in 0.4 s; a closed loop of one client would have sent 2.
    assert result.ok == 20
    assert result.rate == 50
    assert time.perf_counter() - started < 1.5
    assert min(result.latencies) >= 0.3


def test_the_open_loop_charges_a_request_for_its_wait_before_it_could_be_sent() -> None:
    async def slow(_: bytes) -> bytes:
        await asyncio.sleep(0.2)
        return reply(200)

    # One connection at a time: the 5th request, due at 0.04 s, is answered after five
    # replies of 0.2 s; timed from its schedule, it waited about 1 s, not 0.2 s.
    result = run_open_loop(slow, rate=100, max_seconds=0.05, max_in_flight=1)
    assert result.ok == 5
    worst = result.percentile(100)
    assert worst is not None
    assert worst > 0.9


def test_the_open_loop_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError, match=UNBOUNDED):
        run_open_loop(lambda _: asyncio.sleep(0, reply(200)), rate=0, max_seconds=1)
