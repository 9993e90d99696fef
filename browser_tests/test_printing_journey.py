"""Journey (issue 13, Printing): the school's secretary prints the tờ trình and the danh sách of Mầm non Hoa Sen's
year-end dossier from its page, the Phòng's reviewer prints the biên bản of the council meeting and the whole
dossier pack; each watches the render finish in the panel (htmx polling, no reload), downloads the PDF and the
test reads its text. A visitor without an account opens the address printed on the tờ trình: the verification
page accepts the downloaded file and refuses the same file with one byte changed.

Without REDIS_URL the renders run in the web process as the task is queued on commit; in CI a real Celery
worker renders them and the panel polls until it is done."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from councils.models import ReceiptCode
from demo.councils import COUNCIL_NAME, seed_meeting
from documents.enums import DocumentStatus
from documents.models import GeneratedDocument
from documents.tests.helpers import pdf_reader, pdf_text
from nominations.models import Nomination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY, REVIEWER = "mn-hoasen-bl.thuky", "pgd-bl.chuyenvien"
RENDER_TIMEOUT = 90_000  # a worker on a busy CI machine; the pack waits for its parts


def _flat(data: bytes) -> str:
    """The PDF's text with every run of white space as one space (table cells and long lines wrap)."""
    return " ".join(pdf_text(data).split())


