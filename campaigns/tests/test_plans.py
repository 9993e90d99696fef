"""The campaign form fits real plans (issue 12, item 5): objects, calendar years, split caps, legal bases, launch."""

import datetime

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.enums import CampaignKind, CampaignStatus, CapPart, DeadlineAction, ObjectGroup, PeriodKind
from campaigns.enums import RegistrationStatus as S
from campaigns.models import Campaign, LegalBasis
from campaigns.services import LineInput
from campaigns.services.registration_checks import collectives_of, drafts_of, registration_check
from conftest import make_user
from core.exceptions import ServiceError
from core.models import TransitionLog
from notifications.models import Notification
from units.enums import Role, UnitKind

D = datetime.date


def draft(tree, personas, **fields):
    fields.setdefault("school_year", 2024)
    return services.campaign_create(
        launched_by=tree["office_a"],
        name=fields.pop("name", "Phong trào đổi mới sáng tạo"),
        kind=CampaignKind.THEMATIC,
        by=personas["secretary_office_a"],
        **fields,
    )


# --- objects (Đối tượng) -----------------------------------------------------------------


SEED_001_COLLECTIVES = "Phòng Giáo dục và Đào tạo, các cơ sở giáo dục mầm non, giáo dục phổ thông."
SEED_001_INDIVIDUALS = "Cán bộ quản lý giáo dục, giáo viên, nhân viên, người lao động và học sinh."


def test_campaign_objects_saved_in_group_order_and_shown_on_page_and_plan(client, tree, personas):
    campaign = draft(
        tree,
        personas,
        object_groups=[ObjectGroup.STUDENT, ObjectGroup.COLLECTIVE, ObjectGroup.TEACHER, ObjectGroup.STUDENT],
        objects_collective=SEED_001_COLLECTIVES,
        objects_individual=SEED_001_INDIVIDUALS,
    )
    campaign.refresh_from_db()
    assert campaign.object_groups == ["collective", "teacher", "student"]
    assert campaign.object_group_labels == ["Tập thể", "Giáo viên", "Học sinh"]

    client.force_login(personas["secretary_office_a"])
    html = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert f"Tập thể: {SEED_001_COLLECTIVES}" in html
    assert "Nhóm đối tượng: Tập thể, Giáo viên, Học sinh" in html

    from documents.kinds.plan import plan_build

    context = plan_build(campaign, variant="", options={})
    scope = next(s for s in context["sections"] if "ĐỐI TƯỢNG" in s["title"])["items"][0]["lines"]
    assert scope[2:5] == [
        "- Đối tượng – tập thể: Phòng Giáo dục và Đào tạo, các cơ sở giáo dục mầm non, giáo dục phổ thông;",
        "- Đối tượng – cá nhân: Cán bộ quản lý giáo dục, giáo viên, nhân viên, người lao động và học sinh;",
        "- Nhóm đối tượng: Tập thể, Giáo viên, Học sinh;",
    ]


def test_campaign_objects_refuse_an_unknown_group(tree, personas):
    with pytest.raises(ServiceError, match="Nhóm đối tượng không hợp lệ"):
        draft(tree, personas, object_groups=["parents"])
    assert not Campaign.objects.exists()


# --- calendar year or school year --------------------------------------------------------


def test_calendar_year_campaign_runs_from_january_to_december(tree, personas):
    campaign = draft(tree, personas, period_kind=PeriodKind.CALENDAR_YEAR, calendar_year=2024, school_year=2024)
    campaign.refresh_from_db()
    assert (campaign.school_year, campaign.period_start, campaign.period_end) == (None, D(2024, 1, 1), D(2024, 12, 31))
    assert campaign.period_label == "Năm 2024"
    assert campaign.reference_date == D(2024, 1, 1)


def test_calendar_year_campaign_refuses_dates_outside_its_year(tree, personas):
    with pytest.raises(ServiceError, match="phải nằm trong năm 2024"):
        draft(tree, personas, period_kind=PeriodKind.CALENDAR_YEAR, calendar_year=2024, period_end=D(2025, 5, 31))
    with pytest.raises(ServiceError, match="Cần ghi năm của phong trào"):
        draft(tree, personas, period_kind=PeriodKind.CALENDAR_YEAR)


