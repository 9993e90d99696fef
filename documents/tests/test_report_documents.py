"""Report documents: the báo cáo thành tích of a nomination (individual and collective forms) and a unit's
yearly summary of emulation and commendation; exact printed strings, figures equal to the database, constant
queries, who may ask and who gets a 404."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from awards.enums import CommendationKind, InitiativeScope, InitiativeStatus, TaskRating
from awards.models import AwardRecord, AwardType, Initiative, Revocation, TaskEvaluation
from core.exceptions import ServiceError
from documents import layout, registry, services
from documents.docx import text_of
from documents.kinds import reports
from documents.tests.helpers import file_bytes, fonts_embedded, pdf_lines, render
from nominations import report as report_module
from nominations import services as nomination_services
from nominations.enums import RoundKind
from units.enums import SchoolLevel, UnitKind
from units.services import unit_create, unit_update

YEAR = 2025  # the school year 2025-2026 under review


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def award(code: str) -> AwardType:
    return AwardType.objects.filter(code=code).order_by("-effective_from").first()


def record(*, code, year, number, person=None, unit=None, revoked=False, issuer="UBND huyện A"):
    return AwardRecord.objects.create(
        person=person,
        unit=unit,
        award_type=award(code),
        school_year=year,
        commendation_kind=CommendationKind.MERIT,
        decision_number=number,
        decision_date=datetime.date(year + 1, 6, 1),
        issuer=issuer,
        revocation=Revocation.objects.create(
            decision_number="9/QĐ-UBND", decision_date=datetime.date(2025, 1, 2), reason="Sai hồ sơ."
        )
        if revoked
        else None,
    )


@pytest.fixture
def school(tree, person_factory):
    """School A1 with its document header fields and its head."""
    principal = person_factory(tree["school_a1"], full_name="Lê Văn Hiệu", position="Hiệu trưởng")
    return unit_update(
        by=None,
        unit=tree["school_a1"],
        locality="Gia Lâm",
        document_code="THA1",
        parent_body_name="Phòng GD&ĐT A",
        head=principal,
        head_title="Hiệu trưởng",
    )


@pytest.fixture
def dossier(school, personas):
    return nomination_services.dossier_create(
        by=personas["secretary_a1"], unit=school, round_kind=RoundKind.YEAR_END, school_year=YEAR
    )


@pytest.fixture
def teacher(person_factory, school):
    person = person_factory(
        school, full_name="Trần Thị Giáo Viên", date_of_birth=datetime.date(1986, 3, 7), position="Giáo viên"
    )
    TaskEvaluation.objects.create(person=person, school_year=YEAR, rating=TaskRating.EXCELLENT)
    return person


@pytest.fixture
def nomination(dossier, teacher, personas):
    return nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="CSTDCS", person=teacher, summary="Dạy giỏi."
    )


def write_report(nomination, by, *, awards_received=(), **sections):
    return report_module.report_update(
        by=by,
        nomination=nomination,
        version=None,
        profile=sections.pop("profile", {}),
        awards_received=list(awards_received),
        **sections,
    )


def lines_of(doc) -> list[str]:
    return pdf_lines(file_bytes(doc))


def joined(doc) -> str:
    """The text as one line: a cell's text that wraps is compared whole."""
    return " ".join(lines_of(doc))


# --- achievement_report: the individual form ----------------------------------------------------------


@pytest.fixture
def history(teacher):
    """The teacher's award records: LĐTT 2023-2024 in force, CSTĐCS 2024-2025 revoked, a Giấy khen of a
    later school year than the dossier's (not yet part of this report)."""
    return [
        record(person=teacher, code="LDTT", year=2023, number="125/QĐ-UBND"),
        record(person=teacher, code="CSTDCS", year=2024, number="88/QĐ-UBND", revoked=True),
        record(person=teacher, code="GK", year=YEAR + 1, number="7/QĐ-PGDĐT", issuer="Phòng GD&ĐT A"),
    ]


