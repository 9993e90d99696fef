"""Ordinary paths that answered 500: each now answers a page, a 404 or a refusal."""

import pytest
from django.urls import reverse

from awards.models import TaskEvaluation
from units.enums import Role
from units.services import block_create, unit_role_grant


def test_block_page_for_its_organiser_shows_the_edit_link(client, personas, tree):
    """The template's `block` was hidden by Django's `{% block %}` variable: a 500 for whoever could edit."""
    block = block_create(by=None, name="Khối mầm non A", owner=tree["office_a"], members=[tree["school_a2"]])
    head = personas["reviewer_a"]
    unit_role_grant(by=None, user=head, unit=tree["office_a"], role=Role.HEAD)
    client.force_login(head)
    response = client.get(reverse("units:block_detail", kwargs={"pk": block.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Khối mầm non A" in body
    assert reverse("units:block_edit", kwargs={"pk": block.pk}) in body


@pytest.mark.parametrize("unit", ["abc", "", "1.5", "²", "99999999999999999999999", "-1"])
def test_calendar_with_a_malformed_unit_is_not_found(client, personas, unit):
    client.force_login(personas["secretary_a1"])
    status = client.get(reverse("campaigns:calendar"), {"unit": unit}).status_code
    assert status == (200 if unit == "" else 404)


@pytest.mark.parametrize("year", ["abc", "99999", "0", "²", "2024"])
def test_calendar_with_a_malformed_year_shows_a_year(client, personas, tree, year):
    client.force_login(personas["secretary_a1"])
    response = client.get(reverse("campaigns:calendar"), {"unit": tree["school_a1"].pk, "year": year})
    assert response.status_code == 200
    assert response.context["year"] == 2024 if year == "2024" else 1900 <= response.context["year"] <= 2999


@pytest.mark.parametrize(
    "name", ["units:detail", "units:person_detail", "units:block_detail", "awards:unit_history", "awards:record_revoke"]
)
def test_an_id_beyond_the_database_integer_is_not_found(client, personas, name):
    client.force_login(personas["admin_dept"])
    assert client.get(reverse(name, args=[10**30])).status_code == 404


def test_evaluation_grid_with_a_huge_id_is_refused_not_a_server_error(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    response = client.post(
        reverse("awards:evaluation_grid", args=[tree["school_a1"].pk]),
        {"school_year": 2024, f"rating_{10**30}": "excellent"},
    )
    assert response.status_code == 200
    assert "Dữ liệu xếp loại không hợp lệ" in response.content.decode()
    assert TaskEvaluation.objects.count() == 0
