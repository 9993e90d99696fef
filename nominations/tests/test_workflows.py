"""The dossier and nomination workflows: who may take each action, the whole journey, refusals, concurrency."""

import datetime

import pytest

from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, DeadlineAction
from campaigns.services import CollectiveLineInput, LineInput
from conftest import make_user
from core.exceptions import ServiceError, StaleObjectError
from core.models import TransitionLog
from core.workflow import NotAllowedError, workflow_for
from nominations import services
from nominations.enums import DossierStatus as D
from nominations.enums import NominationStatus as N
from nominations.enums import RoundKind
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR, complete_report, fill_submission
from notifications.models import Notification
from units.enums import Role, UnitKind

PERSONAS = [
    "secretary_a1",
    "head_a1",
    "council_a1",
    "reviewer_a",
    "admin_dept",
    "secretary_a2",
    "reviewer_b",
    "outsider",
    "secretary_office_a",
]
SCHOOL_FILERS = {"secretary_a1", "head_a1", "admin_dept"}
APPRAISERS = {"reviewer_a"}

# Who may take each action of each workflow (the `allowed` column of the tables), whatever the guards.
EXPECTED_DOSSIER = {
    "send_to_head": {"secretary_a1", "admin_dept"},
    "send_back": {"head_a1"},
    "send": {"head_a1"},
    "resend": {"head_a1"},
    "start_appraisal": APPRAISERS,
    "return": APPRAISERS,
    "appraise": APPRAISERS,
    "forward": APPRAISERS,
    "decide": APPRAISERS,
}
EXPECTED_NOMINATION = {
    "return": APPRAISERS,
    "resubmit": SCHOOL_FILERS,
    "accept": APPRAISERS,
    "not_accept": APPRAISERS,
    "pass_to_council": APPRAISERS,
    "council_approve": APPRAISERS,
    "council_reject": APPRAISERS,
    "forward": APPRAISERS,
    "award": APPRAISERS,
    "not_award": APPRAISERS,
    # Only the level that decided above it in the roll-up chain; this nomination has no level above.
    "award_down": set(),
    "not_award_down": set(),
}


def add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Hoàn thành xuất sắc.", **kwargs)


def act(obj, action, by, comment="", version=None):
    if isinstance(obj, Dossier):
        return services.dossier_transition(by=by, dossier=obj, action=action, version=version, comment=comment)
    return services.nomination_transition(by=by, nomination=obj, action=action, version=version, comment=comment)


@pytest.fixture
def ready(dossier, teacher, personas):
    """A complete draft: the teacher's LĐTT (eligible), with the tờ trình filled."""
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(dossier, personas["secretary_a1"])
    return Dossier.objects.get(pk=dossier.pk), nomination


def test_who_may_take_each_dossier_action(ready, personas):
    dossier, _ = ready
    Dossier.objects.filter(pk=dossier.pk).update(status=D.UNDER_APPRAISAL)
    dossier.refresh_from_db()
    observed = {
        t.action: {p for p in PERSONAS if t.allowed(personas[p], dossier)} for t in workflow_for(dossier).transitions
    }
    assert observed == EXPECTED_DOSSIER


def test_who_may_take_each_nomination_action(ready, personas):
    dossier, nomination = ready
    Dossier.objects.filter(pk=dossier.pk).update(status=D.UNDER_APPRAISAL)
    nomination = Nomination.objects.select_related("dossier").get(pk=nomination.pk)
    observed = {
        t.action: {p for p in PERSONAS if t.allowed(personas[p], nomination)}
        for t in workflow_for(nomination).transitions
    }
    assert observed == EXPECTED_NOMINATION


def test_nomination_actions_wait_for_the_dossier_to_be_under_appraisal(ready, personas):
    dossier, nomination = ready
    Dossier.objects.filter(pk=dossier.pk).update(status=D.SENT)
    nomination = Nomination.objects.select_related("dossier").get(pk=nomination.pk)
    with pytest.raises(NotAllowedError):
        act(nomination, "accept", personas["reviewer_a"])


@pytest.mark.parametrize("workflow_name", ["dossier", "nomination"])
def test_every_action_is_refused_to_every_persona_not_allowed_and_changes_nothing(ready, personas, workflow_name):
    dossier, nomination = ready
    Dossier.objects.filter(pk=dossier.pk).update(status=D.UNDER_APPRAISAL)
    obj = Dossier.objects.get(pk=dossier.pk) if workflow_name == "dossier" else Nomination.objects.get(pk=nomination.pk)
    expected = EXPECTED_DOSSIER if workflow_name == "dossier" else EXPECTED_NOMINATION
    refused = {}
    for action, allowed in expected.items():
        for persona in sorted(set(PERSONAS) - allowed):
            try:
                act(obj, action, personas[persona], comment="Thử")
            except NotAllowedError:
                refused.setdefault(action, set()).add(persona)
    assert refused == {action: set(PERSONAS) - allowed for action, allowed in expected.items()}
    assert (type(obj).objects.get(pk=obj.pk).status, TransitionLog.objects.count()) == (obj.status, 0)


