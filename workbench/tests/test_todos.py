"""Each role's to-do items: the situation makes the item, the action through the app's own service removes it,
and a sibling's work never shows."""

import datetime

import pytest

from campaigns import services as campaign_services
from campaigns.services import LineInput
from conftest import make_user
from councils import services as council_services
from councils.tests.conftest import DAY, mark, open_round
from nominations import inbox
from nominations import notice as notices
from nominations import services as nomination_services
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import fill_submission
from units.enums import Role
from units.services import unit_role_grant, unit_update, user_create
from workbench.tests.conftest import role_of
from workbench.todos import todos_for

D = datetime.date


def todos(user, today=None):
    return todos_for(user, role_of(user), today=today)


def kinds(user, today=None) -> list[str]:
    return [t.kind for t in todos(user, today)]


def of_kind(user, kind, today=None):
    return [t for t in todos(user, today) if t.kind == kind]


def registration_act(registration, action, by, **kwargs):
    registration.refresh_from_db()
    return campaign_services.registration_transition(
        registration=registration, action=action, by=by, expected_version=registration.version, **kwargs
    )


def dossier_act(dossier, action, by, comment=""):
    dossier = Dossier.objects.get(pk=dossier.pk)
    return nomination_services.dossier_transition(by=by, dossier=dossier, action=action, version=None, comment=comment)


def nomination_act(nomination, action, by, comment=""):
    nomination = Nomination.objects.get(pk=nomination.pk)
    return nomination_services.nomination_transition(
        by=by, nomination=nomination, action=action, version=None, comment=comment
    )


@pytest.fixture
def registration(office_campaign, tree, personas, awards, person_factory):
    teacher = person_factory(tree["school_a1"])
    return campaign_services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=teacher, title=awards["LDTT"])],
    )


# --- secretary -------------------------------------------------------------------------------------------


def test_secretary_deadline_within_horizon_then_overdue_first_and_gone_when_sent(
    registration, personas, tree, office_campaign
):
    secretary = personas["secretary_a1"]
    assert of_kind(secretary, "deadline", today=D(2024, 9, 1)) == []  # 44 days ahead: not yet
    soon = of_kind(secretary, "deadline", today=D(2024, 10, 5))
    assert [(t.due, t.severity, t.url) for t in soon] == [
        (D(2024, 10, 15), "info", f"/phong-trao/{office_campaign.pk}/dang-ky/{tree['school_a1'].pk}/")
    ]
    late = of_kind(secretary, "deadline", today=D(2024, 10, 20))
    assert [(t.severity, t.label.startswith("Quá hạn: Gửi đăng ký thi đua")) for t in late] == [("danger", True)]
    assert kinds(secretary, today=D(2024, 10, 20))[0] == "deadline"  # overdue deadlines come first

    registration_act(registration, "submit", personas["head_a1"], today=D(2024, 10, 5))

    assert of_kind(secretary, "deadline", today=D(2024, 10, 20)) == []
    # The sibling school has not sent: its secretary still has the deadline.
    assert len(of_kind(personas["secretary_a2"], "deadline", today=D(2024, 10, 5))) == 1


def test_secretary_deadline_reopened_for_her_unit_moves_its_due_date(office_campaign, personas, tree):
    deadline = office_campaign.deadlines.get()
    campaign_services.deadline_extend(
        by=personas["reviewer_a"],
        deadline=deadline,
        unit=tree["school_a1"],
        until=D(2024, 10, 25),
        today=D(2024, 10, 20),
    )
    assert [t.due for t in of_kind(personas["secretary_a1"], "deadline", today=D(2024, 10, 20))] == [D(2024, 10, 25)]
    assert [t.due for t in of_kind(personas["secretary_a2"], "deadline", today=D(2024, 10, 20))] == [D(2024, 10, 15)]


def test_secretary_of_a_school_the_campaign_does_not_reach_has_no_deadline(office_campaign, tree):
    outside = make_user("thuky-b1", tree["school_b1"], Role.SECRETARY)
    assert todos(outside, today=D(2024, 10, 5)) == []


def test_secretary_draft_registration_until_sent_to_head(registration, personas):
    secretary = personas["secretary_a1"]
    assert [t.url for t in of_kind(secretary, "registration_draft")] == [registration.get_absolute_url()]

    registration_act(registration, "send_to_head", secretary)

    assert of_kind(secretary, "registration_draft") == []


def test_registration_sent_back_by_head_shows_with_its_reason_until_sent_again(registration, personas):
    secretary, head = personas["secretary_a1"], personas["head_a1"]
    registration_act(registration, "send_to_head", secretary)
    registration_act(registration, "send_back", head, comment="Thiếu đăng ký của tổ văn phòng.")

    returned = of_kind(secretary, "registration_returned")
    assert [(t.comment, t.severity, t.label.startswith("Thủ trưởng trả lại")) for t in returned] == [
        ("Thiếu đăng ký của tổ văn phòng.", "danger", True)
    ]
    assert of_kind(secretary, "registration_draft") == []
    assert todos(personas["secretary_a2"], today=D(2024, 9, 1)) == []

    registration_act(registration, "send_to_head", secretary)
    assert of_kind(secretary, "registration_returned") == []


