"""The copy of the candidate's name a nomination keeps (Nomination.candidate_sort) equals the person's full name or the
collective unit's name after every write that could change it: the nomination's own writes (save, bulk_create,
bulk_update, update; a roll-up's copy upward, the list import), a person renamed (the form, the Excel import, the
admin, a queryset or bulk update) and a unit renamed (the form, the admin, a queryset or bulk update). The inbox
sorts on it (`?o=ten`), so a stale copy would put a renamed candidate in the wrong place of the list.

Then the list itself: its order by name is the order of the names it copies (the same collation: ties by id, newest
first, as before), over every status and both directions, and its queries stay constant in the rows."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from awards.engine import award_type_in_force
from campaigns import services as campaign_services
from campaigns.services import CollectiveLineInput, LineInput
from nominations import rollup, services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.inbox import InboxFilters, inbox_nomination_ids, inbox_nominations
from nominations.models import Dossier, Nomination
from nominations.paths import candidate_name_expression, fill_candidate_names
from nominations.tests.conftest import YEAR
from nominations.tests.test_rollup import more, received, routes  # noqa: F401  # fixtures
from nominations.tests.test_workflows import campaign  # noqa: F401  # fixture
from units.enums import Gender
from units.importing import HEADERS, people_import
from units.models import Person, Unit
from units.services import person_update, unit_update


def _stale() -> dict:
    """{nomination id: (copy, true name)} for every nomination whose copy differs from its candidate's name."""
    rows = Nomination.objects.annotate(true_name=candidate_name_expression())
    return {
        pk: (copy, true) for pk, copy, true in rows.values_list("pk", "candidate_sort", "true_name") if copy != true
    }


def _add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Hoàn thành xuất sắc.", **kwargs)


@pytest.fixture
def nominated(dossier, teacher, personas, tree):
    """A person's and a collective's nomination in school A1's dossier."""
    secretary = personas["secretary_a1"]
    person = _add(dossier, secretary, "LDTT", person=teacher)
    collective = _add(dossier, secretary, "TTLDTT", unit=tree["school_a1"])
    return person, collective


# --- the nomination's own writes ------------------------------------------------------------------------------


def test_a_nomination_added_copies_its_candidates_name(nominated, teacher, tree):
    person, collective = nominated
    assert Nomination.objects.get(pk=person.pk).candidate_sort == teacher.full_name
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == tree["school_a1"].name
    assert _stale() == {}


def test_a_save_that_changes_the_candidate_copies_the_new_name(nominated, person_factory, tree):
    person, _ = nominated
    other = person_factory(tree["school_a1"], full_name="Đỗ Văn Khác")
    loaded = Nomination.objects.get(pk=person.pk)
    loaded.person = Person.objects.get(pk=other.pk)  # a full save
    loaded.save()
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Đỗ Văn Khác"
    third = person_factory(tree["school_a1"], full_name="Âu Thị Ba")
    loaded.person_id = third.pk  # by id, not cached, with update_fields
    loaded.save(update_fields=["person"])
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Âu Thị Ba"
    assert _stale() == {}


def test_a_save_that_keeps_the_candidate_reads_no_name(nominated):
    person, _ = nominated
    loaded = Nomination.objects.get(pk=person.pk)
    loaded.summary = "Đổi tóm tắt."
    with CaptureQueriesContext(connection) as captured:
        loaded.save()
    assert not [q for q in captured.captured_queries if "units_person" in q["sql"]]


def test_bulk_create_copies_the_names_of_candidates_given_by_id(dossier, teacher, tree):
    from awards.models import AwardType

    ldtt = AwardType.objects.filter(code="LDTT").first()
    collective_award = AwardType.objects.filter(code="TTLDTT").first()
    made = Nomination.objects.bulk_create(
        [
            Nomination(dossier=dossier, person_id=teacher.pk, award_type=ldtt),
            Nomination(dossier=dossier, unit_id=tree["team_a1"].pk, award_type=collective_award),
        ]
    )
    names = dict(Nomination.objects.filter(pk__in=[n.pk for n in made]).values_list("unit_id", "candidate_sort"))
    assert names == {None: teacher.full_name, tree["team_a1"].pk: tree["team_a1"].name}


