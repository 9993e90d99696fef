"""Decisions (quyết định khen thưởng): recording writes the award history linked to the nominations and
marks the roll-up chain; refusals write nothing; a revocation takes the records out of later checks;
the pages and the Excel / JSON exports are scoped by the kernel."""

import datetime
import io
import json
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from awards import engine
from awards.enums import AuthorityKind, RecordSource
from awards.models import AwardRecord, AwardType, Revocation
from awards.services.routes import authority_route_create
from conftest import make_user
from core import workflow
from core.exceptions import ServiceError
from core.models import TransitionLog
from nominations import decisions, services
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Decision, Dossier, Nomination
from nominations.tests.conftest import YEAR
from units.enums import Role

DAY = datetime.date(2026, 6, 15)  # the decision date: the school year 2025-2026, after the 2025 reform
TODAY = datetime.date(2026, 7, 1)
NUMBER = "125/QĐ-PGDĐT"


@pytest.fixture
def route_to_office(tree):
    """LĐTT (Chủ tịch UBND cấp xã since 01/07/2025) is decided, for Phòng A's schools, by Phòng A (test data)."""
    return authority_route_create(
        by=None,
        unit=tree["office_a"],
        authority_kind=AuthorityKind.COMMUNE_CHAIR,
        decider=tree["office_a"],
        effective_from=datetime.date(2025, 7, 1),
    )


def _accepted(dossier, person, code="LDTT"):
    nomination = services.nomination_add(by=None, dossier=dossier, award_code=code, person=person, summary="Tốt.")
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.ACCEPTED)
    return Nomination.objects.get(pk=nomination.pk)


@pytest.fixture
def received(dossier, tree, person_factory, route_to_office):
    """School A1's dossier under appraisal at Phòng A with two accepted LĐTT nominations."""
    first = _accepted(dossier, person_factory(tree["school_a1"], full_name="Lê Văn Được"))
    second = _accepted(dossier, person_factory(tree["school_a1"], full_name="Phạm Thị Chưa"))
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_a"])
    return {"dossier": Dossier.objects.get(pk=dossier.pk), "first": first, "second": second}


def record(by, deciding_unit, granted, not_granted=None, **changes):
    fields = {
        "number": NUMBER,
        "date": DAY,
        "signer": "Nguyễn Văn Ký",
        "signer_title": "Trưởng phòng",
        "issuer": "Phòng GD&ĐT A",
        "excerpt": "Về việc tặng danh hiệu Lao động tiên tiến năm học 2025-2026",
        "school_year": YEAR,
        "today": TODAY,
        **changes,
    }
    return decisions.decision_record(
        by=by, deciding_unit=deciding_unit, granted=granted, not_granted=not_granted, **fields
    )


def snapshot():
    return (
        Decision.objects.count(),
        AwardRecord.objects.count(),
        sorted(Nomination.objects.values_list("pk", "status", "decision_id", "award_record_id")),
    )


# --- recording ------------------------------------------------------------------------------------


def test_decision_record_writes_records_linked_both_ways(received, personas, tree):
    first, second = received["first"], received["second"]

    decision = record(personas["reviewer_a"], tree["office_a"], [first], {second: "Chưa đủ tiêu chuẩn"})

    first.refresh_from_db()
    second.refresh_from_db()
    saved = AwardRecord.objects.get()
    assert (saved.person_id, saved.award_type.code, saved.school_year) == (first.person_id, "LDTT", YEAR)
    assert (saved.decision_number, saved.decision_date, saved.issuer, saved.source) == (
        NUMBER,
        DAY,
        "Phòng GD&ĐT A",
        RecordSource.DECIDED_HERE,
    )
    assert (first.status, first.decision_id, first.award_record_id) == (NominationStatus.AWARDED, decision.pk, saved.pk)
    assert saved.nomination == first
    assert (second.status, second.decision_id, second.award_record_id) == (
        NominationStatus.NOT_AWARDED,
        decision.pk,
        None,
    )
    log = TransitionLog.objects.filter(object_id=second.pk, action="not_award").get()
    assert (log.comment, log.by) == ("Chưa đủ tiêu chuẩn", personas["reviewer_a"])
    lines = decisions.decision_lines(personas["reviewer_a"], decision)
    assert [(line.nomination.pk, line.granted, line.reason) for line in lines] == [
        (first.pk, True, ""),
        (second.pk, False, "Chưa đủ tiêu chuẩn"),
    ]