def test_registration_returned_from_above_with_its_comment_then_head_signs(registration, personas, tree):
    secretary, head = personas["secretary_a1"], personas["head_a1"]
    registration_act(registration, "submit", head, today=D(2024, 10, 1))
    registration_act(registration, "return", personas["reviewer_a"], comment="Dòng 1: bổ sung minh chứng.")

    assert [t.comment for t in of_kind(secretary, "registration_returned")] == ["Dòng 1: bổ sung minh chứng."]

    registration_act(registration, "send_to_head", secretary)
    assert of_kind(secretary, "registration_returned") == []
    assert [t.url for t in of_kind(head, "registration_awaiting_head")] == [registration.get_absolute_url()]
    assert of_kind(make_user("hieutruong-a2", tree["school_a2"], Role.HEAD), "registration_awaiting_head") == []

    registration_act(registration, "submit", head, today=D(2024, 10, 14))
    assert of_kind(head, "registration_awaiting_head") == []


# --- dossiers and nominations: secretary, head, reviewer ---------------------------------------------------


@pytest.fixture
def ready(dossier, teacher, personas):
    nomination = nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc."
    )
    fill_submission(dossier, personas["secretary_a1"])
    return Dossier.objects.get(pk=dossier.pk), nomination


def test_dossier_travels_and_each_actor_sees_it_only_while_it_waits_for_them(ready, personas, tree):
    dossier, nomination = ready
    secretary, head, reviewer = personas["secretary_a1"], personas["head_a1"], personas["reviewer_a"]
    assert [t.url for t in of_kind(secretary, "dossier_draft")] == [dossier.get_absolute_url()]

    dossier_act(dossier, "send_to_head", secretary)
    assert of_kind(secretary, "dossier_draft") == []
    assert [t.url for t in of_kind(head, "dossier_awaiting_head")] == [dossier.get_absolute_url()]

    dossier_act(dossier, "send", head)
    assert of_kind(head, "dossier_awaiting_head") == []
    assert [(t.count, t.url) for t in of_kind(reviewer, "inbox_sent")] == [
        (1, "/ho-so-de-nghi/gui-den/?trang_thai=sent")
    ]
    assert todos(personas["reviewer_b"]) == []  # the other Phòng's reviewer
    assert inbox.awaiting_count(reviewer) == 1  # the inbox link's own badge agrees
    # The Sở's reviewer reads Phòng A's inbox, but appraising it is Phòng A's work: nothing to do.
    assert todos(make_user("chuyenvien-so", tree["dept"], Role.REVIEWER)) == []

    dossier_act(dossier, "start_appraisal", reviewer)
    assert of_kind(reviewer, "inbox_sent") == []
    assert [t.count for t in of_kind(reviewer, "inbox_under_appraisal")] == [1]

    nomination_act(nomination, "return", reviewer, comment="Thiếu minh chứng sáng kiến.")
    returned = of_kind(secretary, "nomination_returned")
    assert [(t.comment, t.url) for t in returned] == [("Thiếu minh chứng sáng kiến.", nomination.get_absolute_url())]
    assert of_kind(personas["secretary_a2"], "nomination_returned") == []

    nomination_act(nomination, "resubmit", secretary)
    assert of_kind(secretary, "nomination_returned") == []

    dossier_act(dossier, "return", reviewer, comment="Bổ sung biên bản họp.")
    assert [t.comment for t in of_kind(secretary, "dossier_returned")] == ["Bổ sung biên bản họp."]
    assert of_kind(reviewer, "inbox_under_appraisal") == []

    dossier_act(dossier, "resend", head)
    assert of_kind(secretary, "dossier_returned") == []


def test_dossier_sent_back_by_head_shows_its_reason(ready, personas):
    dossier, _ = ready
    dossier_act(dossier, "send_to_head", personas["secretary_a1"])
    dossier_act(dossier, "send_back", personas["head_a1"], comment="Sửa số tờ trình.")
    assert [
        (t.comment, t.label.startswith("Thủ trưởng trả lại"))
        for t in of_kind(personas["secretary_a1"], "dossier_returned")
    ] == [("Sửa số tờ trình.", True)]


# --- reviewer: overdue units and objections ----------------------------------------------------------------


