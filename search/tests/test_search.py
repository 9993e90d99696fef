import datetime
import re

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from core.exceptions import ServiceError
from nominations import services as nomination_services
from nominations.enums import RoundKind
from nominations.models import Decision, Dossier, Nomination
from search.selectors import LIMIT
from units.enums import Role, UnitKind
from units.models import Person, Unit
from units.search_keys import search_keys_fill
from units.services import person_create, person_update, unit_create, unit_update

URL = reverse("search:results")
MODELS = {"people": Person, "units": Unit, "nominations": Nomination, "dossiers": Dossier, "decisions": Decision}
YEAR = 2025


def sections(client, user, query) -> dict[str, list[dict]]:
    client.force_login(user)
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return {section.key: section.rows for section in response.context["results"].sections}


def found(client, user, query) -> dict[str, list[int]]:
    """The ids found in each section."""
    return {key: [row["pk"] for row in rows] for key, rows in sections(client, user, query).items()}


def names(rows) -> list[str]:
    """The linked text of each row (a person's or a unit's name, «Quyết định số … ngày …»)."""
    return [row["text"] for row in rows]


@pytest.fixture
def nhan(person_factory, tree):
    return person_factory(tree["school_a1"], full_name="Nguyễn Thị Nhàn", date_of_birth=datetime.date(1988, 4, 2))


# --- people --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["nguyen thi nhan", "NGUYỄN THỊ NHÀN", "NGUYEN", "nhàn", "Nhan Nguyen", "nguye\u0302\u0303n thi\u0323"]
)
def test_people_found_without_diacritics_in_capitals_and_in_any_order(client, personas, nhan, query):
    assert found(client, personas["secretary_a1"], query)["people"] == [nhan.pk]


def test_people_duong_finds_duong_with_horn_and_stroke(client, personas, person_factory, tree):
    duong = person_factory(tree["team_a1"], full_name="Dương Văn Đức")
    person_factory(tree["school_a1"], full_name="Lê Thị Hồng")
    assert found(client, personas["secretary_a1"], "Duong duc")["people"] == [duong.pk]


def test_people_need_every_word(client, personas, nhan):
    assert found(client, personas["secretary_a1"], "nguyen thi lan")["people"] == []


def test_people_page_links_the_person_and_shows_the_unit(client, personas, nhan):
    client.force_login(personas["secretary_a1"])
    body = client.get(URL, {"q": "nhan"}).content.decode()
    assert reverse("units:person_detail", args=[nhan.pk]) in body
    assert "Nguyễn Thị Nhàn" in body and "02/04/1988" in body


# --- units, nominations, dossiers, decisions -----------------------------------------------------


def test_units_found_by_name_and_short_name_without_diacritics(client, personas, tree):
    unit_update(by=None, unit=tree["school_a2"], short_name="MN Hoạ Mi")
    rows = found(client, personas["reviewer_a"], "truong TIEU hoc")
    assert rows["units"] == [tree["school_a1"].pk]
    assert found(client, personas["reviewer_a"], "hoa mi")["units"] == [tree["school_a2"].pk]


@pytest.fixture
def dossier(tree, personas):
    return nomination_services.dossier_create(
        by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=YEAR
    )


def test_nominations_found_by_the_person_or_the_collective(client, personas, tree, dossier, person_factory):
    quyen = person_factory(tree["school_a1"], full_name="Dương Thị Quyên")
    by = personas["secretary_a1"]
    personal = nomination_services.nomination_add(by=by, dossier=dossier, award_code="LDTT", person=quyen)
    collective = nomination_services.nomination_add(by=by, dossier=dossier, award_code="TTLDTT", unit=tree["team_a1"])
    assert found(client, by, "duong quyen")["nominations"] == [personal.pk]
    assert found(client, by, "TO KHOI")["nominations"] == [collective.pk]


def test_dossiers_found_by_the_unit_without_diacritics_and_by_title(client, personas, dossier):
    dossier = nomination_services.dossier_update(
        by=personas["secretary_a1"], dossier=dossier, version=None, title="Đề nghị khen thưởng cuối năm"
    )
    assert found(client, personas["secretary_a1"], "truong tieu hoc a1")["dossiers"] == [dossier.pk]
    assert found(client, personas["secretary_a1"], "khen thưởng cuối")["dossiers"] == [dossier.pk]


@pytest.fixture
def decision(tree):
    return Decision.objects.create(
        deciding_unit=tree["office_a"],
        school_year=YEAR,
        number="12/QĐ-PGDĐT",
        date=datetime.date(2026, 6, 1),
        signer="Trưởng phòng",
        issuer="Phòng GD&ĐT A",
        excerpt="Về việc công nhận danh hiệu Lao động tiên tiến",
    )


