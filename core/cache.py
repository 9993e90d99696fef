"""Django's Redis cache, made to degrade instead of failing while Redis is down or restarting.

Everything the portal keeps in the cache can be computed again (dashboard figures, the to-do badge, head
counts) or is a soft limit (objections, verification lookups), and `SESSION_BACKEND=cached_db` keeps every
session in the database too. So an unreachable Redis reads as a miss and stores nothing, with a warning in
the log, instead of a 500 on every page (Django's own cached_db session store, for one, writes a missed
session back to the cache without catching the error). Rate limits are not enforced meanwhile.

config/settings.py swaps this class in for `django.core.cache.backends.redis.RedisCache` (CACHE_URL=redis://…).
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# A stopped Redis refuses at once; a hung one (or a lost network) must not hold a page for long either.
SOCKET_TIMEOUT_SECONDS = 1.0


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, with one `redis.Redis` per connection pool instead of a new one per operation.

    Django builds a `redis.Redis` for every get or set; its constructor (the table of response callbacks) costs
    about 0.15 ms of CPU, more than the command itself: two cache reads a page (the session, the to-do badge).
    A `redis.Redis` over a pool is safe to share between threads (it takes a connection per command)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        params["OPTIONS"].setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        params["OPTIONS"].setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _warn(self, operation: str, exc: Exception) -> None:
        logger.warning("Redis cache unreachable (%s): %s; carrying on without it", operation, exc)

    # Each operation: (name, what an unreachable Redis answers). incr says "no such key", as for a key that
    # expired: the callers already handle that.
    def add(self, *args, **kwargs):
        return self._or("add", False, super().add, *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._or("get", default, super().get, key, default, version)

    def set(self, *args, **kwargs):
        return self._or("set", None, super().set, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._or("touch", False, super().touch, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._or("delete", False, super().delete, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._or("get_many", {}, super().get_many, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._or("has_key", False, super().has_key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._or("set_many", list(data), super().set_many, data, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._or("delete_many", None, super().delete_many, *args, **kwargs)

    def clear(self):
        return self._or("clear", False, super().clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            self._warn("incr", exc)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)") from exc

    def _or(self, operation, fallback, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as exc:
            self._warn(operation, exc)
            return fallback
