"""Every write of evaluations, discipline, service periods, initiatives, decisions, routes and the award
rules checks `by` itself (units.rules.require).

One table: each service with the capability it requires on School A1 (conftest.ACTORS names who holds
it there, who holds the same role on the sibling school, and who is inside without it). The holder
succeeds and changes something; the other two are refused with PermissionDenied and nothing changes.
"""

import datetime

import pytest

from awards import services
from awards.enums import AuthorityKind, DisciplineKind, ServicePeriodKind, TaskRating
from awards.models import (
    AuthorityRoute,
    AwardRecord,
    AwardRule,
    DisciplinePeriod,
    Initiative,
    ServicePeriod,
    TaskEvaluation,
)
from awards.services import routes
from awards.services.routes import authority_route_create, authority_route_supersede
from conftest import service_permission_tests
from core.exceptions import ServiceError

D = datetime.date
MODELS = (TaskEvaluation, DisciplinePeriod, ServicePeriod, Initiative, AwardRecord, AuthorityRoute, AwardRule)


@pytest.fixture
def world(tree, actors, person_factory):
    """School A1 with a teacher, a registered initiative and a route row declared on the school."""
    school = tree["school_a1"]
    person = person_factory(school, full_name="Trần Thị Mai")
    return {
        **tree,
        "person": person,
        "initiative": services.initiative_register(
            by=None, unit=school, school_year=2024, title="Dạy học STEM", authors=[person]
        ),
        "route": authority_route_create(
            by=None,
            unit=school,
            authority_kind=AuthorityKind.UNIT_HEAD,
            decider=school,
            effective_from=D(2024, 1, 1),
        ),
        "rule": AwardRule.objects.filter(award_code="CSTDCS", kind="same_year").get(),
    }


CASES = {
    "task_evaluation_set": (
        "manage_people",
        lambda w, by: services.task_evaluation_set(by=by, person=w["person"], school_year=2024, rating=TaskRating.GOOD),
    ),
    "task_evaluations_bulk_set": (
        "manage_people",
        lambda w, by: services.task_evaluations_bulk_set(
            by=by, unit=w["school_a1"], rows=[(w["person"].pk, 2024, TaskRating.EXCELLENT)]
        ),
    ),
    "discipline_period_create": (
        "manage_people",
        lambda w, by: services.discipline_period_create(
            by=by, person=w["person"], kind=DisciplineKind.REPRIMAND, start=D(2024, 3, 1), end=D(2025, 2, 28)
        ),
    ),
    "service_period_create": (
        "manage_people",
        lambda w, by: services.service_period_create(
            by=by, person=w["person"], kind=ServicePeriodKind.DISADVANTAGED, start=D(2010, 9, 1), end=D(2016, 8, 31)
        ),
    ),
    "initiative_register": (
        "manage_people",
        lambda w, by: services.initiative_register(
            by=by, unit=w["school_a1"], school_year=2024, title="Chuyển đổi số", authors=[w["person"]]
        ),
    ),
    "initiative_update": (
        "manage_people",
        lambda w, by: services.initiative_update(
            by=by, initiative=w["initiative"], title="Dạy học STEM lớp 5", authors=[w["person"]], kind="initiative"
        ),
    ),
    "decision_records_create": (
        "manage_people",
        lambda w, by: services.decision_records_create(
            by=by,
            unit=w["school_a1"],
            award_code="LDTT",
            school_year=2024,
            decision_number="15/QĐ-TH",
            decision_date=D(2025, 6, 15),
            people=[w["person"]],
        ),
    ),
    "authority_route_create": (
        "administer",
        lambda w, by: authority_route_create(
            by=by,
            unit=w["school_a1"],
            authority_kind=AuthorityKind.DISTRICT_CHAIR,
            decider=w["office_a"],
            effective_from=D(2024, 1, 1),
        ),
    ),
    "authority_route_supersede": (
        "administer",
        lambda w, by: authority_route_supersede(
            by=by, route=w["route"], effective_from=D(2025, 7, 1), decider=w["school_a1"]
        ),
    ),
    "award_rule_supersede": (
        "superuser",
        lambda w, by: services.award_rule_supersede(by=by, rule=w["rule"], effective_from=D(2030, 9, 1)),
    ),
}


(
    test_service_done_by_the_holder_of_its_capability,
    test_service_refused_to_others_and_nothing_changes,
    test_service_requires_by_as_a_keyword_without_default,
) = service_permission_tests(CASES, MODELS, lambda name: getattr(services, name, None) or getattr(routes, name))


def test_bulk_evaluations_with_a_person_outside_the_unit_save_nothing_and_name_nobody(world, actors, person_factory):
    stranger = person_factory(world["school_a2"], full_name="Hoàng Văn Lạ")
    rows = [(world["person"].pk, 2024, TaskRating.GOOD), (stranger.pk, 2024, TaskRating.GOOD)]
    with pytest.raises(ServiceError) as error:
        services.task_evaluations_bulk_set(by=actors["secretary_a1"], unit=world["school_a1"], rows=rows)
    assert "Hoàng Văn Lạ" not in str(error.value)
    assert TaskEvaluation.objects.count() == 0


def test_bulk_evaluations_history_rows_name_by(world, actors):
    services.task_evaluations_bulk_set(
        by=actors["secretary_a1"], unit=world["school_a1"], rows=[(world["person"].pk, 2024, TaskRating.GOOD)]
    )
    assert [h.history_user for h in TaskEvaluation.history.all()] == [actors["secretary_a1"]]


def test_decision_revoke_writes_one_history_row_per_record_by_the_revoker(world, actors):
    records = CASES["decision_records_create"][1](world, None)
    services.decision_revoke(
        by=actors["admin_a1"],
        decision_number="15/QĐ-TH",
        decision_date=D(2025, 6, 15),
        revocation_number="2/QĐ-TH",
        revocation_date=D(2025, 9, 1),
        reason="Nhầm đối tượng",
    )
    changed = AwardRecord.history.filter(history_type="~")
    assert [(h.id, h.history_user, h.revocation_id is not None) for h in changed] == [
        (records[0].pk, actors["admin_a1"], True)
    ]


def test_decision_records_create_writes_history_rows_by_the_author(world, actors):
    records = CASES["decision_records_create"][1](world, actors["secretary_a1"])
    created = AwardRecord.history.filter(history_type="+")
    assert [(h.id, h.history_user) for h in created] == [(records[0].pk, actors["secretary_a1"])]