@pytest.fixture
def recognised_initiative(teacher, school):
    item = Initiative.objects.create(
        unit=school,
        school_year=2024,
        title="Dạy đọc hiểu qua trò chơi",
        status=InitiativeStatus.RECOGNISED,
        scope=InitiativeScope.BASE,
        decision_number="45/QĐ-THA1",
        decision_date=datetime.date(2025, 4, 10),
        issuer="Trường Tiểu học A1",
    )
    item.authors.add(teacher)
    return item


@pytest.fixture
def individual_report(nomination, personas, history, recognised_initiative):
    report_module.report_update(
        by=personas["secretary_a1"],
        nomination=nomination,
        version=None,
        profile={"hometown": "Hà Nội", "qualification": "Đại học Sư phạm"},
        awards_received=[
            # the LĐTT record typed again, other case and spacing: printed once, from the record
            {"year": "2023-2024", "award": "lao động  tiên tiến", "decision": "Số 125", "issuer": ""},
            # the revoked CSTĐCS typed by hand: not printed
            {"year": "2024", "award": "Chiến sĩ thi đua cơ sở", "decision": "Số 88/QĐ-UBND", "issuer": ""},
            # an award the portal has no record of: printed as typed
            {
                "year": "2022-2023",
                "award": "Giấy khen",
                "decision": "Số 10/QĐ-PGDĐT ngày 30/05/2023",
                "issuer": "Phòng GD&ĐT A",
            },
        ],
        initiative_ids=[recognised_initiative.pk],
        duties="Giảng dạy Tiếng Việt lớp 3 và chủ nhiệm lớp 3A.",
        results="Lớp 3A đạt 100% học sinh hoàn thành chương trình.",
        compliance="Chấp hành tốt chủ trương, chính sách của Đảng, pháp luật của Nhà nước.",
    )
    return nomination


def test_individual_report_prints_the_form_with_the_history_from_the_records(individual_report, personas):
    doc = render("achievement_report", individual_report, personas["secretary_a1"])
    lines = lines_of(doc)
    text = " ".join(lines)

    assert lines[:7] == [
        "PHÒNG GD&ĐT A",
        "TRƯỜNG TIỂU HỌC A1",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Gia Lâm, ngày tháng năm",
        "BÁO CÁO THÀNH TÍCH",
        "ĐỀ NGHỊ TẶNG CHIẾN SĨ THI ĐUA CƠ SỞ",
    ]
    assert not any(line.startswith("Số:") for line in lines)  # a person's report is not a numbered document
    start = lines.index("I. SƠ LƯỢC LÝ LỊCH")
    assert lines[start - 1 : start + 10] == [
        "Trần Thị Giáo Viên, Giáo viên, Trường Tiểu học A1",
        "I. SƠ LƯỢC LÝ LỊCH",
        "- Họ và tên: Trần Thị Giáo Viên",
        "- Ngày sinh: 07/03/1986",
        "- Giới tính: Nữ",
        "- Quê quán: Hà Nội",
        "- Trú quán:",
        "- Đơn vị công tác: Trường Tiểu học A1",
        "- Chức vụ: Giáo viên",
        "- Trình độ chuyên môn: Đại học Sư phạm",
        "- Học hàm, học vị:",
    ]
    assert (
        "II. THÀNH TÍCH ĐẠT ĐƯỢC 1. Chức năng, nhiệm vụ được giao Giảng dạy Tiếng Việt lớp 3 và chủ nhiệm lớp 3A. "
        "2. Thành tích đạt được Lớp 3A đạt 100% học sinh hoàn thành chương trình. "
        "3. Sáng kiến, đề tài và quyết định công nhận "
        "- «Dạy đọc hiểu qua trò chơi» (Sáng kiến, năm học 2024-2025): công nhận cấp cơ sở theo Quyết định "
        "số 45/QĐ-THA1 ngày 10/04/2025 của Trường Tiểu học A1. "
        "4. Chấp hành chủ trương, chính sách, pháp luật "
        "Chấp hành tốt chủ trương, chính sách của Đảng, pháp luật của Nhà nước. "
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"
    ) in text
    history = text[text.index("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG") : text.index("XÁC NHẬN")]
    assert history == (
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG "
        "Năm học Danh hiệu, hình thức khen thưởng Số, ngày quyết định; cơ quan ban hành "
        "2022-2023 Giấy khen Số 10/QĐ-PGDĐT ngày 30/05/2023; Phòng GD&ĐT A "
        "2023-2024 Lao động tiên tiến Số 125/QĐ-UBND ngày 01/06/2024; UBND huyện A "
    )
    assert "88/QĐ-UBND" not in text and "7/QĐ-PGDĐT" not in text  # revoked; a later year
    assert text[text.index("XÁC NHẬN") :].startswith(
        "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ HIỆU TRƯỞNG (Ký, đóng dấu) "
        "NGƯỜI BÁO CÁO THÀNH TÍCH (Ký, ghi rõ họ và tên) Lê Văn Hiệu Trần Thị Giáo Viên"
    )
    assert "Lê Văn Hiệu Trần Thị Giáo Viên" in lines  # the two names side by side, on one line
    assert fonts_embedded(file_bytes(doc)) and all(fonts_embedded(file_bytes(doc)).values())
    assert (doc.title, doc.number, doc.issuer) == (
        "Báo cáo thành tích đề nghị tặng Chiến sĩ thi đua cơ sở – Trần Thị Giáo Viên",
        "",
        "Trường Tiểu học A1",
    )


