"""Excel import of a lower unit's list into a dossier: all-or-nothing, one message per bad row, people matched
by name and birth date within what the user may file for."""

import datetime
import io
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import make_user
from core.excel import ImportRejected
from core.exceptions import ServiceError
from nominations import importing, services
from nominations.enums import RoundKind
from nominations.models import Nomination
from nominations.tests.conftest import YEAR, fill_submission
from units.enums import Gender, Role
from units.models import Person

DOB = datetime.date(1985, 3, 15)


def xlsx(rows, headers=None) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(headers or importing.HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("danh-sach.xlsx", out.getvalue())


def line(number, name, dob, award, summary="Hoàn thành xuất sắc nhiệm vụ."):
    return [number, name, dob, "Giáo viên", "Trường Tiểu học A1", award, summary]


@pytest.fixture
def lan(person_factory, tree):
    return person_factory(tree["team_a1"], full_name="Nguyễn Thị Lan", date_of_birth=DOB)


def rows_of(dossier):
    return sorted(
        (n.person.full_name if n.person_id else n.unit.name, n.award_type.code, n.summary)
        for n in Nomination.objects.filter(dossier=dossier).select_related("person", "unit", "award_type")
    )


def test_import_adds_people_and_collectives_and_a_second_import_adds_nothing(dossier, lan, teacher, personas, tree):
    by = personas["secretary_a1"]
    rows = [
        line(1, "Nguyễn Thị Lan", "15/03/1985", "Lao động tiên tiến"),
        line(2, "Trần Thị Giáo Viên", teacher.date_of_birth, "LĐTT", "Dạy giỏi."),
        line(3, "Tổ khối 1", None, "TTLDTT", "Tổ tiên tiến."),
    ]

    result = importing.nominations_import(by=by, dossier=dossier, upload=xlsx(rows))

    assert (result.created, result.existing) == (3, 0)
    assert rows_of(dossier) == [
        ("Nguyễn Thị Lan", "LDTT", "Hoàn thành xuất sắc nhiệm vụ."),
        ("Trần Thị Giáo Viên", "LDTT", "Dạy giỏi."),
        ("Tổ khối 1", "TTLDTT", "Tổ tiên tiến."),
    ]
    assert Nomination.objects.exclude(verdict="").count() == 3  # the engine ran, as for a nomination added by hand
    again = importing.nominations_import(by=by, dossier=dossier, upload=xlsx(rows))
    assert (again.created, again.existing, Nomination.objects.count()) == (0, 3, 3)


def test_names_match_whatever_the_case_the_unicode_form_or_the_icelandic_eth(dossier, person_factory, personas, tree):
    dung = person_factory(tree["school_a1"], full_name="Đỗ Văn Dũng", date_of_birth=DOB)
    typed = unicodedata.normalize("NFD", "ÐỖ  văn dũng")  # decomposed, upper case, Ð (U+00D0), two spaces
    importing.nominations_import(
        by=personas["secretary_a1"], dossier=dossier, upload=xlsx([line(1, typed, DOB, "LDTT")])
    )
    assert list(Nomination.objects.values_list("person", flat=True)) == [dung.pk]


def test_every_bad_row_is_named_and_nothing_is_saved(dossier, lan, person_factory, personas, tree):
    person_factory(tree["school_a2"], full_name="Lê Văn Khác", date_of_birth=DOB)  # another school
    rows = [
        line(1, "Nguyễn Thị Lan", "15/03/1985", "LDTT"),  # good
        line(2, "", "15/03/1985", "LDTT"),
        line(3, "Nguyễn Thị Lan", "30/02/1985", "LDTT"),
        line(4, "Nguyễn Văn Không Có", "01/01/1980", "LDTT"),
        line(5, "Lê Văn Khác", "15/03/1985", "LDTT"),
        line(6, "Nguyễn Thị Lan", "15/03/1985", "Huy chương Vàng"),
        line(7, "Nguyễn Thị Lan", "15/03/1985", "TTLDTT"),
        line(8, "Nguyễn Thị Lan", "15/03/1985", "Lao động tiên tiến"),
        line(9, "Trường Không Có", None, "TTLDTT"),
        line(10, "Nguyễn Thị Lan", "15/03/1985", ""),
    ]
    with pytest.raises(ImportRejected) as rejected:
        importing.nominations_import(by=personas["secretary_a1"], dossier=dossier, upload=xlsx(rows))

    assert rejected.value.summary.startswith("Tệp có 9 dòng lỗi nên không có dòng nào được nhập.")
    assert [(e.row, e.message) for e in rejected.value.errors] == [
        (3, "thiếu họ và tên"),
        (4, "Ngày sinh «30/02/1985» không có thật: tháng 2/1985 không có ngày 30"),
        (
            5,
            "không tìm thấy «Nguyễn Văn Không Có», sinh ngày 01/01/1980, trong danh sách cán bộ của đơn vị "
            "(hãy nhập danh sách cán bộ trước)",
        ),
        (
            6,
            "không tìm thấy «Lê Văn Khác», sinh ngày 15/03/1985, trong danh sách cán bộ của đơn vị "
            "(hãy nhập danh sách cán bộ trước)",
        ),
        (7, "danh hiệu / hình thức «Huy chương Vàng» không có trong danh mục đang có hiệu lực"),
        (8, "«Tập thể lao động tiên tiến» không dành cho cá nhân"),
        (9, "trùng với dòng 2 (cùng người hoặc tập thể, cùng danh hiệu / hình thức)"),
        (
            10,
            "không có ngày sinh nên được hiểu là tập thể, nhưng «Trường Không Có» không phải tên đơn vị hoặc tổ của "
            "đơn vị; nếu là cá nhân, hãy ghi ngày sinh",
        ),
        (11, "thiếu danh hiệu / hình thức đề nghị"),
    ]
    assert Nomination.objects.count() == 0


def test_two_people_with_the_same_name_and_birth_date_are_an_error(dossier, person_factory, personas, tree):
    person_factory(tree["school_a1"], full_name="Phạm Thị Hoa", date_of_birth=DOB)
    # A twin the services would refuse today, as data imported before the duplicate check may hold.
    Person.objects.create(unit=tree["team_a1"], full_name="Phạm Thị Hoa", date_of_birth=DOB, gender=Gender.FEMALE)
    with pytest.raises(ImportRejected) as rejected:
        importing.nominations_import(
            by=personas["secretary_a1"], dossier=dossier, upload=xlsx([line(1, "Phạm Thị Hoa", DOB, "LDTT")])
        )
    assert [(e.row, e.message) for e in rejected.value.errors] == [
        (
            2,
            "có 2 người cùng tên «Phạm Thị Hoa» và ngày sinh 15/03/1985; không xác định được người nào, "
            "hãy thêm đề nghị này trên cổng",
        )
    ]
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a workbook", "Tệp không phải là bảng tính Excel (.xlsx)."),
        (b"PK\x03\x04broken zip", "Tệp không phải là bảng tính Excel (.xlsx)."),
        (b"", "Tệp rỗng."),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(dossier, personas, content, message):
    with pytest.raises(ImportRejected, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        importing.nominations_import(
            by=personas["secretary_a1"], dossier=dossier, upload=SimpleUploadedFile("danh-sach.xlsx", content)
        )


def test_a_file_with_other_headers_or_too_large_is_refused(dossier, personas, settings, lan):
    with pytest.raises(ImportRejected, match="Tệp không đúng mẫu"):
        importing.nominations_import(
            by=personas["secretary_a1"], dossier=dossier, upload=xlsx([[1, "Nguyễn Thị Lan"]], headers=["STT", "Tên"])
        )
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportRejected, match="Tệp quá lớn"):
        importing.nominations_import(
            by=personas["secretary_a1"], dossier=dossier, upload=xlsx([line(1, "Nguyễn Thị Lan", DOB, "LDTT")])
        )
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize("persona", ["secretary_a2", "council_a1", "reviewer_a", "secretary_office_a", "outsider"])
def test_import_refused_without_file_on_the_dossier_unit(dossier, lan, personas, persona):
    with pytest.raises(PermissionDenied):
        importing.nominations_import(
            by=personas[persona], dossier=dossier, upload=xlsx([line(1, "Nguyễn Thị Lan", DOB, "LDTT")])
        )
    assert Nomination.objects.count() == 0


def test_an_office_administrator_imports_the_list_of_a_school_not_on_the_portal(lan, tree):
    admin = make_user("quan-tri-phong", tree["office_a"], Role.ADMINISTRATOR)
    dossier = services.dossier_create(
        by=admin, unit=tree["school_a1"], round_kind=RoundKind.EXEMPLARY, school_year=YEAR
    )
    result = importing.nominations_import(
        by=admin, dossier=dossier, upload=xlsx([line(1, "Nguyễn Thị Lan", DOB, "LDTT")])
    )
    assert (result.created, rows_of(dossier)) == (1, [("Nguyễn Thị Lan", "LDTT", "Hoàn thành xuất sắc nhiệm vụ.")])


def test_import_into_a_dossier_no_longer_editable_is_refused(dossier, lan, teacher, personas):
    by = personas["secretary_a1"]
    services.nomination_add(by=by, dossier=dossier, award_code="LDTT", person=teacher, summary="Tốt.")
    fill_submission(dossier, by)
    services.dossier_transition(by=by, dossier=dossier, action="send_to_head", version=None)
    with pytest.raises(ServiceError, match="không nhập thêm đề nghị được"):
        importing.nominations_import(by=by, dossier=dossier, upload=xlsx([line(1, "Nguyễn Thị Lan", DOB, "LDTT")]))
    assert Nomination.objects.count() == 1


# --- pages ------------------------------------------------------------------------------------------


def test_template_download_is_an_xlsx_with_the_list_headers(client, personas):
    client.force_login(personas["outsider"])
    response = client.get(reverse("nominations:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (response.status_code, [c.value for c in sheet[1]]) == (200, importing.HEADERS)


def test_upload_page_lists_the_bad_rows_and_a_good_file_redirects(client, dossier, lan, personas):
    client.force_login(personas["secretary_a1"])
    url = reverse("nominations:import_upload", args=[dossier.pk])
    bad = client.post(url, {"file": xlsx([line(1, "Nguyễn Thị Lan", "31/04/1985", "LDTT")])})
    assert bad.status_code == 200
    assert "Dòng 2" in bad.content.decode() and "không có ngày 31" in bad.content.decode()
    good = client.post(url, {"file": xlsx([line(1, "Nguyễn Thị Lan", DOB, "LDTT")])})
    assert (good.status_code, good.url, Nomination.objects.count()) == (302, dossier.get_absolute_url(), 1)


def test_upload_page_of_another_school_is_not_found(client, dossier, personas):
    client.force_login(personas["secretary_a2"])
    assert client.get(reverse("nominations:import_upload", args=[dossier.pk])).status_code == 404
