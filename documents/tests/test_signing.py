"""Signing a generated PDF (PAdES B-B with pyHanko): the signature validates against the self-signed root,
sits on the signature block's anchor, breaks when the file changes; refusals change nothing; only the
issuing unit's head may sign (404 outside, 403 inside without SIGN)."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from core.exceptions import ServiceError
from documents import signing
from documents.management.commands.documents_dev_certificate import dev_certificate
from documents.models import GeneratedDocument
from documents.tests.helpers import pdf_lines, pdf_reader, render
from documents.tests.signing_fixtures import *  # noqa: F403 - the fixtures signing_kind, dev_p12, media_tmp
from documents.tests.signing_fixtures import KIND_CODE, PASSWORD, SIGNER

pytestmark = pytest.mark.django_db


def _root(pem_bytes: bytes):
    _, _, der = pem.unarmor(pem_bytes)
    return asn1_x509.Certificate.load(der)


def _status(data: bytes, root_pem: bytes):
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    return signature, validate_pdf_signature(signature, ValidationContext(trust_roots=[_root(root_pem)]))


def _signed_bytes(doc) -> bytes:
    with doc.signed_file.open("rb") as handle:
        return handle.read()


def _media_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def rendered(signing_kind, media_tmp, personas, tree):
    return render(KIND_CODE, tree["school_a1"], personas["head_a1"])


def test_signed_pdf_validates_against_the_self_signed_root(rendered, personas, dev_p12):
    p12, root_pem = dev_p12

    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=p12, passphrase=PASSWORD)

    data = _signed_bytes(doc)
    signature, status = _status(data, root_pem)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert (doc.signer_name, doc.signed_by, doc.signed_sha256 != "", doc.signed_at is not None) == (
        SIGNER,
        personas["head_a1"],
        True,
        True,
    )
    assert doc.signed_sha256 != doc.file_sha256
    stored = GeneratedDocument.objects.get(pk=doc.pk)
    assert stored.signed_file.name == f"documents/{KIND_CODE}/{doc.inputs_hash[:20]}-{doc.pk}-signed.pdf"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) not installed")
def test_signed_pdf_validates_with_pdfsig(rendered, personas, dev_p12, tmp_path):
    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)
    path = tmp_path / "signed.pdf"
    path.write_bytes(_signed_bytes(doc))

    out = subprocess.run(["pdfsig", str(path)], capture_output=True, check=False).stdout.decode()

    assert "Signature Validation: Signature is Valid." in out
    assert f"Signer Certificate Common Name: {SIGNER}" in out
    assert "Total document signed" in out


def test_signature_field_rectangle_is_the_anchor_box(rendered, personas, dev_p12):
    anchor = rendered.anchors["sig-main"]

    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    signature, _ = _status(_signed_bytes(doc), dev_p12[1])
    rect = [round(float(v), 2) for v in signature.sig_field["/Rect"]]
    assert rect == anchor["box"]
    widgets = [
        (index, [round(float(v), 2) for v in annotation.get_object()["/Rect"]])
        for index, page in enumerate(pdf_reader(_signed_bytes(doc)).pages)
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert widgets == [(anchor["page"], anchor["box"])]


def test_changed_signed_file_fails_validation(rendered, personas, dev_p12):
    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)
    data = _signed_bytes(doc)

    _, appended = _status(data + b"\n", dev_p12[1])
    flipped_data = data[:500] + bytes([data[500] ^ 0x01]) + data[501:]
    _, flipped = _status(flipped_data, dev_p12[1])

    # A byte added after the signature is no longer the whole file the signer signed.
    assert appended.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert (flipped.intact, flipped.bottom_line) == (False, False)


def test_untrusted_root_is_not_trusted(rendered, personas, dev_p12):
    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)
    _, other_root = dev_certificate(name="Người Khác", password="x")

    _, status = _status(_signed_bytes(doc), other_root)

    assert (status.intact, status.trusted, status.bottom_line) == (True, False, False)


def test_appearance_shows_signer_time_with_vietnam_offset_and_unit(rendered):
    import datetime

    moment = datetime.datetime(2026, 12, 1, 6, 5, 9, tzinfo=datetime.UTC)
    placement = signing.placement_for(rendered, b"")

    pdf = signing.appearance_pdf(
        placement=placement, name=SIGNER, unit_name="TRƯỜNG TIỂU HỌC A1", number="05/TTr-THỬ", moment=moment
    )

    assert pdf_lines(pdf) == ["Ký bởi: Nguyễn Văn Bảo", "TRƯỜNG TIỂU HỌC A1", "Thời gian: 2026-12-01T13:05:09+07:00"]


def test_document_without_anchor_is_signed_top_right_of_page_one(rendered, personas, dev_p12):
    GeneratedDocument.objects.filter(pk=rendered.pk).update(anchors={})
    rendered.refresh_from_db()

    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    signature, status = _status(_signed_bytes(doc), dev_p12[1])
    assert status.bottom_line is True
    rect = [round(float(v), 2) for v in signature.sig_field["/Rect"]]
    # A4 is 595.28 x 841.89 pt: 15 mm (42.52 pt) from the right edge, 2 mm (5.67 pt) from the top, 200 x 48 pt.
    assert rect == [352.76, 788.22, 552.76, 836.22]


def test_organisation_appearance_shows_number_unit_signer_and_time(rendered):
    import datetime

    placement = signing.Placement(page=0, box=(352.76, 788.22, 552.76, 836.22), organisation=True)

    pdf = signing.appearance_pdf(
        placement=placement,
        name=SIGNER,
        unit_name="TRƯỜNG TIỂU HỌC A1",
        number="05/TTr-THỬ",
        moment=datetime.datetime(2026, 1, 2, 17, 0, 0, tzinfo=datetime.UTC),
    )

    assert pdf_lines(pdf) == [
        "Số: 05/TTr-THỬ",
        "Ký bởi: TRƯỜNG TIỂU HỌC A1",
        "Người ký: Nguyễn Văn Bảo",
        "Thời gian: 2026-01-03T00:00:00+07:00",
    ]


@pytest.mark.parametrize(
    ("p12", "passphrase", "message"),
    [
        ("good", "sai-mật-khẩu", "Sai mật khẩu của tệp chứng thư số."),
        (b"%PDF-1.7 not a key", PASSWORD, "Tệp tải lên không phải tệp chứng thư số PKCS#12 (.p12 hoặc .pfx)."),
        (b"", PASSWORD, "Chưa chọn tệp chứng thư số (.p12 hoặc .pfx)."),
        (b"0" * (64 * 1024 + 1), PASSWORD, "Tệp chứng thư số quá lớn (tối đa 64 KB)."),
    ],
)
def test_bad_key_refused_and_nothing_changes(rendered, personas, dev_p12, media_tmp, p12, passphrase, message):
    before = _media_files(media_tmp)

    with pytest.raises(ServiceError) as error:
        signing.document_sign(
            document=rendered, by=personas["head_a1"], p12=dev_p12[0] if p12 == "good" else p12, passphrase=passphrase
        )

    assert str(error.value) == message
    stored = GeneratedDocument.objects.get(pk=rendered.pk)
    assert (stored.signed_file.name, stored.signed_sha256, stored.signed_at, stored.signer_name) == ("", "", None, "")
    assert _media_files(media_tmp) == before


def test_expired_certificate_refused(rendered, personas):
    p12, _ = dev_certificate(name=SIGNER, password=PASSWORD, days=1)
    import datetime

    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=3)
    from unittest import mock

    with mock.patch("documents.signing.timezone.now", return_value=later), pytest.raises(ServiceError) as error:
        signing.document_sign(document=rendered, by=personas["head_a1"], p12=p12, passphrase=PASSWORD)

    assert str(error.value).startswith("Chứng thư số đã hết hạn hoặc chưa có hiệu lực (hiệu lực từ ")


def test_signing_twice_refused(rendered, personas, dev_p12):
    first = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    with pytest.raises(ServiceError) as error:
        signing.document_sign(document=first, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    assert str(error.value) == "Văn bản này đã được ký số; không ký lại."
    assert GeneratedDocument.objects.get(pk=first.pk).signed_sha256 == first.signed_sha256


def test_stale_document_refused(rendered, personas, dev_p12, tree):
    from units.models import Unit

    Unit.objects.filter(pk=tree["school_a1"].pk).update(name="Trường Tiểu học A1 (đổi tên)")

    with pytest.raises(ServiceError) as error:
        signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    assert str(error.value) == "Dữ liệu đã thay đổi sau khi tạo văn bản này: hãy tạo lại văn bản rồi mới ký."
    assert GeneratedDocument.objects.get(pk=rendered.pk).signed_file.name == ""


def test_secretary_may_not_sign_in_service(rendered, personas, dev_p12):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        signing.document_sign(document=rendered, by=personas["secretary_a1"], p12=dev_p12[0], passphrase=PASSWORD)


def _post_sign(client, user, doc, p12: bytes, passphrase: str):
    client.force_login(user)
    upload = io.BytesIO(p12)
    upload.name = "chu-ky.p12"
    return client.post(reverse("documents:sign", args=[doc.pk]), {"p12": upload, "passphrase": passphrase})


def test_head_signs_through_the_page(client, rendered, personas, dev_p12):
    response = _post_sign(client, personas["head_a1"], rendered, dev_p12[0], PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("documents:detail", args=[rendered.pk])
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == ["Đã ký số văn bản."]
    html = page.content.decode()
    assert f"Đã ký số bởi <strong>{SIGNER}</strong>" in html
    assert GeneratedDocument.objects.get(pk=rendered.pk).signer_name == SIGNER


def test_wrong_passphrase_through_the_page_says_so(client, rendered, personas, dev_p12):
    response = _post_sign(client, personas["head_a1"], rendered, dev_p12[0], "sai")

    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == ["Sai mật khẩu của tệp chứng thư số."]
    assert GeneratedDocument.objects.get(pk=rendered.pk).signed_file.name == ""


@pytest.mark.parametrize(("persona", "status"), [("secretary_a1", 403), ("reviewer_b", 404), ("outsider", 404)])
def test_sign_url_refuses_others(client, rendered, personas, dev_p12, persona, status):
    response = _post_sign(client, personas[persona], rendered, dev_p12[0], PASSWORD)

    assert response.status_code == status
    assert GeneratedDocument.objects.get(pk=rendered.pk).signed_file.name == ""


def test_sign_form_shown_to_head_only(client, rendered, personas):
    url = reverse("documents:detail", args=[rendered.pk])
    sign_action = reverse("documents:sign", args=[rendered.pk])

    shown = {}
    for persona in ("head_a1", "secretary_a1"):
        client.force_login(personas[persona])
        shown[persona] = sign_action in client.get(url).content.decode()

    assert shown == {"head_a1": True, "secretary_a1": False}


def test_dev_certificate_command_writes_a_loadable_key(tmp_path):
    out = tmp_path / "ky-thu.p12"
    cert = tmp_path / "ky-thu.pem"

    call_command("documents_dev_certificate", out=str(out), name="Nguyễn Văn A", password="bí-mật", cert_out=str(cert))

    key = signing.p12_load(out.read_bytes(), "bí-mật")
    assert key.name == "Nguyễn Văn A"
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_signing_leaves_a_history_row_naming_the_signer(rendered, personas, dev_p12):
    doc = signing.document_sign(document=rendered, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    row = doc.history.filter(history_type="~").latest("history_date")
    assert (row.history_user, row.signer_name, row.signed_sha256, row.unit_id) == (
        personas["head_a1"],
        SIGNER,
        doc.signed_sha256,
        doc.unit_id,
    )


def test_real_submission_signed_on_its_signature_block(media_tmp, personas, person_factory, tree, dev_p12):
    from nominations import services as nomination_services
    from nominations.enums import RoundKind

    school = tree["school_a1"]
    dossier = nomination_services.dossier_create(
        by=personas["secretary_a1"], unit=school, round_kind=RoundKind.YEAR_END, school_year=2024
    )
    nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=person_factory(school), summary="Tốt."
    )
    doc = render("submission", dossier, personas["secretary_a1"])

    signed = signing.document_sign(document=doc, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    signature, status = _status(_signed_bytes(signed), dev_p12[1])
    assert (status.bottom_line, signed.unit_id) == (True, school.pk)
    assert [round(float(v), 2) for v in signature.sig_field["/Rect"]] == doc.anchors["sig-main"]["box"]


def test_signing_works_on_a_storage_without_local_paths(signing_kind, settings, personas, tree, dev_p12):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    doc = render(KIND_CODE, tree["school_a1"], personas["head_a1"])

    signed = signing.document_sign(document=doc, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)

    _, status = _status(_signed_bytes(signed), dev_p12[1])
    assert status.bottom_line is True
