import datetime

import pytest
from django.urls import URLPattern, URLResolver, reverse

from awards import selectors, services
from awards.enums import InitiativeStatus, RecipientKind, TaskRating
from awards.models import AwardRecord, AwardType, Initiative
from awards.urls import urlpatterns

VIEWERS_OF_A1 = ["secretary_a1", "head_a1", "council_a1", "reviewer_a", "admin_dept"]
STRANGERS_TO_A1 = ["secretary_a2", "reviewer_b", "outsider"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def teacher(tree, person_factory):
    return person_factory(unit=tree["team_a1"], full_name="Lê Thị Hoa")


@pytest.fixture
def item(tree, teacher):
    return services.initiative_register(
        by=None, unit=tree["school_a1"], school_year=2024, title="Dạy học qua trò chơi", authors=[teacher]
    )


def test_every_awards_view_declares_a_rule():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    missing = [p.name for p in walk(urlpatterns) if not getattr(p.callback, "portal_rule", None)]
    assert missing == []


@pytest.mark.parametrize("persona", VIEWERS_OF_A1 + STRANGERS_TO_A1)
def test_catalog_is_readable_by_everyone(client, personas, persona):
    login(client, personas[persona])
    award = AwardType.objects.get(code="CSTDCS", effective_to__isnull=True)
    assert client.get(reverse("awards:catalog")).status_code == 200
    response = client.get(reverse("awards:catalog_detail", args=[award.pk]))
    assert response.status_code == 200
    assert "Điều 23" in response.content.decode()


def test_catalog_shows_only_rows_in_force_by_default(client, personas):
    login(client, personas["outsider"])
    page = client.get(reverse("awards:catalog")).context["page"]
    codes = [t.code for t in page]
    assert len(codes) == len(set(codes))
    everything = client.get(reverse("awards:catalog"), {"in_force": "all"}).context["page"]
    assert [t.code for t in everything].count("CSTDCS") == 2


def test_catalog_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    login(client, personas["outsider"])
    with django_assert_max_num_queries(8):
        client.get(reverse("awards:catalog"), {"q": "KNC"})
    with django_assert_max_num_queries(8):
        client.get(reverse("awards:catalog"), {"in_force": "all"})


@pytest.mark.parametrize(
    "persona, status",
    [(p, 200) for p in VIEWERS_OF_A1] + [(p, 404) for p in STRANGERS_TO_A1],
)
def test_person_pages_follow_unit_scope(client, personas, teacher, persona, status):
    login(client, personas[persona])
    assert client.get(reverse("awards:person_history", args=[teacher.pk])).status_code == status
    assert client.get(reverse("awards:person_check", args=[teacher.pk])).status_code == status


def test_person_history_shows_chain_and_outlook(client, personas, teacher, record):
    record(teacher, "CSTDCS", 2022)
    record(teacher, "LDTT", 2023, commendation_kind="ad_hoc")
    login(client, personas["secretary_a1"])
    response = client.get(reverse("awards:person_history", args=[teacher.pk]))
    body = response.content.decode()
    assert "2022-2023" in body
    assert "không tính cho khen theo công trạng" in body
    assert {r.award_code for r in response.context["outlook"]} >= {"LDTT", "CSTDCS", "KNC_GD"}


def test_person_check_runs_the_engine(client, personas, teacher, record, rate):
    record(teacher, "LDTT", 2024)
    rate(teacher, 2024, TaskRating.EXCELLENT)
    login(client, personas["head_a1"])
    response = client.get(
        reverse("awards:person_check", args=[teacher.pk]), {"award": "CSTDCS", "year": 2024, "on_date": "20/06/2025"}
    )
    assert response.status_code == 200
    assert response.context["result"].verdict == "eligible"
    assert "Đủ điều kiện" in response.content.decode()


def test_person_check_refuses_an_award_not_in_the_list(client, personas, teacher):
    login(client, personas["head_a1"])
    response = client.get(reverse("awards:person_check", args=[teacher.pk]), {"award": "TTLDXS", "year": 2024})
    assert response.context["result"] is None
    assert response.context["form"].errors


@pytest.mark.parametrize("recipient", [RecipientKind.INDIVIDUAL, RecipientKind.COLLECTIVE])
def test_check_choices_are_the_codes_in_force_for_that_recipient_in_one_query(db, recipient, django_assert_num_queries):
    """The check form's choices: award_choices' pairs of the codes in force for a person (a unit), one query."""
    today = datetime.date.today()
    individual = recipient == RecipientKind.INDIVIDUAL
    codes = (selectors.individual_codes_in_force if individual else selectors.collective_codes_in_force)(today)
    expected = [(code, name) for code, name in selectors.award_choices(on_date=today) if code in codes]
    with django_assert_num_queries(1):
        choices = selectors.check_award_choices(recipient, on_date=today)
    assert choices == expected
    assert ("LDTT" in dict(choices)) is individual
    assert ("TTLDXS" in dict(choices)) is not individual


@pytest.mark.parametrize(
    "persona, status",
    [(p, 200) for p in VIEWERS_OF_A1] + [(p, 404) for p in STRANGERS_TO_A1],
)
def test_unit_pages_follow_unit_scope(client, personas, tree, persona, status):
    login(client, personas[persona])
    school = tree["school_a1"]
    assert client.get(reverse("awards:unit_history", args=[school.pk])).status_code == status
    assert (
        client.get(reverse("awards:unit_check", args=[school.pk]), {"award": "TTLDTT", "year": 2024}).status_code
        == status
    )
    assert client.get(reverse("awards:initiative_list", args=[school.pk])).status_code == status


def test_unit_history_query_count_does_not_grow(
    client, personas, tree, person_factory, record, django_assert_max_num_queries
):
    login(client, personas["head_a1"])
    url = reverse("awards:unit_history", args=[tree["school_a1"].pk])
    record(person_factory(), "LDTT", 2023)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    for _ in range(30):
        record(person_factory(unit=tree["team_a1"]), "LDTT", 2023)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 25


def test_people_search_scoped_and_constant(client, personas, tree, person_factory, django_assert_max_num_queries):
    person_factory(unit=tree["school_a1"])
    person_factory(unit=tree["school_b1"])
    login(client, personas["outsider"])
    assert len(client.get(reverse("awards:people_search")).context["page"]) == 0
    login(client, personas["secretary_a1"])
    with django_assert_max_num_queries(12) as one:
        page = client.get(reverse("awards:people_search")).context["page"]
    assert len(page) == 1
    for _ in range(20):
        person_factory(unit=tree["team_a1"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("awards:people_search"))


def test_initiative_list_query_count_does_not_grow(client, personas, tree, teacher, django_assert_max_num_queries):
    login(client, personas["secretary_a1"])
    url = reverse("awards:initiative_list", args=[tree["school_a1"].pk])
    services.initiative_register(by=None, unit=tree["school_a1"], school_year=2024, title="SK 0", authors=[teacher])
    with django_assert_max_num_queries(15) as one:
        client.get(url)
    for n in range(1, 20):
        services.initiative_register(
            by=None, unit=tree["school_a1"], school_year=2024, title=f"SK {n}", authors=[teacher]
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 302),
        ("head_a1", 302),
        ("admin_dept", 302),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_initiative_create_permissions(client, personas, tree, teacher, persona, status):
    login(client, personas[persona])
    url = reverse("awards:initiative_create", args=[tree["school_a1"].pk])
    response = client.post(
        url, {"title": "Ứng dụng CNTT", "kind": "initiative", "school_year": 2024, "authors": [teacher.pk]}
    )
    assert response.status_code == status
    assert Initiative.objects.filter(title="Ứng dụng CNTT").exists() == (status == 302)


def test_initiative_duplicate_name_shows_message(client, personas, tree, teacher, item):
    login(client, personas["secretary_a1"])
    url = reverse("awards:initiative_create", args=[tree["school_a1"].pk])
    response = client.post(
        url, {"title": item.title, "kind": "initiative", "school_year": 2024, "authors": [teacher.pk]}
    )
    assert response.status_code == 200
    assert "đã đăng ký sáng kiến" in response.content.decode()
    assert Initiative.objects.count() == 1


def test_initiative_edit_by_secretary(client, personas, teacher, item):
    login(client, personas["secretary_a1"])
    response = client.post(
        reverse("awards:initiative_edit", args=[item.pk]),
        {
            "title": "Dạy học qua trò chơi dân gian",
            "kind": "initiative",
            "authors": [teacher.pk],
            "version": str(item.version),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Dạy học qua trò chơi dân gian"


@pytest.mark.parametrize(
    "persona, status",
    [
        ("head_a1", 302),
        ("admin_dept", 302),
        ("secretary_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_initiative_recognise_permissions(client, personas, item, persona, status):
    login(client, personas[persona])
    response = client.post(
        reverse("awards:initiative_recognise", args=[item.pk]),
        {
            "recognised": "1",
            "scope": "base",
            "decision_number": "15/QĐ-TH",
            "decision_date": "10/04/2025",
            "issuer": "Trường",
        },
    )
    assert response.status_code == status
    item.refresh_from_db()
    assert (item.status == InitiativeStatus.RECOGNISED) == (status == 302)


def test_initiative_recognise_needs_decision(client, personas, item):
    login(client, personas["head_a1"])
    response = client.post(reverse("awards:initiative_recognise", args=[item.pk]), {"recognised": "1", "scope": "base"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == InitiativeStatus.REGISTERED


def test_initiative_home_redirects_to_active_unit(client, personas, tree):
    login(client, personas["secretary_a1"])
    response = client.get(reverse("awards:initiative_home"))
    assert response["Location"] == reverse("awards:initiative_list", args=[tree["school_a1"].pk])
    login(client, personas["outsider"])
    assert client.get(reverse("awards:initiative_home")).status_code == 404


@pytest.mark.parametrize(
    "persona, status",
    [("admin_dept", 302), ("head_a1", 403), ("secretary_a1", 403), ("secretary_a2", 404), ("outsider", 404)],
)
def test_record_revoke_permissions(client, personas, teacher, record, persona, status):
    given = record(teacher, "LDTT", 2023, decision_number="7/QĐ-UBND", decision_date=datetime.date(2024, 6, 1))
    login(client, personas[persona])
    response = client.post(
        reverse("awards:record_revoke", args=[given.pk]),
        {
            "whole_decision": "on",
            "revocation_number": "9/QĐ-UBND",
            "revocation_date": "01/02/2025",
            "reason": "Sai hồ sơ",
        },
    )
    assert response.status_code == status
    assert AwardRecord.objects.in_force().filter(pk=given.pk).exists() == (status != 302)


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
def test_import_page_permissions(client, personas, tree, persona, status):
    login(client, personas[persona])
    for kind in ("khen-thuong", "danh-gia"):
        assert client.get(reverse("awards:history_import", args=[tree["school_a1"].pk, kind])).status_code == status


def test_import_unknown_kind_is_404(client, personas, tree):
    login(client, personas["secretary_a1"])
    assert client.get(reverse("awards:history_import", args=[tree["school_a1"].pk, "khac"])).status_code == 404


@pytest.mark.parametrize("kind", ["khen-thuong", "danh-gia"])
def test_import_templates_download(client, personas, kind):
    login(client, personas["outsider"])
    response = client.get(reverse("awards:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "persona, status",
    [
        ("secretary_a1", 200),
        ("head_a1", 200),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("outsider", 404),
    ],
)
def test_initiative_edit_permissions(client, personas, item, persona, status):
    login(client, personas[persona])
    assert client.get(reverse("awards:initiative_edit", args=[item.pk])).status_code == status


def test_recognised_initiative_cannot_be_edited(client, personas, teacher, item):
    services.initiative_recognise(
        initiative=item,
        recognised=True,
        by=personas["head_a1"],
        scope="base",
        decision_number="1/QĐ",
        decision_date=datetime.date(2025, 4, 1),
    )
    login(client, personas["secretary_a1"])
    response = client.post(
        reverse("awards:initiative_edit", args=[item.pk]),
        {"title": "Tên mới", "kind": "initiative", "authors": [teacher.pk], "version": ""},
    )
    assert response.status_code == 200
    assert "đã được công nhận" in response.content.decode()
