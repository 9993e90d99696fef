"""Dates typed about a person are refused after today and before the person's birth, in every award
service (so in forms, imports and the admin alike), and a refusal changes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards import services
from awards.enums import DisciplineKind, InitiativeScope, InitiativeStatus, ServicePeriodKind, TaskRating
from awards.importing import EVALUATION_HEADERS, RECORD_HEADERS, evaluations_import, records_import
from awards.models import AwardRecord, DisciplinePeriod, Revocation, ServicePeriod, TaskEvaluation
from awards.schoolyear import current_school_year, school_year_label
from core.excel import ImportRejected, build_workbook
from core.exceptions import ServiceError

BORN = datetime.date(1990, 5, 20)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def today_text() -> str:
    return f"{timezone.localdate():%d/%m/%Y}"


def xlsx(headers, rows):
    return SimpleUploadedFile("tep.xlsx", build_workbook("Trang 1", headers, rows))


@pytest.fixture
def mai(tree, person_factory):
    return person_factory(unit=tree["school_a1"], full_name="Phạm Thị Mai", date_of_birth=BORN)


def _recorder():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="ghi-ket-qua", defaults={"is_superuser": True})
    return user


# --- service and discipline periods -----------------------------------------------------------------


@pytest.mark.parametrize("create", [services.service_period_create, services.discipline_period_create])
def test_period_starting_before_birth_or_in_the_future_is_refused(mai, create):
    kind = ServicePeriodKind.DISADVANTAGED if create is services.service_period_create else DisciplineKind.REPRIMAND
    with pytest.raises(ServiceError) as caught:
        create(by=None, person=mai, kind=kind, start=datetime.date(1989, 9, 1))
    assert str(caught.value) == "Ngày bắt đầu 01/09/1989 không thể trước ngày sinh (20/05/1990)."
    with pytest.raises(ServiceError) as caught:
        create(by=None, person=mai, kind=kind, start=tomorrow())
    assert str(caught.value) == f"Ngày bắt đầu {tomorrow():%d/%m/%Y} không thể sau ngày hôm nay ({today_text()})."
    assert (ServicePeriod.objects.count(), DisciplinePeriod.objects.count()) == (0, 0)


def test_service_period_ending_in_the_future_is_refused(mai):
    with pytest.raises(ServiceError, match="Ngày kết thúc .* không thể sau ngày hôm nay"):
        services.service_period_create(
            by=None, person=mai, kind=ServicePeriodKind.DISADVANTAGED, start=datetime.date(2015, 9, 1), end=tomorrow()
        )
    assert ServicePeriod.objects.count() == 0


def test_sanction_may_end_in_the_future_but_not_before_birth(mai):
    """A sanction's term is fixed by its decision (a reprimand runs 12 months), so its end may be ahead."""
    period = services.discipline_period_create(
        by=None, person=mai, kind=DisciplineKind.REPRIMAND, start=timezone.localdate(), end=tomorrow()
    )
    assert period.end == tomorrow()
    open_case = services.discipline_period_create(
        by=None, person=mai, kind=DisciplineKind.PENDING, start=datetime.date(2020, 1, 1)
    )
    with pytest.raises(ServiceError, match="Ngày kết thúc 01/01/1980 không thể trước ngày sinh"):
        services.discipline_period_end(by=None, period=open_case, end=datetime.date(1980, 1, 1))
    open_case.refresh_from_db()
    assert open_case.end is None


# --- award records and revocations ------------------------------------------------------------------


def test_award_record_decided_in_the_future_is_refused(mai):
    year = current_school_year()
    with pytest.raises(ServiceError) as caught:
        services.award_record_create(
            by=None, person=mai, award_code="LDTT", school_year=year, decision_number="1", decision_date=tomorrow()
        )
    assert str(caught.value) == f"Ngày quyết định {tomorrow():%d/%m/%Y} không thể sau ngày hôm nay ({today_text()})."
    assert AwardRecord.objects.count() == 0


def test_award_record_of_a_year_before_birth_or_not_begun_is_refused(mai):
    with pytest.raises(ServiceError) as caught:
        services.award_record_create(by=None, person=mai, award_code="LDTT", school_year=1989)
    assert str(caught.value) == "Năm học 1989-1990 bắt đầu trước ngày sinh (20/05/1990)."
    coming = current_school_year() + 1
    with pytest.raises(ServiceError) as caught:
        services.award_record_create(by=None, person=mai, award_code="LDTT", school_year=coming)
    assert str(caught.value) == (
        f"Năm học {school_year_label(coming)} chưa diễn ra (năm học hiện tại là {school_year_label(coming - 1)})."
    )
    assert AwardRecord.objects.count() == 0


def test_decision_entry_in_the_future_is_refused_for_a_collective_too(tree):
    with pytest.raises(ServiceError, match="Ngày quyết định .* không thể sau ngày hôm nay"):
        services.decision_records_create(
            by=None,
            unit=tree["school_a1"],
            award_code="TTLDTT",
            school_year=current_school_year(),
            decision_number="9/QĐ-UBND",
            decision_date=tomorrow(),
            units=[tree["school_a1"]],
        )
    assert AwardRecord.objects.count() == 0


def test_revocation_dated_in_the_future_is_refused(mai, record):
    given = record(mai, "LDTT", 2022, decision_date=datetime.date(2023, 6, 1))
    with pytest.raises(ServiceError, match="Ngày quyết định thu hồi .* không thể sau ngày hôm nay"):
        services.decision_revoke(
            by=None,
            decision_number=given.decision_number,
            decision_date=given.decision_date,
            revocation_number="5/QĐ-UBND",
            revocation_date=tomorrow(),
            reason="Khai man thành tích",
        )
    given.refresh_from_db()
    assert (given.revocation_id, Revocation.objects.count()) == (None, 0)


