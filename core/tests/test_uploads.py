"""core.uploads: every upload's size, type by content, name, and the checks of its kind (issue 15, item 3).

The hostile files are built in the test (core/tests/upload_files.py). The views' tests, which also check that
nothing was stored, sit beside each form (nominations, units, awards, documents)."""

import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from core.excel import ImportRejected, read_rows
from core.tests import upload_files as files
from core.uploads import UploadRefused

HEADERS = ["Họ và tên", "Ngày sinh"]
BOOK = files.workbook([HEADERS, ["Trần Thị Lan", "01/02/1990"]])

SCRIPT = uploads.PDF_SCRIPT.format(name="minh-chung.pdf")
EMBEDDED = uploads.PDF_EMBEDDED.format(name="minh-chung.pdf")


def refusal(check, name: str, data: bytes) -> str | None:
    try:
        check(SimpleUploadedFile(name, data))
    except UploadRefused as refused:
        return str(refused)
    return None


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd\x00.pdf", "passwd.pdf"),
        ("C:\\Users\\lan\\Bằng khen năm 2025.pdf", "Bằng khen năm 2025.pdf"),
        (unicodedata.normalize("NFD", "Giấy khen.pdf"), "Giấy khen.pdf"),  # NFC, diacritics kept
        ("hoa-don\u202efdp.exe", "hoa-donfdp.exe"),  # a right-to-left override would show "exe.pdf"
        ("  ..ẩn  tệp.png.. ", "ẩn tệp.png"),
        ("../", "tep-tai-len"),
        ("ả" * 300 + ".pdf", "ả" * 196 + ".pdf"),
    ],
)
def test_safe_name_keeps_the_last_part_readable_and_nothing_else(given, shown):
    assert uploads.safe_name(given) == shown


# --- evidence ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(files.HOSTILE_PDFS))
def test_a_pdf_with_javascript_or_an_embedded_file_is_refused_saying_which(case):
    data, kind = files.HOSTILE_PDFS[case]
    assert refusal(uploads.check_evidence, "minh-chung.pdf", data) == {"script": SCRIPT, "embedded": EMBEDDED}[kind]


def test_a_plain_pdf_with_a_web_link_and_an_open_at_page_one_is_accepted():
    assert uploads.check_evidence(SimpleUploadedFile("minh-chung.pdf", files.HARMLESS_PDF)) == uploads.PDF


def test_an_encrypted_pdf_is_refused_saying_so():
    assert refusal(uploads.check_evidence, "bang-khen.pdf", files.encrypted_pdf()) == (
        "Tệp PDF «bang-khen.pdf» có mật khẩu hoặc đã mã hoá nên cổng không kiểm tra được: hãy gỡ mật khẩu rồi "
        "tải lên lại."
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "hong.pdf",
            b"%PDF-1.7\nrac hong",
            "Không mở được tệp PDF «hong.pdf»: tệp hỏng hoặc không đúng định dạng PDF.",
        ),
        (
            "anh.pdf",
            files.PNG,
            "Tệp «anh.pdf» có đuôi .pdf nhưng nội dung là PNG; hãy đặt đúng đuôi tệp rồi tải lên lại.",
        ),
        ("nen.pdf", BOOK, "Tệp «nen.pdf» không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."),
        (
            "chuong-trinh.pdf",
            files.EXE,
            "Tệp «chuong-trinh.pdf» không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).",
        ),
        (
            "../../etc/passwd\x00.pdf",
            files.EXE,
            "Tệp «passwd.pdf» không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).",
        ),
        ("rong.pdf", b"", "Tệp rỗng."),
    ],
)
def test_evidence_is_judged_by_its_content_not_its_name(name, data, message):
    assert refusal(uploads.check_evidence, name, data) == message


def test_evidence_over_the_limit_is_refused_by_its_size_before_its_content_is_read(settings):
    settings.NOMINATION_ATTACHMENT_MAX_BYTES = 1024

    class Unread(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read before the size was checked")

    with pytest.raises(UploadRefused) as refused:
        uploads.check_evidence(Unread("a.pdf", files.pdf(size=2048)))
    assert str(refused.value) == "Tệp quá lớn (2 KB): tối đa 1 KB."


def test_the_pdf_check_reads_no_page_content():
    """A page whose content stream is garbage still passes: only the catalog, pages and annotations are read."""
    data = files.pdf(page=b"/Contents 4 0 R", objects=(b"<< /Length 5 >>\nstream\n\x00\xff\x00\xff\x00\nendstream",))
    assert uploads.check_evidence(SimpleUploadedFile("a.pdf", data)) == uploads.PDF


# --- workbooks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: files.xlsm(BOOK), uploads.WORKBOOK_MACRO),
        (lambda: files.rezip(BOOK, add={"xl/vbaProject.bin": files.OLE}), uploads.WORKBOOK_MACRO),
        (lambda: files.rezip(BOOK, add={"xl/macrosheets/sheet1.xml": b"<xm/>"}), uploads.WORKBOOK_MACRO),
        (lambda: files.with_external_link(BOOK), uploads.WORKBOOK_EXTERNAL),
        (lambda: files.OLE, uploads.WORKBOOK_ENCRYPTED),
        (lambda: files.EXE, uploads.WORKBOOK_NOT_XLSX),
        (lambda: files.docx_like(), uploads.WORKBOOK_NOT_XLSX),
        (lambda: files.pdf(), uploads.WORKBOOK_NOT_XLSX),
        (lambda: b"", "Tệp rỗng."),
    ],
)
def test_a_workbook_with_macros_links_or_another_content_is_refused_before_openpyxl(data, message):
    assert refusal(uploads.check_workbook, "danh-sach.xlsx", data()) == message