def _print(page, label, variant=None):
    """Click «Tạo PDF» in the panel row of `label`, see the progress, then the download link, without a reload;
    download the file and return its bytes."""
    panel = page.locator("#documents-panel")
    row = panel.locator("tr").filter(has_text=label)
    if variant:
        row = row.filter(has_text=variant)
    expect(row).to_have_count(1)
    page.evaluate("window.journeyMarker = 'same page'")  # gone if the page reloads
    row.get_by_role("button", name="Tạo PDF").click()
    # The answer shows the queued render with its progress bar (without a broker the render runs before the
    # answer, in the request); the panel then polls until the link appears.
    expect(row.get_by_role("progressbar", name="Tiến độ tạo văn bản")).to_be_visible(timeout=RENDER_TIMEOUT)
    download_link = row.get_by_role("link", name="Tải PDF")
    expect(download_link).to_be_visible(timeout=RENDER_TIMEOUT)
    expect(row.get_by_role("progressbar")).to_have_count(0)
    assert page.evaluate("window.journeyMarker") == "same page"
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_secretary_and_reviewer_print_download_and_verify(
    browser, live_server, page, demo_data, log_in, nav_to, shot, axe_check
):
    # Arrange: Hoa Sen's dossier appraised by the Phòng and voted by its council (the demo's meeting builder).
    meeting = seed_meeting()
    dossier = meeting.agenda.first().nomination.dossier
    school, office = dossier.unit, dossier.receiving_unit
    assert (school.name, school.locality) == ("Trường Mầm non Hoa Sen", "Bình Lâm")  # the secretary's school
    people = sorted(
        set(
            Nomination.objects.filter(dossier=dossier, person__isnull=False).values_list("person__full_name", flat=True)
        )
    )
    assert people and GeneratedDocument.objects.count() == 0

    # The secretary opens her school's dossier from the menu and prints the tờ trình and the danh sách.
    log_in(page, SECRETARY)
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_role("link", name=school.name).first.click()
    expect(page.locator("h1")).to_have_text(f"Hồ sơ đề nghị khen thưởng – {school.name}")
    submission = _print(page, "Tờ trình đề nghị khen thưởng", "thủ tục thông thường")
    shot(page, "01-secretary-to-trinh")
    text = _flat(submission)
    assert "TỜ TRÌNH" in text
    assert f"Kính gửi: {office.name}." in text
    individuals = Nomination.objects.filter(dossier=dossier, person__isnull=False).count()
    assert f"khen thưởng cho {individuals:02d} cá nhân" in text
    listing = _print(page, "Danh sách kèm theo tờ trình")
    shot(page, "02-secretary-danh-sach")
    axe_check(page)
    text = _flat(listing)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text
    assert f"của {school.name})" in text
    assert [name for name in people if name not in text] == []

    # The Phòng's reviewer opens the council's meeting from the menu and prints the biên bản.
    page.context.clear_cookies()
    log_in(page, REVIEWER)
    nav_to(page, "Hội đồng TĐKT")
    page.get_by_role("link", name=COUNCIL_NAME).click()
    page.get_by_role("link", name=f"Ngày {meeting.date:%d/%m/%Y}, {meeting.start_time:%H:%M}").click()
    expect(page.locator("h1")).to_have_text(f"Phiên họp bình xét ngày {meeting.date:%d/%m/%Y}")
    minutes = _print(page, "Biên bản họp bình xét")
    shot(page, "03-reviewer-bien-ban")
    axe_check(page)
    text = _flat(minutes)
    assert "BIÊN BẢN" in text
    assert "vắng mặt: 1" in text and "Đi công tác theo quyết định của Phòng" in text
    codes = list(ReceiptCode.objects.filter(round__meeting=meeting).values_list("code", flat=True))
    assert codes and [code for code in codes if code in text] == []  # the ballot stays secret

    # Then the dossier from her inbox, and the whole pack: contents page, tờ trình, danh sách, the reports.
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_role("link", name=re.compile("^Hồ sơ gửi đến")).click()
    page.get_by_role("link", name=school.name).first.click()
    expect(page.locator("h1")).to_have_text(f"Hồ sơ đề nghị khen thưởng – {school.name}")
    expect(page.locator("#doc-submission-normal").get_by_role("link", name="Tải PDF")).to_be_visible()
    pack = _print(page, "Bộ hồ sơ đề nghị khen thưởng")
    shot(page, "04-reviewer-bo-ho-so")
    text = _flat(pack)
    order = [text.find(s) for s in ("MỤC LỤC HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG", "TỜ TRÌNH", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")]
    assert -1 not in order and order == sorted(order)
    assert "BÁO CÁO THÀNH TÍCH" in text
    assert len(pdf_reader(pack).pages) > len(pdf_reader(submission).pages) + len(pdf_reader(listing).pages)
    ready = GeneratedDocument.objects.filter(status=DocumentStatus.READY)
    assert {"submission", "submission_list", "minutes", "dossier_pack"} <= set(ready.values_list("kind", flat=True))

    # A visitor without an account opens the address printed on the tờ trình and compares files.
    printed = re.search(r"Kiểm tra tại (\S+/van-ban/xac-thuc/\w+/)", _flat(submission)).group(1)
    visitor = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    visitor.goto(urlsplit(printed).path)
    expect(visitor.locator("h1")).to_have_text("Văn bản do Cổng thi đua – khen thưởng tạo")
    expect(visitor.locator("dl")).to_contain_text(school.name)
    upload = visitor.locator("#verify-upload")
    upload.get_by_label("Tệp PDF cần đối chiếu").set_input_files(
        {"name": "to-trinh.pdf", "mimeType": "application/pdf", "buffer": submission}
    )
    upload.get_by_role("button", name="So khớp tệp").click()
    expect(visitor.locator("#verify-result")).to_have_text("Khớp với bản do cổng tạo ra")
    shot(visitor, "05-visitor-khop")
    axe_check(visitor)
    middle = len(submission) // 2
    modified = submission[:middle] + bytes([submission[middle] ^ 0x01]) + submission[middle + 1 :]
    upload = visitor.locator("#verify-upload")
    upload.get_by_label("Tệp PDF cần đối chiếu").set_input_files(
        {"name": "to-trinh.pdf", "mimeType": "application/pdf", "buffer": modified}
    )
    upload.get_by_role("button", name="So khớp tệp").click()
    expect(visitor.locator("#verify-result")).to_have_text("KHÔNG khớp: tệp đã bị thay đổi hoặc không phải văn bản này")
    shot(visitor, "06-visitor-khong-khop")
    visitor.context.close()
