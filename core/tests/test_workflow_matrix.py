"""Every transition of every workflow, as every persona: who sees the button and who may act.

The expected table is explicit. For each (workflow, action) the object is put in
a state the action starts from; each persona's buttons (`available_actions`) and
the outcome of `transition` itself (in a rolled-back savepoint) must both equal
the table, so the view, the template and the service cannot disagree. A new
transition without a row here fails the test.
"""

import datetime

import pytest
from django.db import transaction

from awards.enums import InitiativeStatus
from awards.models import Initiative
from awards.services import initiative_register
from campaigns import services
from campaigns.enums import CampaignKind, CampaignStatus, RegistrationStatus
from campaigns.models import Campaign, Registration
from campaigns.services import LineInput
from core import workflow
from core.exceptions import ServiceError
from councils.tests import workflow_targets as councils_rows
from nominations.tests import workflow_targets as nominations_rows

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

# (workflow, action) -> (state it is tried from, personas who may take it). Everyone else is refused.
EXPECTED = {
    ("registration", "send_to_head"): (RegistrationStatus.DRAFT, {"secretary_a1", "admin_dept"}),
    ("registration", "submit"): (RegistrationStatus.AWAITING_HEAD, {"head_a1"}),
    ("registration", "send_back"): (RegistrationStatus.AWAITING_HEAD, {"head_a1"}),
    ("registration", "return"): (RegistrationStatus.SUBMITTED, {"reviewer_a", "admin_dept"}),
    ("campaign", "launch"): (CampaignStatus.DRAFT, {"head_a1", "admin_dept"}),
    ("campaign", "close"): (CampaignStatus.LAUNCHED, {"head_a1", "admin_dept"}),
    ("initiative", "recognise"): (InitiativeStatus.REGISTERED, {"head_a1", "admin_dept"}),
    ("initiative", "not_recognise"): (InitiativeStatus.REGISTERED, {"head_a1", "admin_dept"}),
    **nominations_rows.EXPECTED,
    **councils_rows.EXPECTED,
}

PARAMS = {
    "return": {"comment": "Bổ sung hồ sơ"},
    "send_back": {"comment": "Thiếu tổ 2"},
    "recognise": {"scope": "base", "decision_number": "5/QĐ-TH", "decision_date": datetime.date(2025, 4, 1)},
    **nominations_rows.PARAMS,
    **councils_rows.PARAMS,
}


class Rollback(Exception):
    pass


@pytest.fixture
def objects(tree, personas, person_factory):
    """School A1's registration (in a Phòng A campaign), School A1's own campaign, an initiative of A1."""
    office = services.campaign_create(
        launched_by=tree["office_a"],
        name="Phong trào của Phòng A",
        kind=CampaignKind.REGULAR,
        school_year=2024,
        by=personas["admin_dept"],
    )
    services.campaign_launch(campaign=office, by=personas["admin_dept"])
    teacher = person_factory(tree["school_a1"])
    registration = services.registration_save(
        campaign=office, unit=tree["school_a1"], by=personas["secretary_a1"], lines=[LineInput(person=teacher)]
    )
    school_plan = services.campaign_create(
        launched_by=tree["school_a1"],
        name="Kế hoạch của trường A1",
        kind=CampaignKind.PHASED,
        school_year=2024,
        by=personas["secretary_a1"],
    )
    initiative = initiative_register(
        unit=tree["school_a1"], school_year=2024, title="Đọc sách mỗi ngày", authors=[teacher], by=personas["head_a1"]
    )
    return {
        "registration": registration,
        "campaign": school_plan,
        "initiative": initiative,
        **nominations_rows.workflow_objects(tree, person_factory),
        **councils_rows.workflow_objects(tree, personas, person_factory),
    }


MODELS = {
    "registration": Registration,
    "campaign": Campaign,
    "initiative": Initiative,
    **nominations_rows.MODELS,
    **councils_rows.MODELS,
}


def attempt(obj, action, user) -> str:
    params = dict(PARAMS.get(action, {}))
    try:
        with transaction.atomic():
            workflow.transition(obj, action, by=user, version=obj.version, **params)
            raise Rollback
    except Rollback:
        return "ok"
    except workflow.NotAllowedError:
        return "refused"
    except ServiceError as exc:  # a guard: the table's setup must satisfy every guard
        return f"guard: {exc}"


def test_the_table_covers_every_transition_of_every_workflow():
    registered = {(wf.name, t.action) for wf in workflow._REGISTRY.values() for t in wf.transitions}
    assert registered == set(EXPECTED)


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda key: f"{key[0]}-{key[1]}")
def test_every_persona_on_every_transition(key, objects, personas):
    name, action = key
    state, allowed = EXPECTED[key]
    obj = objects[name]
    nominations_rows.prepare(key, objects)
    MODELS[name].objects.filter(pk=obj.pk).update(status=state)
    obj.refresh_from_db()
    buttons = {p: action in [a.name for a in workflow.available_actions(obj, personas[p])] for p in PERSONAS}
    outcomes = {p: attempt(obj, action, personas[p]) for p in PERSONAS}
    # An action taken only through its service (`via`, e.g. awarded through a decision) has no button at all.
    via = workflow.workflow_for(obj).get(action).via
    assert buttons == {p: p in allowed and not via for p in PERSONAS}
    assert outcomes == {p: "ok" if p in allowed else "refused" for p in PERSONAS}
