"""The workflow engine itself (core.workflow), on a workflow defined here.

The engine is generic; it is tested on a small workflow over the `Campaign`
model (any versioned model with a status would do), registered for the test
only, with guards, effects and on-commit callbacks that count their calls.
"""

import threading

import pytest
from django.db import connection, transaction

from campaigns import services
from campaigns.enums import CampaignKind, CampaignStatus
from campaigns.models import Campaign
from core import workflow
from core.exceptions import ServiceError, StaleObjectError
from core.models import TransitionLog
from core.workflow import COMMENT_REQUIRED, Transition, Workflow, available_actions, transition

S = CampaignStatus


@pytest.fixture
def calls():
    return {"effect": 0, "on_commit": 0}


@pytest.fixture
def test_workflow(calls):
    """A workflow over Campaign for this test; the real one is put back afterwards."""
    saved = dict(workflow._REGISTRY)

    def effect(ctx):
        calls["effect"] += 1

    def after(ctx):
        calls["on_commit"] += 1

    def boom(ctx):
        raise RuntimeError("effect failed")

    def only(username):
        return lambda user, obj: user.username == username

    wf = Workflow(
        name="test",
        model=Campaign,
        states=CampaignStatus,
        noun="phong trào thử",
        transitions=(
            Transition(
                action="go",
                label="Bắt đầu",
                sources=(S.DRAFT,),
                target=S.LAUNCHED,
                allowed=lambda user, obj: user.username in ("bao", "dung"),
                refusal="Chỉ Bảo hoặc Dũng được bắt đầu.",
                effects=(effect,),
                on_commit=(after,),
            ),
            Transition(
                action="guarded",
                label="Có điều kiện",
                sources=(S.DRAFT,),
                target=S.LAUNCHED,
                allowed=only("bao"),
                guards=(lambda ctx: None if ctx.params.get("ok") else "Chưa đủ điều kiện.",),
            ),
            Transition(
                action="stop",
                label="Dừng",
                sources=(S.LAUNCHED,),
                target=S.CLOSED,
                allowed=only("bao"),
                comment=COMMENT_REQUIRED,
                comment_label="Lý do dừng",
            ),
            Transition(
                action="broken",
                label="Hỏng",
                sources=(S.DRAFT,),
                target=S.CLOSED,
                allowed=only("bao"),
                effects=(boom,),
            ),
        ),
    )
    yield wf
    workflow._REGISTRY.clear()
    workflow._REGISTRY.update(saved)


@pytest.fixture
def draft(tree, personas):
    return services.campaign_create(
        launched_by=tree["school_a1"],
        name="Phong trào thử",
        kind=CampaignKind.PHASED,
        school_year=2024,
        by=personas["secretary_a1"],
    )


def logs(obj):
    return list(TransitionLog.objects.filter(workflow="test", object_id=obj.pk).values_list("action", "by__username"))


