import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from campaigns import selectors, services
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, ReachKind, RegistrationStatus
from campaigns.models import ReminderLog
from campaigns.services import CollectiveLineInput, LineInput
from campaigns.services.registrations import registered_counts
from conftest import make_user
from core.exceptions import ServiceError, StaleObjectError
from core.models import TransitionLog
from notifications.models import Notification
from units.enums import Role, UnitKind
from units.services import block_create, unit_create

D = datetime.date


def visible_ids(user):
    return set(selectors.campaigns_visible_to(user).values_list("pk", flat=True))


# --- visibility --------------------------------------------------------------------------


def test_campaigns_visible_office_campaign_reaches_own_schools_not_other_office(office_campaign, personas):
    assert visible_ids(personas["secretary_a1"]) == {office_campaign.pk}
    assert visible_ids(personas["secretary_a2"]) == {office_campaign.pk}
    assert visible_ids(personas["reviewer_a"]) == {office_campaign.pk}
    assert visible_ids(personas["admin_dept"]) == {office_campaign.pk}
    assert visible_ids(personas["reviewer_b"]) == set()
    assert visible_ids(personas["outsider"]) == set()


def test_campaigns_visible_draft_only_to_launcher_side(tree, personas):
    draft = services.campaign_create(
        launched_by=tree["office_a"],
        name="Bản thảo",
        kind=CampaignKind.THEMATIC,
        school_year=2024,
        by=personas["secretary_office_a"],
    )
    assert draft.status == CampaignStatus.DRAFT
    assert draft.pk in visible_ids(personas["reviewer_a"])
    assert draft.pk in visible_ids(personas["admin_dept"])
    assert draft.pk not in visible_ids(personas["secretary_a1"])


def test_campaigns_visible_chosen_units_reach_only_them(tree, personas):
    campaign = services.campaign_create(
        launched_by=tree["dept"],
        name="Chọn đơn vị",
        kind=CampaignKind.THEMATIC,
        school_year=2024,
        reach=ReachKind.UNITS,
        reach_units=[tree["school_a2"]],
        by=personas["admin_dept"],
    )
    services.campaign_launch(campaign=campaign, by=personas["admin_dept"])
    assert campaign.pk in visible_ids(personas["secretary_a2"])
    assert campaign.pk in visible_ids(personas["reviewer_a"])  # A2 is in Phòng A's subtree
    assert campaign.pk not in visible_ids(personas["secretary_a1"])
    assert campaign.pk not in visible_ids(personas["reviewer_b"])


def test_campaigns_visible_blocks_reach_members(tree, personas):
    block = block_create(
        by=None, name="Khối mầm non", owner=tree["office_a"], members=[tree["school_a2"]], school_year=2024
    )
    campaign = services.campaign_create(
        launched_by=tree["office_a"],
        name="Khối thi đua",
        kind=CampaignKind.REGULAR,
        school_year=2024,
        reach=ReachKind.BLOCKS,
        reach_blocks=[block],
        by=personas["secretary_office_a"],
    )
    services.campaign_launch(campaign=campaign, by=personas["admin_dept"])
    assert campaign.pk in visible_ids(personas["secretary_a2"])
    assert campaign.pk not in visible_ids(personas["secretary_a1"])
    assert set(selectors.expected_registrants(campaign)) == {tree["school_a2"]}


def test_campaigns_visible_is_one_query(office_campaign, personas, django_assert_num_queries):
    user = personas["secretary_a1"]
    list(selectors.campaigns_visible_to(user))  # warm the role cache
    with django_assert_num_queries(1):
        list(selectors.campaigns_visible_to(user))


def test_campaign_create_refuses_chosen_unit_outside_launcher(tree, personas):
    with pytest.raises(ServiceError, match="phạm vi quản lý"):
        services.campaign_create(
            launched_by=tree["office_a"],
            name="Sai phạm vi",
            kind=CampaignKind.THEMATIC,
            school_year=2024,
            reach=ReachKind.UNITS,
            reach_units=[tree["school_b1"]],
            by=personas["secretary_office_a"],
        )


# --- phases ------------------------------------------------------------------------------


