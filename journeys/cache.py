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

logger = logging.getLogger(__name__)
CACHE_DOWN = "shared cache unreachable (%s) on %s (%s): this process's memory serves for %s s"
RETRY_SECONDS = 5.0
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

    def _call(self, operation: str, *args: Any) -> Any:
        if time.monotonic() < _down_until.get(self._where, 0.0):
            return getattr(self._memory, operation)(*args)
        try:
            return getattr(super(), operation)(*args)
        except RedisError as error:
            _down_until[self._where] = time.monotonic() + RETRY_SECONDS
            # The address without any password.
            address = self._where.rsplit("@", 1)[-1]
            logger.warning(CACHE_DOWN, address, operation, error, RETRY_SECONDS)
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