def test_decisions_found_by_number_and_excerpt(client, personas, decision):
    assert found(client, personas["reviewer_a"], "12/QĐ")["decisions"] == [decision.pk]
    assert found(client, personas["reviewer_a"], "lao động tiên tiến")["decisions"] == [decision.pk]
    assert found(client, personas["reviewer_b"], "12/QĐ")["decisions"] == []


def test_decision_list_filter_matches_without_diacritics_like_the_search(client, personas, decision):
    client.force_login(personas["reviewer_a"])
    listed = client.get(reverse("nominations:decision_list"), {"q": "LAO DONG tien tien 12/qd"})
    assert list(listed.context["page"]) == [decision]


@pytest.mark.parametrize(
    ("url_name", "params"),
    [("units:person_list", {"q": "NHAN nguyen"}), ("awards:people_search", {"q": "nguyen thi nhan"})],
)
def test_people_lists_filter_without_diacritics(client, personas, nhan, person_factory, tree, url_name, params):
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Lan")
    client.force_login(personas["secretary_a1"])
    listed = client.get(reverse(url_name), params)
    assert [p.pk for p in listed.context["page"]] == [nhan.pk]


def test_unit_list_filters_without_diacritics(client, personas, tree):
    client.force_login(personas["reviewer_a"])
    listed = client.get(reverse("units:list"), {"q": "mam non"})
    assert [u.pk for u in listed.context["page"]] == [tree["school_a2"].pk]


# --- scope ---------------------------------------------------------------------------------------


@pytest.fixture
def school_b_world(tree, person_factory, personas):
    """A teacher of school B1, a dossier nominating her and a decision of Phòng B: nothing school A may see."""
    bich = person_factory(tree["school_b1"], full_name="Võ Thị Bích Ngọc")
    secretary_b1 = make_user("secretary-b1", tree["school_b1"], Role.SECRETARY)
    dossier_b = nomination_services.dossier_create(
        by=secretary_b1, unit=tree["school_b1"], round_kind=RoundKind.YEAR_END, school_year=YEAR
    )
    nomination_services.nomination_add(by=secretary_b1, dossier=dossier_b, award_code="LDTT", person=bich)
    Decision.objects.create(
        deciding_unit=tree["office_b"],
        school_year=YEAR,
        number="7/QĐ-PGDĐT-B",
        date=datetime.date(2026, 6, 1),
        signer="Trưởng phòng",
        issuer="Phòng GD&ĐT B",
        excerpt="Về việc khen Võ Thị Bích Ngọc",
    )
    return {"bich": bich, "secretary_b1": secretary_b1}


@pytest.mark.parametrize("persona", ["secretary_a1", "head_a1", "secretary_a2", "reviewer_a", "outsider"])
def test_school_a_finds_nothing_of_school_b_and_names_nothing(client, personas, school_b_world, persona):
    client.force_login(personas[persona])
    for query in ("vo thi bich ngoc", "THCS B1", "7/QĐ"):
        response = client.get(URL, {"q": query})
        body = response.content.decode()
        assert response.context["results"].total == 0
        assert "Bích" not in body and "Trường THCS B1" not in body and "7/QĐ-PGDĐT-B" not in body


def test_school_b_finds_its_own_in_every_section(client, personas, school_b_world, tree):
    rows = sections(client, school_b_world["secretary_b1"], "vo thi bich ngoc")
    assert (names(rows["people"]), len(rows["nominations"])) == (["Võ Thị Bích Ngọc"], 1)
    assert names(sections(client, personas["reviewer_b"], "bich ngoc")["decisions"]) == [
        "Quyết định số 7/QĐ-PGDĐT-B ngày 01/06/2026"
    ]


