"""The registration and campaign workflows (campaigns.workflows) through their services."""

import datetime

import pytest

from awards.models import Initiative
from campaigns import services
from campaigns.enums import CampaignKind, CampaignStatus, RegistrationStatus
from campaigns.models import DeadlineCompletion
from campaigns.services import LineInput
from core.exceptions import ServiceError, StaleObjectError
from core.models import TransitionLog
from notifications.models import Notification

D = datetime.date
S = RegistrationStatus


@pytest.fixture
def registration(office_campaign, tree, personas, awards, person_factory):
    teacher = person_factory(tree["school_a1"])
    return services.registration_save(
        campaign=office_campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=teacher, title=awards["LDTT"], initiative_title="Lớp học xanh")],
    )


def act(registration, action, user, **kwargs):
    registration.refresh_from_db()
    return services.registration_transition(
        registration=registration, action=action, by=user, expected_version=registration.version, **kwargs
    )


def notified(user):
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def test_each_step_notifies_who_acts_next(registration, personas, tree):
    Notification.objects.all().delete()  # the launch notice
    act(registration, "send_to_head", personas["secretary_a1"])
    assert notified(personas["head_a1"]) == [
        f"Bản đăng ký thi đua của {tree['school_a1'].name} («{registration.campaign.name}») đang chờ thủ trưởng duyệt."
    ]
    assert notified(personas["reviewer_a"]) == []
    act(registration, "send_back", personas["head_a1"], comment="Thiếu tổ 2")
    assert [m.endswith("Thiếu tổ 2") for m in notified(personas["secretary_a1"])] == [True]
    act(registration, "send_to_head", personas["secretary_a1"])
    act(registration, "submit", personas["head_a1"], today=D(2024, 10, 1))
    assert notified(personas["reviewer_a"]) == [
        f"{tree['school_a1'].name} đã gửi đăng ký thi đua của phong trào «{registration.campaign.name}»."
    ]
    act(registration, "return", personas["reviewer_a"], comment="Bổ sung", today=D(2024, 10, 2))
    returned = [m for m in notified(personas["secretary_a1"]) if "Cấp trên đã trả lại" in m]
    assert [m.endswith(": Bổ sung") for m in returned] == [True]
    assert [m for m in notified(personas["head_a1"]) if m.endswith(": Bổ sung")] == returned


def test_head_submits_a_draft_directly_with_completion_and_initiatives(registration, personas, tree):
    act(registration, "submit", personas["head_a1"], today=D(2024, 10, 1))
    registration.refresh_from_db()
    assert (registration.status, registration.submitted_by) == (S.SUBMITTED, personas["head_a1"])
    assert DeadlineCompletion.objects.filter(unit=tree["school_a1"]).count() == 1
    assert list(Initiative.objects.filter(unit=tree["school_a1"]).values_list("title", flat=True)) == ["Lớp học xanh"]


def test_send_to_head_refuses_an_empty_registration(office_campaign, tree, personas):
    empty = services.registration_save(
        campaign=office_campaign, unit=tree["school_a1"], by=personas["secretary_a1"], lines=[]
    )
    with pytest.raises(ServiceError, match="chưa có nội dung"):
        act(empty, "send_to_head", personas["secretary_a1"])


def test_awaiting_head_cannot_be_edited_until_sent_back(registration, personas, office_campaign, tree):
    act(registration, "send_to_head", personas["secretary_a1"])
    with pytest.raises(ServiceError, match="đang chờ thủ trưởng duyệt"):
        services.registration_save(
            campaign=office_campaign, unit=tree["school_a1"], by=personas["secretary_a1"], lines=[]
        )


def test_send_back_needs_a_reason(registration, personas):
    act(registration, "send_to_head", personas["secretary_a1"])
    with pytest.raises(ServiceError, match="lý do trả lại"):
        act(registration, "send_back", personas["head_a1"])


def test_return_refused_to_the_head_of_the_unit_itself(registration, personas):
    act(registration, "submit", personas["head_a1"], today=D(2024, 10, 1))
    with pytest.raises(ServiceError, match="cấp trên"):
        act(registration, "return", personas["head_a1"], comment="x")


def test_two_reviewers_return_at_once_one_wins_the_other_is_told(registration, personas):
    act(registration, "submit", personas["head_a1"], today=D(2024, 10, 1))
    registration.refresh_from_db()
    loaded = registration.version
    services.registration_transition(
        registration=registration, action="return", by=personas["reviewer_a"], expected_version=loaded, comment="A"
    )
    with pytest.raises(StaleObjectError, match="Bản đăng ký đã được người khác cập nhật"):
        services.registration_transition(
            registration=registration, action="return", by=personas["admin_dept"], expected_version=loaded, comment="B"
        )
    assert list(
        TransitionLog.objects.filter(object_id=registration.pk, workflow="registration").values_list(
            "action", "comment"
        )
    ) == [("submit", ""), ("return", "A")]


def test_campaign_launch_and_close_are_logged_and_close_stops_registrations(tree, personas, person_factory):
    campaign = services.campaign_create(
        launched_by=tree["school_a1"],
        name="Kế hoạch",
        kind=CampaignKind.PHASED,
        school_year=2024,
        by=personas["head_a1"],
    )
    services.campaign_launch(campaign=campaign, by=personas["head_a1"], version=campaign.version)
    with pytest.raises(ServiceError, match="Chỉ thủ trưởng"):
        services.campaign_close(campaign=campaign, by=personas["secretary_a1"])
    services.campaign_close(campaign=campaign, by=personas["head_a1"], comment="Kết thúc năm học")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    log = list(TransitionLog.objects.filter(workflow="campaign", object_id=campaign.pk).values_list("action", "by"))
    assert log == [("launch", personas["head_a1"].pk), ("close", personas["head_a1"].pk)]
    with pytest.raises(ServiceError, match="đã kết thúc"):
        services.registration_save(campaign=campaign, unit=tree["school_a1"], by=personas["secretary_a1"], lines=[])


def test_launch_twice_by_the_same_head_notifies_once(tree, personas):
    campaign = services.campaign_create(
        launched_by=tree["office_a"],
        name="Phòng A",
        kind=CampaignKind.REGULAR,
        school_year=2024,
        by=personas["admin_dept"],
    )
    version = campaign.version
    services.campaign_launch(campaign=campaign, by=personas["admin_dept"], version=version)
    services.campaign_launch(campaign=campaign, by=personas["admin_dept"], version=version)
    assert len(notified(personas["head_a1"])) == 1
    assert TransitionLog.objects.filter(workflow="campaign", object_id=campaign.pk).count() == 1
