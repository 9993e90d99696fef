"""The quyết định khen thưởng with its attached list, and the Giấy khen of each awardee: exact text, revoked
decisions, constant queries, who may see and ask for them, offsets and blanks of the certificates, DOCX."""

import datetime
import re
import subprocess
import tempfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exceptions import ServiceError
from documents import services as document_services
from documents.docx import text_of
from documents.kinds.decision import certificate_build, decision_build
from documents.models import GeneratedDocument
from documents.tests.helpers import file_bytes, fonts_embedded, pdf_lines, pdf_reader, pdf_text, render
from nominations import decisions, services
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Dossier, Nomination
from nominations.tests import conftest as nominations_fixtures
from nominations.tests import test_decisions
from nominations.tests.test_decisions import TODAY, record
from units.enums import Gender
from units.models import Unit

dossier = nominations_fixtures.dossier  # school A1's year-end dossier of 2025-2026
media = nominations_fixtures.media  # MEDIA_ROOT in a temporary folder
route_to_office = test_decisions.route_to_office  # LĐTT of Phòng A's schools decided by Phòng A


def _accepted(dossier, code="LDTT", **who):
    nomination = services.nomination_add(by=None, dossier=dossier, award_code=code, summary="Tốt.", **who)
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.ACCEPTED)
    return Nomination.objects.get(pk=nomination.pk)


def _received(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.UNDER_APPRAISAL, receiving_unit=dossier.unit.parent
    )


@pytest.fixture
def office(tree):
    Unit.objects.filter(pk=tree["office_a"].pk).update(
        locality="Gia Lâm", document_code="PGDĐT", head_title="Trưởng phòng"
    )
    return Unit.objects.get(pk=tree["office_a"].pk)


@pytest.fixture
def decided(dossier, tree, person_factory, route_to_office, personas, office):
    """Phòng A's decision 5/QĐ-PGDĐT, signed by a deputy: LĐTT for two teachers of A1, a Giấy khen for Tổ khối 1."""
    a = _accepted(dossier, person=person_factory(tree["school_a1"], full_name="Lê Văn Được", gender=Gender.MALE))
    b = _accepted(dossier, person=person_factory(tree["school_a1"], full_name="Phạm Thị Hai"))
    c = _accepted(dossier, code="GK", unit=tree["team_a1"])
    _received(dossier)
    return record(personas["reviewer_a"], office, [a, b, c], number="5/QĐ-PGDĐT", signer_title="Phó Trưởng phòng")


def test_decision_pdf_has_the_mau_1_2_parts_and_the_list(decided, personas, media):
    doc = render("decision", decided, personas["reviewer_a"])

    data = file_bytes(doc)
    lines = pdf_lines(data)
    assert lines[:8] == [
        "SỞ GD&ĐT THỬ",
        "PHÒNG GD&ĐT A",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/QĐ-PGDĐT Gia Lâm, ngày 15 tháng 6 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc tặng danh hiệu Lao động tiên tiến năm học 2025-2026",
        "TRƯỞNG PHÒNG GD&ĐT A",
    ]
    assert lines[8:14] == [
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
        "Căn cứ Nghị định 129/2025/NĐ-CP;",
        "Căn cứ Luật Thi đua, khen thưởng 2022 Điều 80 khoản 2, 3;",
        "Căn cứ Thông tư 29/2023/TT-BGDĐT.",
        "Theo đề nghị của Trường Tiểu học A1.",
        "QUYẾT ĐỊNH:",
    ]
    text = " ".join(lines)
    assert (
        "Điều 1. Tặng danh hiệu thi đua, hình thức khen thưởng năm học 2025-2026 cho 1 tập thể và 2 cá nhân có tên "
        "trong danh sách kèm theo, gồm: - Danh hiệu “Lao động tiên tiến”: 2 cá nhân; - Giấy khen: 1 tập thể. "
        "Điều 2. Tiền thưởng kèm theo danh hiệu thi đua, hình thức khen thưởng tại Điều 1 được thực hiện theo quy "
        "định hiện hành về thi đua, khen thưởng. Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các "
        "đơn vị: Trường Tiểu học A1 và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định "
        "này. Nơi nhận: - Như Điều 3; - Lưu: VT, TĐKT. KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG Nguyễn Văn Ký" in text
    )
    # The attached list is an appendix on its own page.
    pages = pdf_reader(data).pages
    assert len(pages) == 2 and doc.pages == 2
    appendix = pdf_lines_of_page(data, 2)
    assert appendix[appendix.index("DANH SÁCH") :][:3] == [
        "DANH SÁCH",
        "TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        "(Kèm theo Quyết định số 05/QĐ-PGDĐT ngày 15/06/2026 của Phòng GD&ĐT A)",
    ]
    assert (
        "I. Tập thể 1 Tổ khối 1 Trường Tiểu học A1 Giấy khen II. Cá nhân "
        "1 Lê Văn Được Giáo viên, Trường Tiểu học A1 Lao động tiên tiến "
        "2 Phạm Thị Hai Giáo viên, Trường Tiểu học A1 Lao động tiên tiến" in " ".join(appendix)
    )
    assert "THU HỒI" not in text
    assert fonts_embedded(data) and all(fonts_embedded(data).values())
    assert (doc.number, doc.issuer, doc.issued_on) == ("05/QĐ-PGDĐT", "Phòng GD&ĐT A", datetime.date(2026, 6, 15))