def test_every_section_links_its_rows_in_the_queries_of_an_empty_page(client, personas, school_b_world, tree):
    # Rows in all five sections cost no query more than a page that found nothing (no lazy column or
    # relation read per row), and each precomputed link is the row's own URL.
    unit_create(by=None, name="Tổ Bích Ngọc", kind=UnitKind.TEAM, parent=tree["school_b1"])
    dossier_b = Dossier.objects.get(unit=tree["school_b1"])
    nomination_services.dossier_update(
        by=school_b_world["secretary_b1"], dossier=dossier_b, version=None, title="Khen cô Bích Ngọc"
    )
    reviewer = personas["reviewer_b"]
    nothing = queries_for(client, reviewer, "khong co ai ten nay")
    assert queries_for(client, reviewer, "bich ngoc") == nothing
    client.force_login(reviewer)
    response = client.get(URL, {"q": "bich ngoc"})
    sections = response.context["results"].sections
    assert [(section.key, len(section.rows)) for section in sections] == [
        ("people", 1),
        ("units", 1),
        ("nominations", 1),
        ("dossiers", 1),
        ("decisions", 1),
    ]
    body = response.content.decode()
    for section in sections:
        row = section.rows[0]
        url = MODELS[section.key].objects.get(pk=row["pk"]).get_absolute_url()
        assert row["link"] == url and f'href="{url}"' in body


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(URL, {"q": "nguyen"})
    assert response.status_code == 302 and "/tai-khoan/login/" in response["Location"]


# --- queries, caps, bad input --------------------------------------------------------------------


def queries_for(client, user, query) -> int:
    client.force_login(user)
    client.get(URL, {"q": "khoi dong"})  # warm the session and the role cache alike for both counts
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"q": query}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_the_same_with_1_and_30_matching_people(client, personas, person_factory, tree):
    person_factory(tree["school_a1"], full_name="Phạm Thị Một")
    one = queries_for(client, personas["reviewer_a"], "pham")
    for n in range(29):
        person_factory(
            tree["school_a1"] if n % 2 else tree["team_a1"], full_name=f"Phạm Văn {'Bình An Chi'.split()[n % 3]} Thử"
        )
    assert Person.objects.filter(search_key__startswith="pham").count() == 30
    assert queries_for(client, personas["reviewer_a"], "pham") == one


def test_people_listed_in_the_order_of_their_folded_names(client, personas, person_factory, tree):
    # The order is the folded key's byte order on both databases (PostgreSQL sorts the matches with
    # COLLATE "C" rather than walk the key's index): a shorter name before its longer ones.
    for name in ("Nguyễn Thị Ba", "Nguyễn Thị Ánh", "Nguyễn Ân", "Nguyễn Thị An"):
        person_factory(tree["school_a1"], full_name=name)
    rows = sections(client, personas["secretary_a1"], "nguyen")["people"]
    assert names(rows) == ["Nguyễn Ân", "Nguyễn Thị An", "Nguyễn Thị Ánh", "Nguyễn Thị Ba"]


def test_nominations_capped_newest_first_in_the_same_queries_as_one(client, personas, tree, dossier, person_factory):
    by = personas["secretary_a1"]
    first = person_factory(tree["school_a1"], full_name="Đặng Thị Mười")
    added = [nomination_services.nomination_add(by=by, dossier=dossier, award_code="LDTT", person=first)]
    one = queries_for(client, by, "dang muoi")
    for letter in "ABCDEGHIKLMNOPQRSTUVXY"[: LIMIT + 1]:
        person = person_factory(tree["school_a1"], full_name=f"Đặng Văn Mười {letter}")
        added.append(nomination_services.nomination_add(by=by, dossier=dossier, award_code="LDTT", person=person))
    assert queries_for(client, by, "dang muoi") == one
    client.force_login(by)
    section = client.get(URL, {"q": "dang muoi"}).context["results"].sections[2]
    assert section.key == "nominations" and section.more
    assert [row["pk"] for row in section.rows] == sorted((row.pk for row in added), reverse=True)[:LIMIT]


def test_section_capped_with_a_link_to_the_filtered_list(client, personas, person_factory, tree):
    for _ in range(LIMIT + 3):
        person_factory(tree["school_a1"])  # "Nguyễn Thị Thử …"
    client.force_login(personas["secretary_a1"])
    response = client.get(URL, {"q": "nguyen thu"})
    people = response.context["results"].sections[0]
    assert (people.key, len(people.rows), people.more) == ("people", LIMIT, True)
    assert people.more_url == reverse("units:person_list") + "?q=nguyen+thu"
    listed = client.get(people.more_url)
    assert listed.context["page"].paginator.count == LIMIT + 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a" * 101, "Từ khóa dài quá 100 ký tự"),
        ("-- ?", "Hãy gõ ít nhất một chữ"),
        ("a b c d e f g h i", "không quá 8 từ"),
    ],
)
def test_bad_query_says_why_and_searches_nothing(client, personas, nhan, query, message):
    client.force_login(personas["secretary_a1"])
    response = client.get(URL, {"q": query})
    assert message in response.content.decode()
    assert response.context["results"].sections == []


