"""The cap on a request's body under ASGI (core.asgi.RequestBodyCap around Django's handler, config/asgi.py).

The application of config/asgi.py is driven directly, as a server would: a scope, a `receive` that hands out the
body message by message and counts what was taken, a `send` that collects the answer. A declared length over the cap
is refused without receiving anything; a body that grows past the cap stops at the first message past it; the page
and the headers are the WSGI path's, byte for byte; a body within the cap reaches the view whole."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from config.asgi import application
from core.asgi import RequestBodyCap
from core.tests.test_body_cap import CAP, Unreadable, _named, small_limits  # noqa: F401 - a fixture, used by name
from core.tests.test_csp import EXPECTED_POLICY, policy_of

CHUNK = 1024


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request's end must not close the test's connection (inside its transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class Body:
    """The server's side of `receive`: the body in messages of CHUNK bytes; then, as a client that stays connected
    until it has its answer, nothing (Django listens for a disconnect while it answers and cancels that wait)."""

    def __init__(self, data: bytes, chunk: int = CHUNK):
        self.messages = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]
        self.taken = 0  # body messages handed out

    async def __call__(self):
        if self.taken == len(self.messages):
            await asyncio.get_running_loop().create_future()
        self.taken += 1
        return {"type": "http.request", "body": self.messages[self.taken - 1], "more_body": self.taken < len(self)}

    def __len__(self):
        return len(self.messages)


class Untouched:
    """A `receive` that fails the test if anything asks it for the body."""

    async def __call__(self):
        raise AssertionError("the refused body was received")


class Answer:
    def __init__(self):
        self.status = None
        self.headers: dict[str, str] = {}
        self.content = b""

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for name, value in message["headers"]:
                name = name.decode("latin1").lower()
                self.headers[name] = (
                    f"{self.headers[name]}, {value.decode('latin1')}"
                    if name in self.headers
                    else value.decode("latin1")
                )
        elif message["type"] == "http.response.body":
            self.content += message.get("body", b"")


def serve(path: str, receive, headers: list[tuple[bytes, bytes]], app=application) -> Answer:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    answer = Answer()
    async_to_sync(app)(scope, receive, answer)
    return answer


def wsgi_413():
    """The WSGI path's answer to a declared length over the cap (core/tests/test_body_cap.py proves it)."""
    return Client(raise_request_exception=False).request(
        REQUEST_METHOD="POST",
        PATH_INFO=reverse("login"),
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(CAP + 1),
        **{"wsgi.input": Unreadable()},
    )


def assert_same_page_as_wsgi(answer: Answer):
    expected = wsgi_413()
    assert answer.status == 413 == expected.status_code
    assert answer.content == expected.content
    assert "<h1>Dữ liệu gửi lên quá lớn</h1>" in answer.content.decode()
    assert answer.headers == {name.lower(): value for name, value in expected.headers.items()}
    assert policy_of({"Content-Security-Policy": answer.headers["content-security-policy"]}) == EXPECTED_POLICY
    assert answer.headers["permissions-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def multipart(size: int) -> bytes:
    return encode_multipart(BOUNDARY, {"file": _named(b"%PDF-" + b"0" * size)})


@pytest.mark.usefixtures("small_limits")
def test_a_declared_length_over_the_cap_is_refused_without_receiving_the_body():
    headers = [(b"content-type", MULTIPART_CONTENT.encode()), (b"content-length", str(CAP + 1).encode())]

    answer = serve(reverse("login"), Untouched(), headers)

    assert_same_page_as_wsgi(answer)


@pytest.mark.usefixtures("small_limits")
def test_a_body_growing_past_the_cap_stops_at_the_first_message_past_it():
    body = Body(multipart(3 * CAP))

    answer = serve(reverse("login"), body, [(b"content-type", MULTIPART_CONTENT.encode())])

    assert_same_page_as_wsgi(answer)
    assert body.taken == CAP // CHUNK + 1 < len(body)  # the message that passed the cap, not one after it


@pytest.mark.usefixtures("small_limits")
def test_a_body_over_a_lying_declared_length_is_stopped_too():
    """A server that does not hold the client to its Content-Length: the count, not the declaration, decides."""
    body = Body(multipart(3 * CAP))
    headers = [(b"content-type", MULTIPART_CONTENT.encode()), (b"content-length", b"100")]

    answer = serve(reverse("login"), body, headers)

    assert answer.status == 413
    assert body.taken == CAP // CHUNK + 1


@pytest.mark.django_db
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_within_the_cap_reaches_the_view_whole(django_user_model, declared):
    django_user_model.objects.create_user("nguoi-dung-thu", password="mat-khau-thu-123")  # noqa: S106
    secret = _get_new_csrf_string()
    data = f"csrfmiddlewaretoken={_mask_cipher_secret(secret)}&username=nguoi-dung-thu&password=mat-khau-thu-123"
    data = (data + "&pad=" + "x" * 5000).encode()
    headers = [(b"content-type", b"application/x-www-form-urlencoded"), (b"cookie", f"csrftoken={secret}".encode())]
    if declared:
        headers.append((b"content-length", str(len(data)).encode()))
    body = Body(data, chunk=700)

    answer = serve(reverse("login"), body, headers)

    assert answer.status == 302, answer.content[:2000]
    assert "sessionid=" in answer.headers["set-cookie"]
    assert body.taken == len(body)


def test_other_scopes_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append((scope, receive, send))

    scope, receive, send = {"type": "lifespan"}, object(), object()
    async_to_sync(RequestBodyCap(app))(scope, receive, send)

    assert seen == [(scope, receive, send)]


def test_config_asgi_wraps_django_in_the_cap():
    from django.core.handlers.asgi import ASGIHandler

    assert isinstance(application, RequestBodyCap)
    assert isinstance(application.app, ASGIHandler)
