"""Persona tests for every view, and constant query counts for every list."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns import services
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, RegistrationStatus
from campaigns.models import Campaign, Compact, DeadlineCompletion, Registration
from campaigns.services import CollectiveLineInput, LineInput
from core.models import TransitionLog
from notifications.models import Notification
from units.enums import SchoolLevel, UnitKind
from units.services import block_create, unit_create

D = datetime.date


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"campaigns:{name}", args=args), params)


def post(client, user, name, *args, data=None):
    client.force_login(user)
    return client.post(reverse(f"campaigns:{name}", args=args), data or {})


@pytest.fixture
def plan_deadline(office_campaign):
    return services.deadline_create(
        by=None, campaign=office_campaign, action=DeadlineAction.PLAN, unit_kind=UnitKind.SCHOOL, due_date=D(2099, 1, 1)
    )


@pytest.fixture
def phase(office_campaign):
    return services.phase_create(by=None, campaign=office_campaign, number=1, start=D(2024, 9, 5), end=D(2099, 5, 31))


@pytest.fixture
def cap(office_campaign, awards):
    return services.campaign_award_set(by=None, campaign=office_campaign, award_type=awards["BK_TINH"], cap=15)


@pytest.fixture
def registration(office_campaign, tree, personas, awards, person_factory):
    person = person_factory(tree["school_a1"])
    return services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=person, title=awards["LDTT"], initiative_title="Dạy học STEM")],
    )


# --- campaign list and detail ------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, sees",
    [("secretary_a1", True), ("reviewer_a", True), ("admin_dept", True), ("reviewer_b", False), ("outsider", False)],
)
def test_campaign_list_shows_only_visible_campaigns(client, personas, office_campaign, persona, sees):
    response = get(client, personas[persona], "list")
    assert response.status_code == 200
    assert (office_campaign.name in response.content.decode()) is sees


@pytest.mark.parametrize(
    "persona, status",
    [("secretary_a1", 200), ("secretary_a2", 200), ("reviewer_a", 200), ("reviewer_b", 404), ("outsider", 404)],
)
def test_campaign_detail_by_persona(client, personas, office_campaign, phase, cap, persona, status):
    response = get(client, personas[persona], "detail", office_campaign.pk)
    assert response.status_code == status
    if status == 200:
        assert "Đợt hiện tại" in response.content.decode()
        assert "không quá 15" in response.content.decode()


def test_campaign_list_filters_by_kind(client, personas, office_campaign):
    response = get(client, personas["reviewer_a"], "list", kind=CampaignKind.THEMATIC)
    assert office_campaign.name not in response.content.decode()


def test_campaign_list_query_count_constant(client, personas, tree, django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            campaign = services.campaign_create(
                launched_by=tree["office_a"],
                name=f"Phong trào {i}",
                kind=CampaignKind.THEMATIC,
                school_year=2024,
                by=personas["secretary_office_a"],
            )
            services.campaign_launch(campaign=campaign, by=personas["admin_dept"])

    client.force_login(personas["secretary_a1"])
    make(1)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:list")).status_code == 200
    make(8)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:list")).status_code == 200


# --- create, edit, launch ----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status", [("head_a1", 200), ("admin_dept", 200), ("reviewer_a", 403), ("outsider", 403)]
)
def test_campaign_create_by_persona(client, personas, persona, status):
    assert get(client, personas[persona], "create").status_code == status


def test_campaign_create_post_drafts_for_own_school(client, personas, tree):
    response = post(
        client,
        personas["head_a1"],
        "create",
        data={
            "name": "Kế hoạch thi đua năm học 2024-2025",
            "kind": CampaignKind.PHASED,
            "reach": "subtree",
            "launched_by": tree["school_a1"].pk,
            "school_year": "2024",
            "document_number": "12",
            "document_symbol": "KH-THA1",
            "issued_on": "19/09/2024",
            "legal_bases": "Luật Thi đua, khen thưởng ngày 15/6/2022\nNghị định 98/2023/NĐ-CP",
            "criteria_teacher": "Dạy tốt",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.launched_by, campaign.document_reference, campaign.issued_on) == (
        tree["school_a1"],
        "Số: 12/KH-THA1",
        D(2024, 9, 19),
    )
    assert [b.text for b in campaign.legal_bases.all()] == [
        "Luật Thi đua, khen thưởng ngày 15/6/2022",
        "Nghị định 98/2023/NĐ-CP",
    ]


def test_campaign_create_post_refuses_launcher_user_does_not_hold(client, personas, tree):
    response = post(
        client,
        personas["head_a1"],
        "create",
        data={
            "name": "X",
            "kind": CampaignKind.PHASED,
            "reach": "subtree",
            "launched_by": tree["office_a"].pk,
            "school_year": "2024",
        },
    )
    assert response.status_code == 200
    assert Campaign.objects.count() == 0


@pytest.mark.parametrize(
    "persona, status", [("admin_dept", 200), ("secretary_a1", 403), ("reviewer_a", 403), ("reviewer_b", 404)]
)
def test_campaign_edit_by_persona(client, personas, office_campaign, persona, status):
    assert get(client, personas[persona], "edit", office_campaign.pk).status_code == status


def test_campaign_launch_by_head_not_secretary(client, personas, tree):
    draft = services.campaign_create(
        launched_by=tree["school_a1"],
        name="Kế hoạch trường",
        kind=CampaignKind.PHASED,
        school_year=2024,
        by=personas["secretary_a1"],
    )
    launch = {"transition": "launch", "version": draft.version, "confirmed": "1"}
    assert post(client, personas["secretary_a1"], "launch", draft.pk, data=launch).status_code == 403
    assert post(client, personas["secretary_a2"], "launch", draft.pk, data=launch).status_code == 404
    assert post(client, personas["head_a1"], "launch", draft.pk, data=launch).status_code == 302
    draft.refresh_from_db()
    assert draft.is_launched
    log = TransitionLog.objects.get(workflow="campaign", object_id=draft.pk)
    assert (log.action, log.by, log.from_state, log.to_state) == ("launch", personas["head_a1"], "draft", "launched")


def test_campaign_detail_shows_only_available_actions(client, personas, tree):
    draft = services.campaign_create(
        launched_by=tree["school_a1"],
        name="Kế hoạch trường",
        kind=CampaignKind.PHASED,
        school_year=2024,
        by=personas["secretary_a1"],
    )
    names = {
        persona: [a.name for a in get(client, personas[persona], "detail", draft.pk).context["actions"]]
        for persona in ("secretary_a1", "head_a1")
    }
    # Launching is a link to its confirmation page, not a one-click button among the workflow's actions.
    assert names == {"secretary_a1": [], "head_a1": []}
    confirm = reverse("campaigns:launch_confirm", args=[draft.pk])
    assert confirm in get(client, personas["head_a1"], "detail", draft.pk).content.decode()
    assert confirm not in get(client, personas["secretary_a1"], "detail", draft.pk).content.decode()
    services.campaign_launch(campaign=draft, by=personas["head_a1"])
    response = get(client, personas["head_a1"], "detail", draft.pk)
    assert [a.name for a in response.context["actions"]] == ["close"]
    assert 'value="close"' in response.content.decode()


def test_campaign_close_stops_registrations(client, personas, office_campaign):
    data = {"transition": "close", "version": office_campaign.version, "comment": "Hết năm học"}
    assert post(client, personas["secretary_a1"], "launch", office_campaign.pk, data=data).status_code == 403
    assert post(client, personas["admin_dept"], "launch", office_campaign.pk, data=data).status_code == 302
    office_campaign.refresh_from_db()
    assert office_campaign.status == CampaignStatus.CLOSED


# --- phases, awards, deadlines -----------------------------------------------------------


@pytest.mark.parametrize("persona, status", [("admin_dept", 200), ("secretary_a1", 403), ("reviewer_b", 404)])
def test_phase_pages_by_persona(client, personas, office_campaign, phase, persona, status):
    assert get(client, personas[persona], "phase_create", office_campaign.pk).status_code == status
    assert get(client, personas[persona], "phase_edit", phase.pk).status_code == status


def test_phase_create_post_overlap_shows_message(client, personas, office_campaign, phase):
    response = post(
        client,
        personas["admin_dept"],
        "phase_create",
        office_campaign.pk,
        data={"number": "2", "start": "01/10/2024", "end": "30/10/2024"},
    )
    assert response.status_code == 200
    assert "trùng thời gian với Đợt 1" in response.content.decode()
    assert office_campaign.phases.count() == 1


@pytest.mark.parametrize("persona, status", [("admin_dept", 200), ("secretary_a1", 403), ("reviewer_b", 404)])
def test_award_and_deadline_add_by_persona(client, personas, office_campaign, persona, status):
    assert get(client, personas[persona], "award_add", office_campaign.pk).status_code == status
    assert get(client, personas[persona], "deadline_add", office_campaign.pk).status_code == status


def test_award_add_post_sets_cap(client, personas, office_campaign, awards):
    response = post(
        client,
        personas["admin_dept"],
        "award_add",
        office_campaign.pk,
        data={"award_type": awards["BK_TINH"].pk, "cap": "15", "note": "tập thể, cá nhân"},
    )
    assert response.status_code == 302
    assert list(office_campaign.awards.values_list("award_type__code", "cap")) == [("BK_TINH", 15)]


@pytest.mark.parametrize("persona, status", [("admin_dept", 302), ("secretary_a1", 403), ("reviewer_b", 404)])
def test_award_and_deadline_remove_by_persona(client, personas, cap, plan_deadline, persona, status):
    assert post(client, personas[persona], "award_remove", cap.pk).status_code == status
    assert post(client, personas[persona], "deadline_remove", plan_deadline.pk).status_code == status


def test_deadline_add_post_for_schools(client, personas, office_campaign):
    response = post(
        client,
        personas["admin_dept"],
        "deadline_add",
        office_campaign.pk,
        data={"action": DeadlineAction.NOMINATE, "unit_kind": UnitKind.SCHOOL, "due_date": "18/05/2025"},
    )
    assert response.status_code == 302
    assert office_campaign.deadlines.filter(action=DeadlineAction.NOMINATE, due_date=D(2025, 5, 18)).exists()


@pytest.mark.parametrize(
    "persona, status", [("reviewer_a", 200), ("admin_dept", 200), ("head_a1", 403), ("reviewer_b", 404)]
)
def test_deadline_extend_by_persona(client, personas, office_campaign, persona, status):
    deadline = office_campaign.deadlines.get()
    assert get(client, personas[persona], "deadline_extend", deadline.pk).status_code == status


def test_deadline_extend_post_reopens_for_unit(client, personas, office_campaign, tree):
    deadline = office_campaign.deadlines.get()
    until = datetime.date.today() + datetime.timedelta(days=10)
    response = post(
        client,
        personas["reviewer_a"],
        "deadline_extend",
        deadline.pk,
        data={"unit": tree["school_a1"].pk, "until": until.strftime("%d/%m/%Y"), "reason": "Bổ sung"},
    )
    assert response.status_code == 302
    assert list(deadline.extensions.values_list("unit", "until")) == [(tree["school_a1"].pk, until)]


def test_deadline_complete_by_persona(client, personas, plan_deadline, tree):
    a1 = tree["school_a1"].pk
    assert post(client, personas["secretary_a2"], "deadline_complete", plan_deadline.pk, a1).status_code == 404
    assert post(client, personas["reviewer_a"], "deadline_complete", plan_deadline.pk, a1).status_code == 403
    assert post(client, personas["secretary_a1"], "deadline_complete", plan_deadline.pk, a1).status_code == 302
    assert DeadlineCompletion.objects.filter(deadline=plan_deadline, unit_id=a1).count() == 1


# --- registrations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 200),
        ("head_a1", 200),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_registration_edit_by_persona(client, personas, office_campaign, tree, person_factory, persona, status):
    person_factory(tree["team_a1"], full_name="Trần Thị Tổ")
    response = get(client, personas[persona], "registration_edit", office_campaign.pk, tree["school_a1"].pk)
    assert response.status_code == status
    if status == 200:
        assert "Trần Thị Tổ" in response.content.decode()  # teams' people are rows of the school


def test_registration_edit_out_of_reach_is_404(client, personas, office_campaign, tree):
    assert (
        get(client, personas["admin_dept"], "registration_edit", office_campaign.pk, tree["school_b1"].pk).status_code
        == 404
    )


def test_registration_edit_post_saves_lines(client, personas, office_campaign, tree, person_factory, awards):
    person = person_factory(tree["school_a1"])
    response = post(
        client,
        personas["secretary_a1"],
        "registration_edit",
        office_campaign.pk,
        tree["school_a1"].pk,
        data={
            "collective_title": awards["TTLDTT"].pk,
            f"title_{person.pk}": awards["CSTDCS"].pk,
            f"commendation_{person.pk}": awards["GK"].pk,
            f"initiative_{person.pk}": "Ứng dụng CNTT",
        },
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    line = registration.lines.get()
    assert (line.title, line.commendation, line.initiative_title) == (awards["CSTDCS"], awards["GK"], "Ứng dụng CNTT")
    assert registration.collective_title == awards["TTLDTT"]


def test_registration_edit_query_count_constant(
    client, personas, office_campaign, tree, person_factory, django_assert_max_num_queries
):
    client.force_login(personas["secretary_a1"])
    url = reverse("campaigns:registration_edit", args=[office_campaign.pk, tree["school_a1"].pk])
    person_factory(tree["school_a1"])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    for i in range(15):
        person_factory(tree["school_a1"])
        unit_create(by=None, name=f"Tổ {i}", kind=UnitKind.TEAM, parent=tree["school_a1"])
    registration_with_everyone(office_campaign, tree, personas)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert len(list(response.context["form"].team_rows())) == 16


def registration_with_everyone(campaign, tree, personas, awards=None, submitted=False):
    """School A1's registration with a line for each of its people and teams, every team a TTLĐTT."""
    from campaigns.selectors import registration_people, registration_teams

    title = (awards or {}).get("TTLDTT")
    registration = services.registration_save(
        campaign=campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=p) for p in registration_people(None, tree["school_a1"])],
        collective_lines=[CollectiveLineInput(team=t, title=title) for t in registration_teams(tree["school_a1"])],
    )
    if submitted:
        campaign.deadlines.update(due_date=D(2099, 1, 1))
        registration = services.registration_transition(
            registration=registration, to_status=RegistrationStatus.SUBMITTED, by=personas["head_a1"]
        )
    return registration


