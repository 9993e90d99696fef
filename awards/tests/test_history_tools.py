"""Deleting a discipline period entered by mistake, the Excel export of a unit's records,
and the «Các hình thức đã được khen thưởng» table of a person."""

import datetime
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from awards import selectors, services
from awards.enums import CommendationKind, DisciplineKind
from awards.importing import RECORD_HEADERS, records_import
from awards.models import AwardRecord, DisciplinePeriod
from core.exceptions import ServiceError

VIEWERS_OF_A1 = ["secretary_a1", "head_a1", "council_a1", "reviewer_a", "admin_dept"]
STRANGERS_TO_A1 = ["secretary_a2", "reviewer_b", "outsider"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def teacher(tree, person_factory):
    return person_factory(
        unit=tree["team_a1"], full_name="Lê Thị Hoa", date_of_birth=datetime.date(1986, 4, 2), position="Giáo viên"
    )


@pytest.fixture
def mistake(teacher):
    return services.discipline_period_create(
        by=None,
        person=teacher,
        kind=DisciplineKind.WARNING,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
    )


# --- deleting a discipline period entered by mistake -------------------------------------------------------


def test_discipline_period_delete_removes_it_and_logs_who(teacher, mistake, personas, caplog):
    other = services.discipline_period_create(
        by=None, person=teacher, kind=DisciplineKind.PENDING, start=datetime.date(2025, 3, 1)
    )
    with caplog.at_level(logging.WARNING, logger="awards.audit"):
        services.discipline_period_delete(period=mistake, by=personas["secretary_a1"])
    assert list(DisciplinePeriod.objects.filter(person=teacher)) == [other]
    [entry] = [r for r in caplog.records if r.name == "awards.audit"]
    message = entry.getMessage()
    assert f"discipline period {mistake.pk} deleted by user {personas['secretary_a1'].pk} (alice)" in message
    assert "Lê Thị Hoa" in message and "warning" in message and "2024-01-01 to 2024-12-31" in message


def test_discipline_period_delete_twice_is_refused(mistake):
    services.discipline_period_delete(by=None, period=mistake)
    with pytest.raises(ServiceError, match="đã được xóa"):
        services.discipline_period_delete(by=None, period=mistake)


def test_discipline_period_delete_lets_the_engine_forget_the_block(teacher):
    pending = services.discipline_period_create(
        by=None, person=teacher, kind=DisciplineKind.PENDING, start=datetime.date(2020, 1, 1)
    )
    assert DisciplinePeriod.objects.filter(person=teacher, end__isnull=True).exists()
    services.discipline_period_delete(by=None, period=pending)
    assert not DisciplinePeriod.objects.filter(person=teacher).exists()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 302),
        ("head_a1", 302),
        ("admin_dept", 302),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("reviewer_b", 404),
        ("outsider", 404),
    ],
)
def test_discipline_delete_permissions(client, personas, mistake, persona, status):
    login(client, personas[persona])
    url = reverse("awards:discipline_delete", args=[mistake.pk])
    page = client.get(url)
    assert page.status_code == (200 if status == 302 else status)
    assert DisciplinePeriod.objects.exists(), "a GET only asks for confirmation"
    response = client.post(url, {})
    assert response.status_code == status
    assert DisciplinePeriod.objects.exists() == (status != 302)
    if status == 302:
        assert response.url == reverse("awards:person_history", args=[mistake.person_id])


def test_discipline_delete_confirmation_names_the_period(client, personas, mistake):
    login(client, personas["secretary_a1"])
    body = client.get(reverse("awards:discipline_delete", args=[mistake.pk])).content.decode()
    assert "Xóa «Cảnh cáo» 01/01/2024 – 31/12/2024" in body


def test_person_history_offers_delete_to_managers_only(client, personas, teacher, mistake):
    url = reverse("awards:person_history", args=[teacher.pk])
    delete_url = reverse("awards:discipline_delete", args=[mistake.pk])
    login(client, personas["head_a1"])
    assert delete_url in client.get(url).content.decode()
    for persona in ("council_a1", "reviewer_a"):
        login(client, personas[persona])
        assert delete_url not in client.get(url).content.decode()