def test_phase_create_refuses_overlap_with_vietnamese_message(office_campaign):
    services.phase_create(by=None, campaign=office_campaign, number=1, start=D(2024, 9, 5), end=D(2024, 11, 30))
    with pytest.raises(ServiceError) as exc:
        services.phase_create(by=None, campaign=office_campaign, number=2, start=D(2024, 11, 20), end=D(2025, 1, 15))
    assert str(exc.value) == (
        "Đợt 2 (20/11/2024 – 15/01/2025) trùng thời gian với Đợt 1 (05/09/2024 – 30/11/2024). "
        "Các đợt của một phong trào không được chồng lên nhau."
    )
    assert office_campaign.phases.count() == 1


def test_phase_update_refuses_overlap_and_keeps_dates(office_campaign):
    services.phase_create(by=None, campaign=office_campaign, number=1, start=D(2024, 9, 5), end=D(2024, 11, 30))
    second = services.phase_create(
        by=None, campaign=office_campaign, number=2, start=D(2024, 12, 1), end=D(2025, 1, 15)
    )
    with pytest.raises(ServiceError, match="trùng thời gian"):
        services.phase_update(by=None, phase=second, start=D(2024, 11, 1))
    second.refresh_from_db()
    assert second.start == D(2024, 12, 1)


# --- registrations and deadlines ---------------------------------------------------------


EXPLAINED = "Hoàn thành xuất sắc nhiệm vụ năm trước; tên sáng kiến sẽ bổ sung sau khi tổ thống nhất."


@pytest.fixture
def registration(office_campaign, tree, personas, awards, person_factory):
    people = [person_factory(tree["school_a1"]), person_factory(tree["team_a1"])]
    return services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[
            LineInput(person=people[0], title=awards["LDTT"]),
            # No initiative named: a marked line, kept with the unit's explanation so it can be sent.
            LineInput(person=people[1], title=awards["CSTDCS"], explanation=EXPLAINED),
        ],
        collective_title=awards["TTLDTT"],
    )


def submit(registration, user, day, **kwargs):
    return services.registration_transition(
        registration=registration, to_status=RegistrationStatus.SUBMITTED, by=user, today=day, **kwargs
    )


def test_registration_late_submission_refused_then_accepted_after_reopen(registration, personas, office_campaign):
    head = personas["head_a1"]
    with pytest.raises(ServiceError) as exc:
        submit(registration, head, D(2024, 10, 16))
    assert "Đã quá hạn «Gửi đăng ký thi đua»" in str(exc.value)
    assert "hạn chót 15/10/2024" in str(exc.value)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    deadline = office_campaign.deadlines.get()
    extension = services.deadline_extend(
        deadline=deadline,
        unit=registration.unit,
        until=D(2024, 10, 20),
        by=personas["reviewer_a"],
        reason="Trường bổ sung hồ sơ",
        today=D(2024, 10, 16),
    )
    assert (extension.granted_by, extension.until) == (personas["reviewer_a"], D(2024, 10, 20))
    submit(registration, head, D(2024, 10, 18))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_deadline_extend_refused_to_the_school_itself(registration, personas, office_campaign):
    with pytest.raises(PermissionDenied):
        services.deadline_extend(
            deadline=office_campaign.deadlines.get(),
            unit=registration.unit,
            until=D(2024, 10, 20),
            by=personas["head_a1"],
            today=D(2024, 10, 16),
        )


def test_registration_reopen_of_other_schools_deadline_does_not_help(registration, personas, office_campaign, tree):
    services.deadline_extend(
        deadline=office_campaign.deadlines.get(),
        unit=tree["school_a2"],
        until=D(2024, 10, 20),
        by=personas["reviewer_a"],
        today=D(2024, 10, 16),
    )
    with pytest.raises(ServiceError, match="quá hạn"):
        submit(registration, personas["head_a1"], D(2024, 10, 18))


def test_registration_double_submit_files_once(registration, personas):
    head = personas["head_a1"]
    version = registration.version
    submit(registration, head, D(2024, 10, 1), expected_version=version)
    submit(registration, head, D(2024, 10, 1), expected_version=version)
    assert TransitionLog.objects.filter(workflow="registration", object_id=registration.pk).count() == 1


def test_registration_stale_version_refused(registration, personas):
    with pytest.raises(StaleObjectError):
        submit(registration, personas["head_a1"], D(2024, 10, 1), expected_version=registration.version - 1)


