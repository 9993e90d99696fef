"""The audit page at scale: no COUNT, each history table cut to its newest rows, a "next page" link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import selectors
from awards.enums import TaskRating
from awards.models import TaskEvaluation
from core.audit import acting_as

pytestmark = pytest.mark.django_db

URL = reverse("audit:list")


def _people_with_history(person_factory, personas, n):
    people = [person_factory() for _ in range(n)]
    with acting_as(personas["admin_dept"]):
        for i, person in enumerate(people):
            person.position = f"Tổ trưởng {i}"
            person.save(update_fields=["position"])
            TaskEvaluation.objects.create(person=person, school_year=2024, rating=TaskRating.GOOD)
    return people


def test_audit_pages_follow_each_other_in_the_order_of_the_full_trail(personas, person_factory):
    _people_with_history(person_factory, personas, 12)
    admin = personas["admin_dept"]
    everything = [(r["model_key"], r["history_id"]) for r in selectors.audit_entries_visible_to(admin)]

    pages = []
    number = 1
    while True:
        page = selectors.audit_page(admin, page=number, per_page=7)
        pages.append(page)
        if not page.has_next:
            break
        number += 1

    walked = [(r["model_key"], r["history_id"]) for page in pages for r in page.object_list]
    assert walked == everything
    assert len(everything) > 7 * 3
    assert [(p.number, p.has_previous, p.has_next) for p in pages[:2]] == [(1, False, True), (2, True, True)]
    assert selectors.audit_page(admin, page=number + 1, per_page=7).object_list == []
    assert selectors.audit_page(admin, page="abc", per_page=7).number == 1


def test_audit_page_only_shows_the_users_scope(personas, person_factory, tree):
    a1 = person_factory(unit=tree["school_a1"], full_name="Lê Văn Một")
    person_factory(unit=tree["school_b1"], full_name="Phạm Văn Ba")
    head = personas["head_a1"]

    page = selectors.audit_page(head, per_page=25)

    assert {(r["model_key"], r["history_id"]) for r in page.object_list} == {
        (r["model_key"], r["history_id"]) for r in selectors.audit_entries_visible_to(head)
    }
    people = [r for r in page.object_list if r["model_key"] == "units.person"]
    assert [row.object for row in selectors.audit_rows(people)] == ["Lê Văn Một"]
    assert a1.history.count() == 1


def test_audit_date_filter_uses_local_days(personas, person_factory):
    person = person_factory()
    row = person.history.get()
    local_day = timezone.localdate(row.history_date)
    admin = personas["admin_dept"]

    same_day = selectors.audit_page(
        admin, per_page=25, model_key="units.person", date_from=local_day, date_to=local_day
    )
    next_day = selectors.audit_page(
        admin, per_page=25, model_key="units.person", date_from=local_day + datetime.timedelta(days=1)
    )
    day_before = selectors.audit_page(
        admin, per_page=25, model_key="units.person", date_to=local_day - datetime.timedelta(days=1)
    )

    assert [r["history_id"] for r in same_day.object_list] == [row.history_id]
    assert next_day.object_list == day_before.object_list == []


def test_audit_page_queries_do_not_grow_with_rows_and_there_is_no_count(
    client, personas, person_factory, django_assert_max_num_queries
):
    client.force_login(personas["admin_dept"])
    _people_with_history(person_factory, personas, 1)
    with django_assert_max_num_queries(20) as one:
        client.get(URL)
    _people_with_history(person_factory, personas, 40)

    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        response = client.get(URL)

    assert len(response.context["rows"]) == 25
    assert not any("COUNT(" in q["sql"] and "history" in q["sql"] for q in many.captured_queries)
    body = response.content.decode()
    assert "Sau »" in body and "Trang 1" in body
    second = client.get(URL, {"page": 2})
    assert "« Trước" in second.content.decode()


def test_audit_export_has_the_pages_rows_in_scope_with_the_filters(client, personas, person_factory, tree):
    from core.tests.export_helpers import column, export_of, preamble

    person_factory(unit=tree["school_a1"], full_name="Lê Văn Một")
    person_factory(unit=tree["school_b1"], full_name="Phạm Văn Ba")
    client.force_login(personas["head_a1"])

    response = export_of(client, URL, "model=units.person")

    objects = column(response, "Đối tượng")
    assert objects == ["Lê Văn Một"]  # not the other Phòng's teacher
    assert column(response, "Thao tác") == [
        selectors.audit_rows(
            [
                r
                for r in selectors.audit_page(personas["head_a1"], per_page=25).object_list
                if r["model_key"] == "units.person"
            ]
        )[0].change_label
    ]
    assert preamble(response)[:2] == ["NHẬT KÝ THAY ĐỔI", "Bộ lọc: Loại dữ liệu: Cá nhân"]


def test_audit_export_says_when_it_keeps_only_the_newest(client, personas, person_factory, settings):
    from core.tests.export_helpers import column, export_of, preamble

    _people_with_history(person_factory, personas, 3)
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(personas["admin_dept"])

    response = export_of(client, URL)

    assert len(column(response, "Thời gian")) == 2
    assert preamble(response)[1] == "Bộ lọc: Không lọc (chỉ 2 thay đổi mới nhất: hãy lọc hẹp hơn)"