# --- initiatives ------------------------------------------------------------------------------------


def test_initiative_recognised_in_the_future_is_refused(mai):
    item = services.initiative_register(
        by=None, unit=mai.unit, school_year=current_school_year(), title="Dạy học qua trò chơi", authors=[mai]
    )
    with pytest.raises(ServiceError, match="Ngày quyết định công nhận .* không thể sau ngày hôm nay"):
        services.initiative_recognise(
            initiative=item,
            recognised=True,
            by=_recorder(),
            scope=InitiativeScope.BASE,
            decision_number="SK-1",
            decision_date=tomorrow(),
        )
    item.refresh_from_db()
    assert (item.status, item.decision_date) == (InitiativeStatus.REGISTERED, None)


def test_initiative_of_a_year_not_begun_is_refused(mai):
    coming = current_school_year() + 1
    with pytest.raises(ServiceError, match=f"Năm học {school_year_label(coming)} chưa diễn ra"):
        services.initiative_register(by=None, unit=mai.unit, school_year=coming, title="Sáng kiến", authors=[mai])


# --- evaluations ------------------------------------------------------------------------------------


def test_rating_of_a_year_before_birth_or_not_begun_is_refused(mai):
    with pytest.raises(ServiceError, match=r"Năm học 1989-1990 bắt đầu trước ngày sinh \(20/05/1990\)"):
        services.task_evaluation_set(by=None, person=mai, school_year=1989, rating=TaskRating.GOOD)
    with pytest.raises(ServiceError, match="chưa diễn ra"):
        services.task_evaluation_set(by=None, person=mai, school_year=current_school_year() + 1, rating=TaskRating.GOOD)
    assert TaskEvaluation.objects.count() == 0


def test_rating_grid_refuses_a_year_before_someones_birth_and_saves_nothing(tree, mai, person_factory):
    older = person_factory(unit=tree["school_a1"], date_of_birth=datetime.date(1970, 1, 1))
    with pytest.raises(ServiceError) as caught:
        services.task_evaluations_save(
            by=None,
            unit=tree["school_a1"],
            school_year=1989,
            ratings={older.pk: TaskRating.GOOD, mai.pk: TaskRating.EXCELLENT},
        )
    assert str(caught.value) == "Không lưu: Phạm Thị Mai: Năm học 1989-1990 bắt đầu trước ngày sinh (20/05/1990)."
    assert TaskEvaluation.objects.count() == 0


def test_bulk_ratings_refuse_a_year_before_birth_and_save_nothing(tree, mai):
    with pytest.raises(ServiceError, match="Phạm Thị Mai: Năm học 1985-1986 bắt đầu trước ngày sinh"):
        services.task_evaluations_bulk_set(
            by=None, unit=tree["school_a1"], rows=[(mai.pk, 2020, TaskRating.GOOD), (mai.pk, 1985, TaskRating.GOOD)]
        )
    assert TaskEvaluation.objects.count() == 0


# --- imports: each bad row named, nothing saved -----------------------------------------------------


def test_records_import_names_rows_with_dates_before_birth_or_in_the_future(tree, mai):
    future = f"{tomorrow():%d/%m/%Y}"
    rows = [
        ["Phạm Thị Mai", "20/05/1990", "2022-2023", "LĐTT", "", "1/QĐ", "15/06/2023", "UBND huyện A"],
        ["Phạm Thị Mai", "20/05/1990", "1989-1990", "LĐTT", "", "2/QĐ", "", "UBND huyện A"],
        ["Phạm Thị Mai", "20/05/1990", school_year_label(current_school_year()), "LĐTT", "", "3/QĐ", future, ""],
        ["Phạm Thị Mai", "20/05/1990", "2021-2022", "LĐTT", "", "4/QĐ", "30/02/2022", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        records_import(by=None, unit=tree["school_a1"], upload=xlsx(RECORD_HEADERS, rows))
    assert {e.row: e.message for e in caught.value.errors} == {
        3: "Năm học 1989-1990 bắt đầu trước ngày sinh (20/05/1990)",
        4: f"Ngày quyết định {future} không thể sau ngày hôm nay ({today_text()})",
        5: "Ngày quyết định «30/02/2022» không có thật: tháng 2/2022 không có ngày 30",
    }
    assert AwardRecord.objects.count() == 0


def test_evaluations_import_names_a_year_before_birth_and_saves_nothing(tree, mai):
    rows = [
        ["Phạm Thị Mai", "20/05/1990", "2022-2023", "HTT"],
        ["Phạm Thị Mai", "20/05/1990", "1988-1989", "HTT"],
        ["Phạm Thị Mai", "31/04/1990", "2022-2023", "HTT"],
    ]
    with pytest.raises(ImportRejected) as caught:
        evaluations_import(by=None, unit=tree["school_a1"], upload=xlsx(EVALUATION_HEADERS, rows))
    assert {e.row: e.message for e in caught.value.errors} == {
        3: "Năm học 1988-1989 bắt đầu trước ngày sinh (20/05/1990)",
        4: "Ngày sinh «31/04/1990» không có thật: tháng 4/1990 không có ngày 31",
    }
    assert TaskEvaluation.objects.count() == 0


def test_admin_refuses_a_rating_of_a_year_before_birth(client, mai):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.vn", "matkhau-thu-123"))
    data = {"person": mai.pk, "school_year": 1989, "rating": TaskRating.GOOD, "source": "decided_here"}
    response = client.post(reverse("admin:awards_taskevaluation_add"), data)
    assert "Năm học 1989-1990 bắt đầu trước ngày sinh (20/05/1990)." in response.content.decode()
    assert TaskEvaluation.objects.count() == 0
