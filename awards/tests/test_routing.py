"""The route to the deciding authority: route() before and after 01/07/2025, the route pages, the panels."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from awards.enums import AuthorityKind as K
from awards.models import AuthorityRoute
from awards.routing import RouteStatus, parse_day, route, routes_for
from awards.services.routes import authority_route_create, authority_route_end, authority_route_supersede
from core.exceptions import ServiceError
from units.enums import SchoolLevel, UnitKind
from units.services import unit_create, unit_move

BEFORE = datetime.date(2025, 3, 1)
AFTER = datetime.date(2026, 3, 1)
LAW_2022 = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)
BASE_CODES = ["LDTT", "CSTDCS", "TTLDTT", "GK"]


@pytest.fixture
def authorities(tree):
    """The deciding committees beside the education branch, a THPT under the Sở, and the route rows."""
    province = unit_create(by=None, name="UBND tỉnh Thử", kind=UnitKind.PROVINCIAL_AUTHORITY)
    ministry = unit_create(by=None, name="Bộ GD&ĐT Thử", kind=UnitKind.MINISTRY)
    district = unit_create(
        by=None, name="UBND huyện A", kind=UnitKind.DISTRICT_AUTHORITY, parent=province, active_to=LAST_DAY
    )
    commune = unit_create(
        by=None, name="UBND xã A", kind=UnitKind.COMMUNE_AUTHORITY, parent=tree["dept"], active_from=REFORM
    )
    thpt = unit_create(
        by=None,
        name="Trường THPT Thử",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.UPPER_SECONDARY,
        parent=tree["dept"],
    )
    dept, office = tree["dept"], tree["office_a"]

    def add(unit, kind, decider, via=(), start=LAW_2022, end=None):
        return authority_route_create(
            unit=unit, authority_kind=kind, decider=decider, via=via, effective_from=start, effective_to=end, by=None
        )

    rows = {
        "dept_unit_head": add(dept, K.UNIT_HEAD, dept),
        "dept_district": add(dept, K.DISTRICT_CHAIR, dept, end=LAST_DAY),
        "dept_commune": add(dept, K.COMMUNE_CHAIR, dept, start=REFORM),
        "dept_province": add(dept, K.PROVINCIAL_CHAIR, province, via=[dept]),
        "dept_minister": add(dept, K.MINISTER, ministry, via=[dept]),
        "office_district": add(office, K.DISTRICT_CHAIR, district, via=[office], end=LAST_DAY),
        "office_unit_head": add(office, K.UNIT_HEAD, district, via=[office], end=LAST_DAY),
        "commune": add(commune, K.COMMUNE_CHAIR, commune, start=REFORM),
    }
    return {
        **tree,
        "province": province,
        "ministry": ministry,
        "district": district,
        "commune": commune,
        "thpt": thpt,
        "rows": rows,
    }


def shown_chain(*names):
    """The chain as the panel prints it (names escaped, the decider in bold)."""
    return " → ".join([*(escape(n) for n in names[:-1]), f"<strong>{escape(names[-1])}</strong>"])


def chains(unit, codes, day):
    return {r.award_code: [u.name for u in r.chain] for r in routes_for(unit, codes, day)}


# --- route() ----------------------------------------------------------------------------------------


def test_route_before_reform_primary_school_goes_through_phong_to_ubnd_huyen(authorities):
    school = authorities["school_a1"]

    assert chains(school, BASE_CODES, BEFORE) == {
        code: ["Trường Tiểu học A1", "Phòng GD&ĐT A", "UBND huyện A"] for code in BASE_CODES
    }


def test_route_after_reform_school_under_commune_goes_to_ubnd_xa(authorities):
    school = unit_move(by=None, unit=authorities["school_a1"], new_parent=authorities["commune"])

    result = route(school, "CSTDCS", AFTER)

    assert chains(school, BASE_CODES, AFTER) == {code: ["Trường Tiểu học A1", "UBND xã A"] for code in BASE_CODES}
    assert (result.status, result.decider, result.via) == (RouteStatus.ROUTED, authorities["commune"], ())
    assert result.authority_label == "Chủ tịch UBND cấp xã"
    assert "UBND xã A quyết định" in result.explanation


def test_route_thpt_school_goes_to_the_so_before_and_after_reform(authorities):
    thpt = authorities["thpt"]

    assert chains(thpt, BASE_CODES, BEFORE) == {code: ["Trường THPT Thử", "Sở GD&ĐT Thử"] for code in BASE_CODES}
    assert chains(thpt, BASE_CODES, AFTER) == {code: ["Trường THPT Thử", "Sở GD&ĐT Thử"] for code in BASE_CODES}


def test_route_bang_khen_goes_through_the_so_to_ubnd_tinh_and_to_the_bo(authorities):
    school = authorities["school_a1"]

    assert chains(school, ["BK_TINH", "BK_BO"], AFTER) == {
        "BK_TINH": ["Trường Tiểu học A1", "Sở GD&ĐT Thử", "UBND tỉnh Thử"],
        "BK_BO": ["Trường Tiểu học A1", "Sở GD&ĐT Thử", "Bộ GD&ĐT Thử"],
    }
    assert route(school, "BK_TINH", AFTER).legal_basis == "Luật Thi đua, khen thưởng số 06/2022/QH15 Điều 74"


def test_route_the_unit_proposing_through_itself_is_not_repeated(authorities):
    result = route(authorities["dept"], "BK_TINH", AFTER)

    assert [u.name for u in result.chain] == ["Sở GD&ĐT Thử", "UBND tỉnh Thử"]


def test_route_most_specific_row_wins(authorities):
    authority_route_create(
        unit=authorities["school_a2"],
        authority_kind=K.DISTRICT_CHAIR,
        decider=authorities["dept"],
        effective_from=LAW_2022,
        by=None,
    )

    assert chains(authorities["school_a2"], ["CSTDCS"], BEFORE) == {"CSTDCS": ["Trường Mầm non A2", "Sở GD&ĐT Thử"]}
    assert chains(authorities["school_a1"], ["CSTDCS"], BEFORE) == {
        "CSTDCS": ["Trường Tiểu học A1", "Phòng GD&ĐT A", "UBND huyện A"]
    }
    assert chains(authorities["team_a1"], ["CSTDCS"], BEFORE) == {
        "CSTDCS": ["Tổ khối 1", "Phòng GD&ĐT A", "UBND huyện A"]
    }


def test_route_dated_supersession_keeps_the_old_route_before_the_new_date(authorities):
    old = authorities["rows"]["office_district"]

    new = authority_route_supersede(
        route=old, effective_from=datetime.date(2025, 1, 1), decider=authorities["dept"], via=[], by=None
    )

    old.refresh_from_db()
    school = authorities["school_a1"]
    assert (old.effective_to, new.effective_from, new.effective_to) == (
        datetime.date(2024, 12, 31),
        datetime.date(2025, 1, 1),
        LAST_DAY,
    )
    assert route(school, "CSTDCS", datetime.date(2024, 12, 31)).decider == authorities["district"]
    assert route(school, "CSTDCS", datetime.date(2025, 1, 1)).decider == authorities["dept"]
    assert old.history.count() == 2  # created, then ended


def test_route_create_refuses_an_overlapping_period(authorities):
    with pytest.raises(ServiceError, match="đã có tuyến trình"):
        authority_route_create(
            unit=authorities["office_a"],
            authority_kind=K.DISTRICT_CHAIR,
            decider=authorities["dept"],
            effective_from=datetime.date(2025, 6, 1),
            by=None,
        )


def test_route_end_stops_the_route_after_the_date(authorities):
    row = authorities["rows"]["dept_minister"]

    authority_route_end(route=row, effective_to=datetime.date(2025, 12, 31), by=None)

    assert route(authorities["school_a1"], "BK_BO", datetime.date(2025, 12, 31)).status == RouteStatus.ROUTED
    assert route(authorities["school_a1"], "BK_BO", AFTER).status == RouteStatus.UNCONFIGURED


def test_route_unconfigured_and_unknown_award_explain_themselves(authorities):
    unconfigured = route(authorities["school_a1"], "CSTD_TQ", AFTER)
    unknown = route(authorities["school_a1"], "KHONG_CO", AFTER)

    assert (unconfigured.status, unconfigured.chain, unconfigured.is_configured) == (
        RouteStatus.UNCONFIGURED,
        (),
        False,
    )
    assert unconfigured.explanation.startswith("Chưa cấu hình tuyến trình")
    assert unknown.status == RouteStatus.UNKNOWN_AWARD
    assert "KHONG_CO" in unknown.explanation


def test_route_unit_head_award_without_a_row_is_granted_by_the_unit_itself(tree):
    school = tree["school_b1"]

    result = route(school, "LDTT", BEFORE)  # catalog before 01/07/2025: Thủ trưởng cơ quan, đơn vị

    assert (result.status, [u.name for u in result.chain]) == (RouteStatus.SELF, ["Trường THCS B1"])


def test_route_decider_is_the_unit_itself(authorities):
    result = route(authorities["commune"], "LDTT", AFTER)

    assert (result.status, result.chain) == (RouteStatus.SELF, (authorities["commune"],))


def test_routes_for_query_count_is_constant(authorities, django_assert_num_queries):
    with django_assert_num_queries(3):
        one = routes_for(authorities["dept"], ["BK_TINH"], AFTER)
    with django_assert_num_queries(3):
        every = routes_for(authorities["team_a1"], None, BEFORE)

    assert (len(one), len(every) >= 16) == (1, True)


def test_parse_day_malformed_falls_back_to_today():
    today = datetime.date.today()

    assert [parse_day(v) for v in ("01/07/2025", "2025-07-01", "31/02/2025", "abc", "", None)] == [
        REFORM,
        REFORM,
        today,
        today,
        today,
        today,
    ]


def test_route_service_refuses_a_user_who_does_not_administer_the_unit(authorities, personas):
    with pytest.raises(PermissionDenied):
        authority_route_create(
            unit=authorities["school_a1"],
            authority_kind=K.MINISTER,
            decider=authorities["ministry"],
            effective_from=AFTER,
            by=personas["head_a1"],
        )


# --- pages ------------------------------------------------------------------------------------------


def _status(client, user, url, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def test_route_pages_persona_matrix(client, authorities, personas):
    school, row = authorities["school_a1"], authorities["rows"]["office_district"]
    urls = {
        "list": reverse("awards:route_list", args=[school.pk]),
        "create": reverse("awards:route_create", args=[school.pk]),
        "end": reverse("awards:route_end", args=[row.pk]),
        "supersede": reverse("awards:route_supersede", args=[row.pk]),
    }

    seen = {name: {key: _status(client, user, url) for key, url in urls.items()} for name, user in personas.items()}

    assert seen == {
        "secretary_a1": {"list": 200, "create": 403, "end": 404, "supersede": 404},
        "head_a1": {"list": 200, "create": 403, "end": 404, "supersede": 404},
        "council_a1": {"list": 200, "create": 403, "end": 404, "supersede": 404},
        "reviewer_a": {"list": 200, "create": 403, "end": 403, "supersede": 403},
        "admin_dept": {"list": 200, "create": 200, "end": 200, "supersede": 200},
        "secretary_a2": {"list": 404, "create": 404, "end": 404, "supersede": 404},
        "reviewer_b": {"list": 404, "create": 404, "end": 404, "supersede": 404},
        "outsider": {"list": 404, "create": 404, "end": 404, "supersede": 404},
        "secretary_office_a": {"list": 404, "create": 404, "end": 403, "supersede": 403},
    }


def test_route_create_page_administrator_declares_a_route(client, authorities, personas):
    school = authorities["school_a1"]
    data = {
        "authority_kind": K.MINISTER,
        "decider": authorities["ministry"].pk,
        "via_1": authorities["office_a"].pk,
        "via_2": authorities["dept"].pk,
        "effective_from": "01/01/2027",
        "legal_basis": "Thông tư thử",
        "is_verified": "on",
    }

    refused = _status(client, personas["head_a1"], reverse("awards:route_create", args=[school.pk]), "post", data)
    client.force_login(personas["admin_dept"])
    response = client.post(reverse("awards:route_create", args=[school.pk]), data)

    assert (refused, response.status_code) == (403, 302)
    assert [u.name for u in route(school, "BK_BO", datetime.date(2027, 1, 1)).chain] == [
        "Trường Tiểu học A1",
        "Phòng GD&ĐT A",
        "Sở GD&ĐT Thử",
        "Bộ GD&ĐT Thử",
    ]
    assert AuthorityRoute.objects.filter(unit=school).get().created_by == personas["admin_dept"]


def test_route_supersede_page_overlap_is_a_form_error_not_a_500(client, authorities, personas):
    row = authorities["rows"]["office_district"]
    client.force_login(personas["admin_dept"])

    response = client.post(
        reverse("awards:route_supersede", args=[row.pk]),
        {"effective_from": "01/01/2023", "decider": authorities["dept"].pk},
    )

    assert response.status_code == 200
    assert "Ngày hiệu lực mới phải sau" in response.content.decode()


def test_school_award_page_shows_the_route_for_today_and_for_a_chosen_day(client, authorities, personas):
    url = reverse("awards:unit_history", args=[authorities["school_a1"].pk])
    client.force_login(personas["secretary_a1"])

    before = client.get(url, {"ngay": "01/03/2025"}).content.decode()
    malformed = client.get(url, {"ngay": "32/13/2025"})

    assert "Tuyến trình khen thưởng" in before
    assert shown_chain("Trường Tiểu học A1", "Phòng GD&ĐT A", "UBND huyện A") in before
    assert malformed.status_code == 200
    assert f"ngày {datetime.date.today():%d/%m/%Y}" in malformed.content.decode()  # malformed: today


def test_unit_page_links_to_the_route_page(client, authorities, personas):
    client.force_login(personas["secretary_a1"])

    body = client.get(reverse("units:detail", args=[authorities["school_a1"].pk])).content.decode()

    assert reverse("awards:route_list", args=[authorities["school_a1"].pk]) in body


def test_catalog_page_shows_the_route_of_the_active_unit(client, authorities, personas):
    from awards.models import AwardType

    award = AwardType.objects.get(code="BK_TINH")
    client.force_login(personas["secretary_a1"])

    body = client.get(reverse("awards:catalog_detail", args=[award.pk])).content.decode()
    client.force_login(personas["outsider"])
    outsider_body = client.get(reverse("awards:catalog_detail", args=[award.pk])).content.decode()

    assert shown_chain("Trường Tiểu học A1", "Sở GD&ĐT Thử", "UBND tỉnh Thử") in body
    assert "Tuyến trình cho đơn vị của bạn" not in outsider_body


def test_route_list_query_count_does_not_grow_with_rows(client, authorities, personas, django_assert_max_num_queries):
    url = reverse("awards:route_list", args=[authorities["school_a1"].pk])
    client.force_login(personas["admin_dept"])
    client.get(url)  # the first request sets up the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in range(2030, 2045):
        authority_route_create(
            unit=authorities["team_a1"],
            authority_kind=K.MINISTER,
            decider=authorities["ministry"],
            via=[authorities["office_a"], authorities["dept"]],
            effective_from=datetime.date(year, 1, 1),
            effective_to=datetime.date(year, 12, 31),
            by=None,
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
