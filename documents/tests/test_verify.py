"""The public verification page: details of a valid code, 404 otherwise; an uploaded PDF compared with the
rendered and the signed file (and not kept); a rate limit per client address; works for anonymous visitors
with CSRF checks on."""

import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from documents import signing
from documents.tests.helpers import file_bytes
from documents.tests.signing_fixtures import *  # noqa: F403 - the fixtures signing_kind, dev_p12, media_tmp
from documents.tests.signing_fixtures import PASSWORD
from documents.tests.verify_fixtures import *  # noqa: F403 - the fixtures fresh_rate_limit (autouse), rendered
from documents.tests.verify_fixtures import MATCH_RENDERED, MATCH_SIGNED, NO_MATCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(rendered, personas, dev_p12):
    return signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)


def _upload(client, doc, data: bytes, name="van-ban.pdf"):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("documents:verify", args=[doc.verification_code]), {"file": handle})


def _result(response) -> str | None:
    result = response.context["result"]
    return result["message"] if result else response.context.get("error")


def test_page_shows_issuer_number_and_hashes(client, signed):
    response = client.get(reverse("documents:verify", args=[signed.verification_code.lower()]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="col-sm-9">TRƯỜNG TIỂU HỌC A1</dd>' in html
    assert '<dd class="col-sm-9">05/TTr-THỬ</dd>' in html
    assert f'<code class="small">{signed.file_sha256}</code>' in html
    assert f'<code class="small">{signed.signed_sha256}</code>' in html


def test_unknown_code_is_404(client, rendered):
    assert client.get(reverse("documents:verify", args=["KHONGCOMA2345"])).status_code == 404


def test_rendered_file_matches(client, rendered):
    response = _upload(client, rendered, file_bytes(rendered))

    assert (response.status_code, _result(response)) == (200, MATCH_RENDERED)


def test_signed_file_matches_the_signed_copy_and_rendered_still_matches(client, signed):
    with signed.signed_file.open("rb") as handle:
        signed_data = handle.read()

    answers = [_result(_upload(client, signed, data)) for data in (signed_data, file_bytes(signed))]

    assert answers == [MATCH_SIGNED, MATCH_RENDERED]


def test_modified_file_does_not_match(client, signed):
    with signed.signed_file.open("rb") as handle:
        data = handle.read()

    response = _upload(client, signed, data[:-20] + "%% sửa %%".encode() + data[-20:])

    assert (response.status_code, _result(response)) == (200, NO_MATCH)
    assert '<div class="alert alert-danger" role="status" id="verify-result">' in response.content.decode()


def test_non_pdf_refused_and_nothing_kept(client, rendered, media_tmp):
    before = sorted(p.name for p in Path(media_tmp).rglob("*"))

    response = _upload(client, rendered, b"GIF89a not a pdf", name="anh.pdf")

    assert (response.status_code, _result(response)) == (400, "Tệp tải lên không phải PDF.")
    assert sorted(p.name for p in Path(media_tmp).rglob("*")) == before


def test_oversized_upload_refused(client, rendered, settings):
    settings.DOCUMENT_VERIFY_MAX_BYTES = 1024 * 1024

    response = _upload(client, rendered, b"%PDF-" + b"0" * (1024 * 1024))

    assert (response.status_code, _result(response)) == (400, "Tệp quá lớn (tối đa 1 MB).")


def test_rate_limit_429_after_the_limit_for_lookups_and_uploads(client, rendered, settings):
    settings.DOCUMENT_VERIFY_RATE_LIMIT = 3
    url = reverse("documents:verify", args=[rendered.verification_code])

    statuses = [client.get(url).status_code, _upload(client, rendered, file_bytes(rendered)).status_code]
    statuses += [client.get(url).status_code, client.get(url).status_code]
    statuses.append(_upload(client, rendered, file_bytes(rendered)).status_code)
    other = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert statuses == [200, 200, 200, 429, 429]
    limited = client.get(url)
    assert "Quá nhiều lượt kiểm tra" in limited.content.decode()
    assert other.get(url).status_code == 200


def test_unknown_codes_count_toward_the_limit(client, rendered, settings):
    settings.DOCUMENT_VERIFY_RATE_LIMIT = 2

    statuses = [client.get(reverse("documents:verify", args=[f"SAIMA{i}"])).status_code for i in range(3)]

    assert statuses == [404, 404, 429]


def test_anonymous_upload_passes_csrf_with_the_page_token(rendered):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("documents:verify", args=[rendered.verification_code])
    page = browser.get(url)
    token = browser.cookies["csrftoken"].value
    handle = io.BytesIO(file_bytes(rendered))
    handle.name = "van-ban.pdf"

    without = browser.post(url, {"file": io.BytesIO(b"%PDF-1.4")})
    response = browser.post(url, {"file": handle, "csrfmiddlewaretoken": token})

    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert without.status_code == 403
    assert (response.status_code, _result(response)) == (200, MATCH_RENDERED)