def test_school_year_campaign_keeps_its_label_and_switching_to_calendar_year_clears_it(tree, personas):
    campaign = draft(tree, personas, school_year=2025)
    assert (campaign.period_kind, campaign.period_label) == (PeriodKind.SCHOOL_YEAR, "Năm học 2025-2026")
    services.campaign_update(
        campaign=campaign, by=personas["secretary_office_a"], period_kind=PeriodKind.CALENDAR_YEAR, calendar_year=2026
    )
    campaign.refresh_from_db()
    assert (campaign.school_year, campaign.calendar_year, campaign.period_label) == (None, 2026, "Năm 2026")
    assert (campaign.period_start, campaign.period_end) == (D(2026, 1, 1), D(2026, 12, 31))


def test_campaign_list_filters_and_labels_follow_the_period_kind(client, tree, personas):
    draft(tree, personas, name="Phong trào năm học", school_year=2024)
    draft(tree, personas, name="Phong trào năm 2024", period_kind=PeriodKind.CALENDAR_YEAR, calendar_year=2024)
    client.force_login(personas["secretary_office_a"])
    url = reverse("campaigns:list")

    def names(**params):
        return [c.name for c in client.get(url, params).context["page"]]

    assert names(period_kind="calendar_year") == ["Phong trào năm 2024"]
    assert names(calendar_year=2024) == ["Phong trào năm 2024"]
    assert names(school_year=2024) == ["Phong trào năm học"]
    html = client.get(url).content.decode()
    assert "<td>Năm 2024</td>" in html
    assert "<td>Năm học 2024-2025</td>" in html


