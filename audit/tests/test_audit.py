import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from audit import selectors
from audit.registry import AUDITED_MODELS
from awards.enums import TaskRating
from awards.models import TaskEvaluation
from core.audit import acting_as
from units.services import person_update

pytestmark = pytest.mark.django_db

URL = reverse("audit:list")


def test_audited_models_are_the_listed_ones_and_each_keeps_history():
    labels = {entry.model._meta.label for entry in AUDITED_MODELS}
    assert labels == {
        "units.Unit",
        "units.Person",
        "units.UnitRole",
        "awards.AwardType",
        "awards.AwardRule",
        "awards.AwardRecord",
        "awards.Revocation",
        "awards.TaskEvaluation",
        "awards.Initiative",
        "awards.DisciplinePeriod",
        "awards.ServicePeriod",
        "awards.AuthorityRoute",
        "awards.AuthorityRouteStep",
        "campaigns.Campaign",
        "campaigns.Registration",
        "nominations.Dossier",
        "nominations.Nomination",
        "nominations.Attachment",
        "nominations.PublicNotice",
        "nominations.Objection",
        "nominations.AchievementReport",
        "councils.CastRecord",
        "documents.GeneratedDocument",
        "documents.ScannedOriginal",
        "accounts.AccountStatusChange",
    }
    assert all(hasattr(entry.model, "history") for entry in AUDITED_MODELS)


def test_no_ballot_or_vote_model_is_ever_traced():
    """The councils' secret ballot must leave no trace of who voted what: it is never audited."""
    secret = [m for m in apps.get_models() if any(w in m.__name__.lower() for w in ("ballot", "vote"))]
    audited = {entry.model for entry in AUDITED_MODELS}
    assert [m for m in secret if m in audited or hasattr(m, "history")] == []


def test_acting_as_records_the_author_outside_a_request(person_factory, personas):
    person = person_factory()
    with acting_as(personas["head_a1"]):
        person_update(by=None, person=person, position="Tổ trưởng")
        TaskEvaluation.objects.create(person=person, school_year=2024, rating=TaskRating.GOOD)
    person_update(by=None, person=person, position="Giáo viên")

    assert [h.history_user for h in person.history.order_by("history_date", "history_id")] == [
        None,
        personas["head_a1"],
        None,
    ]
    assert TaskEvaluation.history.get().history_user == personas["head_a1"]


def test_web_request_records_the_signed_in_user(client, personas, person_factory):
    person = person_factory()
    client.force_login(personas["head_a1"])
    response = client.get(reverse("units:person_edit", args=[person.pk]))
    form = response.context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields) if field.value() is not None}
    data["position"] = "Phó hiệu trưởng"
    data["date_of_birth"] = person.date_of_birth.strftime("%d/%m/%Y")
    data["service_start"] = person.service_start.strftime("%d/%m/%Y")
    client.post(reverse("units:person_edit", args=[person.pk]), data)

    latest = person.history.order_by("-history_date", "-history_id").first()
    assert (latest.position, latest.history_user) == ("Phó hiệu trưởng", personas["head_a1"])