def test_letterhead_of_an_unnumbered_document_has_no_number_line(school):
    numbered = layout.letterhead(unit=school, symbol="BC", number=3, day=None)
    unnumbered = layout.letterhead(unit=school, symbol="BC", number=3, day=None, numbered=False)

    assert (numbered.number, unnumbered.number) == ("Số: 03/BC-THA1", "")


def test_report_without_a_report_row_prints_the_person_record(nomination, personas):
    context = reports.achievement_report_build(nomination)

    assert context["sections"][0]["fields"][:3] == [
        {"label": "Họ và tên", "value": "Trần Thị Giáo Viên"},
        {"label": "Ngày sinh", "value": "07/03/1986"},
        {"label": "Giới tính", "value": "Nữ"},
    ]
    assert context["history"] == []


def test_history_row_of_a_revoked_record_disappears_when_revoked(individual_report, teacher):
    before = reports.achievement_report_build(individual_report)["history"]
    AwardRecord.objects.filter(person=teacher, award_type__code="LDTT").update(
        revocation=Revocation.objects.create(
            decision_number="10/QĐ-UBND", decision_date=datetime.date(2025, 2, 1), reason="Sai sót."
        )
    )
    after = reports.achievement_report_build(individual_report)["history"]

    assert [r["award"] for r in before] == ["Giấy khen", "Lao động tiên tiến"]
    assert [r["award"] for r in after] == ["Giấy khen"]  # nor does the typed copy of it come back


def test_changed_report_makes_a_new_document(individual_report, personas):
    first = render("achievement_report", individual_report, personas["secretary_a1"])
    again = services.document_request(kind_code="achievement_report", obj=individual_report, by=personas["head_a1"])
    write_report(individual_report, personas["secretary_a1"], duties="Dạy lớp 4.", results="Tốt.")
    changed = services.document_request(kind_code="achievement_report", obj=individual_report, by=personas["head_a1"])

    assert (again.pk == first.pk, changed.pk == first.pk) == (True, False)


def test_individual_report_docx_has_the_same_text(individual_report, personas):
    doc = render("achievement_report", individual_report, personas["secretary_a1"], file_format="docx")
    text = text_of(file_bytes(doc))

    for expected in (
        "BÁO CÁO THÀNH TÍCH",
        "ĐỀ NGHỊ TẶNG CHIẾN SĨ THI ĐUA CƠ SỞ",
        "I. SƠ LƯỢC LÝ LỊCH",
        "- Họ và tên: Trần Thị Giáo Viên",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "Số 125/QĐ-UBND ngày 01/06/2024; UBND huyện A",
        "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
    ):
        assert expected in text.splitlines(), expected
    assert "Số:" not in text


# --- achievement_report: the collective form ----------------------------------------------------------