def test_registration_edit_shows_and_saves_team_lines(client, personas, office_campaign, tree, awards, teams):
    form_page = get(client, personas["secretary_a1"], "registration_edit", office_campaign.pk, tree["school_a1"].pk)
    html = form_page.content.decode()
    assert "Tập thể (tổ)" in html
    assert "Danh hiệu tập thể của Tổ văn phòng" in html
    response = post(
        client,
        personas["secretary_a1"],
        "registration_edit",
        office_campaign.pk,
        tree["school_a1"].pk,
        data={
            f"team_title_{teams[0].pk}": awards["TTLDTT"].pk,
            f"team_commendation_{teams[0].pk}": awards["GK"].pk,
            f"team_title_{teams[1].pk}": awards["TTLDXS"].pk,
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert list(registration.collective_lines.values_list("team", "title", "commendation")) == [
        (teams[0].pk, awards["TTLDTT"].pk, awards["GK"].pk),
        (teams[1].pk, awards["TTLDXS"].pk, None),
        (teams[2].pk, None, None),
    ]
    form = get(client, personas["secretary_a1"], "registration_edit", office_campaign.pk, tree["school_a1"].pk).context[
        "form"
    ]
    assert form[f"team_title_{teams[1].pk}"].value() == str(awards["TTLDXS"].pk)  # the form shows what was saved


def test_registration_edit_refuses_individual_title_for_team(client, personas, office_campaign, tree, awards, teams):
    response = post(
        client,
        personas["secretary_a1"],
        "registration_edit",
        office_campaign.pk,
        tree["school_a1"].pk,
        data={f"team_title_{teams[0].pk}": awards["LDTT"].pk},
    )
    assert response.status_code == 200  # the select offers collective titles only
    assert response.context["form"].errors[f"team_title_{teams[0].pk}"]
    assert not Registration.objects.exists()


def test_registration_detail_shows_team_lines_and_targets(client, personas, office_campaign, tree, awards, teams):
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[],
        collective_lines=[
            CollectiveLineInput(team=teams[0], title=awards["TTLDTT"]),
            CollectiveLineInput(team=teams[1], title=awards["TTLDTT"], commendation=awards["GK"]),
            CollectiveLineInput(team=teams[2]),
        ],
    )
    response = get(client, personas["reviewer_a"], "registration_detail", registration.pk)
    html = response.content.decode()
    assert "Tập thể lao động tiên tiến: 2/3 tổ đạt 66,6 %" in html
    assert "Giấy khen: 1/3 tổ đạt 33,3 %" in html
    assert [line.team.name for line in response.context["team_lines"]] == ["Tổ khối 1", "Tổ khối 2", "Tổ văn phòng"]


def test_registration_detail_query_count_constant(
    client, personas, office_campaign, tree, awards, person_factory, django_assert_max_num_queries
):
    person_factory(tree["school_a1"])
    registration = registration_with_everyone(office_campaign, tree, personas, awards)
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:registration_detail", args=[registration.pk])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    for i in range(12):
        person_factory(tree["school_a1"])
        unit_create(by=None, name=f"Tổ {i}", kind=UnitKind.TEAM, parent=tree["school_a1"])
    registration = registration_with_everyone(office_campaign, tree, personas, awards)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert len(response.context["team_lines"]) == 13
    assert "13/13 tổ" in response.content.decode()


@pytest.mark.parametrize(
    "persona, status",
    [("secretary_a1", 200), ("reviewer_a", 200), ("admin_dept", 200), ("secretary_a2", 404), ("outsider", 404)],
)
def test_registration_detail_by_persona(client, personas, registration, persona, status):
    response = get(client, personas[persona], "registration_detail", registration.pk)
    assert response.status_code == status
    if status == 200:
        assert "Lao động tiên tiến: 1/1 đạt 100 %" in response.content.decode()


def act(client, user, registration, action, **data):
    registration.refresh_from_db()
    payload = {"transition": action, "version": registration.version, **data}
    return post(client, user, "registration_transition", registration.pk, data=payload)


def test_registration_secretary_sends_to_head_who_submits_then_level_above_returns(
    client, personas, registration, office_campaign
):
    office_campaign.deadlines.update(due_date=D(2099, 1, 1))
    assert act(client, personas["reviewer_b"], registration, "send_to_head").status_code == 404
    assert act(client, personas["head_a1"], registration, "send_to_head").status_code == 403
    assert act(client, personas["secretary_a1"], registration, "submit").status_code == 403
    assert act(client, personas["secretary_a1"], registration, "send_to_head").status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_HEAD
    assert Notification.objects.filter(user=personas["head_a1"], message__contains="chờ thủ trưởng").exists()
    assert act(client, personas["head_a1"], registration, "submit").status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert Notification.objects.filter(user=personas["reviewer_a"], message__contains="đã gửi đăng ký").exists()
    back = {"comment": "Bổ sung sáng kiến"}
    assert act(client, personas["head_a1"], registration, "return", **back).status_code == 403
    assert act(client, personas["reviewer_a"], registration, "return", **back).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETURNED
    assert Notification.objects.filter(user=personas["secretary_a1"], message__contains="trả lại").exists()
    history = get(client, personas["secretary_a1"], "registration_detail", registration.pk).context["history"]
    assert [(h.action, h.from_state, h.to_state) for h in history] == [
        ("Trình thủ trưởng", "Đang soạn", "Chờ thủ trưởng duyệt"),
        ("Gửi cấp trên", "Chờ thủ trưởng duyệt", "Đã gửi cấp trên"),
        ("Trả lại đơn vị", "Đã gửi cấp trên", "Cấp trên trả lại / mở lại"),
    ]
    assert history[2].comment == "Bổ sung sáng kiến"


def test_registration_head_sends_back_to_secretary_with_a_reason(client, personas, registration):
    act(client, personas["secretary_a1"], registration, "send_to_head")
    response = act(client, personas["head_a1"], registration, "send_back")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_HEAD
    assert "Lý do trả lại" in client.get(response.url).content.decode()
    act(client, personas["head_a1"], registration, "send_back", comment="Thiếu tổ 2")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    assert Notification.objects.filter(user=personas["secretary_a1"], message__contains="Thiếu tổ 2").exists()


@pytest.mark.parametrize(
    "persona, buttons",
    [
        ("secretary_a1", ["send_to_head"]),
        ("head_a1", ["submit"]),
        ("council_a1", []),
        ("reviewer_a", []),
        ("admin_dept", ["send_to_head"]),
    ],
)
def test_registration_detail_buttons_come_from_available_actions(client, personas, registration, persona, buttons):
    response = get(client, personas[persona], "registration_detail", registration.pk)
    assert [a.name for a in response.context["actions"]] == buttons
    html = response.content.decode()
    for name in buttons:
        assert f'name="transition" value="{name}"' in html
    assert ('name="version"' in html) == bool(buttons)


def test_registration_stale_form_is_told_in_vietnamese(client, personas, registration, office_campaign):
    office_campaign.deadlines.update(due_date=D(2099, 1, 1))
    stale = {"transition": "submit", "version": registration.version - 1}
    response = post(client, personas["head_a1"], "registration_transition", registration.pk, data=stale)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    assert "đã được người khác cập nhật" in client.get(response.url).content.decode()


def test_registration_transition_late_shows_message(client, personas, registration, office_campaign):
    office_campaign.deadlines.update(due_date=D(2020, 1, 1))
    response = act(client, personas["head_a1"], registration, "submit")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    assert "Đã quá hạn" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "persona, units",
    [("reviewer_a", ["Trường Mầm non A2", "Trường Tiểu học A1"]), ("secretary_a1", ["Trường Tiểu học A1"])],
)
def test_registration_overview_lists_units_in_scope(client, personas, registration, office_campaign, persona, units):
    response = get(client, personas[persona], "registration_overview", office_campaign.pk)
    assert response.status_code == 200
    assert sorted(u.name for u in response.context["page"]) == units
    assert response.context["counts"]["registered"] == 1