def test_decision_record_double_click_writes_once(received, personas, tree):
    first = received["first"]

    one = record(personas["reviewer_a"], tree["office_a"], [first])
    two = record(personas["reviewer_a"], tree["office_a"], [first])

    assert one.pk == two.pk
    assert (Decision.objects.count(), AwardRecord.objects.count()) == (1, 1)
    assert TransitionLog.objects.filter(object_id=first.pk, action="award").count() == 1


def test_awarded_is_recorded_only_through_a_decision(received, personas, tree, client):
    """No button marks a nomination awarded without a decision and its award record; a forged POST is refused."""
    first = received["first"]
    reviewer = personas["reviewer_a"]
    assert "award" not in {a.name for a in workflow.available_actions(first, reviewer)}
    assert "not_award" in {a.name for a in workflow.available_actions(first, reviewer)}
    client.force_login(reviewer)
    response = client.post(
        reverse("nominations:nomination_transition", args=[first.pk]),
        {"transition": "award", "version": first.version},
        follow=True,
    )
    assert "được ghi qua trang «Ghi quyết định khen thưởng»" in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.award_record_id) == (NominationStatus.ACCEPTED, None)
    assert AwardRecord.objects.count() == 0


def test_decision_record_marks_the_chain_below(received, personas, tree):
    """Phòng A carried the LĐTT up to the Sở (the decider here); the Sở's decision marks the school's line."""
    lower = received["first"]
    Nomination.objects.filter(pk=lower.pk).update(status=NominationStatus.FORWARDED)
    authority_route_create(
        by=None,
        unit=tree["school_a1"],
        authority_kind=AuthorityKind.COMMUNE_CHAIR,
        decider=tree["dept"],
        via=[tree["office_a"]],
        effective_from=datetime.date(2025, 7, 1),
    )
    upper_dossier = Dossier.objects.create(
        unit=tree["office_a"],
        round_kind=received["dossier"].round_kind,
        school_year=YEAR,
        receiving_unit=tree["dept"],
        status=DossierStatus.UNDER_APPRAISAL,
    )
    upper = Nomination.objects.create(
        dossier=upper_dossier,
        person=lower.person,
        award_type=lower.award_type,
        source=lower,
        status=NominationStatus.ACCEPTED,
    )
    dept_reviewer = make_user("so-chuyenvien", tree["dept"], Role.REVIEWER)

    decision = record(dept_reviewer, tree["dept"], [upper], number="9/QĐ-SGDĐT", issuer="Sở GD&ĐT Thử")

    lower.refresh_from_db()
    upper.refresh_from_db()
    assert (upper.status, upper.decision_id) == (NominationStatus.AWARDED, decision.pk)
    assert (lower.status, lower.decision_id, lower.award_record_id) == (NominationStatus.AWARDED, decision.pk, None)
    assert TransitionLog.objects.get(object_id=lower.pk, action="award_down").by == dept_reviewer
    # The school's secretary sees the decision that granted its teacher, and only that line.
    visible = decisions.decisions_visible_to(personas["secretary_a1"])
    assert list(visible) == [decision]
    assert [line.nomination.pk for line in decisions.decision_lines(personas["secretary_a1"], decision)] == [upper.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_decision_record_two_submits_at_once_write_one_decision(received, personas, tree):
    """A double click that reaches the server twice at the same moment: the second waits on the locked
    nominations, then finds them decided by the first and returns that decision."""
    barrier = threading.Barrier(2)
    outcomes = []

    def act():
        try:
            barrier.wait()
            outcomes.append(record(personas["reviewer_a"], tree["office_a"], [received["first"]]).pk)
        except Exception as exc:  # noqa: BLE001 (the assertion below shows what went wrong)
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=act) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes[0] == outcomes[1] == Decision.objects.get().pk
    assert AwardRecord.objects.count() == 1


