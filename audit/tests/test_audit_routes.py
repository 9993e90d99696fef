"""The route to the deciding authority is audited: who created, ended or replaced a route, and its steps."""

import datetime

import pytest
from django.urls import reverse

from awards.enums import AuthorityKind
from awards.services.routes import authority_route_create
from units.enums import UnitKind
from units.services import unit_create

pytestmark = pytest.mark.django_db

URL = reverse("audit:list")


@pytest.fixture
def office_route(tree, personas):
    district = unit_create(by=None, name="UBND huyện Thử", kind=UnitKind.DISTRICT_AUTHORITY)
    return authority_route_create(
        unit=tree["office_a"],
        authority_kind=AuthorityKind.DISTRICT_CHAIR,
        decider=district,
        via=[tree["office_a"]],
        effective_from=datetime.date(2024, 1, 1),
        by=personas["admin_dept"],
    )


def _rows(client, user, model):
    client.force_login(user)
    response = client.get(URL, {"model": model})
    assert response.status_code == 200
    return [
        (r.who, r.object, r.change_type, [(c.field, c.old, c.new) for c in r.changes]) for r in response.context["rows"]
    ]


def test_route_end_through_the_page_shows_on_the_audit_page_with_author_and_dates(client, personas, office_route):
    client.force_login(personas["admin_dept"])
    response = client.post(reverse("awards:route_end", args=[office_route.pk]), {"effective_to": "30/06/2025"})
    assert response.status_code == 302

    route = "Chủ tịch UBND cấp huyện – Phòng GD&ĐT A → UBND huyện Thử"
    assert _rows(client, personas["admin_dept"], "awards.authorityroute") == [
        ("dung", route, "~", [("hiệu lực đến ngày", "—", "30/06/2025")]),
        ("dung", route, "+", []),
    ]
    assert _rows(client, personas["admin_dept"], "awards.authorityroutestep") == [
        ("dung", "1. Phòng GD&ĐT A – tuyến trình đến UBND huyện Thử", "+", []),
    ]


def test_route_changes_are_hidden_from_auditors_of_units_below_or_beside(client, personas, office_route, tree):
    # Bao heads school A1 (below Phòng A): he audits his school, not the route rows of the Phòng.
    assert _rows(client, personas["head_a1"], "awards.authorityroute") == []
    assert _rows(client, personas["head_a1"], "awards.authorityroutestep") == []
    client.force_login(personas["head_a1"])
    assert "UBND huyện Thử" not in client.get(URL).content.decode()