def test_registration_submit_only_by_head(registration, personas):
    with pytest.raises(ServiceError, match="thủ trưởng"):
        submit(registration, personas["secretary_a1"], D(2024, 10, 1))


def test_registration_return_writes_history_and_reopens(registration, personas, office_campaign):
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    services.registration_transition(
        registration=registration,
        to_status=RegistrationStatus.RETURNED,
        by=personas["reviewer_a"],
        comment="Thiếu sáng kiến",
        reopen_until=D(2024, 10, 25),
        today=D(2024, 10, 16),
    )
    history = list(
        TransitionLog.objects.filter(workflow="registration", object_id=registration.pk).values_list(
            "from_state", "to_state"
        )
    )
    assert history == [("draft", "submitted"), ("submitted", "returned")]
    assert list(selectors.deadline_pending_units(office_campaign.deadlines.get())) != []
    submit(registration, personas["head_a1"], D(2024, 10, 24))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_registration_edit_refused_after_submit(registration, personas, office_campaign, tree):
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    with pytest.raises(ServiceError, match="đã gửi cấp trên"):
        services.registration_save(
            campaign=office_campaign, unit=tree["school_a1"], by=personas["secretary_a1"], lines=[]
        )


def test_registration_save_refuses_person_of_other_school(office_campaign, tree, personas, person_factory, awards):
    stranger = person_factory(tree["school_a2"])
    with pytest.raises(ServiceError, match="^Có người không thuộc đơn vị này hoặc không tìm thấy.$"):
        services.registration_save(
            campaign=office_campaign,
            unit=tree["school_a1"],
            by=personas["secretary_a1"],
            lines=[LineInput(person=stranger, title=awards["LDTT"])],
        )


def test_registration_save_refuses_collective_title_for_person(office_campaign, tree, personas, person_factory, awards):
    person = person_factory(tree["school_a1"])
    with pytest.raises(ServiceError, match="không dùng được"):
        services.registration_save(
            campaign=office_campaign,
            unit=tree["school_a1"],
            by=personas["secretary_a1"],
            lines=[LineInput(person=person, title=awards["TTLDXS"])],
        )


# --- teams' collective lines --------------------------------------------------------------


def save_teams(campaign, tree, personas, team_lines, **kwargs):
    return services.registration_save(
        campaign=campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[],
        collective_lines=team_lines,
        **kwargs,
    )


def test_registration_save_refuses_team_of_other_school(office_campaign, tree, personas, awards, teams):
    foreign = unit_create(by=None, name="Tổ chuyên môn Mẫu giáo", kind=UnitKind.TEAM, parent=tree["school_a2"])
    with pytest.raises(ServiceError, match="không phải tổ đang hoạt động của Trường Tiểu học A1"):
        save_teams(office_campaign, tree, personas, [CollectiveLineInput(team=foreign, title=awards["TTLDTT"])])
    assert not office_campaign.registrations.exists()


def test_registration_save_refuses_school_itself_as_a_team(office_campaign, tree, personas, awards):
    with pytest.raises(ServiceError, match="không phải tổ"):
        save_teams(office_campaign, tree, personas, [CollectiveLineInput(team=tree["school_a1"])])


def test_registration_save_refuses_closed_team(office_campaign, tree, personas, awards, teams):
    teams[2].active_to = D(2020, 1, 1)
    teams[2].save(update_fields=["active_to"])
    with pytest.raises(ServiceError, match="Tổ văn phòng không phải tổ đang hoạt động"):
        save_teams(office_campaign, tree, personas, [CollectiveLineInput(team=teams[2])])


@pytest.mark.parametrize(
    "title, commendation",
    [("LDTT", None), ("CSTDCS", None), ("GK", None), (None, "TTLDTT")],
    ids=["individual-title", "individual-title-2", "commendation-as-title", "title-as-commendation"],
)
def test_registration_save_refuses_award_a_team_cannot_register(
    office_campaign, tree, personas, awards, teams, title, commendation
):
    line = CollectiveLineInput(team=teams[0], title=awards.get(title), commendation=awards.get(commendation))
    with pytest.raises(ServiceError, match="không dùng được làm .* của tổ"):
        save_teams(office_campaign, tree, personas, [line])
    assert not office_campaign.registrations.exists()