# --- refusals: a clear message, nothing written --------------------------------------------------


def _other_decision(received, personas, tree):
    record(personas["reviewer_a"], tree["office_a"], [received["second"]])


REFUSALS = {
    "duplicate number": (
        {"setup": _other_decision},
        "Số quyết định 125/QĐ-PGDĐT ngày 15/06/2026 đã được ghi cho Phòng GD&ĐT A",
    ),
    "future date": ({"date": datetime.date(2026, 7, 2)}, "không thể sau ngày hôm nay (01/07/2026)"),
    "before the school year": (
        {"date": datetime.date(2025, 8, 31)},
        "Ngày quyết định 31/08/2025 trước khi năm học 2025-2026 bắt đầu.",
    ),
    "missing number": ({"number": "  "}, "Phải ghi số quyết định."),
    "missing reason": ({"refuse_second": ""}, "Phải ghi lý do không được khen thưởng cho: Phạm Thị Chưa."),
    "other school year": ({"school_year": YEAR - 1, "date": datetime.date(2025, 6, 1)}, "không thuộc năm học"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_decision_record_refusal_changes_nothing(case, received, personas, tree):
    changes, message = REFUSALS[case]
    changes = dict(changes)
    setup = changes.pop("setup", None)
    if setup:
        setup(received, personas, tree)
    refused = {received["second"]: changes.pop("refuse_second")} if "refuse_second" in changes else None
    before = snapshot()

    with pytest.raises(ServiceError) as exc:
        record(personas["reviewer_a"], tree["office_a"], [received["first"]], refused, **changes)

    assert message in str(exc.value)
    assert snapshot() == before


def test_decision_record_refuses_a_nomination_already_decided(received, personas, tree):
    record(personas["reviewer_a"], tree["office_a"], [received["first"]])
    before = snapshot()

    with pytest.raises(ServiceError) as exc:
        record(personas["reviewer_a"], tree["office_a"], [received["first"]], number="126/QĐ-PGDĐT")

    assert str(exc.value) == "Đề nghị đã có quyết định: Lê Văn Được."
    assert snapshot() == before


def test_decision_record_refuses_without_authority_and_says_who_decides(received, personas, tree, route_to_office):
    route_to_office.delete()
    authority_route_create(
        by=None,
        unit=tree["office_a"],
        authority_kind=AuthorityKind.COMMUNE_CHAIR,
        decider=tree["dept"],
        effective_from=datetime.date(2025, 7, 1),
    )
    before = snapshot()

    with pytest.raises(ServiceError) as exc:
        record(personas["reviewer_a"], tree["office_a"], [received["first"]])

    assert "thuộc Sở GD&ĐT Thử" in str(exc.value)
    assert "không phải Phòng GD&ĐT A" in str(exc.value)
    assert snapshot() == before


def test_decision_record_refuses_a_nomination_not_accepted(received, personas, tree):
    Nomination.objects.filter(pk=received["first"].pk).update(status=NominationStatus.PROPOSED)
    before = snapshot()

    with pytest.raises(ServiceError) as exc:
        record(personas["reviewer_a"], tree["office_a"], [received["first"]])

    assert "Chỉ ghi quyết định cho đề nghị đã chấp nhận" in str(exc.value)
    assert snapshot() == before


def test_decision_record_refuses_a_nomination_received_elsewhere_without_naming_it(
    received, personas, tree, person_factory
):
    """A nomination of a dossier Phòng B received is "not found" for Phòng A, by id alone."""
    elsewhere = services.dossier_create(by=None, unit=tree["school_b1"], round_kind="year_end", school_year=YEAR)
    stranger = _accepted(elsewhere, person_factory(tree["school_b1"], full_name="Võ Thị Người Lạ"))
    Dossier.objects.filter(pk=elsewhere.pk).update(
        status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_b"]
    )
    before = snapshot()

    with pytest.raises(ServiceError) as exc:
        record(personas["reviewer_a"], tree["office_a"], [received["first"], stranger])

    assert str(exc.value) == decisions.NOT_FOUND
    assert "Người Lạ" not in str(exc.value)
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["reviewer_b", "secretary_a1", "head_a1", "admin_dept", "outsider"])
def test_decision_record_refused_to_who_does_not_appraise_the_receiving_unit(persona, received, personas, tree):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        record(personas[persona], tree["office_a"], [received["first"]])

    assert snapshot() == before


# --- revocation -----------------------------------------------------------------------------------


def test_revocation_marks_nominations_and_the_engine_no_longer_counts_the_record(received, personas, tree):
    first = received["first"]
    decision = record(personas["reviewer_a"], tree["office_a"], [first])
    person = first.person
    on_date = datetime.date(2026, 11, 1)

    def counted_ldtt() -> list[tuple[str, int]]:
        facts = engine.load_facts([person], YEAR, on_date)[0]
        return [(r.code, r.year) for r in facts.records if r.code == "LDTT"]

    assert counted_ldtt() == [("LDTT", YEAR)]

    revocation = decisions.decision_revoke_nominations(
        by=personas["reviewer_a"],
        decision=decision,
        number="7/QĐ-PGDĐT",
        date=datetime.date(2026, 9, 1),
        reason="Phát hiện vi phạm sau khi khen thưởng",
        issuer="Phòng GD&ĐT A",
        today=TODAY.replace(month=11),
    )

    decision.refresh_from_db()
    first = Nomination.objects.select_related("award_record", "decision").get(pk=first.pk)
    assert decision.revocation_id == revocation.pk
    assert revocation.created_by == personas["reviewer_a"]
    assert first.award_record.revocation_id == revocation.pk
    assert first.is_revoked is True
    assert counted_ldtt() == []


def test_revocation_repeat_is_harmless_and_refusals_change_nothing(received, personas, tree):
    decision = record(personas["reviewer_a"], tree["office_a"], [received["first"]])
    fields = {
        "decision": decision,
        "number": "7/QĐ-PGDĐT",
        "date": datetime.date(2026, 9, 1),
        "reason": "Sai sót",
        "issuer": "Phòng GD&ĐT A",
        "today": datetime.date(2026, 11, 1),
    }
    with pytest.raises(PermissionDenied):
        decisions.decision_revoke_nominations(by=personas["secretary_a1"], **fields)
    with pytest.raises(ServiceError, match="không thể trước ngày quyết định khen thưởng"):
        decisions.decision_revoke_nominations(
            by=personas["reviewer_a"], **{**fields, "date": datetime.date(2026, 6, 1)}
        )
    assert (Revocation.objects.count(), AwardRecord.objects.in_force().count()) == (0, 1)

    one = decisions.decision_revoke_nominations(by=personas["reviewer_a"], **fields)
    two = decisions.decision_revoke_nominations(by=personas["reviewer_a"], **fields)

    assert one.pk == two.pk
    assert Revocation.objects.count() == 1


# --- pages and exports ----------------------------------------------------------------------------


def test_person_history_page_shows_the_new_record_with_its_decision_number(received, personas, tree, client):
    record(personas["reviewer_a"], tree["office_a"], [received["first"]])
    client.force_login(personas["head_a1"])

    response = client.get(reverse("awards:person_history", args=[received["first"].person_id]))

    assert response.status_code == 200
    assert NUMBER in response.content.decode()


def test_decision_create_page_records_a_decision(received, personas, tree, client):
    first, second = received["first"], received["second"]
    client.force_login(personas["reviewer_a"])
    url = reverse("nominations:decision_create", args=[received["dossier"].pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "number": NUMBER,
            "date": "15/06/2026",
            "issuer": "Phòng GD&ĐT A",
            "signer": "Nguyễn Văn Ký",
            "signer_title": "Trưởng phòng",
            "excerpt": "",
            f"ket_qua_{first.pk}": "cap",
            f"ket_qua_{second.pk}": "khong",
            f"ly_do_{second.pk}": "Chưa đủ tiêu chuẩn",
        },
    )

    assert page.status_code == 200
    assert "Danh hiệu thi đua" in page.content.decode()
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert sorted(Nomination.objects.values_list("pk", "status")) == [
        (first.pk, NominationStatus.AWARDED),
        (second.pk, NominationStatus.NOT_AWARDED),
    ]
    dossier_page = client.get(received["dossier"].get_absolute_url()).content.decode()
    assert f"quyết định số {NUMBER}" in dossier_page


def test_decision_pages_are_scoped(received, personas, tree, client):
    decision = record(personas["reviewer_a"], tree["office_a"], [received["first"]])
    urls = [
        reverse("nominations:decision_detail", args=[decision.pk]),
        reverse("nominations:decision_xlsx", args=[decision.pk]),
        reverse("nominations:decision_json", args=[decision.pk]),
        reverse("nominations:decision_revoke", args=[decision.pk]),
    ]
    statuses = {}
    for persona in ["reviewer_a", "head_a1", "secretary_a1", "secretary_a2", "reviewer_b", "outsider"]:
        client.force_login(personas[persona])
        statuses[persona] = [client.get(url).status_code for url in urls]

    assert statuses == {
        "reviewer_a": [200, 200, 200, 200],
        "head_a1": [200, 200, 200, 403],
        "secretary_a1": [200, 200, 200, 403],
        "secretary_a2": [404, 404, 404, 404],
        "reviewer_b": [404, 404, 404, 404],
        "outsider": [404, 404, 404, 404],
    }


def test_decision_list_query_count_is_constant(received, personas, tree, client, django_assert_max_num_queries):
    record(personas["reviewer_a"], tree["office_a"], [received["first"]])
    client.force_login(personas["secretary_a1"])
    url = reverse("nominations:decision_list")
    client.get(url)
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    record(personas["reviewer_a"], tree["office_a"], [received["second"]], number="126/QĐ-PGDĐT")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count("Còn hiệu lực") == 2


def test_exports_hold_the_metadata_and_the_list_without_formulas(received, personas, tree, client):
    first = received["first"]
    first.person.position = '=HYPERLINK("http://x")'
    first.person.save()
    decision = record(personas["reviewer_a"], tree["office_a"], [first], {received["second"]: "Chưa đủ"})
    client.force_login(personas["reviewer_a"])

    data = json.loads(client.get(reverse("nominations:decision_json", args=[decision.pk])).content)
    workbook = load_workbook(io.BytesIO(client.get(reverse("nominations:decision_xlsx", args=[decision.pk])).content))

    assert data["quyet_dinh"] == {
        "so": NUMBER,
        "ngay": "2026-06-15",
        "co_quan_ban_hanh": "Phòng GD&ĐT A",
        "nguoi_ky": "Nguyễn Văn Ký",
        "chuc_vu_nguoi_ky": "Trưởng phòng",
        "trich_yeu": "Về việc tặng danh hiệu Lao động tiên tiến năm học 2025-2026",
        "nam_hoc": "2025-2026",
        "don_vi_trinh": "Phòng GD&ĐT A",
        "thu_hoi": None,
    }
    born = first.person.date_of_birth
    assert data["danh_sach"] == [
        {
            "stt": 1,
            "ho_ten": "Lê Văn Được",
            "doi_tuong": "ca_nhan",
            "ngay_sinh": born.isoformat(),
            "gioi_tinh": "Nữ",
            "chuc_vu": '=HYPERLINK("http://x")',
            "don_vi": "Trường Tiểu học A1",
            "danh_hieu": "Lao động tiên tiến",
            "hinh_thuc": "",
            "nam_hoc": "2025-2026",
            "da_thu_hoi": False,
        }
    ]
    sheet = workbook["Danh sách"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        (1, "Lê Văn Được", "Cá nhân", f"{born:%d/%m/%Y}", "Nữ", "=HYPERLINK(\"http://x\")", "Trường Tiểu học A1",
         "Lao động tiên tiến", None, "2025-2026", "Không"),
    ]  # fmt: skip
    assert sheet["F2"].data_type == "s"  # text, never a formula
    header = dict(workbook["Quyết định"].iter_rows(min_row=2, values_only=True))
    assert (header["Số quyết định"], header["Ngày quyết định"], header["Người ký"]) == (
        NUMBER,
        "15/06/2026",
        "Nguyễn Văn Ký",
    )


def test_award_type_category_separates_titles_from_forms(received, personas, tree):
    """LĐTT is a danh hiệu: the line's title column holds it and the form column stays empty."""
    decision = record(personas["reviewer_a"], tree["office_a"], [received["first"]])
    line = decisions.decision_lines(personas["reviewer_a"], decision)[0]
    assert AwardType.objects.filter(code="LDTT", category="title").exists()
    assert (line.title_name, line.form_name) == ("Lao động tiên tiến", "")


def test_revocation_shows_on_the_path_page_and_marks_the_chain_below(received, personas, tree, client):
    """The Sở's decision marks the school's line; once revoked, the school's path page says so."""
    lower = received["first"]
    Nomination.objects.filter(pk=lower.pk).update(status=NominationStatus.FORWARDED)
    authority_route_create(
        by=None,
        unit=tree["school_a1"],
        authority_kind=AuthorityKind.COMMUNE_CHAIR,
        decider=tree["dept"],
        effective_from=datetime.date(2025, 7, 1),
    )
    upper_dossier = Dossier.objects.create(
        unit=tree["office_a"],
        round_kind=received["dossier"].round_kind,
        school_year=YEAR,
        receiving_unit=tree["dept"],
        status=DossierStatus.APPRAISED,
    )
    upper = Nomination.objects.create(
        dossier=upper_dossier,
        person=lower.person,
        award_type=lower.award_type,
        source=lower,
        status=NominationStatus.APPROVED_BY_COUNCIL,
    )
    dept_reviewer = make_user("so-chuyenvien", tree["dept"], Role.REVIEWER)
    decision = record(dept_reviewer, tree["dept"], [upper], number="9/QĐ-SGDĐT", issuer="Sở GD&ĐT Thử")
    client.force_login(personas["secretary_a1"])
    url = reverse("nominations:nomination_path", args=[lower.pk])
    assert "Đã thu hồi" not in client.get(url).content.decode()

    decisions.decision_revoke_nominations(
        by=dept_reviewer,
        decision=decision,
        number="3/QĐ-SGDĐT",
        date=datetime.date(2026, 9, 1),
        reason="Sai đối tượng",
        issuer="Sở GD&ĐT Thử",
        today=datetime.date(2026, 11, 1),
    )

    lower = Nomination.objects.get(pk=lower.pk)
    assert (lower.decision_id, lower.is_revoked) == (decision.pk, True)
    page = client.get(url).content.decode()
    assert "Quyết định số 9/QĐ-SGDĐT" in page
    assert "Đã thu hồi" in page
    dossier_page = client.get(received["dossier"].get_absolute_url()).content.decode()
    assert "Đã thu hồi" in dossier_page
