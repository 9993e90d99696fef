"""Property of the workflow engine (core/workflow.py) on a dossier and its nomination.

Random sequences of actions (known and unknown) by random personas, with the current, a stale or no
version, with and without comments (empty, ordinary, too long), through the service and through the one
POST handler (`transition_from_post`, with raw version strings):
- only declared transitions happen: after a success the object is in the action's target state and was in
  one of its sources (or the call was the same actor's repeat, which changes nothing);
- the state always stays among the workflow's states;
- a refused action changes nothing (both objects' state and version, the history, the notifications and
  the mail outbox) and says why in Vietnamese.
"""

import pytest
from django.test import RequestFactory
from hypothesis import event, given
from hypothesis import strategies as st

from core import workflow
from core.exceptions import ServiceError
from core.models import TransitionLog
from core.tests.hypothesis_profiles import examples
from core.tests.properties import is_vietnamese, rolled_back
from nominations.models import Dossier, Nomination
from nominations.tests.workflow_targets import workflow_objects
from notifications.models import Notification, OutgoingMail

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
MODELS = {"dossier": Dossier, "nomination": Nomination}
COMMENTS = st.one_of(
    st.just(""),
    st.sampled_from(["Bổ sung minh chứng", "Chưa đủ tiêu chuẩn", "Đồng ý", "  ", "\u200b"]),
    st.sampled_from(["Bổ sung minh chứng", "Chưa đủ tiêu chuẩn", "Đồng ý"]),
    st.text(max_size=20),
    st.integers(1001, 1500).map(lambda n: "ý" * n),
)
STEP = st.fixed_dictionaries(
    {
        "target": st.sampled_from(sorted(MODELS)),
        "persona": st.sampled_from(PERSONAS),
        # An offered button most of the time, so sequences travel far along the graph.
        "pick": st.integers(0, 50),
        # Now and then a name that is no action at all.
        "bogus": st.sampled_from([None] * 9 + ["xoa_het", "", "send; DROP TABLE"]),
        "version": st.sampled_from(["current"] * 6 + ["stale", "none"]),
        "comment": COMMENTS,
        "via_post": st.booleans(),
        "raw_version": st.none() | st.none() | st.sampled_from(["", "abc", "1.0", "-1", "99999999999999999999", " 3 "]),
    }
)


@pytest.fixture
def world(tree, personas, person_factory):
    return {"objects": workflow_objects(tree, person_factory), "personas": personas}


def _snapshot():
    return (
        sorted(Dossier.objects.values_list("pk", "status", "version")),
        sorted(Nomination.objects.values_list("pk", "status", "version")),
        TransitionLog.objects.count(),
        Notification.objects.count(),
        OutgoingMail.objects.count(),
    )


def _actor_and_action(step, obj, personas) -> tuple:
    """Mostly a button some persona is offered (so sequences travel far along the graph), else the step's
    persona with any action of the workflow, or a name that is no action at all."""
    user, pick = personas[step["persona"]], step["pick"]
    if step["bogus"] is not None:
        return user, step["bogus"]
    offered = [(personas[p], a.name) for p in PERSONAS for a in workflow.available_actions(obj, personas[p])]
    if offered and pick % 5:
        return offered[pick % len(offered)]
    every = [t.action for t in workflow.workflow_for(obj).transitions]
    return user, every[pick % len(every)]


def _post(obj, user, action, step):
    data = {"transition": action, "comment": step["comment"]}
    if step["raw_version"] is not None:
        data["version"] = step["raw_version"]
    elif step["version"] != "none":
        data["version"] = str(obj.version + (1 if step["version"] == "stale" else 0))
    request = RequestFactory().post("/", data)
    request.user = user
    done, message = workflow.transition_from_post(request, obj)
    if not done:
        raise ServiceError(message)


@examples(1.0)
@given(steps=st.lists(STEP, min_size=1, max_size=10))
def test_random_actions_follow_the_graph_and_refusals_change_nothing(world, steps):
    with rolled_back():
        done = 0
        for step in steps:
            obj = MODELS[step["target"]].objects.get(pk=world["objects"][step["target"]].pk)
            wf = workflow.workflow_for(obj)
            user, action = _actor_and_action(step, obj, world["personas"])
            before, state = _snapshot(), obj.status
            last = TransitionLog.objects.filter(object_id=obj.pk, workflow=wf.name).order_by("-at", "-id").first()
            try:
                if step["via_post"]:
                    _post(obj, user, action, step)
                else:
                    version = {"current": obj.version, "stale": obj.version - 1, "none": None}[step["version"]]
                    workflow.transition(obj, action, by=user, version=version, comment=step["comment"])
            except ServiceError as refused:
                assert _snapshot() == before, (action, step["persona"])
                assert is_vietnamese(refused), str(refused)
                continue
            after = MODELS[step["target"]].objects.get(pk=obj.pk)
            assert after.status in wf.states.values
            t = wf.get(action)
            if _snapshot() == before:
                # The same actor's repeat of the action that brought the object here: success, no effect.
                assert (state, last.action, last.by_id) == (t.target, action, user.pk)
            else:
                assert state in t.sources and after.status == t.target, (action, state, after.status)
                assert t.allowed(user, obj)
                assert after.version == obj.version + 1
                done += 1
        event(f"transitions applied: {min(done, 3)}{'+' if done >= 3 else ''}")
