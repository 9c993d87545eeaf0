"""
A Redis cache backend that fails soft.

The cache is an optimisation: when Redis is down, slow or restarting, a read
is a miss and a write reports that it failed (set() returns False), never an
exception, so every page is still rendered from the database. Two calls tell
their callers more, because they must act on it: incr() raises
CacheUnavailable (rate limits then count in the process: services/spam.py),
and a failed set() of the content version refuses the edit that needed it
(consultancy/cache.py).

Sockets time out after a quarter of a second, and after a failure the
backend leaves Redis alone for RETRY_AFTER_SECONDS: a dead server costs each
process one timeout per interval, not one per call. The outage is logged once
a minute per process (consultancy/outage_log.py), not once per request.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from consultancy.outage_log import OncePerInterval

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 0.25
RETRY_AFTER_SECONDS = 2


class CacheUnavailable(Exception):
    """The cache did not answer: what it should have counted was not counted."""


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._resting_until = 0.0
        self._log_warning = OncePerInterval(logger, logging.WARNING)

    @property
    def resting(self):
        """True for a short while after a failure: calls do not reach Redis."""
        return time.monotonic() < self._resting_until

    def _failed(self, operation, error):
        self._resting_until = time.monotonic() + RETRY_AFTER_SECONDS
        self._log_warning(
            "The cache is unavailable (%s: %s). Pages are served without it; "
            "this is logged once a minute while it lasts.",
            operation,
            error,
        )

    def _attempt(self, operation, failed, *args, **kwargs):
        """Run RedisCache.<operation>, or return `failed` if Redis does not answer."""
        if self.resting:
            return failed
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._failed(operation, error)
            return failed

    def get(self, key, default=None, version=None):
        return self._attempt("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt("has_key", False, key, version)

    def set(self, key, value, timeout=..., version=None):
        """True once stored, False if the cache did not answer."""
        args = (key, value) if timeout is ... else (key, value, timeout)
        return self._attempt("set", False, *args, version=version) is not False

    def add(self, key, value, timeout=..., version=None):
        args = (key, value) if timeout is ... else (key, value, timeout)
        return self._attempt("add", False, *args, version=version)

    def touch(self, key, timeout=..., version=None):
        args = (key,) if timeout is ... else (key, timeout)
        return self._attempt("touch", False, *args, version=version)

    def set_many(self, data, timeout=..., version=None):
        args = (data,) if timeout is ... else (data, timeout)
        return self._attempt("set_many", list(data), *args, version=version)

    def delete(self, key, version=None):
        return self._attempt("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._attempt("delete_many", None, keys, version)

    def clear(self):
        return self._attempt("clear", None)

    def incr(self, key, delta=1, version=None):
        failed = object()
        value = self._attempt("incr", failed, key, delta, version)
        if value is failed:
            raise CacheUnavailable(f"The cache could not count {key!r}.")
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
