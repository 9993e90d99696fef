import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.enums import CommendationKind, RecordSource, TaskRating
from awards.importing import (
    EVALUATION_HEADERS,
    RECORD_HEADERS,
    evaluations_import,
    evaluations_template,
    records_import,
    records_template,
)
from awards.models import AwardRecord, TaskEvaluation
from core.excel import ImportRejected, build_workbook, read_rows


def xlsx(headers, rows, name="tep.xlsx"):
    return SimpleUploadedFile(name, build_workbook("Trang 1", headers, rows), content_type="application/octet-stream")


@pytest.fixture
def lan(tree, person_factory):
    return person_factory(unit=tree["team_a1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15))


GOOD_ROWS = [
    ["Nguyễn Thị Lan", "15/03/1985", "2022-2023", "LĐTT", "", "125/QĐ-UBND", "20/06/2023", "UBND huyện A"],
    [
        "nguyễn thị  lan",
        "15/03/1985",
        "2023-2024",
        "Chiến sĩ thi đua cơ sở",
        "",
        "210/QĐ-UBND",
        "18/06/2024",
        "UBND huyện A",
    ],
    ["Trường Tiểu học A1", "", "2023-2024", "TTLDXS", "", "1450/QĐ-UBND", "10/08/2024", "UBND tỉnh"],
    ["Nguyễn Thị Lan", "15/03/1985", "2023", "Giấy khen", "đột xuất", "12/QĐ-PGDĐT", "20/11/2023", "Phòng GD&ĐT A"],
]


def test_records_import_good_file(tree, lan):
    result = records_import(by=None, unit=tree["school_a1"], upload=xlsx(RECORD_HEADERS, GOOD_ROWS))
    assert (result.created, result.unchanged) == (4, 0)
    codes = sorted(AwardRecord.objects.filter(person=lan).values_list("award_type__code", "school_year"))
    assert codes == [("CSTDCS", 2023), ("GK", 2023), ("LDTT", 2022)]
    ad_hoc = AwardRecord.objects.get(person=lan, award_type__code="GK")
    assert (ad_hoc.commendation_kind, ad_hoc.source) == (CommendationKind.AD_HOC, RecordSource.IMPORTED)
    assert AwardRecord.objects.get(unit=tree["school_a1"]).award_type.code == "TTLDXS"


def test_records_import_twice_creates_no_duplicates(tree, lan):
    records_import(by=None, unit=tree["school_a1"], upload=xlsx(RECORD_HEADERS, GOOD_ROWS))
    result = records_import(by=None, unit=tree["school_a1"], upload=xlsx(RECORD_HEADERS, GOOD_ROWS))
    assert (result.created, result.unchanged) == (0, 4)
    assert AwardRecord.objects.count() == 4


@pytest.mark.parametrize(
    "row, message",
    [
        (["Trần Văn Không", "01/01/1980", "2023-2024", "LĐTT", "", "1", "20/06/2024", ""], "không tìm thấy cá nhân"),
        (["Nguyễn Thị Lan", "15/03/1985", "2023-2025", "LĐTT", "", "1", "", ""], "năm học «2023-2025» không hợp lệ"),
        (["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "Danh hiệu lạ", "", "1", "", ""], "không có danh hiệu"),
        (["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "TTLĐXS", "", "1", "", ""], "chỉ tặng cho tập thể"),
        (["Trường Tiểu học A1", "", "2023-2024", "LĐTT", "", "1", "", ""], "chỉ tặng cho cá nhân"),
        (["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "LĐTT", "", "1", "31/13/2024", ""], "Ngày quyết định"),
        (
            ["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "LĐTT", "", "1", "01/05/2023", ""],
            "trước khi năm học 2023-2024 bắt đầu",
        ),
        (["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "LĐTT", "ngẫu nhiên", "1", "", ""], "Khen theo"),
        (["Trường B1", "", "2023-2024", "TTLĐTT", "", "1", "", ""], "không tìm thấy tập thể"),
        (["Nguyễn Thị Lan", "15/03/1985", "2099-2100", "LĐTT", "", "1", "", ""], "chưa diễn ra"),
    ],
)
def test_records_import_bad_row_rejects_whole_file(tree, lan, row, message):
    upload = xlsx(RECORD_HEADERS, GOOD_ROWS[:1] + [row])
    with pytest.raises(ImportRejected) as caught:
        records_import(by=None, unit=tree["school_a1"], upload=upload)
    assert [e.row for e in caught.value.errors] == [3]
    assert message in caught.value.errors[0].message
    assert AwardRecord.objects.count() == 0


def test_records_import_duplicate_rows_in_file(tree, lan):
    with pytest.raises(ImportRejected) as caught:
        records_import(by=None, unit=tree["school_a1"], upload=xlsx(RECORD_HEADERS, [GOOD_ROWS[0], GOOD_ROWS[0]]))
    assert caught.value.errors[0].message == "trùng với dòng 2"


def test_records_import_ignores_people_of_other_units(tree, person_factory):
    person_factory(unit=tree["school_b1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15))
    with pytest.raises(ImportRejected):
        records_import(by=None, unit=tree["school_a1"], upload=xlsx(RECORD_HEADERS, GOOD_ROWS[:1]))


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("rong.xlsx", b""), "Tệp rỗng."),
        (SimpleUploadedFile("a.xlsx", b"khong phai excel"), "không phải là bảng tính"),
        (xlsx(["Họ và tên", "Năm"], [["A", "2023"]]), "không đúng mẫu"),
        (xlsx(RECORD_HEADERS, []), "không có dòng dữ liệu"),
    ],
)
def test_records_import_refuses_bad_files(tree, upload, message):
    with pytest.raises(ImportRejected) as caught:
        records_import(by=None, unit=tree["school_a1"], upload=upload)
    assert message in caught.value.summary


def test_evaluations_import_creates_then_updates(tree, lan):
    rows = [["Nguyễn Thị Lan", "15/03/1985", "2022-2023", "HTT"], ["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "htxs"]]
    first = evaluations_import(by=None, unit=tree["school_a1"], upload=xlsx(EVALUATION_HEADERS, rows))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    rows[0][3] = "Hoàn thành nhiệm vụ"
    second = evaluations_import(by=None, unit=tree["school_a1"], upload=xlsx(EVALUATION_HEADERS, rows))
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert dict(TaskEvaluation.objects.filter(person=lan).values_list("school_year", "rating")) == {
        2022: TaskRating.COMPLETE,
        2023: TaskRating.EXCELLENT,
    }


def test_evaluations_import_bad_rating(tree, lan):
    rows = [["Nguyễn Thị Lan", "15/03/1985", "2022-2023", "Giỏi"], ["Nguyễn Thị Lan", "", "2023-2024", "HTT"]]
    with pytest.raises(ImportRejected) as caught:
        evaluations_import(by=None, unit=tree["school_a1"], upload=xlsx(EVALUATION_HEADERS, rows))
    assert [e.row for e in caught.value.errors] == [2, 3]
    assert "xếp loại «Giỏi»" in caught.value.errors[0].message
    assert "thiếu ngày sinh" in caught.value.errors[1].message
    assert TaskEvaluation.objects.count() == 0


@pytest.mark.parametrize(
    "build, headers", [(records_template, RECORD_HEADERS), (evaluations_template, EVALUATION_HEADERS)]
)
def test_templates_read_back_with_their_headers(build, headers):
    rows = read_rows(SimpleUploadedFile("m.xlsx", build()), headers)
    assert len(rows) >= 2


def test_import_view_shows_bad_rows(client, personas, tree, lan):
    client.force_login(personas["secretary_a1"])
    bad = xlsx(RECORD_HEADERS, [GOOD_ROWS[0], ["Ai Đó", "01/01/1990", "2023-2024", "LĐTT", "", "", "", ""]])
    response = client.post(reverse("awards:history_import", args=[tree["school_a1"].pk, "khen-thuong"]), {"file": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dòng 3" in body and "không tìm thấy cá nhân" in body
    assert AwardRecord.objects.count() == 0


def test_import_view_good_file_redirects(client, personas, tree, lan):
    client.force_login(personas["secretary_a1"])
    url = reverse("awards:history_import", args=[tree["school_a1"].pk, "khen-thuong"])
    response = client.post(url, {"file": xlsx(RECORD_HEADERS, GOOD_ROWS)})
    assert response.status_code == 302
    assert AwardRecord.objects.count() == 4
