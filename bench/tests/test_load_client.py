"""bench.load's client: the answer read as far as its status and Location, failures reported, the open model's
latency counted from the scheduled time (no database: a stub server on a thread)."""

import asyncio
import socket
import threading
import time

from bench.load import Page, Target, _run_schedule

PAGE = Page("p", "p", "school", "/trang/", 1)


def _serve(answer: bytes, delay: float = 0.0):
    """A listening socket answering `answer` to each request (after `delay` seconds), then closing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    seen = []

    def run():
        while True:
            try:
                peer, _ = listener.accept()
            except OSError:
                return
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = peer.recv(65536)
                if not chunk:
                    break
                data += chunk
            seen.append(data)
            threading.Event().wait(delay)
            peer.sendall(answer)
            peer.close()

    threading.Thread(target=run, daemon=True).start()
    return listener, seen


def test_status_location_and_size_read_from_the_answer():
    body = b"x" * 300_000
    listener, seen = _serve(b"HTTP/1.1 302 Found\r\nLocation: /dang-nhap/?next=/\r\nContent-Length: 0\r\n\r\n")
    target = Target(listener.getsockname()[1], {"school": "abc"}, None)
    try:
        ok, detail = asyncio.run(target.send(PAGE))
    finally:
        listener.close()
    assert (ok, detail) == (True, "302 /dang-nhap/?next=/")
    assert seen[0].startswith(b"GET /trang/ HTTP/1.1\r\n") and b"Cookie: sessionid=abc\r\n" in seen[0]

    listener, _ = _serve(b"HTTP/1.1 302 Found\r\nLocation: /login/?next=/trang/\r\n\r\n")
    target = Target(listener.getsockname()[1], {"school": "abc"}, None)
    try:
        assert asyncio.run(target.send(PAGE)) == (False, "302 /login/?next=/trang/")
    finally:
        listener.close()

    listener, _ = _serve(b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + body)
    target = Target(listener.getsockname()[1], {"school": "abc"}, None)

    async def answer():
        future = asyncio.get_running_loop().create_future()
        target.start(PAGE, future.set_result)
        return await future

    try:
        assert asyncio.run(answer()) == (200, "", len(body), "")
    finally:
        listener.close()


def test_refused_and_silent_servers_are_errors():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed: nothing listens there
    assert asyncio.run(Target(port, {"school": "abc"}, None).send(PAGE)) == (False, "ECONNREFUSED on connect")

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections queue, nothing answers
    try:
        results, _ = asyncio.run(
            _run_schedule(Target(silent.getsockname()[1], {"school": "abc"}, None), [(0.0, PAGE)], timeout=1.0)
        )
    finally:
        silent.close()
    assert [(r[3], r[4]) for r in results] == [(False, "TimeoutError")]


def test_latency_counts_from_the_scheduled_time():
    """The client itself busy when a request falls due (the loop blocked 0.4 s): the request leaves late, its lag
    shows it, and its latency counts from the time it was scheduled, not from the late send (the open model)."""
    listener, _ = _serve(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    target = Target(listener.getsockname()[1], {"school": "abc"}, None)

    async def run():
        loop = asyncio.get_running_loop()
        loop.call_at(loop.time() + 0.1, time.sleep, 0.4)  # blocks the loop from +0.1 s to +0.5 s
        return await _run_schedule(target, [(0.1, PAGE)], timeout=10)  # due at +0.3 s (the schedule starts at +0.2)

    try:
        results, lags = asyncio.run(run())
    finally:
        listener.close()
    assert [r[3] for r in results] == [True]
    assert lags[0] >= 0.15 and results[0][2] >= lags[0]