def test_registration_save_refuses_team_twice(office_campaign, tree, personas, awards, teams):
    with pytest.raises(ServiceError, match="có hai dòng"):
        save_teams(office_campaign, tree, personas, [CollectiveLineInput(team=teams[0])] * 2)


def test_registration_save_team_lines_round_trip(office_campaign, tree, personas, awards, teams):
    first = save_teams(
        office_campaign,
        tree,
        personas,
        [
            CollectiveLineInput(team=teams[0], title=awards["TTLDTT"], commendation=awards["GK"]),
            CollectiveLineInput(team=teams[1], title=awards["TTLDXS"]),
            CollectiveLineInput(team=teams[2]),
        ],
        collective_title=awards["TTLDXS"],
    )
    rows = list(first.collective_lines.values_list("order", "team", "title", "commendation"))
    assert rows == [
        (1, teams[0].pk, awards["TTLDTT"].pk, awards["GK"].pk),
        (2, teams[1].pk, awards["TTLDXS"].pk, None),
        (3, teams[2].pk, None, None),
    ]
    second = save_teams(
        office_campaign,
        tree,
        personas,
        [CollectiveLineInput(team=teams[1], title=awards["TTLDTT"])],
        expected_version=first.version,
    )
    assert (second.pk, second.version) == (first.pk, first.version + 1)
    assert list(second.collective_lines.values_list("team", "title")) == [(teams[1].pk, awards["TTLDTT"].pk)]


def test_registration_save_stale_version_keeps_team_lines(office_campaign, tree, personas, awards, teams):
    registration = save_teams(
        office_campaign, tree, personas, [CollectiveLineInput(team=teams[0], title=awards["TTLDTT"])]
    )
    save_teams(office_campaign, tree, personas, [CollectiveLineInput(team=teams[0], title=awards["TTLDXS"])])
    with pytest.raises(StaleObjectError):
        save_teams(
            office_campaign, tree, personas, [CollectiveLineInput(team=teams[1])], expected_version=registration.version
        )
    assert list(registration.collective_lines.values_list("team", "title")) == [(teams[0].pk, awards["TTLDXS"].pk)]


def test_registration_targets_count_teams(office_campaign, tree, personas, awards, teams, person_factory):
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=person_factory(tree["school_a1"]), title=awards["LDTT"])],
        collective_title=awards["TTLDXS"],
        collective_lines=[
            CollectiveLineInput(team=teams[0], title=awards["TTLDTT"], commendation=awards["GK"]),
            CollectiveLineInput(team=teams[1], title=awards["TTLDTT"]),
            CollectiveLineInput(team=teams[2]),
        ],
    )
    targets = services.registration_targets(registration)
    assert [str(t) for t in targets.teams] == [
        "Tập thể lao động tiên tiến: 2/3 tổ đạt 66,6 %",
        "Giấy khen: 1/3 tổ đạt 33,3 %",
    ]
    assert targets.team_total == 3
    assert [str(t) for t in targets.individual] == ["Lao động tiên tiến: 1/1 đạt 100 %"]  # teams are not people
    assert targets.collective == [awards["TTLDXS"]]


def test_registration_with_only_team_lines_can_be_submitted(office_campaign, tree, personas, awards, teams):
    registration = save_teams(
        office_campaign, tree, personas, [CollectiveLineInput(team=teams[0], title=awards["TTLDTT"])]
    )
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


# Lines over the campaign's cap are marked by the registration check and need an explanation to be sent.
WHY = "Phòng đồng ý xét vượt chỉ tiêu"


def test_registration_caps_check_counts_team_lines(office_campaign, tree, personas, awards, teams, person_factory):
    services.campaign_award_set(by=None, campaign=office_campaign, award_type=awards["GK"], cap=2)
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=person_factory(tree["school_a1"]), commendation=awards["GK"], explanation=WHY)],
        collective_commendation=awards["GK"],
        collective_explanation=WHY,
        collective_lines=[CollectiveLineInput(team=t, commendation=awards["GK"], explanation=WHY) for t in teams[:2]],
    )
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    assert registered_counts(office_campaign, ["GK", "TTLDTT"]) == {"GK": 4, "TTLDTT": 0}
    (verdict,) = services.registration_caps_check(campaign=office_campaign)
    assert (verdict.registered, verdict.allowed, verdict.ok) == (4, 2, False)


