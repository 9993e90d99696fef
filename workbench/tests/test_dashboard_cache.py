"""The dashboard's figures kept in the cache (DASHBOARD_CACHE_SECONDS): per account, role, unit and year, said
on the page, recomputed by «Làm mới» (`?lam_moi=1`) or when they expire; 0 computes them on each visit.

The world is test_dashboards' (Phòng A in 2024: 11 award records for the Phòng's reviewer). The autouse fixture
of conftest.py clears the cache around each test.
"""

import pickle
import re
import zlib

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workbench.dashboards import dashboard_for
from workbench.views_dashboard import refresh_every

from . import test_dashboards
from .test_dashboards import TODAY, YEAR, record

world = test_dashboards.world  # the fixture, reused

URL = reverse("workbench:dashboard")


def _awards(response) -> int:
    """The «Khen thưởng năm học» counter of the page."""
    match = re.search(r'data-figure="awards"><a href="[^"]*">(\d+)</a>', response.content.decode())
    assert match, "no awards counter on the page"
    return int(match.group(1))


def _record_tables(queries) -> list[str]:
    return [q["sql"] for q in queries if "awards_awardrecord" in q["sql"]]


def test_second_visit_reads_the_figures_from_the_cache(client, world, tree, personas):
    client.force_login(personas["reviewer_a"])
    params = {"unit": tree["office_a"].pk, "nam": YEAR}
    with CaptureQueriesContext(connection) as first:
        computed = client.get(URL, params)
    with CaptureQueriesContext(connection) as second:
        kept = client.get(URL, params)

    assert "board" in computed.context and "board" not in kept.context
    assert _awards(computed) == _awards(kept) == 11
    assert _record_tables(first.captured_queries)  # the first visit counts award records…
    assert _record_tables(second.captured_queries) == []  # …the second none
    assert len(second.captured_queries) < len(first.captured_queries) - 10


def test_page_says_when_the_figures_were_computed(client, world, personas, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    client.force_login(personas["reviewer_a"])

    html = client.get(URL, {"nam": YEAR}).content.decode()

    assert re.search(r"Số liệu lúc \d\d:\d\d \d\d/\d\d/\d{4}; cập nhật sau mỗi 5 phút", html)
    assert re.search(r'href="[^"]*&amp;lam_moi=1">Làm mới</a>', html)


def test_refresh_every_in_words():
    assert (refresh_every(300), refresh_every(60), refresh_every(90), refresh_every(0)) == (
        "5 phút",
        "1 phút",
        "90 giây",
        "",
    )


def test_new_award_shown_only_after_refresh(client, world, tree, personas):
    client.force_login(personas["reviewer_a"])
    params = {"unit": tree["office_a"].pk, "nam": YEAR}
    assert _awards(client.get(URL, params)) == 11

    record(person=world["manager"], code="CSTDCS")

    assert _awards(client.get(URL, params)) == 11  # kept
    response = client.get(URL, params | {"lam_moi": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?nam={YEAR}&unit={tree['office_a'].pk}"
    assert _awards(client.get(response["Location"])) == 12


def test_new_award_shown_after_expiry(client, world, tree, personas):
    client.force_login(personas["reviewer_a"])
    assert _awards(client.get(URL, {"nam": YEAR})) == 11
    record(person=world["manager"], code="CSTDCS")

    cache.clear()  # what expiry does

    assert _awards(client.get(URL, {"nam": YEAR})) == 12


def test_signing_in_again_computes_afresh(client, world, personas):
    client.force_login(personas["reviewer_a"])
    assert _awards(client.get(URL, {"nam": YEAR})) == 11
    record(person=world["manager"], code="CSTDCS")
    assert _awards(client.get(URL, {"nam": YEAR})) == 11

    client.logout()
    client.force_login(personas["reviewer_a"])  # a new session

    assert _awards(client.get(URL, {"nam": YEAR})) == 12


def test_two_accounts_of_different_scope_never_share(world, tree, personas):
    """The Phòng's reviewer reads its schools' records; its TĐKT secretary only the Phòng's own: same unit,
    same year, one after the other in both orders, each sees her own figures."""
    office = tree["office_a"]
    expected = {
        name: dashboard_for(personas[name], office, YEAR, today=TODAY).figures["year_total"]
        for name in ("reviewer_a", "secretary_office_a")
    }
    assert expected["reviewer_a"] == 11 and expected["secretary_office_a"] != 11
    for order in (("reviewer_a", "secretary_office_a"), ("secretary_office_a", "reviewer_a")):
        cache.clear()
        for name in order:
            client = Client()
            client.force_login(personas[name])
            for _ in range(2):  # computed, then kept
                response = client.get(URL, {"unit": office.pk, "nam": YEAR})
                assert response.status_code == 200
                assert _awards(response) == expected[name], (order, name)


def test_zero_seconds_computes_on_every_visit(client, world, personas, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(personas["reviewer_a"])
    first = client.get(URL, {"nam": YEAR})
    record(person=world["manager"], code="CSTDCS")

    second = client.get(URL, {"nam": YEAR})

    assert "board" in first.context and "board" in second.context
    assert (_awards(first), _awards(second)) == (11, 12)
    html = second.content.decode()
    assert "cập nhật sau mỗi" not in html and "lam_moi" not in html
    assert re.search(r"Số liệu lúc \d\d:\d\d \d\d/\d\d/\d{4}", html)


def test_refresh_is_per_account(world, tree, personas):
    """«Làm mới» by one account leaves another's kept figures as they were."""
    params = {"unit": tree["office_a"].pk, "nam": YEAR}
    clients = {}
    for name in ("reviewer_a", "admin_dept"):
        clients[name] = Client()
        clients[name].force_login(personas[name])
        assert _awards(clients[name].get(URL, params)) == 11
    record(person=world["manager"], code="CSTDCS")

    clients["reviewer_a"].get(URL, params | {"lam_moi": "1"})

    assert _awards(clients["reviewer_a"].get(URL, params)) == 12
    assert _awards(clients["admin_dept"].get(URL, params)) == 11


def test_refresh_of_a_unit_outside_scope_is_not_found(client, world, tree, personas):
    client.force_login(personas["reviewer_b"])

    assert client.get(URL, {"unit": tree["office_a"].pk, "nam": YEAR, "lam_moi": "1"}).status_code == 404
    assert not any(key for key in getattr(cache, "_cache", {}) if "workbench:dashboard" in key)


@pytest.mark.parametrize("persona", ["reviewer_a", "admin_dept", "head_a1"])
def test_kept_figures_are_small_and_picklable(client, world, personas, persona):
    client.force_login(personas[persona])
    client.get(URL, {"nam": YEAR})
    [key] = [k for k in cache._cache if "workbench:dashboard" in k]  # locmem: the pickled values

    kept = pickle.loads(cache._cache[key])
    assert set(kept) == {"at", "html"} and type(kept["html"]) is bytes  # compressed HTML
    assert len(cache._cache[key]) < 16 * 1024
    assert 'data-figure="awards"' in zlib.decompress(kept["html"]).decode()