def test_registration_overview_filters_not_registered(client, personas, registration, office_campaign):
    response = get(client, personas["reviewer_a"], "registration_overview", office_campaign.pk, state="none")
    assert [u.name for u in response.context["page"]] == ["Trường Mầm non A2"]


@pytest.mark.parametrize("persona", ["reviewer_b", "outsider"])
def test_registration_overview_and_export_404_outside(client, personas, office_campaign, persona):
    assert get(client, personas[persona], "registration_overview", office_campaign.pk).status_code == 404
    assert get(client, personas[persona], "registration_export", office_campaign.pk).status_code == 404


def test_registration_overview_query_count_constant(
    client, personas, tree, office_campaign, django_assert_max_num_queries
):
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:registration_overview", args=[office_campaign.pk])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    for i in range(8):
        unit_create(
            by=None,
            name=f"Trường mới {i}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=tree["office_a"],
        )
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert len(response.context["page"]) == 10


def test_registration_overview_totals_count_teams(client, personas, office_campaign, tree, awards, teams):
    services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[],
        collective_title=awards["TTLDXS"],
        collective_commendation=awards["GK"],
        collective_lines=[
            CollectiveLineInput(team=teams[0], title=awards["TTLDTT"], commendation=awards["GK"]),
            CollectiveLineInput(team=teams[1], title=awards["TTLDTT"]),
            CollectiveLineInput(team=teams[2], title=awards["TTLDXS"]),
        ],
    )
    response = get(client, personas["reviewer_a"], "registration_overview", office_campaign.pk)
    assert response.context["totals"]["collective"] == []  # a draft is not counted
    office_campaign.deadlines.update(due_date=D(2099, 1, 1))
    services.registration_transition(
        registration=Registration.objects.get(), to_status=RegistrationStatus.SUBMITTED, by=personas["head_a1"]
    )
    totals = get(client, personas["reviewer_a"], "registration_overview", office_campaign.pk).context["totals"]
    assert [(t.name, t.count) for t in totals["collective"]] == [
        ("Tập thể lao động tiên tiến", 2),
        ("Tập thể lao động xuất sắc", 2),
    ]
    assert [(t.name, t.count) for t in totals["collective_commendations"]] == [("Giấy khen", 2)]
    assert get(client, personas["reviewer_b"], "registration_overview", office_campaign.pk).status_code == 404
    assert get(client, personas["secretary_a2"], "registration_overview", office_campaign.pk).context["totals"] == {
        "titles": [],
        "commendations": [],
        "collective": [],
        "collective_commendations": [],
    }