def test_reviewer_overdue_units_counted_until_done_or_reopened(office_campaign, personas, tree):
    reviewer, late_day = personas["reviewer_a"], D(2024, 10, 20)
    [item] = of_kind(reviewer, "overdue_units", today=late_day)
    assert (item.count, item.due, item.url) == (2, D(2024, 10, 15), f"/phong-trao/{office_campaign.pk}/tong-hop/")
    assert of_kind(reviewer, "overdue_units", today=D(2024, 10, 15)) == []  # due today is not late
    assert of_kind(personas["reviewer_b"], "overdue_units", today=late_day) == []

    deadline = office_campaign.deadlines.get()
    campaign_services.deadline_extend(
        by=reviewer, deadline=deadline, unit=tree["school_a2"], until=D(2024, 10, 25), today=late_day
    )
    assert [t.count for t in of_kind(reviewer, "overdue_units", today=late_day)] == [1]
    assert [t.count for t in of_kind(reviewer, "overdue_units", today=D(2024, 10, 26))] == [2]  # reopening ran out


def test_overdue_units_seen_from_above_and_counted_in_one_query_whatever_the_deadlines(
    office_campaign, personas, tree, django_assert_num_queries
):
    """The Sở (above the launcher) counts Phòng A's late schools; the late units are counted in SQL, every past
    deadline in the same pass (the queries do not grow with the deadlines)."""
    from campaigns.enums import DeadlineAction
    from units.enums import UnitKind

    admin, late_day = personas["admin_dept"], D(2024, 10, 20)
    role = admin.unit_roles.get()
    from workbench.todos import overdue_unit_todos

    overdue_unit_todos(admin, role.unit, late_day)  # the roles' cache
    # The deadlines with their campaigns and, in the same statement, each one's late units (the administrator
    # oversees every unit below hers; a subtree's reach is on the campaign's row: no reach query).
    with django_assert_num_queries(1) as one:
        [item] = overdue_unit_todos(admin, role.unit, late_day)
    assert item.count == 2
    for day in (10, 11, 12):
        campaign_services.deadline_create(
            by=None,
            campaign=office_campaign,
            action=DeadlineAction.NOMINATE,
            unit_kind=UnitKind.SCHOOL,
            due_date=D(2024, 10, day),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        items = overdue_unit_todos(admin, role.unit, late_day)
    assert [t.count for t in items] == [2, 2, 2, 2]


@pytest.mark.parametrize("reach", ["units", "blocks"])
def test_overdue_units_only_those_the_campaign_reaches(
    office_campaign, personas, tree, reach, django_assert_max_num_queries
):
    """A campaign for chosen units or for an emulation block: only the units it reaches are late, read with
    their paths in one more query."""
    from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction
    from units.enums import UnitKind
    from units.services import block_create

    office, by = tree["office_a"], personas["secretary_office_a"]
    extra = {"reach_units": [tree["school_a2"]]}
    if reach == "blocks":
        block = block_create(name="Cụm trường A2", owner=office, members=[tree["school_a2"]], by=personas["admin_dept"])
        extra = {"reach_blocks": [block]}
    campaign = campaign_services.campaign_create(
        launched_by=office,
        name="Phong trào riêng của cụm",
        kind=CampaignKind.THEMATIC,
        school_year=2024,
        by=by,
        reach=reach,
        **extra,
    )
    campaign_services.deadline_create(
        by=None, campaign=campaign, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.SCHOOL, due_date=D(2024, 10, 12)
    )
    campaign_services.campaign_launch(campaign=campaign, by=personas["admin_dept"], today=D(2024, 9, 1))
    assert campaign.__class__.objects.get(pk=campaign.pk).status == CampaignStatus.LAUNCHED
    reviewer = personas["reviewer_a"]
    from workbench.todos import overdue_unit_todos

    overdue_unit_todos(reviewer, tree["office_a"], D(2024, 10, 20))  # the roles' cache
    with django_assert_max_num_queries(3):
        items = overdue_unit_todos(reviewer, tree["office_a"], D(2024, 10, 20))
    # The chosen campaign's deadline (12/10) first with its one school, then the office's campaign with both.
    assert [(t.count, t.due) for t in items] == [(1, D(2024, 10, 12)), (2, D(2024, 10, 15))]


def test_oversee_reaches_nothing_read_does_not():
    """overdue_unit_todos names a campaign without asking `campaigns_visible_to`: it counts units the user
    oversees, which she reads, so any campaign reaching one is visible to her. That holds while OVERSEE
    reaches no further than READ for every role."""
    from units.rules import ROLE_CAPABILITIES, Cap, Reach

    for role, caps in ROLE_CAPABILITIES.items():
        if Cap.OVERSEE in caps:
            assert caps.get(Cap.READ) in (Reach.SUBTREE, caps[Cap.OVERSEE]), role


def test_objections_open_on_the_units_notice_until_resolved(dossier, teacher, personas, tree, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 6, 1))
    nomination = nomination_services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=teacher, summary="Thành tích."
    )
    notice = notices.notice_publish(
        by=personas["secretary_a1"],
        unit=tree["school_a1"],
        title="Danh sách",
        nominations=[nomination],
        starts_on=D(2026, 6, 1),
        days=10,
    )
    objection = notices.objection_submit(
        notice=notice,
        nomination_id=nomination.pk,
        content="Chưa đủ thành tích.",
        sender_name="",
        sender_contact="",
        client="k",
    )
    head = personas["head_a1"]  # APPRAISE on the school: resolves its notice's objections
    [item] = of_kind(head, "objections")
    assert (item.count, item.url) == (1, f"/ho-so-de-nghi/phan-anh/?don_vi={tree['school_a1'].pk}&tinh_trang=open")
    assert of_kind(personas["reviewer_a"], "objections") == []  # not a notice of the Phòng

    notices.objection_resolve(by=head, objection=objection, status="dismissed", resolution="Đã xác minh.")
    assert of_kind(head, "objections") == []


