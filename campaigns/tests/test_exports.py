""" "Xuất Excel" of the campaigns, compacts and registration overview lists (core.exports)."""

import datetime

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.enums import CampaignKind
from core.tests.export_helpers import cells, column, export_of, page_values, preamble
from units.services import block_create

FORMULA = '=HYPERLINK("http://x","A")'


def _campaign(unit, name, by=None, **fields):
    return services.campaign_create(
        launched_by=unit, name=name, kind=CampaignKind.THEMATIC, school_year=2024, by=by, **fields
    )


def test_campaign_list_export_is_the_filtered_page_and_leaves_other_offices_out(
    client, tree, personas, office_campaign
):
    _campaign(tree["office_b"], "Phong trào của Phòng B")
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:list")
    response = export_of(client, url, "status=launched")
    assert column(response, "Tên phong trào") == [office_campaign.name]
    assert column(response, "Tên phong trào") == page_values(client, url, "status=launched", lambda c: c.name)
    assert column(response, "Năm học / thời gian") == ["2024-2025"]
    assert preamble(response)[1].startswith("Bộ lọc: ")
    client.force_login(personas["reviewer_b"])
    assert office_campaign.name not in column(export_of(client, url), "Tên phong trào")


def test_campaign_list_export_formula_name_stays_text(client, tree, personas, awards):
    _campaign(tree["office_a"], FORMULA)
    client.force_login(personas["reviewer_a"])
    [name] = cells(export_of(client, reverse("campaigns:list")), "Tên phong trào")
    assert (name.value, name.data_type) == (FORMULA, "s")


@pytest.mark.parametrize("count", [1, 15])
def test_campaign_list_export_query_count_constant(
    client, tree, personas, awards, count, django_assert_max_num_queries
):
    for n in range(count):
        _campaign(tree["office_a"], f"Phong trào {n}")
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(10):
        response = export_of(client, reverse("campaigns:list"))
    assert len(column(response, "Tên phong trào")) == count


def _compact(tree, title, n_units=2):
    block = block_create(
        by=None, name=f"Khối {title}", owner=tree["office_a"], members=[tree["school_a1"], tree["school_a2"]]
    )
    return services.compact_create(
        by=None,
        block=block,
        title=title,
        text="Cam kết thi đua.",
        signed_on=datetime.date(2024, 10, 1),
        units=[tree["school_a1"], tree["school_a2"]][:n_units],
    )


def test_compact_list_export_is_the_page_and_scoped(client, tree, personas):
    _compact(tree, FORMULA)
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:compact_list")
    response = export_of(client, url)
    assert column(response, "Tên giao ước") == page_values(client, url, "", lambda c: c.title)
    [title] = cells(response, "Tên giao ước")
    assert (title.value, title.data_type) == (FORMULA, "s")
    assert column(response, "Ngày ký")[0].date() == datetime.date(2024, 10, 1)
    client.force_login(personas["reviewer_b"])
    assert column(export_of(client, url), "Tên giao ước") == []


@pytest.mark.parametrize("count", [1, 10])
def test_compact_list_export_query_count_constant(client, tree, personas, count, django_assert_max_num_queries):
    for n in range(count):
        _compact(tree, f"Giao ước {n}")
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("campaigns:compact_list"))
    assert column(response, "Số đơn vị ký") == [2] * count


def test_registration_overview_export_is_the_page_without_the_sibling(client, tree, personas, office_campaign):
    url = reverse("campaigns:registration_overview", args=[office_campaign.pk])
    client.force_login(personas["reviewer_a"])
    response = export_of(client, url)
    assert column(response, "Đơn vị") == page_values(client, url, "", lambda u: u.name)
    assert sorted(column(response, "Đơn vị")) == ["Trường Mầm non A2", "Trường Tiểu học A1"]
    assert set(column(response, "Tình trạng")) == {"Chưa đăng ký"}
    client.force_login(personas["head_a1"])
    assert column(export_of(client, url), "Đơn vị") == ["Trường Tiểu học A1"]