def pdf_lines_of_page(data: bytes, page: int) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-f", str(page), "-l", str(page), "-enc", "UTF-8", handle.name, "-"],
            capture_output=True,
            check=True,
        )
    return [line.strip() for line in out.stdout.decode().splitlines() if line.strip()]


def test_decision_of_one_award_by_another_issuer_names_it_once(
    dossier, tree, person_factory, route_to_office, personas, office, media
):
    a = _accepted(dossier, person=person_factory(tree["school_a1"], full_name="Lê Văn Được"))
    b = _accepted(dossier, person=person_factory(tree["school_a1"], full_name="Phạm Thị Hai"))
    _received(dossier)
    decision = record(
        personas["reviewer_a"], office, [a, b], issuer="UBND xã Thử", signer_title="Chủ tịch", excerpt="Khen thưởng"
    )

    lines = pdf_lines(file_bytes(render("decision", decision, personas["reviewer_a"])))

    assert lines[:6] == [
        "UBND XÃ THỬ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # no parent body: the issuer shares the motto's line
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/QĐ-PGDĐT Gia Lâm, ngày 15 tháng 6 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc khen thưởng",
        "CHỦ TỊCH UBND XÃ THỬ",
    ]
    text = " ".join(lines)
    assert "Theo đề nghị của Phòng GD&ĐT A." in lines
    assert (
        "Điều 1. Tặng danh hiệu “Lao động tiên tiến” năm học 2025-2026 cho 2 cá nhân có tên trong danh sách kèm "
        "theo." in text
    )
    assert "Nơi nhận: - Như Điều 3; - Phòng GD&ĐT A; - Lưu: VT, TĐKT. CHỦ TỊCH Nguyễn Văn Ký" in text
    assert "CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in lines


def test_revoked_decision_prints_as_revoked_and_has_no_certificates(decided, personas, media):
    decisions.decision_revoke_nominations(
        by=personas["reviewer_a"],
        decision=decided,
        number="9/QĐ-PGDĐT",
        date=datetime.date(2026, 6, 20),
        reason="Hồ sơ không trung thực",
        issuer="Phòng GD&ĐT A",
        today=TODAY,
    )
    decided.refresh_from_db()

    text = " ".join(pdf_lines(file_bytes(render("decision", decided, personas["reviewer_a"]))))

    assert (
        "QUYẾT ĐỊNH NÀY ĐÃ BỊ THU HỒI theo Quyết định số 9/QĐ-PGDĐT ngày 20/06/2026 của Phòng GD&ĐT A: Hồ sơ "
        "không trung thực. Bản in này không có giá trị thi hành." in text
    )
    assert "Lê Văn Được (đã thu hồi)" in text
    before = GeneratedDocument.objects.count()
    with pytest.raises(ServiceError, match="^Quyết định đã bị thu hồi: không in giấy khen.$"):
        document_services.document_request(kind_code="certificate", obj=decided, by=personas["reviewer_a"])
    assert GeneratedDocument.objects.count() == before


def test_decision_builds_cost_the_same_queries_for_one_and_many_lines(
    dossier, tree, person_factory, route_to_office, personas, office
):
    one = _accepted(dossier, person=person_factory(tree["school_a1"]))
    many = [_accepted(dossier, person=person_factory(tree["school_a1"])) for _ in range(5)]
    many.append(_accepted(dossier, code="GK", unit=tree["team_a1"]))
    _received(dossier)
    small = record(personas["reviewer_a"], office, [one], number="1/QĐ-PGDĐT")
    large = record(personas["reviewer_a"], office, many, number="2/QĐ-PGDĐT")
    counts = {}
    for build in (decision_build, certificate_build):
        build(small)
        for name, decision in (("small", small), ("large", large)):
            with CaptureQueriesContext(connection) as queries:
                context = build(decision)
            counts[(build.__name__, name)] = len(queries.captured_queries)
        assert len(context.get("certificates", context.get("appendix", {}).get("groups", []))) >= 2

    assert counts[("decision_build", "small")] == counts[("decision_build", "large")]
    assert counts[("certificate_build", "small")] == counts[("certificate_build", "large")]