def test_the_whole_journey_one_nomination_returned_while_the_others_go_on(dossier, teacher, personas, tree):
    secretary, head, reviewer = personas["secretary_a1"], personas["head_a1"], personas["reviewer_a"]
    ldtt = add(dossier, secretary, "LDTT", person=teacher)
    cstdcs = add(dossier, secretary, "CSTDCS", person=teacher)
    team = add(dossier, secretary, "TTLDTT", unit=tree["team_a1"])

    with pytest.raises(ServiceError) as incomplete:
        act(dossier, "send_to_head", secretary)
    assert "Chưa ghi số tờ trình." in str(incomplete.value)

    fill_submission(dossier, secretary)
    with pytest.raises(ServiceError, match="Chiến sĩ thi đua cơ sở: chưa có báo cáo thành tích"):
        act(dossier, "send_to_head", secretary)
    complete_report(cstdcs, secretary)
    if Nomination.objects.get(pk=cstdcs.pk).verdict == "not_eligible":
        with pytest.raises(ServiceError, match="không đủ điều kiện theo kiểm tra tự động"):
            act(dossier, "send_to_head", secretary)
        services.nomination_override(
            by=reviewer, nomination=cstdcs, version=None, criterion="Luật TĐKT 2022 Điều 23", reason="Đề nghị cùng đợt."
        )

    act(dossier, "send_to_head", secretary)
    assert Notification.objects.filter(user=head).count() == 1
    sent = act(dossier, "send", head)
    assert (sent.status, sent.receiving_unit, sent.sent_at is not None) == (D.SENT, tree["office_a"], True)
    assert Notification.objects.filter(user=reviewer).count() == 1

    act(dossier, "start_appraisal", reviewer)
    act(Nomination.objects.get(pk=team.pk), "return", reviewer, comment="Bổ sung tỷ lệ LĐTT của tổ.")
    assert Notification.objects.filter(user=secretary, message__contains="Bổ sung tỷ lệ").count() == 1
    act(Nomination.objects.get(pk=ldtt.pk), "accept", reviewer)
    act(Nomination.objects.get(pk=cstdcs.pk), "accept", reviewer)
    with pytest.raises(ServiceError, match="Còn 1 đề nghị chưa có ý kiến"):
        act(Dossier.objects.get(pk=dossier.pk), "appraise", reviewer)

    services.nomination_update(by=secretary, nomination=team, version=None, summary="Tổ có 100% LĐTT.")
    act(Nomination.objects.get(pk=team.pk), "resubmit", secretary)
    act(Nomination.objects.get(pk=team.pk), "accept", reviewer)
    act(Dossier.objects.get(pk=dossier.pk), "appraise", reviewer)
    for n in (ldtt, cstdcs, team):
        act(Nomination.objects.get(pk=n.pk), "award", reviewer)
    decided = act(Dossier.objects.get(pk=dossier.pk), "decide", reviewer)

    assert decided.status == D.DECIDED
    assert dict(Nomination.objects.values_list("pk", "status")) == {
        ldtt.pk: N.AWARDED,
        cstdcs.pk: N.AWARDED,
        team.pk: N.AWARDED,
    }


def test_a_dossier_returned_whole_is_resent_with_its_returned_nominations(ready, personas):
    dossier, nomination = ready
    act(dossier, "send", personas["head_a1"])
    act(Dossier.objects.get(pk=dossier.pk), "start_appraisal", personas["reviewer_a"])
    act(Nomination.objects.get(pk=nomination.pk), "return", personas["reviewer_a"], comment="Thiếu minh chứng.")
    act(Dossier.objects.get(pk=dossier.pk), "return", personas["reviewer_a"], comment="Bổ sung.")
    services.nomination_update(by=personas["secretary_a1"], nomination=nomination, version=None, summary="Đã bổ sung.")
    resent = act(Dossier.objects.get(pk=dossier.pk), "resend", personas["head_a1"])
    assert (resent.status, Nomination.objects.get(pk=nomination.pk).status) == (D.SENT, N.PROPOSED)