def test_bulk_create_with_the_candidates_loaded_reads_no_name(dossier, teacher):
    from awards.models import AwardType

    ldtt = AwardType.objects.filter(code="LDTT").first()
    row = Nomination(dossier=dossier, person=teacher, award_type=ldtt)
    with CaptureQueriesContext(connection) as captured:
        fill_candidate_names([row])
    assert (row.candidate_sort, len(captured)) == (teacher.full_name, 0)


def test_nominations_from_a_registration_carry_the_names(campaign, teacher, personas, tree):  # noqa: F811
    """The one-click nominations of a registration: a bulk_create of people's and teams' nominations."""
    today = datetime.date.today()
    ldtt, ttldtt = award_type_in_force("LDTT", today), award_type_in_force("TTLDTT", today)
    registration = campaign_services.registration_save(
        campaign=campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=teacher, title=ldtt)],
        collective_lines=[CollectiveLineInput(team=tree["team_a1"], title=ttldtt)],
    )
    type(registration).objects.filter(pk=registration.pk).update(status="submitted")
    dossier = services.dossier_create(
        by=personas["secretary_a1"],
        unit=tree["school_a1"],
        round_kind=RoundKind.CAMPAIGN,
        school_year=YEAR,
        campaign=campaign,
    )
    created = services.nominations_from_registration(by=personas["secretary_a1"], dossier=dossier)
    assert sorted(
        Nomination.objects.filter(pk__in=[n.pk for n in created]).values_list("candidate_sort", flat=True)
    ) == sorted([teacher.full_name, tree["team_a1"].name])
    assert _stale() == {}


def test_bulk_update_and_update_of_the_candidate_copy_the_new_name(nominated, person_factory, tree):
    person, collective = nominated
    other = person_factory(tree["school_a1"], full_name="Bùi Thị Mới")
    row = Nomination.objects.get(pk=person.pk)
    row.person_id = other.pk
    Nomination.objects.bulk_update([row], ["person"])
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Bùi Thị Mới"
    Nomination.objects.filter(pk=collective.pk).update(unit=tree["team_a1"])
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == tree["team_a1"].name
    assert _stale() == {}


def test_a_rollup_copy_upward_carries_the_name(routes, dossier, teacher, more):  # noqa: F811
    lower, _ = received(dossier, teacher, more["secretary_a1"])
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    upper = Nomination.objects.filter(dossier__in=made)
    assert upper.exists()
    assert set(upper.values_list("candidate_sort", flat=True)) <= {teacher.full_name, lower.unit.name}
    assert _stale() == {}


# --- a person renamed -------------------------------------------------------------------------------------------