def test_empty_query_shows_the_form_only(client, personas, nhan):
    client.force_login(personas["secretary_a1"])
    response = client.get(URL)
    assert response.context["results"].sections == [] and 'name="q"' in response.content.decode()


def test_header_has_the_search_box_on_every_page(client, personas):
    client.force_login(personas["secretary_a1"])
    body = client.get(reverse("home")).content.decode()
    assert f'action="{URL}"' in body and ">Tìm kiếm</label>" in body


# --- keys: saved, backfilled -----------------------------------------------------------------------


def test_keys_follow_renames(tree, nhan):
    person_update(by=None, person=nhan, full_name="Trần Thị Ánh")
    unit_update(by=None, unit=tree["school_a1"], name="Trường Tiểu học Đông Anh")
    assert Person.objects.get(pk=nhan.pk).search_key == "tran thi anh"
    assert Unit.objects.get(pk=tree["school_a1"].pk).search_key == "truong tieu hoc dong anh"


def test_backfill_fills_empty_keys_in_batches(tree, person_factory):
    people = [person_factory(full_name=name) for name in ("Đỗ Thị Hương", "Lê Văn Ước", "Hà Minh Đạt")]
    Person.objects.update(search_key="")
    Unit.objects.update(search_key="")
    filled = search_keys_fill(person_model=Person, unit_model=Unit, batch_size=2)
    assert filled == 3 + Unit.objects.count()
    assert list(
        Person.objects.filter(pk__in=[p.pk for p in people]).order_by("pk").values_list("search_key", flat=True)
    ) == [
        "do thi huong",
        "le van uoc",
        "ha minh dat",
    ]
    assert Unit.objects.get(pk=tree["team_a1"].pk).search_key == "to khoi 1"
    assert search_keys_fill(person_model=Person, unit_model=Unit) == 0


# --- the duplicate-person check ------------------------------------------------------------------


def test_person_create_refuses_a_twin_typed_without_diacritics(tree):
    born = datetime.date(1990, 5, 6)
    person_create(by=None, unit=tree["school_a1"], full_name="Dương Thị Quyên", gender="female", date_of_birth=born)
    with pytest.raises(ServiceError, match="không tạo trùng"):
        person_create(by=None, unit=tree["team_a1"], full_name="Duong Thi Quyen", gender="female", date_of_birth=born)
    other_day = person_create(
        by=None,
        unit=tree["school_a1"],
        full_name="Duong Thi Quyen",
        gender="female",
        date_of_birth=datetime.date(1991, 5, 6),
    )
    assert Person.objects.filter(search_key="duong thi quyen").count() == 2 and other_day.pk


def test_person_form_refuses_a_twin_typed_without_diacritics(client, personas, tree):
    person_create(
        by=None,
        unit=tree["school_a1"],
        full_name="Dương Thị Quyên",
        gender="female",
        date_of_birth=datetime.date(1990, 5, 6),
    )
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_create", kwargs={"unit_pk": tree["school_a1"].pk})
    data = {"full_name": "DUONG THI QUYEN", "gender": "female", "date_of_birth": "06/05/1990", "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 200 and "không tạo trùng" in response.content.decode()
    assert Person.objects.filter(search_key="duong thi quyen").count() == 1


def test_import_refuses_a_row_that_is_an_existing_person_without_diacritics(tree, personas):
    from core.excel import ImportRejected
    from units.importing import people_import
    from units.tests.test_importing import xlsx

    quyen = person_create(
        by=None,
        unit=tree["school_a1"],
        full_name="Dương Thị Quyên",
        gender="female",
        date_of_birth=datetime.date(1990, 5, 6),
    )
    rows = [
        ["Duong Thi Quyen", "Nữ", "06/05/1990", "Giáo viên", "", "", "", ""],
        ["Lê Thị Mai", "Nữ", "20/07/1990", "Nhân viên", "", "", "", ""],
    ]
    with pytest.raises(ImportRejected) as refused:
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    assert [(e.row, "Dương Thị Quyên" in e.message) for e in refused.value.errors] == [(2, True)]
    assert list(Person.objects.values_list("full_name", flat=True)) == [quyen.full_name]


def test_import_refuses_two_rows_that_differ_only_by_diacritics(tree, personas):
    from core.excel import ImportRejected
    from units.importing import people_import
    from units.tests.test_importing import xlsx

    rows = [
        ["Dương Thị Quyên", "Nữ", "06/05/1990", "Giáo viên", "", "", "", ""],
        ["DUONG THI QUYEN", "Nữ", "06/05/1990", "Giáo viên", "", "", "", ""],
    ]
    with pytest.raises(ImportRejected) as refused:
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    assert [e.row for e in refused.value.errors] == [3]
    assert Person.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
@pytest.mark.django_db
def test_postgresql_has_trigram_indexes_on_the_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('person_search_trgm', 'unit_search_trgm')"
        )
        found = dict(cursor.fetchall())
    assert sorted(found) == ["person_search_trgm", "unit_search_trgm"]
    assert all("gin (search_key gin_trgm_ops)" in definition for definition in found.values())


