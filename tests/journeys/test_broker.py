"""journeys/broker.py: the patch of kombu's Redis channel, what it fixes, and when it can go.

The scenario of celery/kombu#582 as the worker meets it: a channel holds an unacknowledged
message, the connection is closed under it (the transport's client dropped), then the channel
is closed and tries to requeue the message. kombu's own transport raises AttributeError there,
which kills a Celery worker; the patched one raises a connection error, which kombu's teardown
ignores and the worker survives.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from kombu import Connection, Exchange, Queue
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

pytestmark = pytest.mark.redis


def connection_to(url: str, transport: Any) -> Connection:
    return Connection(url, transport=transport, transport_options={"socket_timeout": 2})


@pytest.fixture
def held_message(redis_url: str) -> Iterator[Any]:
    """A function that, given a transport class, opens a channel holding one unacknowledged
    message and closes the connection under it; it returns the channel."""
    opened: list[Connection] = []
    name = f"journeys-broker-test-{uuid.uuid4().hex}"

    def hold(transport: Any) -> Any:
        connection = connection_to(redis_url, transport)
        opened.append(connection)
        # The virtual transport's channel (kombu's stubs type it as the abstract one).
        channel: Any = connection.channel()
        queue = Queue(name, Exchange(name), routing_key=name)(channel)
        queue.declare()
        queue.maybe_bind(channel)
        channel.basic_publish(
            channel.prepare_message("the held message"), exchange=name, routing_key=name
        )
        held = queue.get(no_ack=False)
        assert held is not None
        assert channel.qos._delivered  # unacknowledged: the channel must requeue it on close
        # The connection is lost and closed first: its transport forgets its client.
        connection._do_close_transport()
        return channel

    yield hold
    cleanup = connection_to(redis_url, "redis")
    try:
        channel: Any = cleanup.default_channel
        channel.client.delete(name)
        channel.queue_delete(name)
    finally:
        cleanup.release()


def test_kombu_still_has_the_bug_this_module_works_around(held_message: Any) -> None:
    """When this fails, kombu closes such a channel cleanly: journeys/broker.py can go (and
    CELERY_BROKER_TRANSPORT in settings with it)."""
    channel = held_message(kombu_redis.Transport)
    with pytest.raises(AttributeError, match="hostname"):
        channel.close()


def test_the_patched_channel_answers_a_connection_error_the_worker_survives(
    held_message: Any,
) -> None:
    from journeys.broker import CONNECTION_CLOSED, Transport

    channel = held_message(Transport)
    with pytest.raises(RedisConnectionError, match=CONNECTION_CLOSED):
        channel.close()
    # The kind of error kombu's teardown (and Celery's consumer) counts as a lost connection.
    assert RedisConnectionError in kombu_redis.Transport.connection_errors


def test_another_kombu_stops_the_app_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    real_version = importlib.metadata.version

    def kombu_of_tomorrow(name: str) -> str:
        return "99.0.0" if name == "kombu" else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", kombu_of_tomorrow)
    monkeypatch.delitem(sys.modules, "journeys.broker", raising=False)
    with pytest.raises(ImproperlyConfigured, match=r"kombu 99\.0\.0 is installed"):
        importlib.import_module("journeys.broker")
    monkeypatch.undo()
    sys.modules.pop("journeys.broker", None)
    assert real_version("kombu") == importlib.import_module("journeys.broker").KOMBU_INSTALLED
