"""The initiative workflow (awards.workflows): recognition is an action with its fields as parameters."""

import datetime

import pytest

from awards import services
from awards.enums import InitiativeScope, InitiativeStatus
from core.exceptions import ServiceError, StaleObjectError
from core.models import TransitionLog


@pytest.fixture
def item(tree, person_factory, personas):
    author = person_factory(unit=tree["school_a1"])
    return services.initiative_register(
        by=personas["secretary_a1"], unit=tree["school_a1"], school_year=2024, title="Vườn rau", authors=[author]
    )


def recognise(item, user, **overrides):
    fields = {
        "scope": InitiativeScope.BASE,
        "decision_number": "7/QĐ-TH",
        "decision_date": datetime.date(2025, 4, 1),
        "issuer": "Trường Tiểu học A1",
    }
    return services.initiative_recognise(
        initiative=item, recognised=True, by=user, version=item.version, **{**fields, **overrides}
    )


def test_recognition_keeps_who_and_when(item, personas):
    done = recognise(item, personas["head_a1"])
    assert (done.status, done.scope, done.decision_number, done.version) == (
        InitiativeStatus.RECOGNISED,
        InitiativeScope.BASE,
        "7/QĐ-TH",
        item.version + 1,
    )
    log = TransitionLog.objects.get(workflow="initiative", object_id=item.pk)
    assert (log.action, log.by, log.from_state, log.to_state) == (
        "recognise",
        personas["head_a1"],
        InitiativeStatus.REGISTERED,
        InitiativeStatus.RECOGNISED,
    )


def test_recognition_refused_to_a_secretary_and_without_a_decision(item, personas):
    with pytest.raises(ServiceError, match="Chỉ thủ trưởng"):
        recognise(item, personas["secretary_a1"])
    with pytest.raises(ServiceError, match="số và ngày quyết định"):
        recognise(item, personas["head_a1"], decision_number="")
    with pytest.raises(ServiceError, match="trước khi năm học"):
        recognise(item, personas["head_a1"], decision_date=datetime.date(2024, 1, 1))
    item.refresh_from_db()
    assert item.status == InitiativeStatus.REGISTERED


def test_not_recognised_then_recognised_on_appeal_but_recognised_is_final(item, personas):
    loaded = item.version
    not_yet = services.initiative_recognise(initiative=item, recognised=False, by=personas["head_a1"], version=loaded)
    assert (not_yet.status, not_yet.decision_number) == (InitiativeStatus.NOT_RECOGNISED, "")
    with pytest.raises(StaleObjectError):
        recognise(item, personas["admin_dept"])  # item.version is the old one: a stale form
    item.refresh_from_db()
    recognise(item, personas["admin_dept"])
    item.refresh_from_db()
    with pytest.raises(ServiceError, match="đang ở trạng thái «Đã công nhận»"):
        services.initiative_recognise(initiative=item, recognised=False, by=personas["head_a1"], version=item.version)