# --- rows as the page shows them, in one query per section -----------------------------------------


def test_each_section_reads_its_rows_in_one_query(personas, school_b_world, tree):
    from django.contrib.auth import get_user_model

    from search.selectors import search_everything

    unit_create(by=None, name="Tổ Bích Ngọc", kind=UnitKind.TEAM, parent=tree["school_b1"])
    nomination_services.dossier_update(
        by=school_b_world["secretary_b1"],
        dossier=Dossier.objects.get(unit=tree["school_b1"]),
        version=None,
        title="Khen cô Bích Ngọc",
    )
    reviewer = get_user_model().objects.get(pk=personas["reviewer_b"].pk)
    search_everything(reviewer, "khoi dong")  # the user's roles, read once per request, cached on the user
    with CaptureQueriesContext(connection) as ctx:
        results = search_everything(reviewer, "bich ngoc")
    assert [len(section.rows) for section in results.sections] == [1, 1, 1, 1, 1]
    assert len(ctx.captured_queries) == 5


def test_rows_show_what_the_models_display(client, personas, school_b_world, tree):
    # The row texts are written from values() columns: each equals what the model's own display gives.
    team = unit_create(by=None, name="Tổ Bích Ngọc", kind=UnitKind.TEAM, parent=tree["school_b1"])
    bich = school_b_world["bich"]
    person_update(by=None, person=bich, position="Giáo viên", date_of_birth=datetime.date(1990, 3, 4), is_active=False)
    dossier = Dossier.objects.select_related("unit").get(unit=tree["school_b1"])
    nomination = Nomination.objects.select_related("award_type").get(dossier=dossier)
    decision = Decision.objects.get(number="7/QĐ-PGDĐT-B")
    Decision.objects.filter(pk=decision.pk).update(excerpt="")
    rows = sections(client, personas["reviewer_b"], "bich ngoc")
    rows["dossiers"] = sections(client, personas["reviewer_b"], "THCS B1")["dossiers"]  # untitled: its str()
    unit_name = tree["school_b1"].short_name or tree["school_b1"].name
    assert {key: (found[0]["text"], found[0]["detail"], found[0]["retired"]) for key, found in rows.items()} == {
        "people": ("Võ Thị Bích Ngọc", f"· 04/03/1990 · Giáo viên · {unit_name}", True),
        "units": ("Tổ Bích Ngọc", f"· {team.get_kind_display()} · {unit_name}", False),
        "nominations": (
            "Võ Thị Bích Ngọc",
            f"· {nomination.award_type.name} · {nomination.get_status_display()} · {YEAR}-{YEAR + 1}",
            False,
        ),
        "dossiers": (str(dossier), f"· {unit_name} · {dossier.get_status_display()}", False),
        "decisions": ("Quyết định số 7/QĐ-PGDĐT-B ngày 01/06/2026", "· — · Phòng GD&ĐT B", False),
    }
    client.force_login(personas["reviewer_b"])
    body = client.get(URL, {"q": "bich ngoc"}).content.decode()
    assert "· — · Phòng GD&amp;ĐT B</span></li>" in body
    assert "Giáo viên · " in body and '</span> <span class="badge text-bg-light">Nghỉ</span></li>' in body


# --- statements compiled once per process ----------------------------------------------------------


def _orm_rows(rows, shown) -> list[dict]:
    """What the ORM itself reads for a section: the first `LIMIT + 1` matches, as `shown` shows them."""
    return list(shown.filter(pk__in=rows.values("pk")[: LIMIT + 1]).order_by(*rows.query.order_by))


@pytest.fixture
def like_decisions(tree):
    """Two decisions whose keys differ only where a LIKE wildcard would match anything."""
    for number in ("5_A/QĐ-PGDĐT-B", "5BA/QĐ-PGDĐT-B", "100%/QĐ-PGDĐT-B", "1000/QĐ-PGDĐT-B"):
        Decision.objects.create(
            deciding_unit=tree["office_b"], school_year=YEAR, number=number, date=datetime.date(2026, 6, 2),
            signer="Trưởng phòng", issuer="Phòng GD&ĐT B", excerpt="Về việc khen",
        )  # fmt: skip