def test_a_person_renamed_through_the_form(client, nominated, teacher, personas):
    person, _ = nominated
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_edit", kwargs={"pk": teacher.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(full_name="Trần Thị Đổi Tên", gender="female", service_start="", is_active="on")
    data.update(date_of_birth=teacher.date_of_birth.strftime("%d/%m/%Y"), version=str(teacher.version))
    data.pop("team", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Trần Thị Đổi Tên"
    assert _stale() == {}


def test_a_person_renamed_by_the_service(nominated, teacher):
    person, _ = nominated
    person_update(by=None, person=teacher, full_name="Trần Thị Tên Mới")
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Trần Thị Tên Mới"


def test_a_person_renamed_in_the_admin(client, nominated, teacher, tree):
    person, _ = nominated
    root = get_user_model().objects.create_superuser("root", "root@example.vn", "matkhau-thu-123")
    client.force_login(root)
    data = {"full_name": "Trần Thị Quản Trị", "gender": Gender.FEMALE, "unit": tree["school_a1"].pk}
    data.update({"date_of_birth": "", "position": "", "service_start": "", "phone": "", "email": "", "user": ""})
    data.update({"is_active": "on", "version": teacher.version})
    response = client.post(reverse("admin:units_person_change", args=[teacher.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Trần Thị Quản Trị"


def test_a_person_renamed_by_the_excel_import(nominated, teacher, personas, tree):
    """The import matches a row by its folded name and birth date: a name typed in other capitals renames."""
    person, _ = nominated
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    renamed = teacher.full_name.upper()
    born = teacher.date_of_birth.strftime("%d/%m/%Y")
    sheet.append([renamed, "Nữ", born, teacher.position, "", "01/09/2008", "", "", ""][: len(HEADERS)])
    out = io.BytesIO()
    workbook.save(out)
    result = people_import(
        unit=tree["school_a1"], by=personas["secretary_a1"], upload=SimpleUploadedFile("ds.xlsx", out.getvalue())
    )
    assert result.updated == 1
    assert Person.objects.get(pk=teacher.pk).full_name == renamed
    assert Nomination.objects.get(pk=person.pk).candidate_sort == renamed
    assert _stale() == {}


def test_people_renamed_by_a_queryset_or_bulk_update(nominated, teacher):
    person, _ = nominated
    Person.objects.filter(pk=teacher.pk).update(full_name="Trần Thị Cập Nhật")
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Trần Thị Cập Nhật"
    loaded = Person.objects.get(pk=teacher.pk)
    loaded.full_name = "Trần Thị Hàng Loạt"
    Person.objects.bulk_update([loaded], ["full_name"])
    assert Nomination.objects.get(pk=person.pk).candidate_sort == "Trần Thị Hàng Loạt"


def test_a_person_saved_without_a_new_name_writes_no_nomination(nominated, teacher):
    loaded = Person.objects.get(pk=teacher.pk)
    loaded.position = "Tổ trưởng"
    with CaptureQueriesContext(connection) as captured:
        loaded.save()
    assert not [q for q in captured.captured_queries if "nominations_nomination" in q["sql"]]


# --- a unit renamed ---------------------------------------------------------------------------------------------


def test_a_unit_renamed_through_the_form(client, nominated, personas, tree):
    _, collective = nominated
    school = tree["school_a1"]
    client.force_login(personas["admin_dept"])
    url = reverse("units:edit", args=[school.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(name="Trường Tiểu học Đổi Tên")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == "Trường Tiểu học Đổi Tên"
    assert _stale() == {}


def test_a_unit_renamed_by_the_service_and_the_admin(client, nominated, tree):
    _, collective = nominated
    school = tree["school_a1"]
    unit_update(by=None, unit=Unit.objects.get(pk=school.pk), name="Trường Tiểu học Dịch Vụ")
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == "Trường Tiểu học Dịch Vụ"
    root = get_user_model().objects.create_superuser("root", "root@example.vn", "matkhau-thu-123")
    client.force_login(root)
    data = {"name": "Trường Tiểu học Quản Trị", "short_name": "", "kind": school.kind}
    data.update({"school_level": school.school_level, "parent": school.parent_id})
    data.update({k: "" for k in ("locality", "document_code", "parent_body_name", "head", "head_title")})
    data.update({k: "" for k in ("email", "phone", "active_from", "active_to")})
    response = client.post(reverse("admin:units_unit_change", args=[school.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == "Trường Tiểu học Quản Trị"


def test_units_renamed_by_a_queryset_or_bulk_update(nominated, tree):
    _, collective = nominated
    Unit.objects.filter(pk=tree["school_a1"].pk).update(name="Trường Tiểu học Truy Vấn")
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == "Trường Tiểu học Truy Vấn"
    school = Unit.objects.get(pk=tree["school_a1"].pk)
    school.name = "Trường Tiểu học Hàng Loạt"
    Unit.objects.bulk_update([school], ["name"])
    assert Nomination.objects.get(pk=collective.pk).candidate_sort == "Trường Tiểu học Hàng Loạt"
    assert _stale() == {}


# --- the list sorted by name ----------------------------------------------------------------------------------

# Names that sort differently under a byte order, a case-insensitive one and a Vietnamese dictionary one, with ties.
NAMES = ["Đỗ Thị An", "Nguyễn Thị Thử An", "nguyễn thị lan", "Ánh Thị Bé", "Ân Văn Cường", "Đỗ Thị An", "Zơ Thị Ý"]


@pytest.fixture
def listed(nominated, person_factory, personas, tree, dossier):
    """Nominations of many candidates (ties of one name included) sent to Phòng A, in several states."""
    secretary = personas["secretary_a1"]
    for index, name in enumerate(NAMES):
        person = person_factory(tree["school_a1"], full_name="Nguyễn Thị Lan" if index == 2 else name)
        if index == 2:  # a name in small letters, as an import may keep it
            Person.objects.filter(pk=person.pk).update(full_name=name)
        _add(dossier, secretary, "LDTT", person=Person.objects.get(pk=person.pk))
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SENT)  # the copies follow (paths.py)
    rows = list(Nomination.objects.filter(dossier=dossier).order_by("pk"))
    statuses = [NominationStatus.PROPOSED, NominationStatus.RETURNED, NominationStatus.ACCEPTED]
    for index, row in enumerate(rows):
        Nomination.objects.filter(pk=row.pk).update(status=statuses[index % 3])
    return rows


@pytest.mark.parametrize("sort", ["ten", "-ten"])
def test_the_list_sorted_by_name_keeps_the_order_of_the_names(listed, personas, sort):
    """The order the list sorted on before the copy (the candidates' names read through subqueries, in their
    columns' collation, ties by id newest first) is the order it gives now, over every status and all rows."""
    reviewer = personas["reviewer_a"]
    checked = 0
    for status in ["", *NominationStatus.values]:
        filters = InboxFilters(nomination_status=status, sort=sort)
        rows = inbox_nomination_ids(reviewer, filters)
        now = [row["pk"] for row in rows]
        direction = "-" if sort.startswith("-") else ""
        before = (
            Nomination.objects.filter(pk__in=now)
            .annotate(name_then=candidate_name_expression())
            .order_by(f"{direction}name_then", "-id")
            .values_list("pk", flat=True)
        )
        assert now == list(before), status
        checked += len(now)
    assert checked == 2 * len(listed)  # every row once unfiltered, once under its status


def test_the_export_rows_sort_by_the_copy_too(listed, personas):
    """The .xlsx export's queryset (inbox_nominations) sorts on the copy, in the order of the names."""
    rows = list(inbox_nominations(personas["reviewer_a"], InboxFilters(sort="ten")))
    assert [n.candidate_sort for n in rows] == [n.candidate_name for n in rows]
    before = (
        Nomination.objects.filter(pk__in=[n.pk for n in rows])
        .annotate(name_then=candidate_name_expression())
        .order_by("name_then", "-id")
        .values_list("pk", flat=True)
    )
    assert [n.pk for n in rows] == list(before)
    assert len(rows) == len(listed)


def test_the_page_sorted_by_name_reads_a_constant_number_of_queries(client, listed, personas):
    client.force_login(personas["reviewer_a"])
    url = reverse("nominations:inbox") + "?tab=de-nghi&trang_thai_de_nghi=returned&o=ten"
    Nomination.objects.filter(pk__in=[n.pk for n in listed[1:]]).update(status=NominationStatus.ACCEPTED)
    Nomination.objects.filter(pk=listed[0].pk).update(status=NominationStatus.RETURNED)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.content.decode().count("data-nomination=") == 1
    Nomination.objects.filter(pk__in=[n.pk for n in listed]).update(status=NominationStatus.RETURNED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("data-nomination=") == len(listed) > 5
    assert len(many) == len(few)