def _rows(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    return response, [
        (r.model, r.object, r.change_type) for r in response.context["rows"]
    ] if response.status_code == 200 else []


def test_audit_page_by_persona(client, personas, person_factory, tree):
    a1 = person_factory(unit=tree["school_a1"], full_name="Lê Văn Một")
    person_factory(unit=tree["school_a2"], full_name="Trần Thị Hai")
    with acting_as(personas["head_a1"]):
        person_update(by=None, person=a1, position="Tổ trưởng")
        TaskEvaluation.objects.create(person=a1, school_year=2024, rating=TaskRating.EXCELLENT)

    names = (
        "secretary_a1",
        "head_a1",
        "council_a1",
        "reviewer_a",
        "admin_dept",
        "secretary_a2",
        "reviewer_b",
        "outsider",
    )
    statuses = {name: _rows(client, personas[name])[0].status_code for name in names}
    assert statuses == {
        "secretary_a1": 403,
        "head_a1": 200,
        "council_a1": 403,
        "reviewer_a": 403,
        "admin_dept": 200,
        "secretary_a2": 403,
        "reviewer_b": 403,
        "outsider": 403,
    }
    _, head_rows = _rows(client, personas["head_a1"], model="units.person")
    assert head_rows == [("Cá nhân", "Lê Văn Một", "~"), ("Cá nhân", "Lê Văn Một", "+")]
    _, admin_people = _rows(client, personas["admin_dept"], model="units.person")
    assert {o for _, o, _ in admin_people} == {"Lê Văn Một", "Trần Thị Hai"}
    _, evaluations = _rows(client, personas["head_a1"], model="awards.taskevaluation")
    assert evaluations == [("Đánh giá, xếp loại", "Lê Văn Một 2024-2025: Hoàn thành xuất sắc nhiệm vụ", "+")]


def test_audit_update_shows_old_and_new_values_and_author(client, personas, person_factory):
    person = person_factory(full_name="Lê Văn Một", position="Giáo viên")
    with acting_as(personas["admin_dept"]):
        person_update(by=None, person=person, position="Tổ trưởng")
    client.force_login(personas["head_a1"])

    row = client.get(URL, {"model": "units.person"}).context["rows"][0]

    assert (row.who, row.change_type, row.change_label) == ("dung", "~", "Sửa")
    assert [(c.field, c.old, c.new) for c in row.changes] == [("chức vụ", "Giáo viên", "Tổ trưởng")]


def test_audit_filters_by_user_date_and_unit(client, personas, person_factory, tree):
    a1 = person_factory(unit=tree["school_a1"])
    a2 = person_factory(unit=tree["school_a2"])
    with acting_as(personas["admin_dept"]):
        person_update(by=None, person=a1, position="Tổ trưởng")
        person_update(by=None, person=a2, position="Tổ phó")
    admin = personas["admin_dept"]
    today = datetime.date.today()

    by_user = selectors.audit_entries_visible_to(admin, model_key="units.person", username="dun")
    by_unit = selectors.audit_entries_visible_to(admin, model_key="units.person", unit=tree["school_a2"])
    tomorrow = selectors.audit_entries_visible_to(admin, date_from=today + datetime.timedelta(days=1))
    today_rows = selectors.audit_entries_visible_to(admin, date_from=today, date_to=today)

    assert sorted(r["id"] for r in by_user) == sorted([a1.pk, a2.pk])
    assert {r["id"] for r in by_unit} == {a2.pk}
    assert list(tomorrow) == []
    assert len(list(today_rows)) > 4
    client.force_login(admin)
    assert client.get(URL, {"date_from": "không-phải-ngày", "unit": "abc"}).status_code == 200


def test_audit_page_query_count_constant(client, personas, person_factory, django_assert_max_num_queries):
    client.force_login(personas["admin_dept"])
    person = person_factory()
    TaskEvaluation.objects.create(person=person, school_year=2023, rating=TaskRating.GOOD)
    with django_assert_max_num_queries(40) as one:
        client.get(URL)
    for i in range(30):
        p = person_factory()
        person_update(by=None, person=p, position=f"Giáo viên {i}")
        TaskEvaluation.objects.create(person=p, school_year=2024, rating=TaskRating.GOOD)
    with django_assert_max_num_queries(len(one.captured_queries) + 2) as many:
        response = client.get(URL)
    assert len(response.context["rows"]) == 25
    assert len(many.captured_queries) <= len(one.captured_queries) + 2


def test_nav_link_only_for_those_who_may_audit(client, personas):
    client.force_login(personas["head_a1"])
    assert "Nhật ký thay đổi" in client.get(reverse("notifications:list")).content.decode()
    client.force_login(personas["secretary_a1"])
    assert "Nhật ký thay đổi" not in client.get(reverse("notifications:list")).content.decode()
