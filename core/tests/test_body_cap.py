"""The cap on a request's body (core.middleware.RequestBodyLimitMiddleware, core.uploads.BodyCapUploadHandler):
the largest upload limit plus a margin. A declared Content-Length over it is refused unread with a Vietnamese 413
page (with the security headers); a chunked body (no Content-Length) is counted while it is read and refused as
soon as it passes the cap, or handed to Django whole when it does not; a multipart file that passes the cap while
Django's parser reads it stops the upload, and no view runs on the half-read form."""

import io

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from core import uploads
from core.tests.test_csp import EXPECTED_POLICY, inline_code, policy_of
from core.tests.upload_files import pdf

SMALL = 1000  # every upload limit, in the tests that lower them
CAP = SMALL + uploads.REQUEST_BODY_MARGIN


@pytest.fixture
def small_limits(settings):
    for name in uploads.UPLOAD_LIMIT_SETTINGS:
        setattr(settings, name, SMALL)
    assert uploads.request_body_max_bytes() == CAP


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, size=-1):
        raise AssertionError("the refused body was read")

    readinto = read


class Counted(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def chunked(client, url, body: bytes, content_type: str, stream=None):
    """POST `body` as a chunked request: Transfer-Encoding, no Content-Length, an input the server terminated."""
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=url,
        CONTENT_TYPE=content_type,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream or io.BytesIO(body), "wsgi.input_terminated": True},
    )


def test_the_cap_is_the_largest_upload_limit_plus_the_margin(settings):
    settings.DOCUMENT_VERIFY_MAX_BYTES = 30 * uploads.MB
    settings.DOCUMENT_SCAN_MAX_BYTES = 40 * uploads.MB

    assert uploads.request_body_max_bytes() == 41 * uploads.MB


@pytest.mark.django_db
def test_a_declared_length_over_the_cap_is_refused_unread_with_a_vietnamese_413(small_limits):
    response = Client(raise_request_exception=False).request(
        REQUEST_METHOD="POST",
        PATH_INFO=reverse("login"),
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(CAP + 1),
        **{"wsgi.input": Unreadable()},
    )

    html = response.content.decode()
    assert response.status_code == 413
    assert "<h1>Dữ liệu gửi lên quá lớn</h1>" in html
    assert "lớn hơn mức cổng nhận (1 MB)" in html
    assert "minh chứng tối đa 1000 byte" in html
    assert policy_of(response) == EXPECTED_POLICY
    assert response["Permissions-Policy"]
    assert inline_code(html) == []