def test_campaign_create_form_posts_a_calendar_year_plan(client, tree, personas):
    client.force_login(personas["secretary_office_a"])
    response = client.post(
        reverse("campaigns:create"),
        {
            "name": "Đổi mới sáng tạo trong quản lý, giảng dạy và học tập",
            "kind": CampaignKind.THEMATIC,
            "launched_by": tree["office_a"].pk,
            "reach": "subtree",
            "period_kind": PeriodKind.CALENDAR_YEAR,
            "calendar_year": 2024,
            "object_groups": [ObjectGroup.COLLECTIVE, ObjectGroup.MANAGER],
            "objects_individual": SEED_001_INDIVIDUALS,
            "legal_bases": "Luật Thi đua, khen thưởng năm 2022;\nNghị định số 98/2023/NĐ-CP.",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.period_kind, campaign.calendar_year, campaign.period_end) == (
        "calendar_year",
        2024,
        D(2024, 12, 31),
    )
    assert campaign.object_groups == ["collective", "manager"]
    assert [b.text for b in campaign.legal_bases.all()] == [
        "Luật Thi đua, khen thưởng năm 2022",
        "Nghị định số 98/2023/NĐ-CP",
    ]


def test_campaign_create_form_asks_the_year_of_a_calendar_year_plan(client, tree, personas):
    client.force_login(personas["secretary_office_a"])
    data = {"name": "Phong trào", "kind": "thematic", "launched_by": tree["office_a"].pk, "reach": "subtree"}
    response = client.post(reverse("campaigns:create"), data | {"period_kind": PeriodKind.CALENDAR_YEAR})
    assert response.status_code == 200
    assert response.context["form"].errors["calendar_year"] == ["Cần ghi năm của phong trào (ví dụ 2024)."]
    assert not Campaign.objects.exists()


# --- legal bases: their own punctuation shown once ---------------------------------------


def test_legal_bases_are_stored_without_the_separator_they_were_typed_with(client, tree, personas):
    campaign = draft(
        tree, personas, legal_bases=["Luật Thi đua, khen thưởng năm 2022;", " Nghị định 98/2023/NĐ-CP. ", ";"]
    )
    assert [b.text for b in campaign.legal_bases.all()] == [
        "Luật Thi đua, khen thưởng năm 2022",
        "Nghị định 98/2023/NĐ-CP",
    ]
    client.force_login(personas["secretary_office_a"])
    html = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "<li>Luật Thi đua, khen thưởng năm 2022;</li>" in html
    assert "<li>Nghị định 98/2023/NĐ-CP.</li>" in html


def test_legal_bases_saved_with_their_separator_are_rendered_with_one(client, tree, personas):
    """Rows written before the service stripped separators (or by another path) still show one."""
    campaign = draft(tree, personas)
    LegalBasis.objects.create(campaign=campaign, order=1, text="Luật Thi đua, khen thưởng năm 2022;")
    LegalBasis.objects.create(campaign=campaign, order=2, text="Thông tư 01/2024/TT-BNV;")
    client.force_login(personas["secretary_office_a"])
    html = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "<li>Luật Thi đua, khen thưởng năm 2022;</li>" in html
    assert "<li>Thông tư 01/2024/TT-BNV.</li>" in html
    assert ";;" not in html and ";." not in html


# --- caps split between collectives and individuals --------------------------------------


def test_cap_label_reads_as_the_plan(office_campaign, awards):
    award = services.campaign_award_set(
        by=None, campaign=office_campaign, award_type=awards["BK_TINH"], cap=15, cap_collective=5, cap_individual=10
    )
    assert award.cap_label == "không quá 15 tập thể, cá nhân (tập thể không quá 5; cá nhân không quá 10)"
    award = services.campaign_award_set(by=None, campaign=office_campaign, award_type=awards["BK_TINH"], cap=15)
    assert (award.cap_collective, award.cap_individual, award.cap_label) == (None, None, "không quá 15")


def test_cap_split_refuses_a_part_above_the_total_or_for_recipients_the_award_is_not_for(office_campaign, awards):
    with pytest.raises(ServiceError, match=r"tập thể \(20\) lớn hơn tổng số lượng tối đa \(15\)"):
        services.campaign_award_set(
            by=None, campaign=office_campaign, award_type=awards["BK_TINH"], cap=15, cap_collective=20
        )
    with pytest.raises(ServiceError, match="không dành cho tập thể"):
        services.campaign_award_set(by=None, campaign=office_campaign, award_type=awards["LDTT"], cap_collective=3)
    assert not office_campaign.awards.exists()


@pytest.fixture
def split_cap(office_campaign, awards):
    """Giấy khen: at most 1 collective and 2 individuals (no total)."""
    return services.campaign_award_set(
        by=None, campaign=office_campaign, award_type=awards["GK"], cap_collective=1, cap_individual=2
    )


def _submitted(campaign, unit, secretary, head, lines, collective_commendation=None, explanation=""):
    registration = services.registration_save(
        campaign=campaign,
        unit=unit,
        by=secretary,
        lines=lines,
        collective_commendation=collective_commendation,
        collective_explanation=explanation,
    )
    return services.registration_transition(
        registration=registration, to_status=S.SUBMITTED, by=head, today=D(2024, 10, 1)
    )


def test_registration_check_marks_person_lines_over_the_individual_cap_with_other_units_counted(
    split_cap, office_campaign, tree, personas, awards, person_factory
):
    a2 = tree["school_a2"]
    head_a2 = make_user("w5-head-a2", a2, Role.HEAD)
    _submitted(office_campaign, a2, head_a2, head_a2, [LineInput(person_factory(a2), commendation=awards["GK"])])
    first, second = person_factory(tree["school_a1"]), person_factory(tree["school_a1"])
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(first, commendation=awards["GK"]), LineInput(second, commendation=awards["GK"])],
        collective_commendation=awards["GK"],
    )
    check = registration_check(
        campaign=office_campaign,
        unit=tree["school_a1"],
        drafts=drafts_of(registration),
        collectives=collectives_of(registration),
    )
    problem = "Vượt số lượng tối đa của phong trào: «Giấy khen» cho cá nhân: các đơn vị đã gửi 1, bản đăng ký này 2; tối đa 2."
    assert [problem in check.lines[p.pk].problems for p in (first, second)] == [True, True]
    # One collective is within its own cap: the unit's line carries no cap problem.
    assert not [p for p in check.collectives[tree["school_a1"].pk].problems if "số lượng tối đa" in p]
    assert [(row.part, row.others, row.own, row.is_over) for row in check.caps] == [
        (CapPart.COLLECTIVE, 0, 1, False),
        (CapPart.INDIVIDUAL, 1, 2, True),
    ]
    # Marked lines block sending until explained or corrected.
    with pytest.raises(ServiceError, match="Còn 2 dòng vi phạm điều kiện"):
        services.registration_transition(
            registration=registration, to_status=S.SUBMITTED, by=personas["head_a1"], today=D(2024, 10, 1)
        )
    registration.refresh_from_db()
    assert registration.status == S.DRAFT