def test_send_double_click_files_once(ready, personas):
    dossier, _ = ready
    version = dossier.version
    act(dossier, "send", personas["head_a1"], version=version)
    again = act(Dossier.objects.get(pk=dossier.pk), "send", personas["head_a1"], version=version)
    assert (again.status, TransitionLog.objects.filter(action="send").count()) == (D.SENT, 1)


def test_two_reviewers_at_once_one_wins_the_other_is_told(ready, personas, tree):
    dossier, nomination = ready
    other = make_user("chi-hai", tree["office_a"], Role.REVIEWER)
    act(dossier, "send", personas["head_a1"])
    act(Dossier.objects.get(pk=dossier.pk), "start_appraisal", personas["reviewer_a"])
    loaded = Nomination.objects.get(pk=nomination.pk)
    act(loaded, "accept", personas["reviewer_a"], version=loaded.version)
    with pytest.raises(StaleObjectError, match="đã được người khác cập nhật"):
        act(loaded, "not_accept", other, comment="Không đạt.", version=loaded.version)
    assert Nomination.objects.get(pk=nomination.pk).status == N.ACCEPTED


def test_return_needs_a_comment(ready, personas):
    dossier, _ = ready
    act(dossier, "send", personas["head_a1"])
    with pytest.raises(ServiceError, match="Vui lòng ghi lý do trả lại"):
        act(Dossier.objects.get(pk=dossier.pk), "return", personas["reviewer_a"])


# --- campaigns: deadline and one click from the registration --------------------------------------


@pytest.fixture
def campaign(tree, personas):
    campaign = campaign_services.campaign_create(
        launched_by=tree["office_a"],
        name="Phong trào đổi mới sáng tạo",
        kind=CampaignKind.THEMATIC,
        school_year=YEAR,
        by=personas["secretary_office_a"],
    )
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.NOMINATE,
        unit_kind=UnitKind.SCHOOL,
        due_date=datetime.date(2026, 5, 18),
    )
    # Launched before its deadline (a past deadline refuses the launch).
    return campaign_services.campaign_launch(
        campaign=campaign, by=personas["admin_dept"], today=datetime.date(2026, 5, 1)
    )


def test_send_after_the_deadline_is_refused_until_the_level_above_reopens_it(campaign, teacher, personas, tree):
    dossier = services.dossier_create(
        by=personas["secretary_a1"],
        unit=tree["school_a1"],
        round_kind=RoundKind.CAMPAIGN,
        school_year=YEAR,
        campaign=campaign,
    )
    add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(dossier, personas["secretary_a1"])
    with pytest.raises(ServiceError, match="Đã quá hạn «Gửi hồ sơ đề nghị khen thưởng»"):
        act(Dossier.objects.get(pk=dossier.pk), "send", personas["head_a1"])
    campaign_services.deadline_extend(
        deadline=campaign.deadlines.get(),
        unit=tree["school_a1"],
        until=datetime.date.today() + datetime.timedelta(days=3),
        by=personas["reviewer_a"],
        reason="Trường bổ sung hồ sơ.",
    )
    assert act(Dossier.objects.get(pk=dossier.pk), "send", personas["head_a1"]).status == D.SENT


def test_nominations_from_registration_one_click_people_and_teams_no_duplicates(campaign, teacher, personas, tree):
    from awards.engine import award_type_in_force

    today = datetime.date.today()
    ldtt, ttldtt = award_type_in_force("LDTT", today), award_type_in_force("TTLDTT", today)
    registration = campaign_services.registration_save(
        campaign=campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=teacher, title=ldtt)],
        collective_lines=[CollectiveLineInput(team=tree["team_a1"], title=ttldtt)],
    )
    # Submitted as the campaigns workflow would (its own tests cover the head's step).
    type(registration).objects.filter(pk=registration.pk).update(status="submitted")
    dossier = services.dossier_create(
        by=personas["secretary_a1"],
        unit=tree["school_a1"],
        round_kind=RoundKind.CAMPAIGN,
        school_year=YEAR,
        campaign=campaign,
    )
    created = services.nominations_from_registration(by=personas["secretary_a1"], dossier=dossier)
    again = services.nominations_from_registration(by=personas["secretary_a1"], dossier=dossier)
    assert {(n.person_id, n.unit_id, n.award_type.code) for n in created} == {
        (None, tree["team_a1"].pk, "TTLDTT"),
        (teacher.pk, None, "LDTT"),
    }
    assert (again, Nomination.objects.count(), Nomination.history.count()) == ([], 2, 2)
    assert all(n.verdict for n in Nomination.objects.all())