def _persona_user(persona, personas, school_b_world):
    """The account of a parametrized persona: a fresh superuser, school B's secretary, or a demo persona."""
    from django.contrib.auth import get_user_model

    if persona == "superuser":
        user = make_user("quan-tri")
        get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
        return get_user_model().objects.get(pk=user.pk)
    return school_b_world["secretary_b1"] if persona == "secretary_b1" else personas[persona]


@pytest.mark.parametrize(
    "persona", ["secretary_a1", "head_a1", "reviewer_a", "reviewer_b", "secretary_b1", "outsider", "superuser"]
)
def test_compiled_statements_are_the_orms_for_every_scope_and_query(personas, school_b_world, like_decisions, persona):
    # The statement compiled once with placeholder words, filled with the query's words, is exactly the ORM's
    # compilation of the same sections for that query (SQL text and parameters), and reads the ORM's rows.

    from core.text import search_terms
    from search.selectors import _capped, _fill, _short, _statement, section_querysets, section_statements

    user = _persona_user(persona, personas, school_b_world)
    queries = ["vo thi bich ngoc", "BÍCH", "7/QĐ", "5_a", "100%", "b1 thcs truong", "phong khen ve viec", "x"]
    seen = 0
    for query in queries:
        terms = search_terms(query)
        statements = section_statements(user, len(terms), _short(terms))
        for name, (rows, shown) in section_querysets(user, query).items():
            mine, orm = statements[name], _statement(rows, shown)
            if orm is None:
                assert mine is None
                continue
            assert (mine.sql, [_fill(param, terms) for param in mine.params]) == (orm.sql, list(orm.params))
            found, more = _capped(mine, terms)
            expected = _orm_rows(rows, shown)
            assert (found, more) == (expected[:LIMIT], len(expected) > LIMIT)
            seen += len(found)
    assert seen > 0 or persona in ("outsider", "secretary_a1", "head_a1", "reviewer_a")


# The nominations section is written in three forms for three plans (search.selectors._nomination_match): a school's
# scope tests each nomination's person and unit (EXISTS); a wider one on PostgreSQL reads the matched people's and
# units' nominations through their indexes (= ANY(ARRAY(…))); words too short for a trigram keep the two IN sets.
_FORMS = {"narrow": (True, False), "wide": (False, False), "short": (False, True)}


@pytest.fixture
def many_nominations(tree, personas, dossier, person_factory, school_b_world):
    by = personas["secretary_a1"]
    for name in ("Nguyễn Thị An", "Nguyễn Văn Thịnh", "Dương Thị Quyên", "Trần Anh Thư"):
        person = person_factory(tree["school_a1"], full_name=name)
        nomination_services.nomination_add(by=by, dossier=dossier, award_code="LDTT", person=person)
    nomination_services.nomination_add(by=by, dossier=dossier, award_code="TTLDTT", unit=tree["team_a1"])
    return dossier


@pytest.mark.parametrize(
    "persona", ["secretary_a1", "head_a1", "reviewer_a", "reviewer_b", "secretary_b1", "outsider", "superuser"]
)
def test_nomination_section_forms_find_the_same_rows(personas, school_b_world, many_nominations, monkeypatch, persona):

    from search import selectors

    user = _persona_user(persona, personas, school_b_world)
    queries = ["nguyen thi", "nguyen thi an", "duong quyen", "to khoi", "vo thi bich ngoc", "a", "th", "khong co ai"]
    seen = 0
    for query in queries:
        rows_by_form = {}
        for form, (narrow, short) in _FORMS.items():
            monkeypatch.setattr(selectors, "_narrow", lambda user, narrow=narrow: narrow)
            rows, shown = selectors.section_querysets(user, query, short=short)["nominations"]
            try:
                sql = str(rows.query)
            except EmptyResultSet:  # no role: nothing by construction, in every form
                sql = ""
            if sql and form == "narrow":
                assert "EXISTS" in sql
            if sql and form == "wide" and connection.vendor == "postgresql":
                assert "= ANY(ARRAY" in sql
            rows_by_form[form] = _orm_rows(rows, shown)
        assert rows_by_form["narrow"] == rows_by_form["wide"] == rows_by_form["short"], query
        seen += len(rows_by_form["short"])
    assert seen > 0 or persona in ("outsider", "reviewer_b")


