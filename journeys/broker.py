"""The Redis broker transport, made to survive a Redis outage.

Celery 5.7 / kombu 5.7 close a lost broker connection twice when the worker holds unacknowledged
messages (a countdown recompute, a task in progress): the second close tries to requeue them on
a connection whose settings were already dropped (the transport's `client` is None), and
`Channel._connparams` raises "AttributeError: 'NoneType' object has no attribute 'hostname'",
which the worker takes as "Unrecoverable error" and exits instead of reconnecting (found by
tests/trust/test_faults.py). Upstream: celery/kombu#582 ("Error on restarting Gossip"), the same
AttributeError from `_connparams` during a close, closed in 2016 and back in this path.

Here that case raises a connection error instead, which kombu's teardown ignores: the worker
waits for Redis and reconnects. The messages it held stay in Redis's unacknowledged set and
come back after the visibility timeout; if Redis lost them, the campaign is still marked dirty
and the beat sweep recomputes it within a minute.

`_connparams` is kombu's private method, so the patch holds only for the kombu it was written
for: importing this module with another kombu stops the worker at start, loudly. To upgrade
kombu, run tests/journeys/test_broker.py: when
`test_kombu_still_has_the_bug_this_module_works_around` fails, kombu fixed it, and this module
(and CELERY_BROKER_TRANSPORT in settings) can go; while it passes, add the new version below.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

# The kombu releases whose Channel._connparams this patch was checked against.
KOMBU_PATCHED_FOR: Final[tuple[str, ...]] = ("5.7.0",)
KOMBU_NOT_CHECKED = (
    "journeys/broker.py patches kombu {patched}'s private Channel._connparams "
    "(celery/kombu#582), but kombu {installed} is installed. Run tests/journeys/test_broker.py "
    "against it, then add it to KOMBU_PATCHED_FOR or remove the patch."
)
CONNECTION_CLOSED = "the broker connection is already closed"

KOMBU_INSTALLED = version("kombu")
if KOMBU_INSTALLED not in KOMBU_PATCHED_FOR:
    raise ImproperlyConfigured(
        KOMBU_NOT_CHECKED.format(patched=", ".join(KOMBU_PATCHED_FOR), installed=KOMBU_INSTALLED)
    )


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> Any:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError(CONNECTION_CLOSED)
        # Private, so not in celery-types' stubs of kombu.
        return super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]


class Transport(kombu_redis.Transport):
    Channel = Channel
