"""Award pages, exports, imports and services read and write a unit's subtree only through the kernel.

Khánh (`secretary_office_a`) is the TĐKT secretary of Phòng A: the Phòng's own records, staff and
initiatives are his; the schools' below it are neither shown, exported, nor changed by him.
"""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from awards import selectors, services
from awards.enums import DisciplineKind, ServicePeriodKind
from awards.importing import EVALUATION_HEADERS, RECORD_HEADERS, evaluations_import, records_import
from awards.models import AwardRecord, DisciplinePeriod, Initiative, TaskEvaluation
from awards.tests.test_importing import xlsx
from conftest import make_user
from core.exceptions import ServiceError
from units.enums import Role

DECIDED = datetime.date(2025, 5, 20)


@pytest.fixture
def staff(tree, person_factory):
    return {
        "office": person_factory(tree["office_a"], full_name="Phạm Văn Phòng"),
        "school": person_factory(tree["school_a1"], full_name="Trần Thị Trường"),
        "sibling": person_factory(tree["school_b1"], full_name="Đỗ Văn Bên"),
    }


@pytest.fixture
def records(staff, record):
    return {key: record(person, "LDTT", 2023) for key, person in staff.items()}


def _names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_records_in_scope_by_persona(tree, personas, records):
    office = tree["office_a"]
    seen = {
        name: sorted(r.person.full_name for r in selectors.records_in_scope(personas[name], office))
        for name in ("secretary_office_a", "reviewer_a", "secretary_a1", "reviewer_b")
    }
    assert seen == {
        "secretary_office_a": ["Phạm Văn Phòng"],
        "reviewer_a": ["Phạm Văn Phòng", "Trần Thị Trường"],
        "secretary_a1": ["Trần Thị Trường"],
        "reviewer_b": [],
    }