def test_narrow_scope_is_a_school_or_its_team_only(personas, tree, django_user_model):
    from search.selectors import _narrow

    assert _narrow(personas["secretary_a1"]) and _narrow(personas["head_a1"])
    assert _narrow(make_user("to-truong", tree["team_a1"], Role.SECRETARY))
    assert not _narrow(personas["reviewer_a"]) and not _narrow(personas["admin_dept"])
    assert not _narrow(personas["outsider"])
    superuser = django_user_model.objects.create_superuser("root-v3", "root@example.com", "x")
    assert not _narrow(superuser)


def test_short_is_a_query_without_a_word_of_three_letters():
    from search.selectors import _short

    assert _short(["a"]) and _short(["th", "ng"])
    assert not _short(["nguyen", "van", "an"]) and not _short(["abc"])


def test_like_wildcards_in_the_words_match_themselves(client, personas, like_decisions):
    numbers = [row["text"].split()[3] for row in sections(client, personas["reviewer_b"], "5_a")["decisions"]]
    assert numbers == ["5_A/QĐ-PGDĐT-B"]
    numbers = [row["text"].split()[3] for row in sections(client, personas["reviewer_b"], "100%")["decisions"]]
    assert numbers == ["100%/QĐ-PGDĐT-B"]


def test_statements_compiled_once_per_account_roles_and_word_count(personas, school_b_world, monkeypatch):
    from search import selectors

    compiled = []
    real = selectors.section_querysets
    monkeypatch.setattr(selectors, "_STATEMENTS", selectors.OrderedDict())
    monkeypatch.setattr(
        selectors, "section_querysets", lambda user, query, **kw: compiled.append(query) or real(user, query, **kw)
    )
    reviewer = personas["reviewer_b"]
    assert selectors.search_everything(reviewer, "bich ngoc").total > 0
    assert selectors.search_everything(reviewer, "Võ Thị").total > 0
    assert selectors.search_everything(reviewer, "khong co ai").total == 0
    assert selectors.search_everything(personas["reviewer_a"], "bich ngoc").total == 0
    assert len(compiled) == 3  # two words for Giang, three words, two words for Chi


def test_a_revoked_role_finds_nothing_at_the_next_request(client, personas, school_b_world, tree):
    # The compiled statements are per roles: the reviewer's search after the revocation is another key, so
    # the statement of her former scope is never run again.
    from units.models import UnitRole
    from units.services import unit_role_revoke

    reviewer = personas["reviewer_b"]
    assert found(client, reviewer, "bich ngoc")["people"] == [school_b_world["bich"].pk]
    unit_role_revoke(unit_role=UnitRole.objects.get(user=reviewer, unit=tree["office_b"]), by=None)
    assert found(client, reviewer, "bich ngoc") == {key: [] for key in MODELS}


def test_search_page_queries_pinned(client, personas, school_b_world):
    # Three of every signed-in page (the bench's bare page has them too), then one query per section.
    assert queries_for(client, personas["reviewer_b"], "bich ngoc") == 8


def test_dossier_section_counts_no_nominations(personas):
    # `dossiers_visible_to(counted=False)`: the ids are picked without a join to every nomination of the
    # visible dossiers and a GROUP BY (most of that section's time at province scale).
    from search.selectors import section_statements

    for persona in ("reviewer_a", "secretary_a1"):
        sql = section_statements(personas[persona], 2)["dossiers"].sql
        assert "GROUP BY" not in sql and "nominations_nomination" not in sql


def test_nomination_section_reads_names_without_joining_their_tables(personas):
    # The names shown (person, collective, award) are scalar subqueries on the picked ids: the outer statement joins
    # only the dossier (its school year orders the rows), so PostgreSQL has no join order to plan for them.
    from search.selectors import section_statements

    for persona in ("reviewer_a", "secretary_a1"):
        for short in (False, True):
            sql = section_statements(personas[persona], 2, short)["nominations"].sql
            outer = sql[: sql.index(' WHERE "nominations_nomination"."id" IN (')]
            joins = re.findall(r"JOIN (\S+)", outer)
            assert joins == ['"nominations_dossier"'], joins
            assert 'FROM "units_person" U0' in outer and 'FROM "awards_awardtype" U0' in outer