@pytest.fixture
def team_nomination(dossier, tree, personas, person_factory):
    team = tree["team_a1"]
    leader = person_factory(team, full_name="Phạm Thị Tổ Trưởng", position="Tổ trưởng")
    unit_update(by=None, unit=team, head=leader, head_title="Tổ trưởng")
    record(unit=team, code="TTLDTT", year=2024, number="60/QĐ-THA1", issuer="Trường Tiểu học A1")
    record(unit=team, code="GK", year=2023, number="61/QĐ-PGDĐT", issuer="Phòng GD&ĐT A", revoked=True)
    nomination = nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="TTLDXS", unit=team
    )
    report_module.report_update(
        by=personas["secretary_a1"],
        nomination=nomination,
        version=None,
        profile={"staff": "Tổng số 12 giáo viên.", "founding": "Thành lập năm 2005."},
        awards_received=[],
        duties="Dạy các lớp khối 1.",
        results="100% học sinh hoàn thành chương trình lớp 1.",
        measures="Sinh hoạt chuyên môn theo nghiên cứu bài học.",
    )
    return nomination


def test_collective_report_has_the_collective_sections_a_number_line_and_its_head(team_nomination, personas):
    doc = render("achievement_report", team_nomination, personas["secretary_a1"])
    lines = lines_of(doc)
    text = " ".join(lines)

    assert lines[:8] == [
        "PHÒNG GD&ĐT A",
        "TRƯỜNG TIỂU HỌC A1",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /BC-THA1 Gia Lâm, ngày tháng năm",
        "BÁO CÁO THÀNH TÍCH",
        "ĐỀ NGHỊ TẶNG TẬP THỂ LAO ĐỘNG XUẤT SẮC",
        "Tổ khối 1, Trường Tiểu học A1",
    ]
    assert (
        "I. ĐẶC ĐIỂM, TÌNH HÌNH - Tên tập thể: Tổ khối 1, Trường Tiểu học A1 "
        "- Quá trình thành lập: Thành lập năm 2005. - Cơ cấu tổ chức: "
        "- Số cán bộ, giáo viên, nhân viên: Tổng số 12 giáo viên. - Cơ sở vật chất: "
        "- Chức năng, nhiệm vụ Dạy các lớp khối 1. "
        "II. THÀNH TÍCH ĐẠT ĐƯỢC 1. Kết quả thực hiện nhiệm vụ 100% học sinh hoàn thành chương trình lớp 1. "
        "2. Biện pháp, giải pháp, đổi mới; phong trào thi đua Sinh hoạt chuyên môn theo nghiên cứu bài học."
    ) in text
    assert "SƠ LƯỢC LÝ LỊCH" not in text and "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG" not in text
    history = text[text.index("III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐẠT ĐƯỢC") : text.index("XÁC NHẬN")]
    assert history.endswith(
        "cơ quan ban hành 2024-2025 Tập thể lao động tiên tiến Số 60/QĐ-THA1 ngày 01/06/2025; Trường Tiểu học A1 "
    )
    assert "61/QĐ-PGDĐT" not in text  # revoked
    assert text[text.index("XÁC NHẬN") :].startswith(
        "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ HIỆU TRƯỞNG (Ký, đóng dấu) "
        "TỔ TRƯỞNG (Ký, ghi rõ họ và tên) Lê Văn Hiệu Phạm Thị Tổ Trưởng"
    )


def test_collective_report_of_the_proposing_unit_is_confirmed_by_the_level_above(dossier, school, personas):
    nomination = nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="TTLDXS", unit=school
    )
    context = reports.achievement_report_build(nomination)

    assert context["signature"]["lines"] == ["HIỆU TRƯỞNG"]
    assert context["signature"]["name"] == "Lê Văn Hiệu"
    assert context["confirmation"]["lines"][0] == "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"


# --- achievement_report: queries, who may ask, who sees ----------------------------------------------


def _build_queries(nomination) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        reports.achievement_report_build(nomination)
    return len(ctx.captured_queries)