def test_decision_documents_only_for_readers_of_the_whole_list(decided, personas, client, media):
    doc = render("decision", decided, personas["reviewer_a"])
    before = GeneratedDocument.objects.count()

    # Alice (school A1) sees the decision for her people's lines, not the printed list naming everyone.
    client.force_login(personas["secretary_a1"])
    assert client.get(decided.get_absolute_url()).status_code == 200
    for kind in ("decision", "certificate"):
        assert client.post(reverse("documents:request", args=[kind, decided.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    client.force_login(personas["reviewer_b"])
    assert client.post(reverse("documents:request", args=["decision", decided.pk])).status_code == 404
    # The Sở's administrator reads all of it but neither appraises nor signs for Phòng A.
    client.force_login(personas["admin_dept"])
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 200
    assert client.post(reverse("documents:request", args=["decision", decided.pk])).status_code == 403
    assert GeneratedDocument.objects.count() == before


def test_decision_page_panel_only_for_readers_of_the_whole_list(decided, personas, client):
    request_url = reverse("documents:request", args=["certificate", decided.pk])
    client.force_login(personas["reviewer_a"])
    page = client.get(decided.get_absolute_url()).content.decode()
    assert request_url in page
    assert 'name="offset_x_mm"' in page and 'name="offset_y_mm"' in page and 'name="blank" value="1"' in page
    response = client.post(request_url, {"format": "pdf", "offset_x_mm": "2,5", "offset_y_mm": "0", "blank": "1"})
    doc = GeneratedDocument.objects.get(kind="certificate")
    assert response.url == reverse("documents:detail", args=[doc.pk])
    assert doc.options == {"offset_x_mm": "2,5", "offset_y_mm": "0", "blank": "1"}
    client.force_login(personas["secretary_a1"])
    assert request_url not in client.get(decided.get_absolute_url()).content.decode()


def test_decision_docx_keeps_the_ampersand_and_the_articles(decided, personas, media):
    doc = render("decision", decided, personas["reviewer_a"], file_format="docx")

    lines = text_of(file_bytes(doc)).splitlines()

    assert "PHÒNG GD&ĐT A" in lines and "Số: 05/QĐ-PGDĐT" in lines
    assert "QUYẾT ĐỊNH:" in lines and "- Như Điều 3;" in lines
    assert "(Kèm theo Quyết định số 05/QĐ-PGDĐT ngày 15/06/2026 của Phòng GD&ĐT A)" in lines
    assert "Lê Văn Được" in lines and "Tổ khối 1" in lines


# --- Giấy khen ----------------------------------------------------------------------------------------


def _x_of(data: bytes, word: str) -> tuple[float, float]:
    """(xMin, yMin) in points of the first occurrence of `word` (pdftotext -bbox)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        html = subprocess.run(["pdftotext", "-bbox", handle.name, "-"], capture_output=True, check=True).stdout
    found = re.search(rf'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>{re.escape(word)}<', html.decode())
    assert found, word
    return float(found[1]), float(found[2])


def test_certificates_one_landscape_page_per_awardee(decided, personas, media):
    doc = render("certificate", decided, personas["reviewer_a"])

    data = file_bytes(doc)
    pages = pdf_reader(data).pages
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages] == [(842, 595)] * 3
    assert doc.pages == 3
    texts = [pdf_lines_of_page(data, n) for n in (1, 2, 3)]
    assert texts[0] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TRƯỞNG PHÒNG GD&ĐT A",
        "TẶNG",
        "GIẤY CHỨNG NHẬN",
        "Ông Lê Văn Được",
        "Giáo viên, Trường Tiểu học A1",
        "Đạt danh hiệu “Lao động tiên tiến” năm học 2025-2026",
        "Quyết định số 05/QĐ-PGDĐT, ngày 15/06/2026",
        "Gia Lâm, ngày 15 tháng 6 năm 2026",
        "KT. TRƯỞNG PHÒNG",
        "PHÓ TRƯỞNG PHÒNG",
        "Nguyễn Văn Ký",
    ]
    assert texts[1][5] == "Bà Phạm Thị Hai"
    assert texts[2][4:8] == [
        "GIẤY KHEN",
        "Tổ khối 1",
        "Trường Tiểu học A1",
        "Đã có thành tích xuất sắc trong năm học 2025-2026",
    ]
    assert all(fonts_embedded(data).values())


def test_certificate_offsets_move_everything_and_blank_prints_only_the_variable_text(decided, personas, media):
    plain = file_bytes(render("certificate", decided, personas["reviewer_a"]))
    moved = file_bytes(
        render("certificate", decided, personas["reviewer_a"], options={"offset_x_mm": "10", "offset_y_mm": "-5,5"})
    )
    blank = file_bytes(render("certificate", decided, personas["reviewer_a"], options={"blank": "1"}))

    mm = 72 / 25.4
    for word in ("Được", "Nguyễn", "Quyết"):
        (x0, y0), (x1, y1) = _x_of(plain, word), _x_of(moved, word)
        assert (round(x1 - x0, 1), round(y1 - y0, 1)) == (round(10 * mm, 1), round(-5.5 * mm, 1))
    blank_text = pdf_text(blank)
    assert "GIẤY CHỨNG NHẬN" not in blank_text and "CỘNG HÒA" not in blank_text and "TẶNG" not in blank_text
    assert pdf_lines_of_page(blank, 1) == [
        "Ông Lê Văn Được",
        "Giáo viên, Trường Tiểu học A1",
        "Đạt danh hiệu “Lao động tiên tiến” năm học 2025-2026",
        "Quyết định số 05/QĐ-PGDĐT, ngày 15/06/2026",
        "Gia Lâm, ngày 15 tháng 6 năm 2026",
        "KT. TRƯỞNG PHÒNG",
        "PHÓ TRƯỞNG PHÒNG",
        "Nguyễn Văn Ký",
    ]
    assert _x_of(blank, "Được") == _x_of(plain, "Được")


@pytest.mark.parametrize("value", ["31", "-30.5", "abc", "nan", "1e3"])
def test_certificate_offset_out_of_range_is_refused_and_nothing_queued(decided, personas, client, value):
    before = GeneratedDocument.objects.count()
    with pytest.raises(ServiceError, match=r"^Độ lệch khi in phải là một số từ -30 đến 30 mm"):
        document_services.document_request(
            kind_code="certificate", obj=decided, by=personas["reviewer_a"], options={"offset_x_mm": value}
        )
    client.force_login(personas["reviewer_a"])
    response = client.post(
        reverse("documents:request", args=["certificate", decided.pk]), {"offset_y_mm": value}, follow=True
    )
    assert "Độ lệch khi in phải là một số từ -30 đến 30 mm" in response.content.decode()
    assert GeneratedDocument.objects.count() == before


def test_decision_list_appendix_is_numbered_on_its_own(
    dossier, tree, person_factory, route_to_office, personas, office, media
):
    people = [_accepted(dossier, person=person_factory(tree["school_a1"])) for _ in range(45)]
    _received(dossier)
    decision = record(personas["reviewer_a"], office, people)

    data = file_bytes(render("decision", decision, personas["reviewer_a"]))

    pages = len(pdf_reader(data).pages)
    assert pages >= 3
    # The appendix's first page carries no number; its next page is "2", not the document's page count.
    second, third = pdf_lines_of_page(data, 2), pdf_lines_of_page(data, 3)
    assert second[0] == "DANH SÁCH" and not second[-1].isdigit()
    assert "2" in (third[0], third[-1]) and "3" not in (third[0], third[-1])


def test_certificates_of_a_decision_revoked_later_are_stale_and_a_queued_one_fails(decided, personas, client, media):
    done = render("certificate", decided, personas["reviewer_a"])
    queued = document_services.document_request(
        kind_code="certificate", obj=decided, by=personas["reviewer_a"], options={"blank": "1"}
    )
    decisions.decision_revoke_nominations(
        by=personas["reviewer_a"],
        decision=decided,
        number="9/QĐ-PGDĐT",
        date=datetime.date(2026, 6, 20),
        reason="Hồ sơ không trung thực",
        issuer="Phòng GD&ĐT A",
        today=TODAY,
    )

    failed = document_services.document_build(document_id=queued.pk)

    assert (failed.status, failed.error) == ("failed", "Quyết định đã bị thu hồi: không in giấy khen.")
    client.force_login(personas["reviewer_a"])
    page = client.get(reverse("documents:detail", args=[done.pk])).content.decode()
    assert "Dữ liệu đã thay đổi sau khi tạo văn bản này: hãy tạo lại." in page
