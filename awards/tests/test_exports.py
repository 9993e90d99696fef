""" "Xuất Excel" of the catalog, «Tra cứu thành tích» and the initiatives register (core.exports)."""

import datetime

import pytest
from django.urls import reverse

from awards import services
from awards.enums import AuthorityKind, AwardCategory, RecipientKind
from awards.models import AwardType
from core.tests.export_helpers import cells, column, export_of, page_values, preamble

FORMULA = '=HYPERLINK("http://x","A")'


def test_catalog_export_has_the_filtered_page_rows(client, personas):
    client.force_login(personas["outsider"])
    url = reverse("awards:catalog")
    query = "category=title&o=code"
    response = export_of(client, url, query)
    assert column(response, "Mã") == page_values(client, url, query, lambda t: t.code)
    assert set(column(response, "Loại")) == {"Danh hiệu thi đua"}
    # The filter's default (rows in force) is applied, and said.
    assert preamble(response)[1] == "Bộ lọc: Loại: Danh hiệu thi đua; Hiệu lực: Đang có hiệu lực"


def test_catalog_export_formula_legal_basis_stays_text(client, personas):
    AwardType.objects.create(
        code="THU",
        name="Danh hiệu thử",
        category=AwardCategory.TITLE,
        recipient_kind=RecipientKind.INDIVIDUAL,
        authority_kind=AuthorityKind.UNIT_HEAD,
        legal_basis=FORMULA,
        effective_from=datetime.date(2024, 1, 1),
    )
    client.force_login(personas["outsider"])
    found = cells(export_of(client, reverse("awards:catalog"), "q=THU"), "Căn cứ")
    assert [(c.value, c.data_type, c.quotePrefix) for c in found] == [(FORMULA, "s", True)]


def test_people_search_export_is_the_page_and_leaves_the_sibling_out(client, tree, personas, person_factory):
    person_factory(tree["school_a1"], full_name="Lê Thị Hoa")
    person_factory(tree["school_a1"], full_name="Phạm Văn Bình")
    person_factory(tree["school_a2"], full_name="Lê Thị Hồng")
    client.force_login(personas["secretary_a1"])
    url = reverse("awards:people_search")
    response = export_of(client, url, "q=le thi")
    assert column(response, "Họ và tên") == ["Lê Thị Hoa"]
    assert column(response, "Họ và tên") == page_values(client, url, "q=le thi", lambda p: p.full_name)
    assert preamble(response)[1] == "Bộ lọc: Họ tên: le thi"


def test_people_search_export_dates_and_formula_position(client, tree, personas, person_factory):
    person_factory(tree["school_a1"], full_name="Lê Thị Hoa", position=FORMULA, date_of_birth=datetime.date(1990, 3, 4))
    client.force_login(personas["head_a1"])
    response = export_of(client, reverse("awards:people_search"))
    [position] = cells(response, "Chức vụ")
    assert (position.value, position.data_type) == (FORMULA, "s")
    [born] = cells(response, "Ngày sinh")
    assert (born.value.date(), born.number_format) == (datetime.date(1990, 3, 4), "DD/MM/YYYY")


@pytest.mark.parametrize("count", [1, 30])
def test_people_search_export_query_count_constant(
    client, tree, personas, person_factory, count, django_assert_max_num_queries
):
    for _ in range(count):
        person_factory(tree["school_a1"])
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("awards:people_search"))
    assert len(column(response, "Họ và tên")) == count


def _initiative(person, title):
    return services.initiative_register(
        by=None, unit=person.unit, school_year=2024, title=title, authors=[person], subject="Toán"
    )


def test_initiative_export_is_the_filtered_page(client, tree, personas, person_factory):
    a1 = person_factory(tree["school_a1"])
    a2 = person_factory(tree["school_a2"])
    _initiative(a1, "Dạy toán bằng trò chơi")
    _initiative(a1, "Thư viện xanh")
    _initiative(a2, "Dạy toán qua dự án")
    client.force_login(personas["reviewer_a"])
    url = reverse("awards:initiative_list", args=[tree["office_a"].pk])
    response = export_of(client, url, "q=toán&o=title")
    assert column(response, "Tên sáng kiến") == ["Dạy toán bằng trò chơi", "Dạy toán qua dự án"]
    assert column(response, "Tên sáng kiến") == page_values(client, url, "q=toán&o=title", lambda i: i.title)
    assert column(response, "Tác giả") == [a1.full_name, a2.full_name]


def test_initiative_export_of_a_school_names_no_sibling_and_refuses_outsiders(client, tree, personas, person_factory):
    _initiative(person_factory(tree["school_a1"]), FORMULA)
    _initiative(person_factory(tree["school_a2"]), "Sáng kiến của A2")
    client.force_login(personas["head_a1"])
    url = reverse("awards:initiative_list", args=[tree["school_a1"].pk])
    [title] = cells(export_of(client, url), "Tên sáng kiến")
    assert (title.value, title.data_type) == (FORMULA, "s")
    client.force_login(personas["secretary_a2"])
    assert client.get(url + "?xuat=xlsx").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_initiative_export_query_count_constant(
    client, tree, personas, person_factory, count, django_assert_max_num_queries
):
    for n in range(count):
        _initiative(person_factory(tree["school_a1"]), f"Sáng kiến {n}")
    client.force_login(personas["head_a1"])
    with django_assert_max_num_queries(10):
        response = export_of(client, reverse("awards:initiative_list", args=[tree["school_a1"].pk]))
    assert len(column(response, "Tác giả")) == count
