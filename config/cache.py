"""A Redis cache that a Redis outage cannot turn into errors on the pages.

Everything this project caches can be computed again (charts, throttle counters), so when Redis
does not answer, a read is a miss and a write is dropped, and the error is logged. After a failure
the cache is not asked again for a few seconds, so a page with many cache calls does not wait on
each of them in turn. The health check (config/health.py) still reports the cache as failing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, ReadOnlyError, TimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (ConnectionError, TimeoutError, ReadOnlyError)
# Seconds during which a cache that just failed is not asked again (per process).
RETRY_AFTER = 5.0

_down_until: dict[str, float] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable, reads miss and writes do nothing."""

    def _attempt(self, operation: Callable[[], Any], fallback: Any) -> Any:
        location = str(self._servers)
        if _down_until.get(location, 0.0) > time.monotonic():
            return fallback
        try:
            return operation()
        except UNAVAILABLE as error:
            with _lock:
                first = _down_until.get(location, 0.0) <= time.monotonic()
                _down_until[location] = time.monotonic() + RETRY_AFTER
            if first:
                log.warning("Cache unavailable, carrying on without it: %s", error)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(lambda: RedisCache.add(self, key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._attempt(lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._attempt(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys, version=None):
        return self._attempt(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._attempt(lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key, delta=1, version=None):
        unavailable = object()
        result = self._attempt(lambda: RedisCache.incr(self, key, delta, version), unavailable)
        if result is unavailable:  # as for a key that is not there
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(lambda: RedisCache.set_many(self, data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        return self._attempt(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self):
        return self._attempt(lambda: RedisCache.clear(self), False)