def test_registered_targets_for_prefilling_nominations(registration, personas, awards, tree):
    assert selectors.registered_targets(None, unit=tree["school_a1"], school_year=2024) == {}
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    targets = selectors.registered_targets(None, unit=tree["school_a1"], school_year=2024)
    assert sorted(t.title_id for t in targets.values()) == sorted([awards["LDTT"].pk, awards["CSTDCS"].pk])


def test_format_percent_cuts_to_one_decimal():
    assert [services.format_percent(n, 31) for n in (30, 11, 6, 31, 0)] == ["96,7", "35,4", "19,3", "100", "0"]


# --- caps --------------------------------------------------------------------------------


def test_registration_caps_check_flags_over_cap(office_campaign, tree, personas, awards, person_factory):
    services.campaign_award_set(by=None, campaign=office_campaign, award_type=awards["GK"], cap=1)
    people = [person_factory(tree["school_a1"]) for _ in range(2)]
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=p, commendation=awards["GK"], explanation=WHY) for p in people],
    )
    (verdict,) = services.registration_caps_check(campaign=office_campaign)
    assert (verdict.registered, verdict.ok) == (0, True)  # drafts do not count
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    (verdict,) = services.registration_caps_check(campaign=office_campaign)
    assert (verdict.registered, verdict.allowed, verdict.ok) == (2, 1, False)
    assert any("Vượt hạn mức" in reason for reason in verdict.reasons)


# --- completions and reminders -----------------------------------------------------------


def test_deadline_complete_refused_after_deadline(tree, personas, office_campaign):
    plan = services.deadline_create(
        by=None,
        campaign=office_campaign,
        action=DeadlineAction.PLAN,
        unit_kind=UnitKind.SCHOOL,
        due_date=D(2024, 10, 1),
    )
    with pytest.raises(ServiceError, match="quá hạn"):
        services.deadline_complete(deadline=plan, unit=tree["school_a1"], by=personas["head_a1"], today=D(2024, 10, 2))
    services.deadline_complete(deadline=plan, unit=tree["school_a1"], by=personas["head_a1"], today=D(2024, 9, 30))
    assert set(selectors.deadline_pending_units(plan)) == {tree["school_a2"]}


def test_reminders_go_only_to_units_that_have_not_acted(
    registration, personas, office_campaign, tree, settings, django_capture_on_commit_callbacks
):
    settings.CAMPAIGN_REMINDER_DAYS = [7, 1]
    for user, email in ((personas["head_a1"], "bao@example.vn"), (personas["secretary_a2"], "em@example.vn")):
        user.email = email
        user.save(update_fields=["email"])
    head_a2 = make_user("an", tree["school_a2"], Role.HEAD)
    submit(registration, personas["head_a1"], D(2024, 10, 1))  # A1 has acted
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.reminders_send(today=D(2024, 10, 8))  # 7 days before 15/10
    assert reminded == 1
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"em", head_a2.username}
    assert [m.to for m in mail.outbox] == [["em@example.vn"]]
    assert "15/10/2024" in mail.outbox[0].body


def test_reminders_twice_same_day_send_nothing_new(office_campaign, personas, settings):
    settings.CAMPAIGN_REMINDER_DAYS = [7, 1]
    first = services.reminders_send(today=D(2024, 10, 14))
    count = Notification.objects.count()
    second = services.reminders_send(today=D(2024, 10, 14))
    assert (first, second) == (2, 0)
    assert Notification.objects.count() == count
    # A late first run that covers both offsets recorded both, so the 1-day run is silent too.
    assert set(ReminderLog.objects.values_list("days_before", flat=True)) == {1, 7}


def test_reminders_outside_window_send_nothing(office_campaign, settings):
    settings.CAMPAIGN_REMINDER_DAYS = [7, 1]
    assert services.reminders_send(today=D(2024, 10, 1)) == 0
    assert services.reminders_send(today=D(2024, 10, 16)) == 0


# --- compacts ----------------------------------------------------------------------------


