"""Django's cached_db session store, whose one cache read also brings the session's companions.

With Redis as the cache (config/stateless.py makes `cached_db` the default then) every signed-in request reads its
session from Redis, and the navigation's to-do counter (workbench/badge.py) was a second Redis round trip: its key
needs the session's account and role, known only after the first read. A companion is a small value kept in the
session's cache under the session's key instead (`companion_key`), so `load` fetches the session and every
companion in one MGET, and the counter costs no round trip of its own.

A companion lives only in the cache (never in the session's database row, never written by a session save), so it
expires on its own timeout, goes when the session's key changes (login cycles the key, logout flushes the session),
and a Redis outage reads it as absent (core/cache.py). It holds what the session's own request computed: the caller
stores with it whatever it must check on reading (workbench/badge.py stores the account and role it counted for).

config/settings.py puts this engine in for `django.contrib.sessions.backends.cached_db`; with the `db` engine (a
per-process cache) `companion` reads the cache on demand, as before.
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches

COMPANION_PREFIX = "session-companion:"
# The companions `load` fetches with the session: the to-do counter (workbench/badge.py).
COMPANIONS = ("todo_total",)
_MISSING = object()


def companion_key(session_key: str, name: str) -> str:
    return f"{COMPANION_PREFIX}{name}:{session_key}"


class SessionStore(CachedDBStore):
    def load(self):
        names = {companion_key(self._get_or_create_session_key(), name): name for name in COMPANIONS}
        try:
            found = self._cache.get_many([self.cache_key, *names])
        except Exception:
            # As Django's load: a backend that raises on an invalid key resets the session (#17810).
            found = {}
        self._companions = {names[key]: value for key, value in found.items() if key in names}
        data = found.get(self.cache_key)
        if data is None:
            s = self._get_session_from_db()
            if s:
                data = self.decode(s.session_data)
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
            else:
                data = {}
        return data

    def cycle_key(self):
        self.__dict__.pop("_companions", None)  # they belong to the old key
        super().cycle_key()

    def flush(self):
        self.__dict__.pop("_companions", None)
        super().flush()


def companion(session, name: str, default=None):
    """The companion `name` of this session, or `default`: from the session's own read when it fetched it, else
    from the session's cache (another engine, or a session not read yet)."""
    key = session.session_key
    if not key:
        return default
    prefetched = getattr(session, "_companions", None)
    if prefetched is not None and name in COMPANIONS:
        return prefetched.get(name, default)
    value = caches[settings.SESSION_CACHE_ALIAS].get(companion_key(key, name), _MISSING)
    return default if value is _MISSING else value


def set_companion(session, name: str, value, timeout: int) -> bool:
    """Keep `value` beside this session for `timeout` seconds (nothing when the session has no key yet)."""
    key = session.session_key
    if not key:
        return False
    caches[settings.SESSION_CACHE_ALIAS].set(companion_key(key, name), value, timeout)
    prefetched = getattr(session, "_companions", None)
    if prefetched is not None:
        prefetched[name] = value
    return True