def test_registration_export_is_the_registered_list(client, personas, registration, office_campaign):
    response = get(client, personas["reviewer_a"], "registration_export", office_campaign.pk)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("STT", "Đơn vị", "Họ và tên", "Chức vụ", "Danh hiệu đăng ký")
    assert rows[1][1:] == (
        "Trường Tiểu học A1",
        registration.lines.get().person.full_name,
        "Giáo viên",
        "Lao động tiên tiến",
        None,
        "Dạy học STEM",
        "Đang soạn",
    )


COLLECTIVE_HEADERS = (
    "STT",
    "Đơn vị",
    "Tập thể",
    "Danh hiệu tập thể đăng ký",
    "Hình thức khen thưởng tập thể đăng ký",
    "Tình trạng",
)


def test_registration_export_has_a_sheet_of_collectives(client, personas, office_campaign, tree, awards, teams):
    services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[],
        collective_title=awards["TTLDXS"],
        collective_lines=[
            CollectiveLineInput(team=teams[0], title=awards["TTLDTT"], commendation=awards["GK"]),
            CollectiveLineInput(team=teams[2]),
        ],
    )
    response = get(client, personas["reviewer_a"], "registration_export", office_campaign.pk)
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Đăng ký thi đua", "Tập thể"]
    assert list(workbook["Tập thể"].values) == [
        COLLECTIVE_HEADERS,
        (1, "Trường Tiểu học A1", "Trường Tiểu học A1", "Tập thể lao động xuất sắc", None, "Đang soạn"),
        (2, "Trường Tiểu học A1", "Tổ khối 1", "Tập thể lao động tiên tiến", "Giấy khen", "Đang soạn"),
        (3, "Trường Tiểu học A1", "Tổ văn phòng", None, None, "Đang soạn"),
    ]
    assert workbook["Tập thể"]["A1"].font.bold
    other = get(client, personas["secretary_a2"], "registration_export", office_campaign.pk)
    assert list(load_workbook(io.BytesIO(other.content))["Tập thể"].values) == [COLLECTIVE_HEADERS]