def test_registration_check_own_drafts_of_other_units_do_not_count(
    split_cap, office_campaign, tree, personas, awards, person_factory
):
    a2 = tree["school_a2"]
    services.registration_save(
        campaign=office_campaign,
        unit=a2,
        by=make_user("w5-sec-a2", a2, Role.SECRETARY),
        lines=[LineInput(person_factory(a2), commendation=awards["GK"]) for _ in range(3)],
    )
    person = person_factory(tree["school_a1"])
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person, commendation=awards["GK"])],
    )
    check = registration_check(campaign=office_campaign, unit=tree["school_a1"], drafts=drafts_of(registration))
    assert check.lines[person.pk].problems == []
    assert [(row.part, row.others, row.own) for row in check.caps] == [
        (CapPart.COLLECTIVE, 0, 0),
        (CapPart.INDIVIDUAL, 0, 1),
    ]


def test_registration_caps_check_reports_each_part_of_a_split_cap(
    split_cap, office_campaign, tree, personas, awards, person_factory
):
    why = "Phòng đồng ý xét vượt chỉ tiêu"
    _submitted(
        office_campaign,
        tree["school_a1"],
        personas["secretary_a1"],
        personas["head_a1"],
        [LineInput(person_factory(tree["school_a1"]), commendation=awards["GK"], explanation=why)],
        collective_commendation=awards["GK"],
    )
    a2 = tree["school_a2"]
    head_a2 = make_user("w5-head-a2", a2, Role.HEAD)
    _submitted(
        office_campaign,
        a2,
        head_a2,
        head_a2,
        [LineInput(person_factory(a2), commendation=awards["GK"], explanation=why)],
        collective_commendation=awards["GK"],
        explanation=why,
    )
    verdicts = services.registration_caps_check(campaign=office_campaign)
    assert [(v.part, v.registered, v.allowed, v.ok) for v in verdicts] == [
        (CapPart.COLLECTIVE, 2, 1, False),
        (CapPart.INDIVIDUAL, 2, 2, True),
    ]
    assert verdicts[0].reasons == [
        "Chỉ tiêu của phong trào cho tập thể: tối đa 1.",
        "Vượt số lượng tối đa: đăng ký 2; tối đa 1.",
    ]


def test_award_form_saves_a_split_cap(client, office_campaign, personas, awards):
    client.force_login(personas["secretary_office_a"])
    response = client.post(
        reverse("campaigns:award_add", args=[office_campaign.pk]),
        {"award_type": awards["BK_TINH"].pk, "cap": 15, "cap_collective": 5, "cap_individual": 10},
    )
    assert response.status_code == 302
    award = office_campaign.awards.get()
    assert award.caps == {"total": 15, "collective": 5, "individual": 10}


# --- launching: confirmed, and refused while a deadline is past ---------------------------


@pytest.fixture
def late_draft(tree, personas):
    campaign = draft(tree, personas)
    services.deadline_create(
        by=None, campaign=campaign, action=DeadlineAction.REGISTER, unit_kind=UnitKind.SCHOOL, due_date=D(2024, 10, 15)
    )
    return campaign


def test_campaign_launch_refuses_a_deadline_already_past_and_changes_nothing(late_draft, personas):
    version = late_draft.version
    with pytest.raises(ServiceError) as refused:
        services.campaign_launch(campaign=late_draft, by=personas["admin_dept"], today=D(2024, 10, 16))
    assert str(refused.value) == (
        "Không thể phát động: hạn chót «Gửi đăng ký thi đua» (Trường học) ngày 15/10/2024 đã qua "
        "(hôm nay 16/10/2024). Hãy xóa hạn chót đã qua, thêm hạn mới rồi phát động lại."
    )
    late_draft.refresh_from_db()
    assert (late_draft.status, late_draft.version, late_draft.launched_at) == (CampaignStatus.DRAFT, version, None)
    assert not TransitionLog.objects.filter(workflow="campaign").exists()
    assert not Notification.objects.exists()


def test_campaign_launch_on_the_deadline_day_is_accepted(late_draft, personas):
    services.campaign_launch(campaign=late_draft, by=personas["admin_dept"], today=D(2024, 10, 15))
    late_draft.refresh_from_db()
    assert late_draft.status == CampaignStatus.LAUNCHED