def test_compact_create_refuses_units_outside_block(tree, personas):
    block = block_create(by=None, name="Khối A", owner=tree["office_a"], members=[tree["school_a1"], tree["school_a2"]])
    compact = services.compact_create(
        block=block,
        title="Giao ước 2024-2025",
        text="Thi đua dạy tốt, học tốt.",
        signed_on=D(2024, 9, 20),
        units=[tree["school_a1"], tree["school_a2"]],
        by=personas["secretary_office_a"],
    )
    assert set(compact.units.all()) == {tree["school_a1"], tree["school_a2"]}
    with pytest.raises(ServiceError, match="^Có đơn vị ký không thuộc Khối A.$"):
        services.compact_create(
            block=block,
            title="Sai",
            text="x",
            signed_on=D(2024, 9, 20),
            units=[tree["school_a1"], tree["school_b1"]],
            by=personas["secretary_office_a"],
        )


def test_reminders_follow_a_reopened_unit_to_its_new_date(office_campaign, tree, personas, settings):
    settings.CAMPAIGN_REMINDER_DAYS = [7, 1]
    deadline = office_campaign.deadlines.get()
    assert services.reminders_send(today=D(2024, 10, 14)) == 2  # both schools, 1 day before 15/10
    services.deadline_extend(
        deadline=deadline,
        unit=tree["school_a2"],
        until=D(2024, 10, 25),
        by=personas["reviewer_a"],
        reason="Bổ sung",
        today=D(2024, 10, 16),
    )
    Notification.objects.all().delete()
    assert services.reminders_send(today=D(2024, 10, 17)) == 0  # 8 days before the new date: outside the window
    assert services.reminders_send(today=D(2024, 10, 20)) == 1  # the 7-day reminder for 25/10, reopened school only
    assert services.reminders_send(today=D(2024, 10, 24)) == 1  # the 1-day reminder
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"em"}
    assert "25/10/2024" in Notification.objects.first().message
    assert services.reminders_send(today=D(2024, 10, 24)) == 0  # and only once


def test_submitted_initiative_titles_enter_the_initiative_register(
    office_campaign, tree, personas, awards, person_factory
):
    from awards.models import Initiative

    lan, hoa, minh = person_factory(tree["school_a1"]), person_factory(tree["team_a1"]), person_factory(tree["team_a1"])
    registration = services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[
            # Two CSTĐCS of three people is over the 15 % quota estimate: kept with an explanation.
            LineInput(lan, awards["CSTDCS"], initiative_title="Dạy học STEM ở lớp 1", explanation=EXPLAINED),
            LineInput(hoa, awards["CSTDCS"], initiative_title="dạy học STEM ở lớp 1", explanation=EXPLAINED),
            LineInput(person=minh, title=awards["LDTT"]),
        ],
    )
    assert Initiative.objects.count() == 0  # a draft registers nothing yet
    submit(registration, personas["head_a1"], D(2024, 10, 1))
    initiative = Initiative.objects.get()
    assert (initiative.unit, initiative.school_year, initiative.title) == (
        tree["school_a1"],
        2024,
        "Dạy học STEM ở lớp 1",
    )
    assert set(initiative.authors.all()) == {lan, hoa}


# --- reminders through the outbox --------------------------------------------------------


def test_reminder_is_marked_sent_only_when_its_mail_went_out(
    office_campaign, personas, tree, settings, django_capture_on_commit_callbacks
):
    from smtplib import SMTPException
    from unittest import mock

    from notifications.services import outbox_sweep

    settings.CAMPAIGN_REMINDER_DAYS = [1]
    personas["secretary_a1"].email = "alice@example.vn"
    personas["secretary_a1"].save(update_fields=["email"])
    later = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=SMTPException("down")):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send(today=D(2024, 10, 14)) == 2  # no error although SMTP is down

    logs = dict(ReminderLog.objects.values_list("unit_id", "sent_on"))
    # A1's secretary has an address: queued, not sent. A2 has nobody with an address: the in-app notice is it.
    assert logs == {tree["school_a1"].pk: None, tree["school_a2"].pk: D(2024, 10, 14)}
    assert set(ReminderLog.objects.values_list("queued_on", flat=True)) == {D(2024, 10, 14)}

    assert outbox_sweep(now=later) == 1  # SMTP is back

    a1_log = ReminderLog.objects.get(unit=tree["school_a1"])
    assert a1_log.sent_on is not None
    assert [m.to for m in mail.outbox][-1:] == [["alice@example.vn"]]
    assert services.reminders_send(today=D(2024, 10, 14)) == 0  # and nothing twice
