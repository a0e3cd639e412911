"""The shared cache (CACHE_URL), made to survive a Redis outage.

Production with a broker must have a cache every process shares (settings: CACHE_URL_REQUIRED),
usually on the broker's own Redis (docker-compose.yml). Two things use it: the survey's limit per
address (surveys.throttles) and the debounce keys of recomputes (onpoint.queueing). Django's
RedisCache raises when Redis is down, which turned every survey submission into a 500 for as long
as the outage lasted (found by tests/trust/test_faults.py once its cache moved to the broker's
Redis). Here, while Redis cannot be reached, the cache is this process's memory, which is what
every process used before CACHE_URL was required: the survey limit counts per process, and a
recompute's debounce key holds per process. Each failure is logged; Redis is tried again
RETRY_SECONDS after the last failure (so an unreachable host costs one connect timeout per
process every few seconds, not one per request), and used again as soon as it answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis import RedisError
from redis.commands.core import Script

logger = logging.getLogger(__name__)
CACHE_DOWN = "shared cache unreachable (%s) on %s (%s): this process's memory serves for %s s"
RETRY_SECONDS = 5.0
# window_count's one command: the count, and its time to live set by the INCR that made the key.
WINDOW_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
# By location: until when (time.monotonic()) this process leaves Redis alone. Django builds a
# cache object per thread; the threads of a process share this and the memory fallback.
_down_until: dict[str, float] = {}


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._where = str(server)
        kept = ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
        # LocMemCache objects of one name share their store: one per process and location.
        self._memory = LocMemCache(
            f"journeys-cache-fallback:{server}", {key: params[key] for key in kept if key in params}
        )
        # On one client for the life of the cache object (of the thread): Django's RedisCache
        # builds a redis.Redis per operation, which costs more than the round trip (issue 13).
        self._window_script: Script | None = None

    def window_count(self, key: Any, timeout: int) -> int:
        """Add 1 to the counter `key`, which starts at 0 with `timeout` seconds to live when
        missing: the survey limit's fixed window (surveys/rate_limit.py). One command to Redis
        (a script doing INCR, and EXPIRE when the INCR made the key), atomic: the count and its
        expiry are never apart."""
        if time.monotonic() < _down_until.get(self._where, 0.0):
            return _memory_count(self._memory, key, timeout)
        try:
            if self._window_script is None:
                self._window_script = self._cache.get_client(write=True).register_script(
                    WINDOW_COUNT
                )
            return int(self._window_script(keys=[self.make_and_validate_key(key)], args=[timeout]))
        except RedisError as error:
            self._remember_down(error, "window_count")
            return _memory_count(self._memory, key, timeout)

    def _remember_down(self, error: RedisError, operation: str) -> None:
        _down_until[self._where] = time.monotonic() + RETRY_SECONDS
        # The address without any password.
        address = self._where.rsplit("@", 1)[-1]
        logger.warning(CACHE_DOWN, address, operation, error, RETRY_SECONDS)

    def _call(self, operation: str, *args: Any) -> Any:
        if time.monotonic() < _down_until.get(self._where, 0.0):
            return getattr(self._memory, operation)(*args)
        try:
            return getattr(super(), operation)(*args)
        except RedisError as error:
            self._remember_down(error, operation)
            return getattr(self._memory, operation)(*args)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return bool(self._call("add", key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return dict(self._call("get_many", list(keys), version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._call("set", key, value, timeout, version)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return list(self._call("set_many", data, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", key, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._call("delete_many", list(keys), version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version))


def _memory_count(memory: LocMemCache, key: Any, timeout: int) -> int:
    """window_count in this process's memory: add() and incr() under the memory's lock."""
    memory.add(key, 0, timeout=timeout)
    try:
        return memory.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this count opens the window again.
        memory.set(key, 1, timeout=timeout)
        return 1
