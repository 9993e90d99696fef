"""The achievement report: pre-fill from the history, refresh that asks, stale forms, linked initiatives,
required sections blocking the send, who may edit, and its pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.enums import CommendationKind, InitiativeScope, InitiativeStatus
from awards.models import AwardRecord, AwardType, Initiative, Revocation
from core.exceptions import ServiceError, StaleObjectError
from nominations import checks, report, services
from nominations.enums import Procedure, RoundKind
from nominations.models import AchievementReport
from nominations.tests.conftest import YEAR, complete_report, fill_submission
from units.enums import Gender


def add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Dạy giỏi cấp huyện.", **kwargs)


def record(person, code, year, number, *, revoked=False):
    return AwardRecord.objects.create(
        person=person,
        award_type=AwardType.objects.filter(code=code).order_by("-effective_from").first(),
        school_year=year,
        commendation_kind=CommendationKind.MERIT,
        decision_number=number,
        decision_date=datetime.date(year + 1, 6, 1),
        issuer="UBND huyện A",
        revocation=Revocation.objects.create(
            decision_number="9/QĐ-UBND", decision_date=datetime.date(2025, 1, 2), reason="Sai hồ sơ."
        )
        if revoked
        else None,
    )


def initiative(unit, author, title, *, recognised=True, year=YEAR):
    item = Initiative.objects.create(
        unit=unit,
        school_year=year,
        title=title,
        status=InitiativeStatus.RECOGNISED if recognised else InitiativeStatus.REGISTERED,
        scope=InitiativeScope.BASE if recognised else "",
        decision_number="45/QĐ-THA1" if recognised else "",
        decision_date=datetime.date(year + 1, 4, 10) if recognised else None,
        issuer="Trường Tiểu học A1" if recognised else "",
    )
    item.authors.add(author)
    return item


@pytest.fixture
def cstdcs(dossier, teacher, personas):
    return add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)


# --- which awards need it ---------------------------------------------------------------------------


def test_report_required_for_listed_awards_under_the_normal_procedure_only(dossier, teacher, personas, tree):
    ldtt = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    cstdcs = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    assert (
        report.report_required(ldtt, Procedure.NORMAL),
        report.report_required(cstdcs, Procedure.NORMAL),
        report.report_required(cstdcs, Procedure.SIMPLIFIED),
    ) == (False, True, False)


def test_report_award_codes_follow_the_setting(settings, cstdcs):
    settings.NOMINATION_REPORT_AWARD_CODES = ["LDTT"]
    assert report.report_required(cstdcs, Procedure.NORMAL) is False


# --- pre-fill ---------------------------------------------------------------------------------------


def test_refresh_prefills_the_person_awards_in_force_and_recognised_initiatives(cstdcs, teacher, personas, tree):
    record(teacher, "LDTT", 2023, "12/QĐ-UBND")
    record(teacher, "CSTDCS", 2022, "7/QĐ-UBND", revoked=True)
    record(teacher, "LDTT", YEAR + 1, "99/QĐ-UBND")  # after the year under review: not in the report
    initiative(tree["school_a1"], teacher, "Dạy đọc bằng trò chơi")
    initiative(tree["school_a1"], teacher, "Chưa được công nhận", recognised=False)

    result = report.report_refresh(by=personas["secretary_a1"], nomination=cstdcs, version=None)

    saved = AchievementReport.objects.get(nomination=cstdcs)
    assert saved.profile == {
        "full_name": "Trần Thị Giáo Viên",
        "date_of_birth": teacher.date_of_birth.strftime("%d/%m/%Y"),
        "gender": "Nữ",
        "unit": "Trường Tiểu học A1",
        "position": "Giáo viên",
    }
    assert saved.awards_received == [
        {
            "year": "2023-2024",
            "award": "Lao động tiên tiến",
            "decision": "Số 12/QĐ-UBND ngày 01/06/2024",
            "issuer": "UBND huyện A",
        }
    ]
    assert saved.initiatives_text == (
        f"- «Dạy đọc bằng trò chơi» (Sáng kiến, năm học {YEAR}-{YEAR + 1}): công nhận cấp cơ sở theo Quyết định "
        f"số 45/QĐ-THA1 ngày 10/04/{YEAR + 1} của Trường Tiểu học A1."
    )
    assert (saved.results, saved.prefilled_at is not None, saved.updated_by) == (
        "Dạy giỏi cấp huyện.",
        True,
        personas["secretary_a1"],
    )
    assert result.conflicts == []


def test_refresh_prefers_the_linked_initiatives(cstdcs, teacher, personas, tree):
    initiative(tree["school_a1"], teacher, "Sáng kiến một")
    linked = initiative(tree["school_a1"], teacher, "Sáng kiến hai")
    cstdcs.initiatives.add(linked)
    report.report_refresh(by=personas["secretary_a1"], nomination=cstdcs, version=None)
    assert AchievementReport.objects.get(nomination=cstdcs).initiatives_text.count("«") == 1
    assert "Sáng kiến hai" in AchievementReport.objects.get(nomination=cstdcs).initiatives_text


def test_refresh_of_a_collective_counts_the_staff_of_the_unit_and_its_teams(dossier, person_factory, personas, tree):
    person_factory(tree["school_a1"], is_manager=True)
    person_factory(tree["team_a1"])
    person_factory(tree["team_a1"])
    person_factory(tree["school_a2"])  # another school: not counted
    nomination = add(dossier, personas["secretary_a1"], "TTLDXS", unit=tree["school_a1"])
    report.report_refresh(by=personas["secretary_a1"], nomination=nomination, version=None)
    assert AchievementReport.objects.get(nomination=nomination).profile == {
        "name": "Trường Tiểu học A1",
        "staff": f"Tổng số 3 cán bộ, giáo viên, nhân viên (trong đó 1 cán bộ quản lý) năm học {YEAR}-{YEAR + 1}.",
    }


def test_refresh_fills_only_empty_fields_and_names_those_that_differ(cstdcs, teacher, personas):
    by = personas["secretary_a1"]
    saved = report.report_update(
        by=by,
        nomination=cstdcs,
        version=None,
        profile={"full_name": "Trần T. Giáo Viên", "hometown": "Hà Nam"},
        awards_received=[],
        duties="Dạy lớp 2.",
    )

    result = report.report_refresh(by=by, nomination=cstdcs, version=saved.version)

    saved.refresh_from_db()
    assert result.conflicts == ["Họ và tên"]
    assert (saved.profile["full_name"], saved.profile["hometown"], saved.profile["gender"], saved.duties) == (
        "Trần T. Giáo Viên",
        "Hà Nam",
        "Nữ",
        "Dạy lớp 2.",
    )

    again = report.report_refresh(by=by, nomination=cstdcs, version=saved.version, overwrite=True)
    saved.refresh_from_db()
    assert (again.conflicts, again.filled, saved.profile["full_name"], saved.profile["hometown"]) == (
        [],
        ["Họ và tên"],
        "Trần Thị Giáo Viên",
        "Hà Nam",
    )


# --- edits ------------------------------------------------------------------------------------------


def test_report_update_stale_form_is_refused_and_changes_nothing(cstdcs, personas):
    first = report.report_refresh(by=personas["secretary_a1"], nomination=cstdcs, version=None).report
    loaded = first.version
    report.report_update(
        by=personas["head_a1"], nomination=cstdcs, version=loaded, profile={}, awards_received=[], duties="Lần 1"
    )
    with pytest.raises(StaleObjectError):
        report.report_update(
            by=personas["secretary_a1"],
            nomination=cstdcs,
            version=loaded,
            profile={},
            awards_received=[],
            duties="Lần 2",
        )
    saved = AchievementReport.objects.get(nomination=cstdcs)
    assert (saved.duties, saved.version) == ("Lần 1", loaded + 1)


def test_report_update_links_only_the_nominees_initiatives(cstdcs, teacher, person_factory, personas, tree):
    own = initiative(tree["school_a1"], teacher, "Của giáo viên")
    other = initiative(tree["school_a1"], person_factory(tree["school_a1"]), "Của người khác")
    by = personas["secretary_a1"]
    with pytest.raises(ServiceError, match="không thuộc người hoặc tập thể được đề nghị"):
        report.report_update(
            by=by, nomination=cstdcs, version=None, profile={}, awards_received=[], initiative_ids=[own.pk, other.pk]
        )
    assert (list(cstdcs.initiatives.all()), AchievementReport.objects.filter(nomination=cstdcs).exists()) == ([], False)
    report.report_update(
        by=by, nomination=cstdcs, version=None, profile={}, awards_received=[], initiative_ids=[own.pk]
    )
    assert list(cstdcs.initiatives.all()) == [own]


@pytest.mark.parametrize("persona", ["secretary_a2", "reviewer_a", "council_a1", "outsider"])
def test_report_update_refused_without_file_on_the_proposing_unit(cstdcs, personas, persona):
    with pytest.raises(PermissionDenied):
        report.report_update(by=personas[persona], nomination=cstdcs, version=None, profile={}, awards_received=[])
    with pytest.raises(PermissionDenied):
        report.report_refresh(by=personas[persona], nomination=cstdcs, version=None)
    assert not AchievementReport.objects.exists()


def test_report_is_frozen_once_sent(cstdcs, dossier, personas):
    by = personas["secretary_a1"]
    complete_report(cstdcs, by)
    fill_submission(dossier, by)
    services.nomination_override(
        by=personas["reviewer_a"], nomination=cstdcs, version=None, criterion="Điều 23", reason="Thử."
    )
    services.dossier_transition(by=by, dossier=dossier, action="send_to_head", version=None)
    with pytest.raises(ServiceError, match="chỉ sửa báo cáo thành tích khi hồ sơ hoặc đề nghị bị trả lại"):
        report.report_update(by=by, nomination=cstdcs, version=None, profile={}, awards_received=[], duties="Sau")
    assert AchievementReport.objects.get(nomination=cstdcs).duties == "Giảng dạy và chủ nhiệm lớp."


def test_parse_awards_received_names_the_bad_line():
    assert report.parse_awards_received("2023-2024 | Lao động tiên tiến | Số 1/QĐ | UBND\n\n2024-2025|Giấy khen") == [
        {"year": "2023-2024", "award": "Lao động tiên tiến", "decision": "Số 1/QĐ", "issuer": "UBND"},
        {"year": "2024-2025", "award": "Giấy khen", "decision": "", "issuer": ""},
    ]
    with pytest.raises(ServiceError, match="Dòng 2 của bảng khen thưởng chưa có danh hiệu"):
        report.parse_awards_received("2023 | LĐTT\n2024 |  | Số 2")


# --- completeness -----------------------------------------------------------------------------------


def test_required_sections_block_sending_until_filled(cstdcs, dossier, personas):
    by = personas["secretary_a1"]
    fill_submission(dossier, by)
    services.nomination_override(
        by=personas["reviewer_a"], nomination=cstdcs, version=None, criterion="Điều 23", reason="Thử."
    )
    with pytest.raises(ServiceError, match="Chiến sĩ thi đua cơ sở: chưa có báo cáo thành tích"):
        services.dossier_transition(by=by, dossier=dossier, action="send_to_head", version=None)

    report.report_refresh(by=by, nomination=cstdcs, version=None)
    with pytest.raises(ServiceError, match="báo cáo thành tích chưa có: chức năng, nhiệm vụ được giao\\."):
        services.dossier_transition(by=by, dossier=dossier, action="send_to_head", version=None)

    complete_report(cstdcs, by)
    sent = services.dossier_transition(by=by, dossier=dossier, action="send_to_head", version=None)
    assert sent.status == "awaiting_head"


def test_simplified_procedure_needs_no_report(tree, teacher, personas):
    dossier = services.dossier_create(
        by=personas["secretary_a1"],
        unit=tree["school_a1"],
        round_kind=RoundKind.YEAR_END,
        school_year=YEAR,
        procedure=Procedure.SIMPLIFIED,
    )
    nomination = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    problems = checks.nomination_problems(nomination, procedure=dossier.procedure, attachment_count=0)
    normal = checks.nomination_problems(nomination, procedure=Procedure.NORMAL, attachment_count=0)
    assert ([p for p in problems if "báo cáo" in p], [p for p in normal if "báo cáo" in p]) == (
        [],
        ["Trần Thị Giáo Viên – Chiến sĩ thi đua cơ sở: chưa có báo cáo thành tích"],
    )


def test_dossier_page_reads_reports_in_constant_queries(
    client, dossier, person_factory, personas, django_assert_max_num_queries
):
    by = personas["secretary_a1"]
    client.force_login(by)
    first = add(dossier, by, "CSTDCS", person=person_factory(gender=Gender.MALE))
    complete_report(first, by)
    with django_assert_max_num_queries(60) as one:
        client.get(reverse("nominations:dossier_detail", args=[dossier.pk]))
    for _ in range(3):
        complete_report(add(dossier, by, "CSTDCS", person=person_factory()), by)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("nominations:dossier_detail", args=[dossier.pk]))


# --- pages ------------------------------------------------------------------------------------------


def test_report_pages_edit_then_read(client, cstdcs, teacher, personas, tree):
    own = initiative(tree["school_a1"], teacher, "Dạy đọc bằng trò chơi")
    client.force_login(personas["secretary_a1"])
    response = client.post(
        reverse("nominations:report_edit", args=[cstdcs.pk]),
        {
            "version": "1",
            "profile_full_name": "Trần Thị Giáo Viên",
            "profile_hometown": "Hà Nam",
            "duties": "Dạy lớp 2.",
            "results": "Học sinh tiến bộ.",
            "awards_received": "2023-2024 | Lao động tiên tiến | Số 12/QĐ-UBND | UBND huyện A",
            "initiatives": [str(own.pk)],
        },
    )
    assert response.status_code == 302
    saved = AchievementReport.objects.get(nomination=cstdcs)
    assert (saved.profile["hometown"], saved.awards_received[0]["decision"], list(cstdcs.initiatives.all())) == (
        "Hà Nam",
        "Số 12/QĐ-UBND",
        [own],
    )
    client.force_login(personas["reviewer_a"])
    page = client.get(reverse("nominations:report_detail", args=[cstdcs.pk])).content.decode()
    assert ("Hà Nam" in page, "Số 12/QĐ-UBND" in page, "Sửa báo cáo thành tích" in page) == (True, True, False)


def test_report_refresh_page_asks_before_overwriting(client, cstdcs, personas):
    by = personas["secretary_a1"]
    saved = report.report_update(
        by=by, nomination=cstdcs, version=None, profile={"full_name": "Tên khác"}, awards_received=[]
    )
    client.force_login(by)
    url = reverse("nominations:report_refresh", args=[cstdcs.pk])
    page = client.post(url, {"version": str(saved.version)})
    assert page.status_code == 200
    assert "Thay bằng dữ liệu trên cổng" in page.content.decode()
    saved.refresh_from_db()
    assert saved.profile["full_name"] == "Tên khác"
    done = client.post(url, {"version": str(saved.version), "overwrite": "1"})
    saved.refresh_from_db()
    assert (done.status_code, saved.profile["full_name"]) == (302, "Trần Thị Giáo Viên")


def test_report_stale_form_in_the_page_shows_the_message(client, cstdcs, personas):
    client.force_login(personas["secretary_a1"])
    report.report_refresh(by=personas["head_a1"], nomination=cstdcs, version=None)
    response = client.post(reverse("nominations:report_edit", args=[cstdcs.pk]), {"version": "1", "duties": "X"})
    assert response.status_code == 200
    assert "Dữ liệu đã được người khác cập nhật" in response.content.decode()
    assert AchievementReport.objects.get(nomination=cstdcs).duties == ""


def test_report_pages_of_another_school_are_not_found(client, cstdcs, personas):
    client.force_login(personas["secretary_a2"])
    assert [
        client.get(reverse(name, args=[cstdcs.pk])).status_code
        for name in ("nominations:report_detail", "nominations:report_edit")
    ] == [404, 404]
    assert client.post(reverse("nominations:report_refresh", args=[cstdcs.pk])).status_code == 404


def test_report_changes_appear_in_the_audit_trail_of_the_proposing_unit(client, cstdcs, personas):
    client.force_login(personas["secretary_a1"])
    client.post(reverse("nominations:report_refresh", args=[cstdcs.pk]))
    client.force_login(personas["head_a1"])
    page = client.get(reverse("audit:list")).content.decode()
    assert "Báo cáo thành tích" in page and "Chiến sĩ thi đua cơ sở – Trần Thị Giáo Viên" in page
    assert [h.history_user for h in AchievementReport.history.all()] == [personas["secretary_a1"]]
