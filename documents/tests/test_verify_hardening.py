"""The public verification page's upload goes through the portal's PDF check (core.uploads.check_pdf): a file
that does not open, is encrypted, or carries JavaScript or an embedded file is refused (400) with the same
Vietnamese message as an evidence upload, before it is compared; the portal's own rendered and signed files, and a
harmless PDF, still reach the comparison."""

import io

import pytest
from django.urls import reverse

from core import uploads
from core.tests import upload_files as files
from documents import signing
from documents.tests.helpers import file_bytes
from documents.tests.signing_fixtures import *  # noqa: F403 - the fixtures signing_kind, dev_p12, media_tmp
from documents.tests.signing_fixtures import PASSWORD
from documents.tests.verify_fixtures import *  # noqa: F403 - the fixtures fresh_rate_limit (autouse), rendered
from documents.tests.verify_fixtures import MATCH_RENDERED, MATCH_SIGNED, NO_MATCH

pytestmark = pytest.mark.django_db

REFUSALS = {"script": uploads.PDF_SCRIPT, "embedded": uploads.PDF_EMBEDDED}


def _upload(client, doc, data: bytes, name="van-ban.pdf"):
    handle = io.BytesIO(data)
    handle.name = name
    response = client.post(reverse("documents:verify", args=[doc.verification_code]), {"file": handle})
    result = response.context["result"]
    return response.status_code, (result["message"] if result else response.context.get("error"))


@pytest.mark.parametrize("case", sorted(files.HOSTILE_PDFS))
def test_a_pdf_with_javascript_or_an_embedded_file_is_refused_with_the_upload_message(client, rendered, case):
    data, kind = files.HOSTILE_PDFS[case]

    answer = _upload(client, rendered, data, name="thu-doi-chieu.pdf")

    assert answer == (400, REFUSALS[kind].format(name="thu-doi-chieu.pdf"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (files.encrypted_pdf(), uploads.PDF_ENCRYPTED),
        (b"%PDF-1.7\nrac hong", uploads.PDF_UNREADABLE),
    ],
    ids=["encrypted", "damaged"],
)
def test_an_encrypted_or_damaged_pdf_is_refused_with_the_upload_message(client, rendered, data, message):
    assert _upload(client, rendered, data, name="hong.pdf") == (400, message.format(name="hong.pdf"))


def test_the_file_name_in_the_refusal_is_the_cleaned_one(client, rendered):
    data, _kind = files.HOSTILE_PDFS["open_action_javascript"]

    answer = _upload(client, rendered, data, name="../../etc/passwd\x00.pdf")

    assert answer == (400, uploads.PDF_SCRIPT.format(name="passwd.pdf"))


def test_a_harmless_pdf_reaches_the_comparison_and_does_not_match(client, rendered):
    assert _upload(client, rendered, files.HARMLESS_PDF) == (200, NO_MATCH)


def test_the_portals_own_rendered_and_signed_files_pass_the_check_and_match(client, rendered, personas, dev_p12):
    signed = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)
    with signed.signed_file.open("rb") as handle:
        signed_data = handle.read()

    answers = [_upload(client, signed, data) for data in (file_bytes(signed), signed_data)]

    assert answers == [(200, MATCH_RENDERED), (200, MATCH_SIGNED)]
