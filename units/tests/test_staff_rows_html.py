"""The staff list's rows and its empty filter form written once in Python (units.staff_rows): byte for byte what
person_list.html's loop and includes/filter_form.html wrote."""

import datetime

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from units import selectors, staff_rows
from units.enums import Gender
from units.filters import PersonFilter
from units.tests.test_staff_list_rows import URL, list_queries
from units.views import STAFF_LIST_COLUMNS, StaffRow

# person_list.html's loop before units.staff_rows, with the fields the view then added to each row.
OLD_LOOP = Template(
    "{% load portal %}{% for p in page %}\n"
    '<tr><td><a href="{{ p.link }}">{{ p.full_name }}</a>{% if p.is_manager %} <span class="badge text-bg-info">CBQL'
    '</span>{% endif %}</td><td class="d-none d-md-table-cell">{{ p.gender_label|dash }}</td><td>{{ p.date_of_birth'
    '|date:"d/m/Y"|dash }}</td><td class="d-none d-md-table-cell">{{ p.position|dash }}</td><td>{{ p.unit_label }}'
    '</td><td class="d-none d-lg-table-cell">{{ p.service_start|date:"d/m/Y"|dash }}</td><td class="d-none '
    'd-lg-table-cell">{% if p.is_active %}Đang công tác{% else %}Nghỉ{% endif %}</td></tr>\n'
    '{% empty %}<tr><td colspan="7">Không có cá nhân nào.</td></tr>\n{% endfor %}'
)


def _old_rows(rows):
    from units.models import Person

    genders = {value: str(label) for value, label in Person._meta.get_field("gender").flatchoices}
    return [
        StaffRow(
            row,
            link=f"/don-vi/ca-nhan/{row['pk']}/",
            gender_label=genders.get(row["gender"], row["gender"]),
            unit_label=row["unit__short_name"] or row["unit__name"],
        )
        for row in rows
    ]


@pytest.mark.django_db
def test_rows_html_is_the_old_loop_on_every_kind_of_row():
    base = dict(zip(STAFF_LIST_COLUMNS, [0] * len(STAFF_LIST_COLUMNS), strict=True))
    rows = [
        {
            **base,
            "pk": 7,
            "full_name": 'Đỗ <Văn> "Hùng" & Co',
            "is_manager": True,
            "gender": Gender.MALE,
            "date_of_birth": datetime.date(1980, 2, 3),
            "position": "Tổ trưởng <b>",
            "service_start": datetime.date(999, 9, 1),
            "is_active": True,
            "unit__name": "Trường A & B",
            "unit__short_name": "",
        },
        {
            **base,
            "pk": 12345,
            "full_name": "Lê Thị Lan",
            "is_manager": False,
            "gender": "",
            "date_of_birth": None,
            "position": "",
            "service_start": None,
            "is_active": False,
            "unit__name": "Trường C",
            "unit__short_name": "TC <1>",
        },
        {
            **base,
            "pk": 8,
            "full_name": "X",
            "gender": None,
            "date_of_birth": datetime.date(2001, 12, 31),
            "position": None,
            "service_start": datetime.date(2020, 1, 9),
            "is_active": True,
            "unit__name": "U",
            "unit__short_name": None,
        },
    ]
    old = OLD_LOOP.render(Context({"page": _old_rows(rows)}))
    assert "&lt;Văn&gt; &quot;Hùng&quot; &amp; Co" in old and "0999" in old and "—" in old
    assert staff_rows.staff_rows_html(rows) == old
    assert staff_rows.staff_rows_html([]) == OLD_LOOP.render(Context({"page": []}))


def _filter(user, query: str):
    request = RequestFactory().get(URL + query)
    people = selectors.people_visible_to(user)
    person_filter = PersonFilter(request.GET, queryset=people, units=selectors.units_visible_to(user))
    person_filter.qs  # noqa: B018 validates, as the view does before rendering
    return person_filter, request.GET


@pytest.mark.parametrize("persona", ["secretary_a1", "reviewer_a", "admin_dept", "outsider"])
def test_empty_filter_form_is_rendered_once_and_equals_the_include(personas, persona, monkeypatch):
    monkeypatch.setattr(staff_rows, "_EMPTY_FORMS", {})
    person_filter, data = _filter(personas[persona], "?page=2")
    expected = render_to_string("includes/filter_form.html", {"filter": person_filter})

    first = staff_rows.filter_form_html(person_filter, data)
    monkeypatch.setattr(staff_rows, "render_to_string", lambda *a, **k: pytest.fail("rendered again"))
    again = staff_rows.filter_form_html(*_filter(personas["secretary_a2"], ""))

    assert first == expected and again is first


@pytest.mark.parametrize(
    "query", ["?q=Lan", "?o=-full_name", "?gender=male", "?is_active=false", "?unit__q=A1", "?unit={unit}"]
)
def test_a_filled_filter_form_is_rendered_for_its_values(personas, tree, query, monkeypatch):
    monkeypatch.setattr(staff_rows, "_EMPTY_FORMS", {"vi": "cached"})
    person_filter, data = _filter(personas["reviewer_a"], query.format(unit=tree["school_a1"].pk))

    html = staff_rows.filter_form_html(person_filter, data)

    assert html == render_to_string("includes/filter_form.html", {"filter": person_filter}) != "cached"


# The staff list's queries, pinned: the session, the account with its roles, the page's count (capped), its rows
# with the units' names, the unread notifications; a list that fits on its first page is counted from its rows.
STAFF_LIST_QUERIES = 5


def test_staff_list_queries_pinned(client, personas, tree, person_factory):
    for n in range(30):
        person_factory(tree["team_a1"] if n % 2 else tree["school_a1"])
    assert len(list_queries(client, personas["secretary_a1"])) == STAFF_LIST_QUERIES
    assert len(list_queries(client, personas["reviewer_a"], {"o": "unit", "page": "2"})) == STAFF_LIST_QUERIES
    assert len(list_queries(client, personas["reviewer_a"], {"page": "1"})) == STAFF_LIST_QUERIES


def test_a_list_on_one_page_is_counted_from_its_rows(client, personas, tree, person_factory):
    for n in range(25):
        person_factory(tree["school_a2"] if n % 2 else tree["school_a1"])  # A1: 13, A2: 12, Phòng A: 25

    def page(persona):
        queries = list_queries(client, personas[persona])
        counts = [sql for sql in queries if "COUNT(" in sql and "units_person" in sql]
        html = client.get(URL).content.decode()
        return len(queries), len(counts), html.count("<tr><td><a"), html

    assert page("secretary_a1")[:3] == (STAFF_LIST_QUERIES - 1, 0, 13)
    assert '<p class="text-muted small">13 dòng</p>' in page("secretary_a1")[3]
    assert page("reviewer_a")[:3] == (STAFF_LIST_QUERIES - 1, 0, 25)  # exactly one page
    assert '<p class="text-muted small">25 dòng</p>' in page("reviewer_a")[3]
    person_factory(tree["school_a2"])
    assert page("reviewer_a")[:3] == (STAFF_LIST_QUERIES, 1, 25)
    assert "Trang 1/2 (26 dòng)" in page("reviewer_a")[3]