# --- council member ----------------------------------------------------------------------------------------


def test_council_member_open_round_until_voted_and_nothing_more(board):
    staff, absent = board["users"]["staff"], board["users"]["p_a2"]
    mark(board, "chair", "sec", "p_a1", "staff")
    round_ = open_round(board)
    [item] = of_kind(staff, "ballot_open")
    assert (item.url, item.label.endswith("chưa bỏ phiếu"), item.count) == (
        f"/hoi-dong/vong/{round_.pk}/phieu/",
        True,
        None,
    )
    # Not present when the round opened: not entitled, no item (the absent member's role is its council seat).
    assert of_kind(absent, "ballot_open") == []

    council_services.ballot_cast(by=staff, round_=round_, choices={i.pk: "for" for i in board["items"]})

    assert of_kind(staff, "ballot_open") == []


def test_council_member_upcoming_meeting_until_it_is_past(board, tree):
    staff = board["users"]["staff"]
    [item] = of_kind(staff, "meeting", today=DAY - datetime.timedelta(days=1))
    assert (item.due, item.severity, item.url) == (DAY, "warning", f"/hoi-dong/phien-hop/{board['meeting'].pk}/")
    assert of_kind(staff, "meeting", today=DAY + datetime.timedelta(days=1)) == []
    assert todos(make_user("hoidong-a1", tree["school_a1"], Role.COUNCIL_MEMBER), today=DAY) == []


# --- administrator -----------------------------------------------------------------------------------------


def test_admin_units_without_head_until_granted_or_recorded(personas, tree, person_factory):
    admin = personas["admin_dept"]
    without_role = [t.label for t in of_kind(admin, "unit_without_head_role")]
    # School A1 has its head (Bao); every other unit of the Sở but the team lacks one.
    assert sorted(without_role) == sorted(
        f"Chưa cấp tài khoản thủ trưởng – {tree[k].name}"
        for k in ("dept", "office_a", "school_a2", "office_b", "school_b1")
    )
    unit_role_grant(by=admin, user=make_user("hieutruong-b1"), unit=tree["school_b1"], role=Role.HEAD)
    assert f"Chưa cấp tài khoản thủ trưởng – {tree['school_b1'].name}" not in [
        t.label for t in of_kind(admin, "unit_without_head_role")
    ]

    principal = person_factory(tree["school_b1"])
    assert tree["school_b1"].name in " ".join(t.label for t in of_kind(admin, "unit_without_head"))
    unit_update(by=admin, unit=tree["school_b1"], head=principal)
    assert tree["school_b1"].name not in " ".join(t.label for t in of_kind(admin, "unit_without_head"))

    office_admin = make_user("quantri-a", tree["office_a"], Role.ADMINISTRATOR)
    assert all(
        tree["office_b"].name not in t.label and tree["school_b1"].name not in t.label for t in todos(office_admin)
    )


def test_admin_account_of_a_person_without_role_until_granted(personas, tree, person_factory):
    admin = personas["admin_dept"]
    person = person_factory(tree["school_b1"], full_name="Đỗ Thị Tài Khoản")
    account = user_create(by=None, username="dothitaikhoan", password=None, person=person)
    [item] = of_kind(admin, "account_without_role")
    assert (item.label, item.url) == (
        "Tài khoản chưa có vai trò – Đỗ Thị Tài Khoản (dothitaikhoan)",
        f"/don-vi/{tree['school_b1'].pk}/vai-tro/",
    )
    assert of_kind(make_user("quantri-a", tree["office_a"], Role.ADMINISTRATOR), "account_without_role") == []

    unit_role_grant(by=admin, user=account, unit=tree["school_b1"], role=Role.SECRETARY)
    assert of_kind(admin, "account_without_role") == []


def test_user_without_role_has_nothing_to_do(personas):
    assert todos_for(personas["outsider"], None) == []