def test_registration_export_query_count_constant(
    client, personas, office_campaign, tree, awards, person_factory, django_assert_max_num_queries
):
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:registration_export", args=[office_campaign.pk])
    person_factory(tree["school_a1"])
    registration_with_everyone(office_campaign, tree, personas, awards)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    for i in range(10):
        person_factory(tree["school_a1"])
        unit_create(by=None, name=f"Tổ {i}", kind=UnitKind.TEAM, parent=tree["school_a1"])
    registration_with_everyone(office_campaign, tree, personas, awards)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(list(load_workbook(io.BytesIO(response.content))["Tập thể"].values)) == 12


# --- compacts ----------------------------------------------------------------------------


@pytest.fixture
def compact(tree, personas):
    block = block_create(
        by=None, name="Khối tiểu học A", owner=tree["office_a"], members=[tree["school_a1"], tree["school_a2"]]
    )
    return services.compact_create(
        block=block,
        title="Giao ước thi đua 2024-2025",
        text="Thi đua dạy tốt, học tốt.",
        signed_on=D(2024, 9, 20),
        units=[tree["school_a1"], tree["school_a2"]],
        by=personas["admin_dept"],
    )


@pytest.mark.parametrize(
    "persona, status", [("secretary_a1", 200), ("reviewer_a", 200), ("reviewer_b", 404), ("outsider", 404)]
)
def test_compact_detail_by_persona(client, personas, compact, persona, status):
    assert get(client, personas[persona], "compact_detail", compact.pk).status_code == status
    listing = get(client, personas[persona], "compact_list")
    assert listing.status_code == 200
    assert (compact.title in listing.content.decode()) is (status == 200)


