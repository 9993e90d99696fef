"""Scans of wet-signed originals: checked by content (PDF, pages, colour, ≥ 200 dpi), kept under
documents/scans/, listed on the document's page and downloaded through the kernel."""

import hashlib
import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from core.exceptions import ServiceError
from documents import scans
from documents.models import ScannedOriginal
from documents.tests.helpers import render
from documents.tests.signing_fixtures import *  # noqa: F403 - the fixtures signing_kind, dev_p12, media_tmp
from documents.tests.signing_fixtures import KIND_CODE

pytestmark = pytest.mark.django_db


def scan_pdf(*, dpi: int, mode: str = "RGB", size=(600, 800), pages: int = 1) -> bytes:
    """A PDF whose every page is one image of `size` pixels shown at `dpi` (Pillow sets the page size)."""
    images = [Image.new(mode, size, color=(200, 30, 30) if mode == "RGB" else 128) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


@pytest.fixture
def rendered(signing_kind, media_tmp, personas, tree):
    return render(KIND_CODE, tree["school_a1"], personas["head_a1"])


def test_colour_scan_at_300_dpi_accepted_and_stored(rendered, personas, media_tmp):
    data = scan_pdf(dpi=300, pages=2)

    scan = scans.scan_attach(
        document=rendered, by=personas["secretary_a1"], data=data, original_name="C:\\quet\\tt.pdf"
    )

    digest = hashlib.sha256(data).hexdigest()
    assert (scan.min_dpi, scan.size, scan.sha256, scan.original_name, scan.kind, scan.uploaded_by) == (
        300,
        len(data),
        digest,
        "tt.pdf",
        KIND_CODE,
        personas["secretary_a1"],
    )
    assert scan.file.name == f"documents/scans/{KIND_CODE}-{rendered.object_id}-{digest[:20]}.pdf"
    assert (Path(media_tmp) / "media" / scan.file.name).read_bytes() == data


def test_same_scan_twice_keeps_one_row(rendered, personas):
    data = scan_pdf(dpi=300)

    first = scans.scan_attach(document=rendered, by=personas["secretary_a1"], data=data, original_name="a.pdf")
    second = scans.scan_attach(document=rendered, by=personas["secretary_a1"], data=data, original_name="b.pdf")

    assert (second.pk, ScannedOriginal.objects.count()) == (first.pk, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: scan_pdf(dpi=150), "Trang 1 có độ phân giải 150 dpi, thấp hơn mức tối thiểu 200 dpi: hãy quét lại."),
        (lambda: scan_pdf(dpi=199), "Trang 1 có độ phân giải 199 dpi, thấp hơn mức tối thiểu 200 dpi: hãy quét lại."),
        (lambda: scan_pdf(dpi=300, mode="L"), "Trang 1 là ảnh đen trắng hoặc thang xám: bản quét phải là ảnh màu."),
        (lambda: scan_pdf(dpi=300, mode="1"), "Trang 1 là ảnh đen trắng hoặc thang xám: bản quét phải là ảnh màu."),
        (
            lambda: b"\x89PNG\r\n\x1a\n" + b"0" * 100,
            "Tệp tải lên không phải PDF: bản quét văn bản đã ký phải là tệp PDF.",
        ),
        (lambda: b"%PDF-1.4\nrac hong", "Không mở được tệp PDF (tệp hỏng hoặc có mật khẩu)."),
        (lambda: b"", "Chưa chọn tệp bản quét."),
    ],
)
def test_bad_scan_refused_and_nothing_kept(rendered, personas, media_tmp, data, message):
    before = sorted(p.name for p in Path(media_tmp).rglob("*"))

    with pytest.raises(ServiceError) as error:
        scans.scan_attach(document=rendered, by=personas["secretary_a1"], data=data(), original_name="x.pdf")

    assert str(error.value) == message
    assert ScannedOriginal.objects.count() == 0
    assert sorted(p.name for p in Path(media_tmp).rglob("*")) == before


def test_second_page_under_200_dpi_named(rendered, personas):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for dpi in (300, 150):
        writer.append(io.BytesIO(scan_pdf(dpi=dpi)))
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(ServiceError) as error:
        scans.scan_check(out.getvalue())

    assert str(error.value) == "Trang 2 có độ phân giải 150 dpi, thấp hơn mức tối thiểu 200 dpi: hãy quét lại."


def test_rendered_pdf_without_image_refused(rendered):
    with rendered.file.open("rb") as handle:
        data = handle.read()

    with pytest.raises(ServiceError) as error:
        scans.scan_check(data)

    assert str(error.value) == "Trang 1 không có ảnh quét: hãy tải lên bản quét (ảnh màu) của văn bản đã ký."