def test_transition_changes_state_bumps_version_writes_log_and_runs_effects(
    test_workflow, draft, personas, calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = transition(draft, "go", by=personas["head_a1"], version=draft.version)
    assert (done.status, done.version) == (S.LAUNCHED, draft.version + 1)
    assert logs(draft) == [("go", "bao")]
    log = TransitionLog.objects.get(workflow="test")
    assert (log.from_state, log.to_state, log.version) == (S.DRAFT, S.LAUNCHED, done.version)
    assert calls == {"effect": 1, "on_commit": 1}


def test_on_commit_callbacks_wait_for_the_commit(
    test_workflow, draft, personas, calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(draft, "go", by=personas["head_a1"], version=draft.version)
    assert (calls["effect"], calls["on_commit"], len(callbacks)) == (1, 0, 1)


def test_stale_version_loses_with_a_vietnamese_message(test_workflow, draft, personas):
    with pytest.raises(StaleObjectError) as exc:
        transition(draft, "go", by=personas["head_a1"], version=draft.version - 1)
    assert "đã được người khác cập nhật" in str(exc.value)
    assert "Vui lòng tải lại trang" in str(exc.value)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert logs(draft) == []


def test_two_reviewers_with_the_same_version_one_wins_the_other_is_told(test_workflow, draft, personas, calls):
    version = draft.version
    transition(draft, "go", by=personas["head_a1"], version=version)
    with pytest.raises(StaleObjectError, match="hiện ở trạng thái «Đã phát động»"):
        transition(draft, "go", by=personas["admin_dept"], version=version)
    assert logs(draft) == [("go", "bao")]
    assert calls["effect"] == 1


def test_repeat_by_the_same_actor_is_success_without_a_second_row_or_effect(
    test_workflow, draft, personas, calls, django_capture_on_commit_callbacks
):
    version = draft.version
    with django_capture_on_commit_callbacks(execute=True):
        first = transition(draft, "go", by=personas["head_a1"], version=version)
        again = transition(draft, "go", by=personas["head_a1"], version=version)
    assert (again.status, again.version) == (S.LAUNCHED, first.version)
    assert logs(draft) == [("go", "bao")]
    assert calls == {"effect": 1, "on_commit": 1}


def test_repeat_after_another_change_is_stale_not_success(test_workflow, draft, personas):
    version = draft.version
    transition(draft, "go", by=personas["head_a1"], version=version)
    Campaign.objects.filter(pk=draft.pk).update(version=version + 5)  # an edit in between
    with pytest.raises(StaleObjectError):
        transition(draft, "go", by=personas["head_a1"], version=version)


def test_actor_who_may_not_is_refused_before_anything_else(test_workflow, draft, personas):
    with pytest.raises(workflow.NotAllowedError, match="Chỉ Bảo hoặc Dũng"):
        transition(draft, "go", by=personas["secretary_a1"], version=draft.version - 7)
    draft.refresh_from_db()
    assert (draft.status, logs(draft)) == (S.DRAFT, [])


def test_wrong_state_is_refused_with_the_labels(test_workflow, draft, personas):
    with pytest.raises(ServiceError, match="Không thể «Dừng»: phong trào thử đang ở trạng thái «Đang soạn thảo»"):
        transition(draft, "stop", by=personas["head_a1"], version=draft.version, comment="x")


def test_unknown_action_is_refused(test_workflow, draft, personas):
    with pytest.raises(ServiceError, match="Thao tác không hợp lệ"):
        transition(draft, "fly", by=personas["head_a1"], version=draft.version)


def test_guard_refusal_changes_nothing(test_workflow, draft, personas):
    with pytest.raises(ServiceError, match="Chưa đủ điều kiện"):
        transition(draft, "guarded", by=personas["head_a1"], version=draft.version)
    draft.refresh_from_db()
    assert (draft.status, logs(draft)) == (S.DRAFT, [])
    transition(draft, "guarded", by=personas["head_a1"], version=draft.version, ok=True)
    draft.refresh_from_db()
    assert draft.status == S.LAUNCHED


def test_required_comment(test_workflow, draft, personas):
    launched = transition(draft, "go", by=personas["head_a1"], version=draft.version)
    with pytest.raises(ServiceError, match="Vui lòng ghi lý do dừng"):
        transition(launched, "stop", by=personas["head_a1"], version=launched.version, comment="   ")
    transition(launched, "stop", by=personas["head_a1"], version=launched.version, comment="Hết hạn")
    assert TransitionLog.objects.get(action="stop").comment == "Hết hạn"


def test_history_row_is_in_the_same_transaction_as_the_change(test_workflow, draft, personas):
    with pytest.raises(RuntimeError):
        transition(draft, "broken", by=personas["head_a1"], version=draft.version)
    draft.refresh_from_db()
    assert (draft.status, draft.version, logs(draft)) == (S.DRAFT, 1, [])


def test_available_actions_follow_state_and_actor(test_workflow, draft, personas):
    def names(user, obj):
        return [a.name for a in available_actions(obj, user)]

    assert names(personas["head_a1"], draft) == ["go", "guarded", "broken"]
    assert names(personas["admin_dept"], draft) == ["go"]
    assert names(personas["secretary_a1"], draft) == []
    launched = transition(draft, "go", by=personas["head_a1"], version=draft.version)
    assert names(personas["head_a1"], launched) == ["stop"]
    stop = available_actions(launched, personas["head_a1"])[0]
    assert (stop.label, stop.comment_required, stop.comment_label) == ("Dừng", True, "Lý do dừng")


def test_history_has_vietnamese_labels(test_workflow, draft, personas):
    transition(draft, "go", by=personas["head_a1"], version=draft.version)
    rows = workflow.history(draft)
    assert [(r.action, r.from_state, r.to_state, r.by) for r in rows] == [
        ("Bắt đầu", "Đang soạn thảo", "Đã phát động", personas["head_a1"])
    ]


def test_a_workflow_with_an_unknown_state_is_refused_at_definition(test_workflow):
    with pytest.raises(ValueError, match="unknown state"):
        Workflow(
            name="bad",
            model=Campaign,
            states=CampaignStatus,
            transitions=(Transition(action="x", label="X", sources=("nowhere",), target=S.CLOSED, allowed=bool),),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_at_once_on_postgresql_one_wins(tree, personas, test_workflow, calls):
    """Two threads post the same action with the same version at the same moment: one applies, one is told."""
    campaign = services.campaign_create(
        launched_by=tree["school_a1"], name="Đua", kind=CampaignKind.PHASED, school_year=2024, by=personas["head_a1"]
    )
    actors = [personas["head_a1"], personas["admin_dept"]]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user):
        try:
            barrier.wait()
            with transaction.atomic():
                transition(campaign, "go", by=user, version=campaign.version)
            outcomes.append("ok")
        except StaleObjectError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert "đã được người khác cập nhật" in next(o for o in outcomes if o != "ok")
    assert TransitionLog.objects.filter(workflow="test", object_id=campaign.pk).count() == 1
    assert calls["effect"] == 1
