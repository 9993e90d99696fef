"""The staff list reads its page as values() rows with the unit's names in the same query, and shows them as
the model would."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.enums import Gender
from units.filters import PersonFilter
from units.models import Person
from units.services import unit_update

URL = reverse("units:person_list")


def list_queries(client, user, params=None) -> list[str]:
    client.force_login(user)
    client.get(URL, params or {})  # warm the session and the role cache alike for every count
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params or {}).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_staff_list_queries_constant_in_rows_the_unit_names_in_the_page_query(client, personas, tree, person_factory):
    # Past one page (a list that fits on its first page is counted from its rows: test_staff_rows_html.py).
    for n in range(26):
        person_factory(tree["team_a1"] if n % 2 else tree["school_a1"])
    one = list_queries(client, personas["secretary_a1"])
    for n in range(30):
        person_factory(tree["team_a1"] if n % 2 else tree["school_a1"])
    many = list_queries(client, personas["secretary_a1"])
    assert len(many) == len(one)
    # One query reads the page with the unit names; the count reads the people alone (no join for the cap's
    # 10,000 rows).
    page_queries = [sql for sql in many if '"units_person"."full_name"' in sql]
    assert len(page_queries) == 1 and '"units_unit"."short_name"' in page_queries[0]
    counts = [sql for sql in many if "COUNT(" in sql and '"units_person"' in sql]
    assert len(counts) == 1 and "JOIN" not in counts[0]


def test_staff_list_rows_show_what_the_models_display(client, personas, tree, person_factory):
    unit_update(by=None, unit=tree["team_a1"], short_name="Tổ 1 & 2")
    teacher = person_factory(
        tree["team_a1"], full_name="Đỗ Văn Hùng", gender=Gender.MALE, date_of_birth=datetime.date(1980, 2, 3)
    )
    left = person_factory(tree["school_a1"], full_name="Đỗ Thị Lan", position="", is_active=False)
    client.force_login(personas["secretary_a1"])
    body = client.get(URL, {"q": "do"}).content.decode()
    assert (
        f'<tr><td><a href="{reverse("units:person_detail", args=[teacher.pk])}">Đỗ Văn Hùng</a></td>'
        f'<td class="d-none d-md-table-cell">{teacher.get_gender_display()}</td><td>03/02/1980</td>'
        '<td class="d-none d-md-table-cell">Giáo viên</td><td>Tổ 1 &amp; 2</td>'
    ) in body
    assert (
        f'<tr><td><a href="{reverse("units:person_detail", args=[left.pk])}">Đỗ Thị Lan</a></td>'
        f'<td class="d-none d-md-table-cell">{left.get_gender_display()}</td>'
    ) in body
    assert f"<td>{tree['school_a1'].name}</td>" in body and '<td class="d-none d-lg-table-cell">Nghỉ</td>' in body


def test_staff_list_sorted_by_a_shared_value_keeps_one_order_and_the_unit_filter_reads_the_person_path(
    client, personas, tree, person_factory
):
    """Ties on the sorted column are broken by the id, so paging never shows a person twice or skips one; the
    unit filter reads the path copied on the person (no join to units_unit)."""
    born = datetime.date(1980, 5, 5)
    people = [person_factory(tree["team_a1"] if n % 2 else tree["school_a1"], date_of_birth=born) for n in range(6)]
    params = {"o": "date_of_birth", "unit": tree["school_a1"].pk}
    sql = list_queries(client, personas["secretary_a1"], params)
    page = [q for q in sql if '"units_person"."full_name"' in q][0]
    assert "ORDER BY" in page and page.split("ORDER BY")[1].count(",") == 1  # the sorted column, then the id
    for o, order in (
        ("date_of_birth", ("date_of_birth", "pk")),
        ("-unit", ("-unit__name", "pk")),
        ("", ("unit_path", "full_name", "pk")),
    ):
        assert PersonFilter({"o": o}, queryset=Person.objects.all()).qs.query.order_by == order
    assert '"units_person"."unit_path"' in page and '"units_unit"."path"' not in page
    body = client.get(URL, params).content.decode()
    shown = [p.pk for p in people if reverse("units:person_detail", args=[p.pk]) in body]
    assert shown == sorted(p.pk for p in people)
    order = [body.index(reverse("units:person_detail", args=[pk])) for pk in shown]
    assert order == sorted(order)


def test_staff_list_default_order_breaks_ties_by_id_so_no_one_is_on_two_pages_or_none(
    client, personas, tree, person_factory
):
    # 30 teachers of one name in one school: the default order (unit, name) ties on all of them.
    same = {person_factory(tree["school_a1"], full_name="Nguyễn Văn An").pk for _ in range(30)}
    people = Person.objects.filter(unit=tree["school_a1"])
    assert PersonFilter({}, queryset=people).qs.query.order_by[-1] == "pk"
    client.force_login(personas["secretary_a1"])
    seen = []
    for page in (1, 2):
        body = client.get(URL, {"q": "nguyen van an", "page": page}).content.decode()
        seen += [pk for pk in same if f'href="{reverse("units:person_detail", args=[pk])}"' in body]
    assert sorted(seen) == sorted(same)


def test_default_order_tie_break_is_not_added_after_a_unique_field():
    from units.filters import UnitFilter
    from units.models import Unit

    assert UnitFilter({}, queryset=Unit.objects.all()).qs.query.order_by == ()
    assert PersonFilter({"o": "full_name"}, queryset=Person.objects.all()).qs.query.order_by == ("full_name", "pk")