def test_achievement_report_build_queries_do_not_grow_with_records(nomination, teacher, school):
    record(person=teacher, code="LDTT", year=2020, number="1/QĐ")
    one = _build_queries(nomination)
    for year in range(2015, 2020):
        record(person=teacher, code="LDTT", year=year, number=f"{year}/QĐ")
        record(person=teacher, code="GK", year=year, number=f"{year}/GK", revoked=True)
    for n in range(3):
        item = Initiative.objects.create(unit=school, school_year=2024, title=f"Sáng kiến {n}")
        item.authors.add(teacher)
        nomination.initiatives.add(item)
    many = _build_queries(nomination)

    assert len(reports.achievement_report_build(nomination)["history"]) == 6
    assert one == many


def test_achievement_report_outsiders_get_404_and_readers_without_the_right_403(nomination, personas):
    kind = registry.get("achievement_report")
    for who in ("outsider", "secretary_a2", "reviewer_b"):
        with pytest.raises(Http404):
            kind.get_visible(personas[who], nomination.pk)
        client = Client()
        client.force_login(personas[who])
        response = client.post(reverse("documents:request", args=["achievement_report", nomination.pk]))
        assert response.status_code == 404, who
    with pytest.raises(PermissionDenied):
        services.document_request(kind_code="achievement_report", obj=nomination, by=personas["council_a1"])

    assert {who: kind.may_request(personas[who], nomination) for who in ("secretary_a1", "council_a1")} == {
        "secretary_a1": True,
        "council_a1": False,
    }