def test_a_zip_bomb_is_refused_by_its_directory(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 8 * 1024 * 1024
    bomb = files.zip_bomb(BOOK, 9 * 1024 * 1024)
    assert len(bomb) < 64 * 1024  # small packed, 9 MB unpacked
    settings.IMPORT_MAX_ZIP_RATIO = 100_000  # the total alone refuses it
    assert refusal(uploads.check_workbook, "a.xlsx", bomb) == uploads.WORKBOOK_BOMB.format(
        detail="giải nén ra hơn 8 MB"
    )


def test_a_part_that_unpacks_too_many_times_its_size_is_refused(settings):
    bomb = files.zip_bomb(BOOK, 3 * 1024 * 1024)
    assert refusal(uploads.check_workbook, "a.xlsx", bomb) == uploads.WORKBOOK_BOMB.format(
        detail="một phần giải nén ra gấp hơn 100 lần"
    )


def test_a_workbook_of_too_many_parts_is_refused(settings):
    settings.IMPORT_MAX_ZIP_ENTRIES = 50
    assert refusal(uploads.check_workbook, "a.xlsx", files.many_parts(BOOK, 50)) == uploads.WORKBOOK_BOMB.format(
        detail="hơn 50 phần nén bên trong"
    )


def test_the_defaults_let_a_full_import_template_through():
    rows = [HEADERS] + [[f"Người thứ {n}", "01/02/1990"] for n in range(20000)]
    assert uploads.check_workbook(SimpleUploadedFile("a.xlsx", files.workbook(rows)))


def test_an_xml_entity_in_a_sheet_is_refused_by_the_parser():
    """openpyxl parses through defusedxml (installed): an entity declaration is an error, never expanded."""
    with pytest.raises(ImportRejected) as rejected:
        read_rows(SimpleUploadedFile("a.xlsx", files.with_entity(BOOK)), HEADERS)
    assert str(rejected.value) == "Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx."


def test_a_plain_workbook_still_reads():
    assert read_rows(SimpleUploadedFile("a.xlsx", BOOK), HEADERS) == [(2, ["Trần Thị Lan", "01/02/1990"])]


def test_a_refused_workbook_is_an_import_rejection_with_the_same_message():
    with pytest.raises(ImportRejected) as rejected:
        read_rows(SimpleUploadedFile("a.xlsm", files.xlsm(BOOK)), HEADERS)
    assert str(rejected.value) == uploads.WORKBOOK_MACRO


# --- where media live ------------------------------------------------------------------------------


def test_media_are_not_under_any_static_root():
    media = Path(settings.MEDIA_ROOT).resolve()
    statics = [Path(settings.STATIC_ROOT).resolve(), *(Path(d).resolve() for d in settings.STATICFILES_DIRS)]
    assert [s for s in statics if media == s or s in media.parents or media in s.parents] == []


@pytest.mark.django_db
def test_media_urls_are_not_served(client, django_user_model, settings, tmp_path):
    """No URL maps /media/ to the folder: files go out only through the views that check the kernel."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "nominations").mkdir()
    (tmp_path / "nominations" / "a.pdf").write_bytes(files.pdf())
    client.force_login(django_user_model.objects.create_user("lan", password="x"))
    response = client.get("/" + settings.MEDIA_URL.strip("/") + "/nominations/a.pdf")
    assert response.status_code == 404


def test_a_bad_accel_prefix_refuses_to_start(monkeypatch):
    import subprocess
    import sys

    env = {"DEBUG": "1", "MEDIA_ACCEL_REDIRECT": "_media", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, "MEDIA_ACCEL_REDIRECT must be a path prefix" in result.stderr) == (1, True)


def test_an_upload_is_read_from_its_start_whatever_read_it_before():
    upload = SimpleUploadedFile("a.xlsx", BOOK)
    upload.read(10)
    assert uploads.check_workbook(upload) == BOOK