@pytest.mark.parametrize("persona, status", [("admin_dept", 200), ("secretary_a1", 403), ("outsider", 403)])
def test_compact_create_by_persona(client, personas, compact, persona, status):
    assert get(client, personas[persona], "compact_create").status_code == status


def test_compact_create_post(client, personas, compact, tree):
    response = post(
        client,
        personas["admin_dept"],
        "compact_create",
        data={
            "block": compact.block.pk,
            "title": "Giao ước mới",
            "text": "Nội dung",
            "signed_on": "01/10/2024",
            "units": [tree["school_a1"].pk, tree["school_a2"].pk],
        },
    )
    assert response.status_code == 302
    assert Compact.objects.filter(title="Giao ước mới").count() == 1


def test_compact_list_query_count_constant(client, personas, compact, tree, django_assert_max_num_queries):
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(10):
        client.get(reverse("campaigns:compact_list"))
    for i in range(6):
        services.compact_create(
            block=compact.block,
            title=f"Giao ước {i}",
            text="x",
            signed_on=D(2024, 9, 20),
            units=[tree["school_a1"], tree["school_a2"]],
            by=personas["admin_dept"],
        )
    with django_assert_max_num_queries(10):
        client.get(reverse("campaigns:compact_list"))


# --- calendar ----------------------------------------------------------


