""" "Xuất Excel" of the dossier list, the public notices and the objections (core.exports)."""

import pytest
from django.urls import reverse

from core.tests.export_helpers import cells, column, export_of, page_values, preamble
from nominations import notice as notices
from nominations import services
from nominations.enums import RoundKind
from nominations.tests.conftest import YEAR
from nominations.tests.test_notice import (  # noqa: F401 (fixtures)
    _clean_cache,
    nomination,
    notice,
    private_teacher,
    publish,
    today,
)

FORMULA = '=HYPERLINK("http://x","A")'


def _dossier(user, unit, round_kind=RoundKind.YEAR_END, year=YEAR):
    return services.dossier_create(by=user, unit=unit, round_kind=round_kind, school_year=year)


def test_dossier_list_export_is_the_filtered_page(client, tree, personas):
    _dossier(personas["secretary_a1"], tree["school_a1"])
    _dossier(personas["secretary_a1"], tree["school_a1"], year=YEAR - 1)
    _dossier(personas["secretary_a2"], tree["school_a2"])
    client.force_login(personas["secretary_a1"])
    url = reverse("nominations:dossier_list")
    query = f"tab=cua-toi&nam_hoc={YEAR}"
    response = export_of(client, url, query)
    assert column(response, "Năm học") == [f"{YEAR}-{YEAR + 1}"]
    assert column(response, "Đơn vị đề nghị") == page_values(client, url, query, lambda d: d.unit.name)
    assert column(response, "Đơn vị đề nghị") == ["Trường Tiểu học A1"]
    assert preamble(response)[1] == f"Bộ lọc: Năm học: {YEAR}-{YEAR + 1}"


def test_dossier_list_export_leaves_the_sibling_out(client, tree, personas):
    _dossier(personas["secretary_a1"], tree["school_a1"])
    _dossier(personas["secretary_a2"], tree["school_a2"])
    client.force_login(personas["secretary_a2"])
    assert column(export_of(client, reverse("nominations:dossier_list")), "Đơn vị đề nghị") == ["Trường Mầm non A2"]


def test_dossier_list_export_formula_title_stays_text(client, tree, personas):
    dossier = _dossier(personas["secretary_a1"], tree["school_a1"])
    dossier.title = FORMULA
    dossier.save(update_fields=["title"])
    client.force_login(personas["secretary_a1"])
    [title] = cells(export_of(client, reverse("nominations:dossier_list")), "Trích yếu")
    assert (title.value, title.data_type) == (FORMULA, "s")


@pytest.mark.parametrize("count", [1, 12])
def test_dossier_list_export_query_count_constant(client, tree, personas, count, django_assert_max_num_queries):
    for year in range(count):
        _dossier(personas["secretary_a1"], tree["school_a1"], year=2000 + year)
    client.force_login(personas["secretary_a1"])
    with django_assert_max_num_queries(10):
        response = export_of(client, reverse("nominations:dossier_list"))
    assert len(column(response, "Đơn vị đề nghị")) == count


def test_notice_list_export_is_the_page_and_scoped(client, tree, personas, notice):  # noqa: F811 (fixture)
    url = reverse("nominations:notice_list")
    client.force_login(personas["head_a1"])
    response = export_of(client, url)
    assert column(response, "Tiêu đề") == page_values(client, url, "", lambda n: n.title)
    assert column(response, "Tiêu đề") == [notice.title]
    assert column(response, "Từ ngày")[0].date() == notice.starts_on
    client.force_login(personas["secretary_a2"])
    assert column(export_of(client, url), "Tiêu đề") == []


def test_objection_list_export_is_the_filtered_page_and_scoped(client, tree, personas, notice, nomination):  # noqa: F811
    notices.objection_submit(notice=notice, nomination_id=nomination.pk, content=FORMULA, client="203.0.113.9")
    url = reverse("nominations:objection_list")
    client.force_login(personas["head_a1"])
    response = export_of(client, url, "tinh_trang=open")
    [content] = cells(response, "Nội dung")
    assert (content.value, content.data_type) == (FORMULA, "s")
    assert column(response, "Nội dung") == page_values(client, url, "tinh_trang=open", lambda o: o.content)
    assert preamble(response)[1] == "Bộ lọc: Tình trạng: Chưa xử lý"
    client.force_login(personas["secretary_a2"])
    assert column(export_of(client, url), "Nội dung") == []


# --- the reviewer inbox -----------------------------------------------------------------------------------


def test_inbox_export_is_the_filtered_tab_and_scoped(client, tree, personas, person_factory):
    from nominations.tests.test_inbox import sent

    a1 = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])], days_ago=60)
    sent(tree["school_a2"], people=[person_factory(tree["school_a2"])])
    sent(tree["school_b1"], people=[person_factory(tree["school_b1"])])
    url = reverse("nominations:inbox")
    client.force_login(personas["reviewer_a"])
    response = export_of(client, url, "don_vi=A1")
    assert column(response, "Đơn vị đề nghị") == ["Trường Tiểu học A1"]
    assert column(response, "Hạn thẩm định")[0].startswith("Quá hạn ")
    assert preamble(response)[1] == "Bộ lọc: Đơn vị: A1"
    everything = export_of(client, url)
    assert sorted(column(everything, "Đơn vị đề nghị")) == ["Trường Mầm non A2", "Trường Tiểu học A1"]
    assert column(everything, "Đơn vị đề nghị") == page_values(client, url, "", lambda d: d.unit_name)
    nominations = export_of(client, url, "tab=de-nghi&don_vi=A1")
    assert column(nominations, "Cá nhân / tập thể") == [a1.nominations.get().person.full_name]
    client.force_login(personas["reviewer_b"])
    assert column(export_of(client, url), "Đơn vị đề nghị") == ["Trường THCS B1"]


@pytest.mark.parametrize("tab", ["", "tab=de-nghi"])
@pytest.mark.parametrize("count", [1, 8])
def test_inbox_export_query_count_constant(
    client, tree, personas, person_factory, tab, count, django_assert_max_num_queries
):
    from nominations.tests.test_inbox import sent

    for n in range(count):
        sent(tree["school_a1"], people=[person_factory(tree["school_a1"])], year=YEAR - n)
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(14):
        response = export_of(client, reverse("nominations:inbox"), tab)
    assert len(column(response, "Đơn vị đề nghị")) == count
