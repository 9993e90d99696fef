""" "Xuất Excel" of the units list and the emulation blocks list: the page's rows, its filters, its scope."""

import pytest
from django.urls import reverse

from core.tests.export_helpers import cells, column, export_of, page_values, preamble
from units.enums import UnitKind
from units.services import block_create, unit_create

FORMULA = '=HYPERLINK("http://x","A")'


def test_unit_list_export_has_the_filtered_page_rows(client, tree, personas):
    client.force_login(personas["reviewer_a"])
    url = reverse("units:list")
    query = "kind=school"
    response = export_of(client, url, query)
    assert column(response, "Tên đơn vị") == page_values(client, url, query, lambda u: u.name)
    assert column(response, "Tên đơn vị") == ["Trường Tiểu học A1", "Trường Mầm non A2"]
    assert preamble(response)[:2] == ["DANH SÁCH ĐƠN VỊ", "Bộ lọc: Loại đơn vị: Trường học"]


def test_unit_list_export_counts_people_as_the_page_and_keeps_its_sort(client, tree, personas, person_factory):
    for unit, n in ((tree["team_a1"], 2), (tree["school_a1"], 1), (tree["school_a2"], 4), (tree["school_b1"], 5)):
        for _ in range(n):
            person_factory(unit)
    person_factory(tree["school_a2"], is_active=False)
    client.force_login(personas["reviewer_a"])
    url = reverse("units:list")
    for query in ("", "o=-people_count", "o=name"):
        response = export_of(client, url, query)
        page = page_values(client, url, query, lambda u: (u.name, u.people_count))
        assert list(zip(column(response, "Tên đơn vị"), column(response, "Số cán bộ"), strict=True)) == page
    assert page_values(client, url, "o=-people_count", lambda u: u.people_count) == [7, 4, 3, 2]


def test_unit_list_export_of_a_school_secretary_leaves_the_sibling_out(client, tree, personas):
    client.force_login(personas["secretary_a1"])
    names = column(export_of(client, reverse("units:list")), "Tên đơn vị")
    assert names == ["Trường Tiểu học A1", "Tổ khối 1"]


def test_unit_list_export_formula_name_stays_text(client, tree, personas):
    unit_create(by=None, name=FORMULA, kind=UnitKind.TEAM, parent=tree["school_a1"])
    client.force_login(personas["head_a1"])
    found = [c for c in cells(export_of(client, reverse("units:list")), "Tên đơn vị") if c.value == FORMULA]
    assert [(c.data_type, c.quotePrefix) for c in found] == [("s", True)]


@pytest.mark.parametrize("extra", [1, 30])
def test_unit_list_export_query_count_constant(client, tree, personas, extra, django_assert_max_num_queries):
    for n in range(extra):
        unit_create(by=None, name=f"Tổ thử {n}", kind=UnitKind.TEAM, parent=tree["school_a1"])
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("units:list"))
    assert len(column(response, "Tên đơn vị")) == 4 + extra


def test_unit_list_export_stops_at_the_row_cap_and_says_so(client, tree, personas, settings):
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(personas["admin_dept"])
    response = export_of(client, reverse("units:list"))
    assert len(column(response, "Tên đơn vị")) == 2
    assert preamble(response)[-1] == "Chỉ xuất 2 dòng đầu trong 7 dòng: hãy lọc hẹp hơn để có đủ danh sách."


def test_unit_list_page_links_its_export_with_the_filters(client, tree, personas):
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("units:list") + "?kind=school&page=1")
    assert 'href="?kind=school&amp;xuat=xlsx"' in response.content.decode()


def test_block_list_export_leaves_out_blocks_of_other_units(client, tree, personas):
    block_create(by=None, name="Khối trường tiểu học A", owner=tree["office_a"], members=[tree["school_a1"]])
    block_create(by=None, name=FORMULA, owner=tree["office_b"], members=[tree["school_b1"]])
    client.force_login(personas["reviewer_a"])
    url = reverse("units:block_list")
    response = export_of(client, url)
    assert column(response, "Tên khối thi đua") == ["Khối trường tiểu học A"]
    assert column(response, "Tên khối thi đua") == page_values(client, url, "", lambda b: b.name)
    client.force_login(personas["reviewer_b"])
    formula_cells = cells(export_of(client, url), "Tên khối thi đua")
    assert [(c.value, c.data_type) for c in formula_cells] == [(FORMULA, "s")]


@pytest.mark.parametrize("extra", [1, 20])
def test_block_list_export_query_count_constant(client, tree, personas, extra, django_assert_max_num_queries):
    for n in range(extra):
        block_create(by=None, name=f"Khối {n}", owner=tree["office_a"], members=[tree["school_a1"], tree["school_a2"]])
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("units:block_list"))
    assert column(response, "Số đơn vị") == [2] * extra


# --- the staff list ("Cá nhân") -----------------------------------------------------------------------------


def test_person_list_export_has_the_filtered_page_rows_and_their_units(client, tree, personas, person_factory):
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Nhàn", is_manager=True)
    person_factory(tree["school_a1"], full_name="Trần Văn Bình")
    person_factory(tree["school_a2"], full_name="Nguyễn Thị Hoa")
    client.force_login(personas["reviewer_a"])
    url = reverse("units:person_list")
    query = "q=nguyen thi"  # typed without diacritics, as on the page
    response = export_of(client, url, query)
    assert column(response, "Họ và tên") == page_values(client, url, query, lambda p: p.full_name)
    assert sorted(column(response, "Họ và tên")) == ["Nguyễn Thị Hoa", "Nguyễn Thị Nhàn"]
    rows = dict(zip(column(response, "Họ và tên"), column(response, "Cán bộ quản lý"), strict=True))
    assert rows == {"Nguyễn Thị Nhàn": "Có", "Nguyễn Thị Hoa": "Không"}
    assert preamble(response)[0] == "DANH SÁCH CÁN BỘ"


def test_person_list_export_of_a_school_secretary_leaves_the_sibling_school_out(client, tree, personas, person_factory):
    person_factory(tree["school_a1"], full_name="Lê Thị Một")
    person_factory(tree["school_a2"], full_name="Lê Thị Hai")
    client.force_login(personas["secretary_a1"])
    names = column(export_of(client, reverse("units:person_list")), "Họ và tên")
    assert "Lê Thị Một" in names and "Lê Thị Hai" not in names


@pytest.mark.parametrize("extra", [1, 30])
def test_person_list_export_query_count_constant(
    client, tree, personas, person_factory, extra, django_assert_max_num_queries
):
    for n in range(extra):
        person_factory(
            tree["school_a1"] if n % 2 else tree["team_a1"],
            full_name=f"Phạm Thị {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26]}",
        )
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("units:person_list"))
    assert len(column(response, "Họ và tên")) >= extra


def test_person_list_page_links_its_export_with_the_filters(client, tree, personas):
    client.force_login(personas["reviewer_a"])
    html = client.get(reverse("units:person_list"), {"gender": "female"}).content.decode()
    assert "?gender=female&amp;xuat=xlsx" in html