# --- Excel export of the unit's records ----------------------------------------------------------------------


def _rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def records(tree, teacher, person_factory, record):
    lan = person_factory(unit=tree["school_a1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15))
    return [
        record(teacher, "LDTT", 2022, issuer="UBND huyện A"),
        record(teacher, "CSTDCS", 2023, issuer="UBND huyện A"),
        record(lan, "GK", 2023, commendation_kind=CommendationKind.AD_HOC, issuer="Phòng GD&ĐT A"),
        record(tree["school_a1"], "TTLDXS", 2023, issuer="UBND tỉnh"),
        record(tree["team_a1"], "GK", 2022, decision_number="", decision_date=None),
    ]


def export_url(tree, unit="school_a1"):
    return reverse("awards:unit_records_export", args=[tree[unit].pk])


@pytest.mark.parametrize(
    "persona, status",
    [(p, 200) for p in VIEWERS_OF_A1] + [(p, 404) for p in STRANGERS_TO_A1],
)
def test_records_export_follows_the_unit_page_scope(client, personas, tree, records, persona, status):
    """Everyone who sees the unit's record list may download it; other units' users get 404."""
    login(client, personas[persona])
    response = client.get(export_url(tree))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert len(_rows(response.content)) == 1 + len(records)


def test_records_export_uses_the_import_layout_and_the_filter(client, personas, tree, records):
    login(client, personas["secretary_a1"])
    rows = _rows(client.get(export_url(tree), {"school_year": 2022, "q": "Hoa"}).content)
    assert rows[0] == RECORD_HEADERS
    assert rows[1:] == [
        [
            "Lê Thị Hoa",
            "02/04/1986",
            "2022-2023",
            "Lao động tiên tiến",
            "Theo công trạng và thành tích",
            records[0].decision_number,
            records[0].decision_date.strftime("%d/%m/%Y"),
            "UBND huyện A",
        ]
    ]


def test_records_export_of_a_team_leaves_out_the_rest_of_the_school(client, personas, tree, records):
    login(client, personas["secretary_a1"])
    rows = _rows(client.get(export_url(tree, "team_a1")).content)
    assert sorted(row[0] for row in rows[1:]) == ["Lê Thị Hoa", "Lê Thị Hoa", tree["team_a1"].name]


def test_records_export_reimports_without_duplicates(client, personas, tree, records):
    login(client, personas["secretary_a1"])
    content = client.get(export_url(tree)).content
    before = AwardRecord.objects.count()
    upload = SimpleUploadedFile("xuat.xlsx", content, content_type="application/octet-stream")
    result = records_import(by=None, unit=tree["school_a1"], upload=upload)
    assert (result.created, result.unchanged) == (0, len(records))
    assert AwardRecord.objects.count() == before


def test_records_export_imports_into_an_empty_history_the_same_records(client, personas, tree, records):
    login(client, personas["secretary_a1"])
    content = client.get(export_url(tree)).content
    fields = ("person_id", "unit_id", "award_type__code", "school_year", "commendation_kind", "decision_number")
    fields += ("decision_date", "issuer")
    before = set(AwardRecord.objects.values_list(*fields))
    AwardRecord.objects.all().delete()
    upload = SimpleUploadedFile("xuat.xlsx", content, content_type="application/octet-stream")
    assert records_import(by=None, unit=tree["school_a1"], upload=upload).created == len(records)
    assert set(AwardRecord.objects.values_list(*fields)) == before


def test_unit_history_links_the_export_with_the_current_filter(client, personas, tree):
    login(client, personas["council_a1"])
    body = client.get(reverse("awards:unit_history", args=[tree["school_a1"].pk]), {"school_year": 2023}).content
    assert f"{export_url(tree)}?school_year=2023" in body.decode()


def test_records_export_query_count_does_not_grow(
    client, personas, tree, person_factory, record, django_assert_max_num_queries
):
    login(client, personas["head_a1"])
    record(person_factory(unit=tree["school_a1"]), "LDTT", 2023)
    with django_assert_max_num_queries(20) as one:
        client.get(export_url(tree))
    for _ in range(30):
        record(person_factory(unit=tree["team_a1"]), "LDTT", 2023)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(export_url(tree))
    assert len(_rows(response.content)) == 32


# --- «Các hình thức đã được khen thưởng» ---------------------------------------------------------------------


def test_person_award_table_merit_and_other_together_revoked_out_newest_first(teacher, record):
    old = record(teacher, "LDTT", 2021, issuer="UBND huyện A")
    record(teacher, "GK", 2023, commendation_kind=CommendationKind.AD_HOC, decision_date=datetime.date(2023, 11, 20))
    record(teacher, "CSTDCS", 2023, decision_number="210/QĐ-UBND", decision_date=datetime.date(2024, 6, 18))
    revoked = record(teacher, "LDTT", 2022)
    services.decision_revoke(
        by=None,
        decision_number=revoked.decision_number,
        decision_date=revoked.decision_date,
        revocation_number="5/QĐ-TH",
        revocation_date=datetime.date(2024, 1, 5),
        reason="Ghi nhầm",
    )
    rows = selectors.person_award_table(teacher)
    assert [(r["year_label"], r["award"]) for r in rows] == [
        ("2023-2024", "Chiến sĩ thi đua cơ sở"),
        ("2023-2024", "Giấy khen"),
        ("2021-2022", "Lao động tiên tiến"),
    ]
    assert rows[0]["decision"] == "Số 210/QĐ-UBND ngày 18/06/2024"
    assert rows[-1]["decision"] == f"Số {old.decision_number} ngày {old.decision_date:%d/%m/%Y}; UBND huyện A"


def test_person_award_table_without_decision_number(teacher, record):
    record(teacher, "LDTT", 2021, decision_number="", decision_date=None, issuer="Trường Tiểu học A1")
    record(teacher, "GK", 2022, decision_number="", decision_date=None)
    rows = selectors.person_award_table(teacher)
    assert [r["decision"] for r in rows] == ["", "Trường Tiểu học A1"]


def test_person_award_table_is_one_query(teacher, record, django_assert_num_queries):
    for year in range(2015, 2024):
        record(teacher, "LDTT", year)
    with django_assert_num_queries(1):
        assert len(selectors.person_award_table(teacher)) == 9


def test_person_award_table_from_the_history_records_is_the_same_without_a_query(
    teacher, record, django_assert_num_queries
):
    """The history page builds the table from person_history's records: same rows, same order, no query."""
    record(teacher, "LDTT", 2021, decision_number="", decision_date=None, issuer="Trường Tiểu học A1")
    record(teacher, "GK", 2023, commendation_kind=CommendationKind.AD_HOC, decision_date=datetime.date(2023, 11, 20))
    record(teacher, "CSTDCS", 2023, decision_number="210/QĐ-UBND", decision_date=datetime.date(2024, 6, 18))
    record(teacher, "LDTT", 2023, decision_number="", decision_date=None)
    revoked = record(teacher, "LDTT", 2022)
    services.decision_revoke(
        by=None,
        decision_number=revoked.decision_number,
        decision_date=revoked.decision_date,
        revocation_number="5/QĐ-TH",
        revocation_date=datetime.date(2024, 1, 5),
        reason="Ghi nhầm",
    )
    expected = selectors.person_award_table(teacher)
    records = selectors.person_history(teacher)["records"]
    with django_assert_num_queries(0):
        rows = selectors.person_award_table(teacher, records)
    assert rows == expected
    assert [(r["year_label"], r["award"]) for r in rows] == [
        ("2023-2024", "Chiến sĩ thi đua cơ sở"),
        ("2023-2024", "Giấy khen"),
        ("2023-2024", "Lao động tiên tiến"),
        ("2021-2022", "Lao động tiên tiến"),
    ]


def test_person_history_shows_the_award_table(client, personas, teacher, record):
    record(teacher, "CSTDCS", 2023, decision_number="210/QĐ-UBND", decision_date=datetime.date(2024, 6, 18))
    login(client, personas["reviewer_a"])
    response = client.get(reverse("awards:person_history", args=[teacher.pk]))
    body = response.content.decode()
    assert "Các hình thức đã được khen thưởng" in body
    assert "Số 210/QĐ-UBND ngày 18/06/2024" in body
    assert response.context["award_table"] == selectors.person_award_table(teacher)