def test_scan_upload_listed_and_downloaded_through_the_page(client, rendered, personas):
    data = scan_pdf(dpi=240)
    client.force_login(personas["secretary_a1"])
    upload = io.BytesIO(data)
    upload.name = "ban-quet.pdf"

    response = client.post(reverse("documents:scan_upload", args=[rendered.pk]), {"file": upload})

    assert response.status_code == 302
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == ["Đã lưu bản quét văn bản đã ký."]
    scan = ScannedOriginal.objects.get()
    html = page.content.decode()
    assert "<td>ban-quet.pdf</td>" in html and "<td>240 dpi</td>" in html
    download = client.get(reverse("documents:scan_download", args=[scan.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data


def test_low_dpi_upload_through_the_page_says_why(client, rendered, personas):
    client.force_login(personas["secretary_a1"])
    upload = io.BytesIO(scan_pdf(dpi=150))
    upload.name = "mo.pdf"

    response = client.post(reverse("documents:scan_upload", args=[rendered.pk]), {"file": upload})

    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == [
        "Trang 1 có độ phân giải 150 dpi, thấp hơn mức tối thiểu 200 dpi: hãy quét lại."
    ]
    assert ScannedOriginal.objects.count() == 0


@pytest.mark.parametrize(("persona", "status"), [("council_a1", 403), ("reviewer_b", 404), ("outsider", 404)])
def test_scan_upload_refuses_others(client, rendered, personas, persona, status):
    client.force_login(personas[persona])
    upload = io.BytesIO(scan_pdf(dpi=300))
    upload.name = "x.pdf"

    response = client.post(reverse("documents:scan_upload", args=[rendered.pk]), {"file": upload})

    assert response.status_code == status
    assert ScannedOriginal.objects.count() == 0


@pytest.mark.parametrize(("persona", "status"), [("head_a1", 200), ("reviewer_b", 404), ("outsider", 404)])
def test_scan_download_only_inside_scope(client, rendered, personas, persona, status):
    scan = scans.scan_attach(
        document=rendered, by=personas["secretary_a1"], data=scan_pdf(dpi=300), original_name="a.pdf"
    )
    client.force_login(personas[persona])

    response = client.get(reverse("documents:scan_download", args=[scan.pk]))

    assert response.status_code == status


def test_scan_leaves_a_history_row_naming_the_uploader(rendered, personas):
    scan = scans.scan_attach(
        document=rendered, by=personas["secretary_a1"], data=scan_pdf(dpi=300), original_name="a.pdf"
    )

    assert [(row.history_type, row.history_user) for row in scan.history.all()] == [("+", personas["secretary_a1"])]


# --- hostile scans and downloads by nginx (issue 15, item 3; core/uploads.py) ---------------------------


def with_active_content(data: bytes, kind: str) -> bytes:
    """A good scan to which a JavaScript open action or an embedded file was added."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if kind == "script":
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x');")}
        )
    else:
        writer.add_attachment("chuong-trinh.exe", b"MZ" + b"\x00" * 64)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("script", "Tệp PDF «Quét ngày 5.pdf» có mã lệnh tự chạy (JavaScript hoặc lệnh mở chương trình)"),
        ("embedded", "Tệp PDF «Quét ngày 5.pdf» có tệp khác đính kèm bên trong"),
    ],
)
def test_a_scan_with_javascript_or_an_embedded_file_is_refused_and_nothing_kept(
    rendered, personas, media_tmp, kind, message
):
    data = with_active_content(scan_pdf(dpi=300), kind)
    before = sorted(p.name for p in Path(media_tmp).rglob("*"))

    with pytest.raises(ServiceError) as error:
        scans.scan_attach(
            document=rendered, by=personas["secretary_a1"], data=data, original_name="C:\\quet\\Quét ngày 5.pdf"
        )

    assert str(error.value).startswith(message)
    assert ScannedOriginal.objects.count() == 0
    assert sorted(p.name for p in Path(media_tmp).rglob("*")) == before


@pytest.mark.parametrize(("persona", "status"), [("head_a1", 200), ("reviewer_b", 404), ("outsider", 404)])
def test_scan_download_by_nginx_only_inside_scope(client, settings, rendered, personas, persona, status):
    settings.MEDIA_ACCEL_REDIRECT = "/_media_noi_bo/"
    scan = scans.scan_attach(
        document=rendered, by=personas["secretary_a1"], data=scan_pdf(dpi=300), original_name="a.pdf"
    )
    client.force_login(personas[persona])

    response = client.get(reverse("documents:scan_download", args=[scan.pk]))

    accel = response.get("X-Accel-Redirect")
    assert (response.status_code, accel) == (status, f"/_media_noi_bo/{scan.file.name}" if status == 200 else None)
