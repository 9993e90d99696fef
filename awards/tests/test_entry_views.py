"""Pages that replace the admin for the data the engine reads: ratings, decisions, discipline, service."""

import datetime

import pytest
from django.urls import reverse

from awards import engine, services
from awards.enums import DisciplineKind, ServicePeriodKind, TaskRating, Verdict
from awards.models import AwardRecord, DisciplinePeriod, ServicePeriod, TaskEvaluation
from awards.schoolyear import current_school_year, school_year_bounds

YEAR = current_school_year() - 1  # last school year: its decisions are in the past
DECIDED = school_year_bounds(YEAR)[1] - datetime.timedelta(days=75)  # mid-June of that year


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def teacher(tree, person_factory):
    return person_factory(unit=tree["team_a1"], full_name="Lê Thị Hoa", position="Giáo viên")


def grid_url(tree, unit="school_a1"):
    return reverse("awards:evaluation_grid", args=[tree[unit].pk])


def decision_data(people=(), units=(), **extra):
    data = {
        "decision_number": "25/QĐ-TH",
        "decision_date": DECIDED.strftime("%d/%m/%Y"),
        "issuer": "Trường Tiểu học A1",
        "school_year": YEAR,
        "award": "LDTT",
        "commendation_kind": "",
        "people": [p.pk for p in people],
        "units": [u.pk for u in units],
    }
    data.update(extra)
    return data


