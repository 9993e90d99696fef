"""Bad input about a person is refused by the services (so by forms, imports and the admin alike),
with a Vietnamese message, and changes nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core.excel import ImportRejected
from core.exceptions import ServiceError
from units.importing import HEADERS, people_import
from units.models import Person, PersonTransfer
from units.services import person_create, person_transfer, person_update
from units.validation import NAME_MAX_LENGTH


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def xlsx(rows):
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("ds.xlsx", out.getvalue())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nguyễn Nguyễn Nguyễn Văn A", "Họ và tên «Nguyễn Nguyễn Nguyễn Văn A» lặp từ «Nguyễn» liên tiếp"),
        ("nguyễn Nguyễn NGUYỄN Văn A", "lặp từ «nguyễn» liên tiếp"),
        ("Nguyễn Văn 2", "có chữ số hoặc ký hiệu («2»)"),
        ("Trần Thị @Hoa", "có chữ số hoặc ký hiệu («@»)"),
        ("Lê Thị Hoaaa", "có một chữ cái lặp liên tiếp"),
        ("Lê - Hoa", "có một từ không có chữ cái nào"),
        ("Nguyễn " + "Văn " * 30 + "A", f"vượt quá {NAME_MAX_LENGTH} ký tự cho phép"),
        ("   ", "Họ và tên không được để trống."),
    ],
)
def test_person_create_refuses_a_garbled_name(tree, name, message):
    with pytest.raises(ServiceError) as caught:
        person_create(by=None, unit=tree["school_a1"], full_name=name, gender="female")
    assert message in str(caught.value)
    assert Person.objects.count() == 0


@pytest.mark.parametrize("name", ["H'Hen Niê", "Ksor H’Luân", "Nguyễn Thị Thu-Hà", "Lê Lê Văn Bình", "Nguyễn Văn A"])
def test_person_create_accepts_real_names(tree, name):
    person = person_create(by=None, unit=tree["school_a1"], full_name=name, gender="female")
    assert Person.objects.get().full_name == person.full_name == name


def test_name_limit_is_the_same_in_model_and_service(tree):
    assert Person._meta.get_field("full_name").max_length == NAME_MAX_LENGTH
    words = ["Nguyễn"] + ["Thị", "Hoa", "Lan"] * 30
    exact = " ".join(words)[:NAME_MAX_LENGTH].strip()
    assert len(exact) == NAME_MAX_LENGTH
    person_create(by=None, unit=tree["school_a1"], full_name=exact, gender="female")
    assert Person.objects.get().full_name == exact


def test_person_update_refuses_a_repeated_word_name_and_keeps_the_old_one(person_factory):
    person = person_factory(full_name="Phạm Thị Mai")
    with pytest.raises(ServiceError, match="lặp từ «Thị» liên tiếp"):
        person_update(by=None, person=person, full_name="Phạm Thị Thị Thị Mai")
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Phạm Thị Mai", 1)


def test_person_create_refuses_a_birth_date_in_the_future(tree):
    day = tomorrow()
    with pytest.raises(ServiceError) as caught:
        person_create(by=None, unit=tree["school_a1"], full_name="Hà Thị Thu", gender="female", date_of_birth=day)
    assert str(caught.value) == (
        f"Ngày sinh {day:%d/%m/%Y} không thể sau ngày hôm nay ({timezone.localdate():%d/%m/%Y})."
    )
    assert Person.objects.count() == 0


def test_person_create_refuses_a_service_start_in_the_future_or_before_1900(tree):
    for day, message in ((tomorrow(), "Ngày vào ngành"), (datetime.date(985, 3, 15), "trước năm 1900")):
        with pytest.raises(ServiceError, match=message):
            person_create(by=None, unit=tree["school_a1"], full_name="Hà Thị Thu", gender="female", service_start=day)
    assert Person.objects.count() == 0


def test_person_update_refuses_a_future_birth_date(person_factory):
    person = person_factory()
    born = person.date_of_birth
    with pytest.raises(ServiceError, match="Ngày sinh .* không thể sau ngày hôm nay"):
        person_update(by=None, person=person, date_of_birth=tomorrow())
    person.refresh_from_db()
    assert person.date_of_birth == born


def test_person_transfer_refuses_a_date_in_the_future_or_before_birth(tree, person_factory):
    person = person_factory(date_of_birth=datetime.date(1990, 5, 20))
    with pytest.raises(ServiceError, match="Ngày điều chuyển .* không thể sau ngày hôm nay"):
        person_transfer(by=None, person=person, to_unit=tree["school_a2"], effective_date=tomorrow())
    with pytest.raises(ServiceError) as caught:
        person_transfer(by=None, person=person, to_unit=tree["school_a2"], effective_date=datetime.date(1989, 9, 1))
    assert str(caught.value) == "Ngày điều chuyển 01/09/1989 không thể trước ngày sinh (20/05/1990)."
    person.refresh_from_db()
    assert (person.unit, PersonTransfer.objects.count()) == (tree["school_a1"], 0)


def test_person_form_shows_the_service_refusal_and_saves_nothing(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_create", kwargs={"unit_pk": tree["school_a1"].pk})
    response = client.post(url, {"full_name": "Võ Võ Võ Thị Lan", "gender": "female", "is_active": "on"})
    assert response.status_code == 200
    assert "Họ và tên «Võ Võ Võ Thị Lan» lặp từ «Võ» liên tiếp" in response.content.decode()
    assert Person.objects.count() == 0


def test_people_import_names_each_bad_row_and_saves_nothing(tree, personas, person_factory):
    kept = person_factory(full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15), position="Giáo viên")
    future = tomorrow().strftime("%d/%m/%Y")
    rows = [
        # A good row that would update Lan: it must not be saved either.
        ["Nguyễn Thị Lan", "Nữ", "15/03/1985", "Tổ trưởng", "", "", "", ""],
        ["Trần Văn Hùng", "Nam", future, "", "", "", "", ""],
        ["Lê Thị Mai", "Nữ", "30/02/2025", "", "", "", "", ""],
        ["Lê Thị Hồng", "Nữ", "31/04/1990", "", "", "", "", ""],
        ["Lê Thị Cúc", "Nữ", "abc", "", "", "", "", ""],
        ["Nguyễn Nguyễn Nguyễn Văn A", "Nam", "01/01/1990", "", "", "", "", ""],
        ["Phạm Văn 3", "Nam", "01/01/1990", "", "", "", "", ""],
        ["Đỗ " + "Văn " * 30 + "Bình", "Nam", "01/01/1990", "", "", "", "", ""],
        ["Hồ Thị Vân", "Nữ", "01/01/1990", "", "", future, "", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    errors = {e.row: e.message for e in caught.value.errors}
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert errors == {
        3: f"Ngày sinh {future} không thể sau ngày hôm nay ({today})",
        4: "Ngày sinh «30/02/2025» không có thật: tháng 2/2025 không có ngày 30",
        5: "Ngày sinh «31/04/1990» không có thật: tháng 4/1990 không có ngày 31",
        6: "Ngày sinh «abc» không đúng dạng ngày/tháng/năm (dd/mm/yyyy)",
        7: "Họ và tên «Nguyễn Nguyễn Nguyễn Văn A» lặp từ «Nguyễn» liên tiếp; hãy kiểm tra lại",
        8: "Họ và tên «Phạm Văn 3» có chữ số hoặc ký hiệu («3»); chỉ dùng chữ cái, dấu cách, dấu nháy (') "
        "và dấu gạch nối",
        9: f"Họ và tên dài {len('Đỗ ' + 'Văn ' * 30 + 'Bình')} ký tự, vượt quá {NAME_MAX_LENGTH} ký tự cho phép",
        10: f"Ngày vào ngành {future} không thể sau ngày hôm nay ({today})",
    }
    kept.refresh_from_db()
    assert (Person.objects.count(), kept.position) == (1, "Giáo viên")


def test_admin_refuses_a_garbled_name_and_a_future_birth_date(client, tree):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.vn", "matkhau-thu-123"))
    data = {"gender": "female", "unit": tree["school_a1"].pk, "is_active": "on"}
    data.update({"position": "", "service_start": "", "phone": "", "email": "", "user": ""})
    url = reverse("admin:units_person_add")
    repeated = client.post(url, {**data, "full_name": "Lê Lê Lê Thị Hoa", "date_of_birth": ""})
    assert "Họ và tên «Lê Lê Lê Thị Hoa» lặp từ «Lê» liên tiếp" in repeated.content.decode()
    future = client.post(url, {**data, "full_name": "Lê Thị Hoa", "date_of_birth": f"{tomorrow():%Y-%m-%d}"})
    assert "Ngày sinh" in future.content.decode() and "không thể sau ngày hôm nay" in future.content.decode()
    assert (repeated.status_code, future.status_code, Person.objects.count()) == (200, 200, 0)