def test_calendar_shows_phases_and_deadlines_of_own_unit(client, personas, office_campaign, phase, tree):
    response = get(client, personas["secretary_a1"], "calendar", year=2024, unit=tree["school_a1"].pk)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Tháng 09/2024" in text and "Đợt 1" in text
    assert "Tháng 10/2024" in text and "Gửi đăng ký thi đua" in text


def test_calendar_other_unit_is_404_and_no_role_is_empty(client, personas, tree):
    assert get(client, personas["secretary_a1"], "calendar", unit=tree["school_b1"].pk).status_code == 404
    response = get(client, personas["outsider"], "calendar")
    assert response.status_code == 200
    assert "Chọn một đơn vị" in response.content.decode()


def test_calendar_query_count_constant(client, personas, tree, django_assert_max_num_queries):
    client.force_login(personas["secretary_a1"])
    url = reverse("campaigns:calendar") + f"?year=2024&unit={tree['school_a1'].pk}"

    def make(n):
        for i in range(n):
            campaign = services.campaign_create(
                launched_by=tree["office_a"],
                name=f"P{i}",
                kind=CampaignKind.PHASED,
                school_year=2024,
                by=personas["admin_dept"],
            )
            services.phase_create(by=None, campaign=campaign, number=1, start=D(2024, 9, 5), end=D(2024, 11, 30))
            services.campaign_launch(campaign=campaign, by=personas["admin_dept"])

    make(1)
    with django_assert_max_num_queries(15):
        client.get(url)
    make(5)
    with django_assert_max_num_queries(15):
        client.get(url)


def test_every_campaigns_view_declares_a_rule():
    from campaigns.urls import urlpatterns

    assert all(getattr(p.callback, "portal_rule", "") for p in urlpatterns)


def test_deadline_extend_succeeds_while_smtp_is_down(
    client, personas, office_campaign, tree, django_capture_on_commit_callbacks
):
    from smtplib import SMTPException
    from unittest import mock

    from notifications.models import OutgoingMail

    personas["secretary_a1"].email = "alice@example.vn"
    personas["secretary_a1"].save(update_fields=["email"])
    deadline = office_campaign.deadlines.get()
    until = datetime.date.today() + datetime.timedelta(days=10)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=SMTPException("421 down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(
                client,
                personas["reviewer_a"],
                "deadline_extend",
                deadline.pk,
                data={"unit": tree["school_a1"].pk, "until": until.strftime("%d/%m/%Y"), "reason": "Bổ sung"},
            )

    assert response.status_code == 302
    assert deadline.extensions.count() == 1
    assert list(OutgoingMail.objects.values_list("to", "status", "attempts", "last_error")) == [
        ("alice@example.vn", "pending", 1, "SMTPException: 421 down")
    ]