def test_report_page_shows_the_documents_panel(individual_report, personas):
    client = Client()
    client.force_login(personas["secretary_a1"])
    response = client.get(reverse("nominations:report_detail", args=[individual_report.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="documents-panel"' in content
    assert reverse("documents:request", args=["achievement_report", individual_report.pk]) in content


# --- unit_summary -----------------------------------------------------------------------------------


@pytest.fixture
def office(tree, person_factory):
    chief = person_factory(tree["office_a"], full_name="Đỗ Văn Trưởng", position="Trưởng phòng")
    return unit_update(
        by=None, unit=tree["office_a"], locality="Gia Lâm", document_code="PGDĐT", head=chief, head_title=""
    )


@pytest.fixture
def year_records(tree, person_factory, office):
    """Records of Phòng A's subtree (two schools, a team) and one of Phòng B's school (a sibling)."""
    a1 = [person_factory(tree["school_a1"]) for _ in range(3)]
    a2 = person_factory(tree["school_a2"])
    b1 = person_factory(tree["school_b1"])
    record(person=a1[0], code="LDTT", year=YEAR, number="1/QĐ")
    record(person=a1[1], code="LDTT", year=YEAR, number="1/QĐ")
    record(person=a1[2], code="LDTT", year=YEAR, number="2/QĐ", revoked=True)
    record(person=a1[0], code="CSTDCS", year=YEAR, number="3/QĐ")
    record(person=a1[0], code="LDTT", year=YEAR - 1, number="4/QĐ")
    record(person=a2, code="LDTT", year=YEAR, number="5/QĐ")
    record(unit=tree["team_a1"], code="TTLDTT", year=YEAR, number="6/QĐ")
    record(unit=tree["school_a2"], code="TTLDTT", year=YEAR - 1, number="7/QĐ")
    record(person=b1, code="LDTT", year=YEAR, number="8/QĐ")
    record(unit=tree["school_b1"], code="TTLDTT", year=YEAR, number="9/QĐ")
    return {"a1": a1, "a2": a2, "b1": b1}


def _expected_counts(unit, year) -> dict:
    """The same figures read one by one from the database (what the summary must agree with)."""
    records = AwardRecord.objects.in_force()
    counts = {}
    for code in ("LDTT", "CSTDCS", "TTLDTT"):
        for y in (year - 1, year):
            counts[(code, y, "individual")] = records.filter(
                award_type__code=code, school_year=y, person__unit__path__startswith=unit.path
            ).count()
            counts[(code, y, "collective")] = records.filter(
                award_type__code=code, school_year=y, unit__path__startswith=unit.path
            ).count()
    return counts


def test_unit_summary_figures_equal_the_database_and_leave_out_a_sibling(office, year_records, personas):
    context = reports.unit_summary_build(office, options={"school_year": str(YEAR)})
    counts = _expected_counts(office, YEAR)

    assert context["awards"] == [
        {
            "award": name,
            "prev_individual": counts[(code, YEAR - 1, "individual")],
            "prev_collective": counts[(code, YEAR - 1, "collective")],
            "individual": counts[(code, YEAR, "individual")],
            "collective": counts[(code, YEAR, "collective")],
        }
        for code, name in (
            ("LDTT", "Lao động tiên tiến"),
            ("CSTDCS", "Chiến sĩ thi đua cơ sở"),
            ("TTLDTT", "Tập thể lao động tiên tiến"),
        )
    ]
    # written out: LĐTT 1 then 3 (the revoked one and Phòng B's left out), CSTĐCS 0/1, TTLĐTT 1 then 1 (the team)
    assert [
        (r["prev_individual"], r["individual"], r["prev_collective"], r["collective"]) for r in context["awards"]
    ] == [
        (1, 3, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 1),
    ]
    assert context["levels"] == [
        {"level": "Mầm non", "schools": 1, "individual": 1, "collective": 0},
        {"level": "Tiểu học", "schools": 1, "individual": 3, "collective": 1},
    ]
    assert context["levels_total"] == {"schools": 2, "individual": 4, "collective": 1}


def test_unit_summary_pdf_prints_the_tables(office, year_records, personas, dossier, teacher):
    nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=teacher, summary="Tốt."
    )
    doc = render("unit_summary", office, personas["reviewer_a"], options={"school_year": "2025-2026"})
    lines = lines_of(doc)
    text = " ".join(lines)

    assert lines[:7] == [
        "SỞ GD&ĐT THỬ",
        "PHÒNG GD&ĐT A",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /BC-PGDĐT Gia Lâm, ngày tháng năm",
        "BÁO CÁO",
        "Tổng hợp kết quả thi đua, khen thưởng năm học 2025-2026",
    ]
    assert "Kính gửi: Sở GD&ĐT Thử." in text
    assert (
        "1 Lao động tiên tiến 1 0 3 0 2 Chiến sĩ thi đua cơ sở 0 0 1 0 "
        "3 Tập thể lao động tiên tiến 0 1 0 1 Tổng cộng 1 1 4 1"
    ) in text
    assert "1 Mầm non 1 1 0 2 Tiểu học 1 3 1 Tổng cộng 2 4 1" in text
    assert "1 Đề nghị 1 2 Trả lại để bổ sung 0" in text
    assert "Được khen thưởng 0 9 Không được khen thưởng 0 Tổng cộng 1" in text
    assert "Không có bản đăng ký thi đua nào đã gửi cấp trên trong năm học 2025-2026." in text
    assert "Nơi nhận: - Như trên; - Lưu: VT. TRƯỞNG PHÒNG Đỗ Văn Trưởng" in text
    assert all(fonts_embedded(file_bytes(doc)).values())


def test_unit_summary_registrations_against_achievements(office, year_records, tree):
    from campaigns.enums import CampaignKind, CampaignStatus, RegistrationStatus
    from campaigns.models import Campaign, Registration, RegistrationLine

    campaign = Campaign.objects.create(
        name="Phong trào thi đua năm học",
        kind=CampaignKind.REGULAR,
        status=CampaignStatus.LAUNCHED,
        launched_by=office,
        school_year=YEAR,
    )
    sent = Registration.objects.create(
        campaign=campaign, unit=tree["school_a1"], status=RegistrationStatus.SUBMITTED, collective_title=award("TTLDTT")
    )
    for order, person in enumerate(year_records["a1"], start=1):
        RegistrationLine.objects.create(registration=sent, order=order, person=person, title=award("LDTT"))
    draft = Registration.objects.create(campaign=campaign, unit=tree["school_a2"], status=RegistrationStatus.DRAFT)
    RegistrationLine.objects.create(registration=draft, order=1, person=year_records["a2"], title=award("LDTT"))

    context = reports.unit_summary_build(office, options={"school_year": YEAR})

    assert context["targets"] == [
        {"award": "Lao động tiên tiến", "registered": 3, "achieved": 3, "rate": "100,0"},
        {"award": "Tập thể lao động tiên tiến", "registered": 1, "achieved": 1, "rate": "100,0"},
    ]


def test_unit_summary_of_a_school_counts_only_its_subtree(tree, year_records):
    context = reports.unit_summary_build(tree["school_a2"], options={"school_year": YEAR})

    assert context["awards_total"] == {"prev_individual": 0, "prev_collective": 1, "individual": 1, "collective": 0}


def _summary_queries(unit) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        reports.unit_summary_build(unit, options={"school_year": YEAR})
    return len(ctx.captured_queries)


def test_unit_summary_queries_do_not_grow_with_units(office, tree, person_factory):
    record(person=person_factory(tree["school_a1"]), code="LDTT", year=YEAR, number="1/QĐ")
    one = _summary_queries(office)
    for n in range(4):
        school = unit_create(
            by=None, name=f"Trường thêm {n}", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=office
        )
        record(person=person_factory(school), code="LDTT", year=YEAR, number="1/QĐ")
        record(unit=school, code="TTLDTT", year=YEAR, number="2/QĐ")
    many = _summary_queries(office)

    assert reports.unit_summary_build(office, options={"school_year": YEAR})["awards_total"]["individual"] == 5
    assert one == many


@pytest.mark.parametrize("value", ["abc", "24", "2024-2026", "1800"])
def test_unit_summary_refuses_a_bad_school_year_and_creates_nothing(office, personas, value):
    from documents.models import GeneratedDocument

    with pytest.raises(ServiceError) as raised:
        services.document_request(
            kind_code="unit_summary", obj=office, by=personas["reviewer_a"], options={"school_year": value}
        )

    assert str(raised.value) == "Năm học không hợp lệ: nhập năm bắt đầu gồm 4 chữ số (ví dụ: 2024 hoặc 2024-2025)."
    assert GeneratedDocument.objects.count() == 0


def test_unit_summary_defaults_to_the_current_school_year(office, monkeypatch):
    monkeypatch.setattr(reports, "current_school_year", lambda: 2030)

    assert reports.unit_summary_build(office, options={})["school_year"] == "2030-2031"


def test_unit_summary_who_may_ask_and_who_sees(tree, personas):
    kind = registry.get("unit_summary")
    school = tree["school_a1"]
    for who in ("outsider", "secretary_a2", "reviewer_b"):
        with pytest.raises(Http404):
            kind.get_visible(personas[who], school.pk)

    assert {who: kind.may_request(personas[who], school) for who in ("head_a1", "reviewer_a", "secretary_a1")} == {
        "head_a1": True,
        "reviewer_a": True,
        "secretary_a1": False,
    }


def test_unit_page_shows_the_documents_panel(tree, personas):
    client = Client()
    client.force_login(personas["head_a1"])
    response = client.get(reverse("units:detail", args=[tree["school_a1"].pk]))

    assert response.status_code == 200
    assert reverse("documents:request", args=["unit_summary", tree["school_a1"].pk]) in response.content.decode()


def test_unit_page_year_form_asks_for_the_chosen_school_year(tree, personas):
    from documents.models import GeneratedDocument

    school = tree["school_a1"]
    head, secretary = Client(), Client()
    head.force_login(personas["head_a1"])
    secretary.force_login(personas["secretary_a1"])
    url = reverse("documents:request", args=["unit_summary", school.pk])

    shown = 'id="unit-summary-form"' in head.get(reverse("units:detail", args=[school.pk])).content.decode()
    hidden = 'id="unit-summary-form"' in secretary.get(reverse("units:detail", args=[school.pk])).content.decode()
    refused = head.post(url, {"format": "pdf", "school_year": "năm ngoái"}, follow=True)
    asked = head.post(url, {"format": "pdf", "school_year": "2024"})

    assert (shown, hidden) == (True, False)
    assert "Năm học không hợp lệ" in refused.content.decode()
    doc = GeneratedDocument.objects.get()
    assert (asked.status_code, asked["Location"], doc.options) == (
        302,
        reverse("documents:detail", args=[doc.pk]),
        {"school_year": "2024"},
    )
