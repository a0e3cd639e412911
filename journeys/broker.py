"""The Redis broker transport, made to survive a Redis outage.

Celery 5.7 / kombu 5.7 close a lost broker connection twice when the worker holds unacknowledged
messages (a countdown recompute, a task in progress): the second close tries to requeue them on
a connection whose settings were already dropped, raises AttributeError, and the worker exits
with "Unrecoverable error" instead of reconnecting (found by tests/trust/test_faults.py). Here
that case raises a connection error instead, which kombu's teardown ignores: the worker waits
for Redis and reconnects. The messages it held stay in Redis's unacknowledged set and come back
after the visibility timeout; if Redis lost them, the campaign is still marked dirty and the
beat sweep recomputes it within a minute.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> Any:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection is already closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
