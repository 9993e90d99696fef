"""core.cache.TolerantRedisCache against a Redis that is not there (a closed port): every operation answers at
once as for an empty cache, never raises (the restart itself: ops/tests/test_faults_redis.py)."""

import socket
import time

import pytest

from core.cache import TolerantRedisCache


@pytest.fixture
def unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: connections are refused
    return TolerantRedisCache(f"redis://127.0.0.1:{port}/1", {})


def test_an_unreachable_redis_reads_as_an_empty_cache_and_stores_nothing(unreachable, caplog):
    started = time.monotonic()
    answers = {
        "get": unreachable.get("k", "mặc định"),
        "set": unreachable.set("k", 1, 60),
        "add": unreachable.add("k", 1, 60),
        "get_many": unreachable.get_many(["a", "b"]),
        "has_key": unreachable.has_key("k"),
        "delete": unreachable.delete("k"),
        "touch": unreachable.touch("k", 60),
        "get_or_set": unreachable.get_or_set("k", "tính lại", 60),
    }
    assert answers == {
        "get": "mặc định",
        "set": None,
        "add": False,
        "get_many": {},
        "has_key": False,
        "delete": False,
        "touch": False,
        "get_or_set": "tính lại",
    }
    with pytest.raises(ValueError):  # as for a key that expired: callers (rate limits) handle it
        unreachable.incr("k")
    assert time.monotonic() - started < 5
    assert "Redis cache unreachable" in caplog.text


def test_socket_timeouts_are_set_unless_configured():
    cache = TolerantRedisCache("redis://127.0.0.1:1/1", {"OPTIONS": {"socket_timeout": 3}})
    assert cache._options == {"socket_connect_timeout": 1.0, "socket_timeout": 3}