def test_office_secretary_unit_award_page_lists_only_own_records(client, tree, personas, records):
    client.force_login(personas["secretary_office_a"])
    response = client.get(reverse("awards:unit_history", args=[tree["office_a"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert ("Phạm Văn Phòng" in body, "Trần Thị Trường" in body) == (True, False)


def test_office_secretary_records_export_has_only_own_records(client, tree, personas, records):
    client.force_login(personas["secretary_office_a"])
    response = client.get(reverse("awards:unit_records_export", args=[tree["office_a"].pk]))
    assert _names(response.content) == ["Phạm Văn Phòng"]


def test_office_secretary_initiative_register_shows_only_own(client, tree, personas, staff):
    services.initiative_register(
        unit=tree["office_a"], school_year=2024, title="SK Phòng", authors=[staff["office"]], by=None
    )
    services.initiative_register(
        unit=tree["school_a1"], school_year=2024, title="SK Trường", authors=[staff["school"]], by=None
    )
    client.force_login(personas["secretary_office_a"])
    response = client.get(reverse("awards:initiative_list", args=[tree["office_a"].pk]))
    titles = [i.title for i in response.context["page"]]
    assert titles == ["SK Phòng"]


def test_office_secretary_decision_offers_only_own_recipients(client, tree, personas, staff):
    client.force_login(personas["secretary_office_a"])
    url = reverse("awards:decision_create", args=[tree["office_a"].pk])
    form = client.get(url).context["form"]
    assert list(form.fields["people"].queryset) == [staff["office"]]
    assert list(form.fields["units"].queryset) == [tree["office_a"]]


def test_decision_service_refuses_a_school_teacher_for_the_office_secretary(tree, personas, staff):
    with pytest.raises(ServiceError, match="không thuộc đơn vị này hoặc không tìm thấy") as error:
        services.decision_records_create(
            unit=tree["office_a"],
            award_code="LDTT",
            school_year=2024,
            decision_number="1/QĐ-PGD",
            decision_date=DECIDED,
            people=[staff["school"]],
            by=personas["secretary_office_a"],
        )
    assert "Trường" not in str(error.value)
    assert AwardRecord.objects.count() == 0


def test_office_secretary_evaluation_grid_lists_only_own_staff(client, tree, personas, staff):
    client.force_login(personas["secretary_office_a"])
    response = client.get(reverse("awards:evaluation_grid", args=[tree["office_a"].pk]))
    assert [row["person"] for row in response.context["grid"]["rows"]] == [staff["office"]]


def test_evaluation_grid_with_every_id_names_nobody(client, tree, personas, staff, person_factory):
    """The reported case: posting one's own grid with ids 1..N answered the names of other schools' people."""
    client.force_login(personas["secretary_a1"])
    data = {"school_year": 2024}
    # Every person id there is, and a few beyond (ids, not 1..N: PostgreSQL sequences are not reset between tests).
    from units.models import Person

    ids = list(Person.objects.values_list("pk", flat=True))
    data.update({f"rating_{pk}": "excellent" for pk in ids + [max(ids) + n for n in range(1, 5)]})
    response = client.post(reverse("awards:evaluation_grid", args=[tree["school_a1"].pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "có người không thuộc đơn vị này hoặc không tìm thấy" in body
    assert ("Đỗ Văn Bên" in body, "Phạm Văn Phòng" in body) == (False, False)
    assert TaskEvaluation.objects.count() == 0


def test_office_secretary_record_import_cannot_reach_a_school_teacher(tree, personas, staff):
    row = [
        "Trần Thị Trường",
        staff["school"].date_of_birth.strftime("%d/%m/%Y"),
        "2023-2024",
        "LDTT",
        "",
        "1/QĐ",
        "",
        "",
    ]
    from core.excel import ImportRejected

    with pytest.raises(ImportRejected) as rejected:
        records_import(unit=tree["office_a"], upload=xlsx(RECORD_HEADERS, [row]), by=personas["secretary_office_a"])
    assert "không tìm thấy cá nhân" in rejected.value.errors[0].message
    with pytest.raises(PermissionDenied):
        evaluations_import(
            unit=tree["school_a1"], upload=xlsx(EVALUATION_HEADERS, [row[:4]]), by=personas["secretary_office_a"]
        )
    assert AwardRecord.objects.count() == 0


@pytest.mark.parametrize("persona", ["secretary_a2", "secretary_office_a", "reviewer_a", "council_a1"])
def test_history_services_refuse_who_may_not_manage_the_person(tree, personas, staff, persona):
    user, teacher = personas[persona], staff["school"]
    calls = [
        lambda: services.discipline_period_create(person=teacher, kind=DisciplineKind.WARNING, start=DECIDED, by=user),
        lambda: services.service_period_create(
            person=teacher, kind=ServicePeriodKind.BREAK, start=datetime.date(2010, 1, 1), by=user
        ),
        lambda: services.task_evaluations_save(
            unit=tree["school_a1"], school_year=2024, ratings={teacher.pk: "excellent"}, by=user
        ),
        lambda: services.award_record_create(award_code="LDTT", school_year=2023, person=teacher, by=user),
        lambda: services.initiative_register(
            unit=tree["school_a1"], school_year=2024, title="SK", authors=[teacher], by=user
        ),
    ]
    refused = 0
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
        refused += 1
    assert refused == len(calls)
    assert (DisciplinePeriod.objects.count(), TaskEvaluation.objects.count(), Initiative.objects.count()) == (0, 0, 0)


def test_history_services_let_the_school_secretary_manage_own_staff(tree, personas, staff):
    period = services.discipline_period_create(
        person=staff["school"], kind=DisciplineKind.WARNING, start=DECIDED, by=personas["secretary_a1"]
    )
    services.discipline_period_end(period=period, end=DECIDED + datetime.timedelta(days=30), by=personas["head_a1"])
    with pytest.raises(PermissionDenied):
        services.discipline_period_delete(period=period, by=personas["secretary_a2"])
    services.discipline_period_delete(period=period, by=personas["secretary_a1"])
    assert DisciplinePeriod.objects.count() == 0


# --- revocation of a whole decision ----------------------------------------------------------------------


@pytest.fixture
def shared_number(tree, staff, record):
    """The same decision number and date in two districts, and once more by another issuer in school A1."""
    common = {"decision_number": "125/QĐ-UBND", "decision_date": datetime.date(2024, 6, 20)}
    return {
        "a1": record(staff["school"], "LDTT", 2023, issuer="UBND huyện A", **common),
        "a1_other_issuer": record(tree["school_a1"], "TTLDTT", 2023, issuer="UBND huyện Khác", **common),
        "b1": record(staff["sibling"], "LDTT", 2023, issuer="UBND huyện B", **common),
    }


def _revoked(records) -> dict:
    for r in records.values():
        r.refresh_from_db()
    return {key: r.is_revoked for key, r in records.items()}


def test_revoking_a_whole_decision_touches_only_records_the_user_administers_of_that_issuer(tree, shared_number):
    admin_a1 = make_user("quantri-a1", tree["school_a1"], Role.ADMINISTRATOR)
    given = shared_number["a1"]
    services.decision_revoke(
        decision_number=given.decision_number,
        decision_date=given.decision_date,
        decision_issuer=given.issuer,
        revocation_number="5/QĐ-UBND",
        revocation_date=datetime.date(2025, 1, 10),
        reason="Khai không đúng",
        by=admin_a1,
    )
    assert _revoked(shared_number) == {"a1": True, "a1_other_issuer": False, "b1": False}


def test_revoking_through_the_page_spares_another_district(client, tree, shared_number):
    admin_a1 = make_user("quantri-a1", tree["school_a1"], Role.ADMINISTRATOR)
    client.force_login(admin_a1)
    response = client.post(
        reverse("awards:record_revoke", args=[shared_number["a1"].pk]),
        {
            "whole_decision": "on",
            "revocation_number": "5/QĐ-UBND",
            "revocation_date": "10/01/2025",
            "issuer": "UBND huyện A",
            "reason": "Khai không đúng",
        },
    )
    assert response.status_code == 302
    assert _revoked(shared_number) == {"a1": True, "a1_other_issuer": False, "b1": False}


def test_revoking_named_records_outside_the_users_scope_is_refused(tree, shared_number):
    admin_a1 = make_user("quantri-a1", tree["school_a1"], Role.ADMINISTRATOR)
    with pytest.raises(ServiceError, match="không thuộc phạm vi"):
        services.decision_revoke(
            decision_number="",
            decision_date=None,
            records=[shared_number["a1"], shared_number["b1"]],
            revocation_number="5/QĐ",
            revocation_date=datetime.date(2025, 1, 10),
            reason="x",
            by=admin_a1,
        )
    assert _revoked(shared_number) == {"a1": False, "a1_other_issuer": False, "b1": False}