@pytest.mark.django_db
def test_a_declared_length_at_the_cap_gets_through(small_limits, django_user_model):
    django_user_model.objects.create_user("nguoi-dung-thu", password="mat-khau-thu-123")  # noqa: S106
    body = b"username=nguoi-dung-thu&password=mat-khau-thu-123&pad=" + b"x" * 100

    response = Client().post(reverse("login"), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_chunked_body_under_the_cap_is_read_and_reaches_the_view(django_user_model):
    """Without the middleware Django's WSGI request reads no body at all without a Content-Length."""
    django_user_model.objects.create_user("nguoi-dung-thu", password="mat-khau-thu-123")  # noqa: S106
    body = b"username=nguoi-dung-thu&password=mat-khau-thu-123"
    client = Client()

    response = chunked(client, reverse("login"), body, "application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_a_chunked_body_over_the_cap_is_refused_as_soon_as_it_passes(small_limits):
    body = encode_multipart(BOUNDARY, {"file": _named(b"%PDF-" + b"0" * (3 * CAP))})
    stream = Counted(body)

    response = chunked(Client(raise_request_exception=False), reverse("login"), body, MULTIPART_CONTENT, stream)

    assert response.status_code == 413
    assert CAP < stream.taken <= CAP + 64 * 1024  # read one block past the cap, not the 3 MB behind it


@pytest.fixture
def nomination(school_nomination, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return school_nomination


def _named(data: bytes, name: str = "minh-chung.pdf"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.mark.django_db
def test_a_chunked_evidence_upload_under_the_cap_is_stored_whole(nomination, personas):
    from nominations.models import Attachment

    client = Client()
    client.force_login(personas["secretary_a1"])
    data = pdf(size=20_000)
    body = encode_multipart(BOUNDARY, {"file": _named(data), "description": "Giấy khen"})

    response = chunked(client, reverse("nominations:attachment_upload", args=[nomination.pk]), body, MULTIPART_CONTENT)

    assert response.status_code == 302
    assert Attachment.objects.get().size == len(data)


@pytest.mark.django_db
def test_a_file_passing_the_cap_while_parsed_stops_the_upload_before_the_view(
    nomination, personas, small_limits, monkeypatch
):
    """The net under the middleware: its own check is disabled here (as when a body reaches Django's parser by
    another path), and the upload handler alone stops the file; the view never runs, nothing is stored."""
    import core.middleware
    import nominations.views
    from nominations.models import Attachment

    monkeypatch.setattr(core.middleware, "_limit", lambda: 10 * CAP)
    forms_built = []
    form_class = nominations.views.AttachmentForm
    monkeypatch.setattr(
        nominations.views, "AttachmentForm", lambda *a, **k: forms_built.append(1) or form_class(*a, **k)
    )
    client = Client(raise_request_exception=False)
    client.force_login(personas["secretary_a1"])
    url = reverse("nominations:attachment_upload", args=[nomination.pk])

    response = client.post(url, {"file": _named(pdf(size=CAP + 10_000)), "description": "Giấy khen"})

    assert response.status_code == 413
    assert "<h1>Dữ liệu gửi lên quá lớn</h1>" in response.content.decode()
    assert (forms_built, Attachment.objects.count()) == ([], 0)


def test_the_upload_handler_counts_what_it_reads_and_stops_past_the_cap(small_limits):
    body = encode_multipart(BOUNDARY, {"note": "ghi chú", "file": _named(b"%PDF-" + b"0" * (2 * CAP))})
    request = RequestFactory().generic("POST", "/", body, content_type=MULTIPART_CONTENT)
    request.META["CONTENT_LENGTH"] = str(CAP)  # declared within the cap, as a lying or absent length would be
    stream = Counted(body)
    handlers = [uploads.BodyCapUploadHandler(request), MemoryFileUploadHandler(request)]

    post, files = MultiPartParser(request.META, stream, handlers).parse()

    assert request.body_too_large is True
    assert dict(files) == {}
    assert post["note"] == "ghi chú"
    assert stream.taken <= CAP + 64 * 1024


def test_the_upload_handler_lets_a_file_under_the_cap_through(small_limits):
    data = b"%PDF-" + b"0" * 500
    body = encode_multipart(BOUNDARY, {"file": _named(data)})
    request = RequestFactory().generic("POST", "/", body, content_type=MULTIPART_CONTENT)
    handlers = [uploads.BodyCapUploadHandler(request), MemoryFileUploadHandler(request)]

    _post, files = MultiPartParser(request.META, io.BytesIO(body), handlers).parse()

    assert isinstance(files["file"], InMemoryUploadedFile)
    assert files["file"].read() == data
    assert getattr(request, "body_too_large", False) is False


def test_the_upload_handler_refuses_a_declared_length_over_the_cap_without_reading(small_limits):
    body = encode_multipart(BOUNDARY, {"file": _named(b"%PDF-1.7")})
    request = RequestFactory().generic("POST", "/", body, content_type=MULTIPART_CONTENT)
    request.META["CONTENT_LENGTH"] = str(CAP + 1)
    handlers = [uploads.BodyCapUploadHandler(request), MemoryFileUploadHandler(request)]

    post, files = MultiPartParser(request.META, Unreadable(), handlers).parse()

    assert (dict(post), dict(files), request.body_too_large) == ({}, {}, True)


def test_settings_put_the_handler_first_and_the_middleware_after_the_security_headers(settings):
    middleware = settings.MIDDLEWARE

    assert settings.FILE_UPLOAD_HANDLERS[0] == "core.uploads.BodyCapUploadHandler"
    assert middleware.index("core.middleware.RequestBodyLimitMiddleware") == (
        middleware.index("core.middleware.PermissionsPolicyMiddleware") + 1
    )
    assert middleware.index("core.middleware.RequestBodyLimitMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