# --- rating grid ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 200),
        ("head_a1", 200),
        ("admin_dept", 200),
        ("reviewer_a", 200),
        ("council_a1", 403),
        ("secretary_a2", 404),
        ("reviewer_b", 404),
        ("outsider", 404),
    ],
)
def test_evaluation_grid_get_permissions(client, personas, tree, teacher, persona, status):
    login(client, personas[persona])
    response = client.get(grid_url(tree))
    assert response.status_code == status
    if status == 200:
        assert response.context["can_edit"] == (persona != "reviewer_a")


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 302),
        ("head_a1", 302),
        ("admin_dept", 302),
        ("reviewer_a", 403),
        ("council_a1", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_evaluation_grid_post_permissions(client, personas, tree, teacher, persona, status):
    login(client, personas[persona])
    response = client.post(grid_url(tree), {"school_year": YEAR, f"rating_{teacher.pk}": TaskRating.GOOD})
    assert response.status_code == status
    assert TaskEvaluation.objects.filter(person=teacher).exists() == (status == 302)


def test_evaluation_grid_shows_rows_prefilled_and_counts(client, personas, tree, person_factory, teacher, rate):
    principal = person_factory(unit=tree["school_a1"], full_name="Đỗ Văn Hiệu", position="Hiệu trưởng")
    person_factory(unit=tree["school_a2"], full_name="Người Trường Khác")
    person_factory(unit=tree["team_a1"], full_name="Đã Nghỉ Hưu", is_active=False)
    rate(teacher, YEAR, TaskRating.EXCELLENT)
    login(client, personas["secretary_a1"])
    response = client.get(grid_url(tree), {"year": YEAR})
    rows = response.context["grid"]["rows"]
    assert [(r["person"].full_name, r["team"], r["value"]) for r in rows] == [
        ("Đỗ Văn Hiệu", None, ""),
        ("Lê Thị Hoa", tree["team_a1"], "excellent"),
    ]
    body = response.content.decode()
    assert "HTXS: 1 · HTT: 0 · HT: 0 · KHT: 0 · Chưa đánh giá: 1" in body
    assert f'name="rating_{principal.pk}"' in body
    assert "Tổ khối 1" in body


def test_evaluation_grid_defaults_to_the_current_year_and_switches(client, personas, tree, teacher, rate):
    rate(teacher, YEAR, TaskRating.GOOD)
    login(client, personas["head_a1"])
    assert client.get(grid_url(tree)).context["year"] == current_school_year()
    response = client.get(grid_url(tree), {"year": YEAR})
    assert response.context["year"] == YEAR
    assert response.context["grid"]["rows"][0]["value"] == "good"


def test_evaluation_grid_reviewer_reads_without_selects(client, personas, tree, teacher, rate):
    rate(teacher, YEAR, TaskRating.GOOD)
    login(client, personas["reviewer_a"])
    body = client.get(grid_url(tree), {"year": YEAR}).content.decode()
    assert '<select name="rating_' not in body
    assert "HTT" in body
    assert "Chỉ xem" in body


def test_evaluation_grid_saves_all_rows_and_redirects(client, personas, tree, person_factory, teacher, rate):
    other = person_factory(unit=tree["school_a1"])
    rate(other, YEAR, TaskRating.COMPLETE)
    login(client, personas["secretary_a1"])
    response = client.post(
        grid_url(tree), {"school_year": YEAR, f"rating_{teacher.pk}": "excellent", f"rating_{other.pk}": ""}
    )
    assert response["Location"] == f"{grid_url(tree)}?year={YEAR}"
    assert dict(TaskEvaluation.objects.values_list("person_id", "rating")) == {teacher.pk: "excellent"}
    page = client.get(response["Location"])
    assert "HTXS: 1 · HTT: 0 · HT: 0 · KHT: 0 · Chưa đánh giá: 1" in page.content.decode()


def test_evaluation_grid_refuses_a_person_of_another_unit(client, personas, tree, person_factory, teacher):
    foreign = person_factory(unit=tree["school_a2"], full_name="Trần Văn Ngoài")
    login(client, personas["secretary_a1"])
    response = client.post(
        grid_url(tree),
        {"school_year": YEAR, f"rating_{teacher.pk}": "excellent", f"rating_{foreign.pk}": "excellent"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "có người không thuộc đơn vị này hoặc không tìm thấy" in body
    assert "Trần Văn Ngoài" not in body
    assert TaskEvaluation.objects.count() == 0


def test_evaluation_grid_refuses_a_tampered_rating(client, personas, tree, teacher):
    login(client, personas["secretary_a1"])
    response = client.post(grid_url(tree), {"school_year": YEAR, f"rating_{teacher.pk}": "HTXS"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()
    assert TaskEvaluation.objects.count() == 0


def _staff(person_factory, tree, n):
    return [person_factory(unit=tree["team_a1"] if i % 2 else tree["school_a1"]) for i in range(n)]


def test_evaluation_grid_get_query_count_does_not_grow(
    client, personas, tree, person_factory, rate, django_assert_max_num_queries
):
    login(client, personas["secretary_a1"])
    first = _staff(person_factory, tree, 1)
    rate(first[0], YEAR, TaskRating.GOOD)
    with django_assert_max_num_queries(15) as one:
        client.get(grid_url(tree), {"year": YEAR})
    for person in _staff(person_factory, tree, 29):
        rate(person, YEAR, TaskRating.GOOD)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(grid_url(tree), {"year": YEAR})
    assert len(response.context["grid"]["rows"]) == 30


def test_evaluation_grid_post_query_count_does_not_grow(
    client, personas, tree, person_factory, rate, django_assert_max_num_queries
):
    def mixed(people):
        """A third new ratings, a third changed, a third cleared."""
        data = {"school_year": YEAR}
        for i, person in enumerate(people):
            if i % 3:
                rate(person, YEAR, TaskRating.COMPLETE)
            data[f"rating_{person.pk}"] = "" if i % 3 == 2 else "excellent"
        return data

    single = mixed(_staff(person_factory, tree, 1))
    small = mixed(_staff(person_factory, tree, 3))
    large = mixed(_staff(person_factory, tree, 30))
    login(client, personas["secretary_a1"])
    with django_assert_max_num_queries(15) as one:
        assert client.post(grid_url(tree), small).status_code == 302
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.post(grid_url(tree), single).status_code == 302
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.post(grid_url(tree), large).status_code == 302
    assert TaskEvaluation.objects.filter(rating="excellent").count() == 1 + 2 + 20


# --- decisions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 200),
        ("head_a1", 200),
        ("admin_dept", 200),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_decision_page_permissions(client, personas, tree, teacher, persona, status):
    login(client, personas[persona])
    url = reverse("awards:decision_create", args=[tree["school_a1"].pk])
    assert client.get(url).status_code == status
    response = client.post(url, decision_data(people=[teacher]))
    assert response.status_code == (302 if status == 200 else status)
    assert AwardRecord.objects.filter(person=teacher).exists() == (status == 200)


def test_decision_page_offers_people_and_units_of_the_subtree(client, personas, tree, person_factory, teacher):
    person_factory(unit=tree["school_a2"], full_name="Người Trường Khác")
    login(client, personas["secretary_a1"])
    form = client.get(reverse("awards:decision_create", args=[tree["school_a1"].pk])).context["form"]
    assert list(form.fields["people"].queryset) == [teacher]
    assert list(form.fields["units"].queryset) == [tree["school_a1"], tree["team_a1"]]
    assert ("TTLDTT", "Tập thể lao động tiên tiến (tập thể)") in form.fields["award"].choices


def test_decision_double_submit_creates_no_duplicate(client, personas, tree, teacher, person_factory):
    second = person_factory(unit=tree["school_a1"], full_name="Vũ Văn Nam")
    login(client, personas["secretary_a1"])
    url = reverse("awards:decision_create", args=[tree["school_a1"].pk])
    data = decision_data(people=[teacher, second])
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    body = again.content.decode()
    assert "Không lưu: đã có" in body
    assert "Lê Thị Hoa, Vũ Văn Nam" in body
    assert AwardRecord.objects.count() == 2


def test_decision_for_collectives(client, personas, tree):
    login(client, personas["head_a1"])
    url = reverse("awards:decision_create", args=[tree["school_a1"].pk])
    response = client.post(url, decision_data(units=[tree["team_a1"]], award="TTLDTT"))
    assert response.status_code == 302
    assert AwardRecord.objects.get().unit == tree["team_a1"]


def test_decision_refuses_people_for_a_collective_award(client, personas, tree, teacher):
    login(client, personas["head_a1"])
    url = reverse("awards:decision_create", args=[tree["school_a1"].pk])
    response = client.post(url, decision_data(people=[teacher], units=[tree["team_a1"]], award="TTLDTT"))
    assert response.status_code == 200
    assert "chỉ tặng cho tập thể" in response.content.decode()
    assert AwardRecord.objects.count() == 0


def test_decision_refuses_future_date_and_foreign_person(client, personas, tree, teacher, person_factory):
    foreign = person_factory(unit=tree["school_b1"])
    login(client, personas["secretary_a1"])
    url = reverse("awards:decision_create", args=[tree["school_a1"].pk])
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    assert client.post(url, decision_data(people=[teacher], decision_date=future)).status_code == 200
    assert client.post(url, decision_data(people=[teacher, foreign])).status_code == 200
    assert AwardRecord.objects.count() == 0


# --- discipline and service periods -----------------------------------------------------------------------

PERIOD_PAGES = [
    ("awards:discipline_create", {"kind": "pending", "start": "01/03/2026"}),
    ("awards:service_period_create", {"kind": "disadvantaged", "start": "01/09/2010", "end": "31/08/2016"}),
]


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 200),
        ("head_a1", 200),
        ("admin_dept", 200),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name, data", PERIOD_PAGES)
def test_period_create_permissions(client, personas, teacher, persona, status, name, data):
    login(client, personas[persona])
    url = reverse(name, args=[teacher.pk])
    assert client.get(url).status_code == status
    response = client.post(url, data)
    assert response.status_code == (302 if status == 200 else status)
    created = DisciplinePeriod.objects.exists() or ServicePeriod.objects.exists()
    assert created == (status == 200)


@pytest.fixture
def pending(teacher):
    return services.discipline_period_create(
        by=None, person=teacher, kind=DisciplineKind.PENDING, start=datetime.date(2026, 3, 1)
    )


@pytest.fixture
def hardship(teacher):
    return services.service_period_create(
        by=None,
        person=teacher,
        kind=ServicePeriodKind.DISADVANTAGED,
        start=datetime.date(2010, 9, 1),
        end=datetime.date(2016, 8, 31),
    )


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 302),
        ("head_a1", 302),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_discipline_end_and_service_delete_permissions(client, personas, pending, hardship, persona, status):
    login(client, personas[persona])
    end_url = reverse("awards:discipline_end", args=[pending.pk])
    delete_url = reverse("awards:service_period_delete", args=[hardship.pk])
    assert client.get(end_url).status_code == (200 if status == 302 else status)
    assert client.get(delete_url).status_code == (200 if status == 302 else status)
    assert client.post(end_url, {"end": "15/04/2026"}).status_code == status
    assert client.post(delete_url, {}).status_code == status
    pending.refresh_from_db()
    assert (pending.end == datetime.date(2026, 4, 15)) == (status == 302)
    assert ServicePeriod.objects.exists() == (status != 302)


def test_period_forms_refuse_bad_dates_and_overlaps(client, personas, teacher, hardship):
    login(client, personas["secretary_a1"])
    url = reverse("awards:service_period_create", args=[teacher.pk])
    response = client.post(url, {"kind": "disadvantaged", "start": "01/09/2015", "end": "31/08/2014"})
    assert "không thể trước ngày bắt đầu" in response.content.decode()
    response = client.post(url, {"kind": "disadvantaged", "start": "01/09/2015"})
    assert "Trùng thời gian" in response.content.decode()
    assert ServicePeriod.objects.count() == 1


def test_person_history_lists_periods_with_links_for_managers(client, personas, teacher, pending, hardship):
    login(client, personas["secretary_a1"])
    body = client.get(reverse("awards:person_history", args=[teacher.pk])).content.decode()
    assert "Đang xem xét kỷ luật, thanh tra, điều tra" in body
    assert "01/03/2026 – nay" in body
    assert "01/09/2010 – 31/08/2016" in body
    assert reverse("awards:discipline_end", args=[pending.pk]) in body
    assert reverse("awards:service_period_delete", args=[hardship.pk]) in body
    login(client, personas["reviewer_a"])
    body = client.get(reverse("awards:person_history", args=[teacher.pk])).content.decode()
    assert "01/03/2026 – nay" in body
    assert reverse("awards:discipline_end", args=[pending.pk]) not in body
    assert reverse("awards:discipline_create", args=[teacher.pk]) not in body


def test_unit_history_links_by_role(client, personas, tree):
    url = reverse("awards:unit_history", args=[tree["school_a1"].pk])
    grid, decision = grid_url(tree), reverse("awards:decision_create", args=[tree["school_a1"].pk])
    login(client, personas["secretary_a1"])
    body = client.get(url).content.decode()
    assert grid in body and decision in body
    login(client, personas["reviewer_a"])
    body = client.get(url).content.decode()
    assert grid in body and decision not in body
    login(client, personas["council_a1"])
    body = client.get(url).content.decode()
    assert grid not in body and decision not in body


# --- the engine sees what the pages saved ---------------------------------------------------------------------


def test_pages_change_the_cstdcs_verdict(client, personas, tree, teacher):
    before = engine.check_eligibility(teacher, "CSTDCS", YEAR, on_date=DECIDED)
    assert before.verdict != Verdict.ELIGIBLE
    login(client, personas["secretary_a1"])
    client.post(grid_url(tree), {"school_year": YEAR, f"rating_{teacher.pk}": "excellent"})
    client.post(reverse("awards:decision_create", args=[tree["school_a1"].pk]), decision_data(people=[teacher]))
    after = engine.check_eligibility(teacher, "CSTDCS", YEAR, on_date=DECIDED)
    assert after.verdict == Verdict.ELIGIBLE, [r.text for r in after.reasons]
    # A pending case entered on the person page blocks it again.
    client.post(
        reverse("awards:discipline_create", args=[teacher.pk]),
        {"kind": "pending", "start": (DECIDED - datetime.timedelta(days=10)).strftime("%d/%m/%Y")},
    )
    blocked = engine.check_eligibility(teacher, "CSTDCS", YEAR, on_date=DECIDED)
    assert blocked.verdict == Verdict.NOT_ELIGIBLE