def test_rows_html_is_the_former_template_loop_byte_for_byte():
    # Section.rows_html replaced the template's loop over the rows: the same bytes for rows with markup,
    # quotes and ampersands in every field and with and without the «Nghỉ» badge.
    from django.template import Context, Template

    from search.selectors import Section, _row

    loop = Template(
        "{% for row in section.rows %}\n"
        '<li class="list-group-item"><a href="{{ row.link }}">{{ row.text }}</a>\n'
        '  <span class="text-muted">{{ row.detail }}</span>{% if row.retired %} <span class="badge text-bg-light">'
        "Nghỉ</span>{% endif %}</li>\n{% endfor %}"
    )
    rows = [
        _row(1, "/ca-nhan/1/", "Nguyễn Thị <b>Nhàn</b>", '· 02/04/1988 · "GV" · Phòng GD&ĐT A\'s', retired=True),
        _row(2, "/ho-so/2/#de-nghi-3?a=1&b='2'", "Trường <script>alert(1)</script>", "· Đã gửi · Số 5/TTr"),
        _row(3, "/don-vi/3/", "Tổ Toán – Tin", ""),
    ]
    section = Section("people", "Cá nhân", rows)
    assert section.rows_html == loop.render(Context({"section": section}))
    assert "&lt;script&gt;" in section.rows_html and "&amp;b=&#x27;2&#x27;" in section.rows_html


def test_row_links_follow_the_script_prefix(personas, school_b_world):
    # The reversed addresses are kept per URLconf and script prefix: a site mounted under a prefix links there.
    from django.urls import get_script_prefix, set_script_prefix

    from search.selectors import search_everything

    reviewer = personas["reviewer_b"]
    plain = search_everything(reviewer, "bich ngoc").sections[0].rows[0]["link"]
    before = get_script_prefix()
    set_script_prefix("/cong-thong-tin/")
    try:
        prefixed = search_everything(reviewer, "bich ngoc").sections[0].rows[0]["link"]
    finally:
        set_script_prefix(before)
    assert prefixed == "/cong-thong-tin" + plain


# --- people for words shorter than a trigram: the same order, walked on an index ---------------------------
# search.selectors._by_key_walked: a query whose words are all shorter than a trigram orders the people by the key
# collated "POSIX" (the byte order of "C", which a trigram's matches keep), so PostgreSQL can walk the index of
# search/migrations/0001 and stop at the first rows instead of sorting most of the people.


@pytest.mark.parametrize("persona", ["secretary_a1", "reviewer_a", "admin_dept", "superuser"])
def test_people_of_short_words_in_the_same_order_as_a_trigrams(personas, school_b_world, person_factory, tree, persona):
    from search import selectors

    given = ["Nguyễn Ân", "Nguyễn Thị An", "Nguyễn Thị Ánh", "An Văn Bé", "Ba Thị Á", "Lò Văn Ă"]
    for n, (name, last) in enumerate((name, last) for last in ("Ánh", "Bá", "Ca", "An") for name in given):
        person_factory(tree["school_a1"] if n % 2 else tree["team_a1"], full_name=f"{name} {last}")
    user = _persona_user(persona, personas, school_b_world)
    seen = 0
    for query in ["a", "an", "th", "ba", "a b", "0", "x"]:
        walked, _shown = selectors.section_querysets(user, query, short=True)["people"]
        sorted_, shown = selectors.section_querysets(user, query, short=False)["people"]
        # Two forms on PostgreSQL, one for each plan; SQLite orders both by the plain key.
        assert (str(walked.query) != str(sorted_.query)) == (connection.vendor == "postgresql")
        rows = _orm_rows(walked, shown)
        assert rows == _orm_rows(sorted_, shown), query
        seen += len(rows)
    assert seen > LIMIT or persona == "secretary_a1"


def test_short_words_order_the_people_through_the_walked_key():
    from search.selectors import _by_key_from_matches, _by_key_walked

    walked, sorted_ = _by_key_walked("search_key"), _by_key_from_matches("search_key")
    if connection.vendor == "postgresql":
        assert (walked.expression.collation, sorted_.expression.collation) == ("POSIX", "C")
    else:
        assert walked == sorted_ == "search_key"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walked key's index exists on PostgreSQL only")
@pytest.mark.django_db
def test_postgresql_walks_the_posix_key_index_for_short_words(personas):
    # With sorting and sequential scans priced out, the short form's people statement can still read its order
    # from search_person_key_posix: the index and the statement's ORDER BY name the same expression. The long
    # form's "C" order cannot use it (a walk in key order was the 84 ms plan of a trigram's matches).
    from search.selectors import _statement, section_querysets

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_person_key_posix'")
        (definition,) = cursor.fetchone()
        assert 'COLLATE "POSIX"' in definition and definition.endswith(", id)")
        plans = {}
        for short in (True, False):
            statement = _statement(*section_querysets(personas["admin_dept"], "a", short=short)["people"])
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement.sql, statement.params)
            plans[short] = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_person_key_posix" in plans[True]
    assert "search_person_key_posix" not in plans[False]
