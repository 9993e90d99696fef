"""The administrator's to-dos read through statements compiled once per process (core.fixedsql, issue 14) when the
user administers the unit's whole subtree: pinned equal to the kernel's scoped querysets for every persona and every
unit of the tree, with accounts without a role, units without a head role and without a recorded head."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from units.enums import Role
from units.models import Unit
from units.rules import Cap, can, people_in_scope, units_in_scope
from workbench import todos


@pytest.fixture
def gaps(actors, tree, person_factory):
    """An account without a role in school A1 and one in Phòng B; a head recorded on school A2 only."""
    for username, unit in [("khong-vai-tro-a1", tree["school_a1"]), ("khong-vai-tro-b", tree["office_b"])]:
        person = person_factory(unit)
        person.user = make_user(username)
        person.save(update_fields=["user"])
    Unit.objects.filter(pk=tree["school_a2"].pk).update(head=person_factory(tree["school_a2"]))
    return {
        **actors,
        "admin_office_a": make_user("quantri-phong-a", tree["office_a"], Role.ADMINISTRATOR),
    }


def _units(rows):
    return [(u.pk, u.name, u.path, u.head_id, u.has_head_role) for u in rows]


def _accounts(rows):
    return [(p.pk, p.full_name, p.unit_id, p.user.username) for p in rows]


def test_fixed_reads_equal_the_kernels_scoped_reads(gaps, tree):
    checked = 0
    for user in gaps.values():
        for unit in Unit.objects.order_by("path"):
            subtree = Unit.objects.filter(path__startswith=unit.path)
            whole = todos._administers_subtree(user, unit)
            assert whole == all(can(user, Cap.ADMINISTER, u) for u in subtree), (user.username, unit.name)
            if not whole:
                continue
            checked += 1
            assert _units(todos._UNITS_MISSING_A_HEAD.run(unit.path)) == _units(
                todos._units_missing_a_head(units_in_scope(user, unit, Cap.ADMINISTER))
            )
            assert _accounts(todos._ACCOUNTS_WITHOUT_ROLE.run(unit.path)) == _accounts(
                todos._accounts_without_role(people_in_scope(user, unit, Cap.ADMINISTER))
            )
    assert checked >= 8  # the Sở's administrator on every unit, Phòng A's on its subtree, the superuser on all
    rows = _accounts(todos._ACCOUNTS_WITHOUT_ROLE.run(tree["dept"].path))
    assert {r[3] for r in rows} >= {"khong-vai-tro-a1", "khong-vai-tro-b"}
    assert [r[3] for r in _accounts(todos._ACCOUNTS_WITHOUT_ROLE.run(tree["office_a"].path))].count(
        "khong-vai-tro-b"
    ) == 0


def test_admin_home_reads_two_statements_for_the_subtree(gaps, tree):
    admin = gaps["admin_dept"]
    role = admin.unit_roles.get()
    todos.todos_for(admin, role)  # compiled once per process
    with CaptureQueriesContext(connection) as captured:
        items = todos.todos_for(admin, role)
    assert len(captured) == 2
    kinds = {t.kind for t in items}
    assert {"account_without_role", "unit_without_head_role", "unit_without_head"} <= kinds
    assert not any(tree["school_a2"].name in t.label for t in items if t.kind == "unit_without_head")