def test_launch_post_without_confirmation_goes_to_the_confirmation_page_and_changes_nothing(client, tree, personas):
    campaign = draft(tree, personas)
    client.force_login(personas["admin_dept"])
    url = reverse("campaigns:launch", args=[campaign.pk])
    response = client.post(url, {"transition": "launch", "version": campaign.version})
    assert response["Location"] == reverse("campaigns:launch_confirm", args=[campaign.pk])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    client.force_login(personas["secretary_office_a"])  # drafts, may not launch
    assert client.post(url, {"transition": "launch", "version": campaign.version}).status_code == 403


def test_launch_confirmation_page_says_what_happens_and_launches_when_confirmed(client, tree, personas):
    campaign = draft(tree, personas)
    client.force_login(personas["admin_dept"])
    page = client.get(reverse("campaigns:launch_confirm", args=[campaign.pk]))
    html = page.content.decode()
    assert page.context["registrants"] == 2  # Phòng A's two schools (and no team)
    assert "Xác nhận phát động" in html and 'name="confirmed" value="1"' in html
    response = client.post(
        reverse("campaigns:launch", args=[campaign.pk]),
        {"transition": "launch", "version": campaign.version, "confirmed": "1"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED


def test_launch_confirmation_page_shows_the_refusal_and_no_button_when_a_deadline_is_past(client, late_draft, personas):
    client.force_login(personas["admin_dept"])
    html = client.get(reverse("campaigns:launch_confirm", args=[late_draft.pk])).content.decode()
    assert "Không thể phát động: hạn chót «Gửi đăng ký thi đua» (Trường học) ngày 15/10/2024 đã qua" in html
    assert 'name="confirmed"' not in html
    # Posting the confirmation anyway is refused by the service: nothing changes.
    response = client.post(
        reverse("campaigns:launch", args=[late_draft.pk]),
        {"transition": "launch", "version": late_draft.version, "confirmed": "1"},
        follow=True,
    )
    assert "Không thể phát động" in response.content.decode()
    late_draft.refresh_from_db()
    assert late_draft.status == CampaignStatus.DRAFT


def test_launch_confirmation_page_is_404_outside_403_without_the_right(client, tree, personas):
    campaign = draft(tree, personas)
    url = reverse("campaigns:launch_confirm", args=[campaign.pk])
    statuses = {}
    for persona in ("admin_dept", "secretary_office_a", "reviewer_b", "outsider"):
        client.force_login(personas[persona])
        statuses[persona] = client.get(url).status_code
    assert statuses == {"admin_dept": 200, "secretary_office_a": 403, "reviewer_b": 404, "outsider": 404}


def test_launch_confirmation_page_of_a_launched_campaign_goes_back_to_it(client, office_campaign, personas):
    client.force_login(personas["admin_dept"])
    response = client.get(reverse("campaigns:launch_confirm", args=[office_campaign.pk]))
    assert response["Location"] == office_campaign.get_absolute_url()


def test_registration_form_lists_the_campaign_caps_it_uses(
    client, split_cap, office_campaign, tree, personas, awards, person_factory
):
    services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person_factory(tree["school_a1"]), commendation=awards["GK"])],
    )
    client.force_login(personas["secretary_a1"])
    url = reverse("campaigns:registration_edit", args=[office_campaign.pk, tree["school_a1"].pk])
    html = client.get(url).content.decode()
    assert "«Giấy khen» cho cá nhân: các đơn vị đã gửi 0, bản đăng ký này 1; tối đa 2" in html


def test_campaign_edit_form_starts_from_the_saved_period_and_objects(client, tree, personas):
    campaign = draft(
        tree,
        personas,
        period_kind=PeriodKind.CALENDAR_YEAR,
        calendar_year=2024,
        object_groups=[ObjectGroup.TEACHER],
        objects_collective=SEED_001_COLLECTIVES,
    )
    client.force_login(personas["secretary_office_a"])
    form = client.get(reverse("campaigns:edit", args=[campaign.pk])).context["form"]
    assert [form[name].value() for name in ("period_kind", "calendar_year", "school_year", "object_groups")] == [
        "calendar_year",
        2024,
        None,
        ["teacher"],
    ]
    assert form["objects_collective"].value() == SEED_001_COLLECTIVES
