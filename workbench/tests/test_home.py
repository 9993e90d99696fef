"""The home page: the active role's to-dos with their links, the navigation's counter, constant queries."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from nominations import services as nomination_services
from nominations.enums import DossierStatus, RoundKind
from nominations.models import Dossier
from units.enums import Role, SchoolLevel, UnitKind
from units.services import unit_create, unit_role_grant
from workbench.todos import total

YEAR = 2025


def open_dossiers(unit, by, n, *, first_year=YEAR):
    """n draft dossiers of the unit (one per round and school year: opening the same one twice is one dossier)."""
    rounds = [RoundKind.YEAR_END, RoundKind.EXEMPLARY]  # a campaign round needs a campaign
    for i in range(n):
        year = first_year - i // len(rounds)
        nomination_services.dossier_create(by=by, unit=unit, round_kind=rounds[i % len(rounds)], school_year=year)


class QueryCounter:
    """Counts the queries run inside `with connection.execute_wrapper(counter)` (the debug log may be full)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def queries_of(client, url) -> tuple[int, str]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        html = client.get(url).content.decode()
    return counter.count, html


def test_home_lists_the_active_roles_todos_with_links(client, personas, tree):
    open_dossiers(tree["school_a1"], personas["secretary_a1"], 2)
    client.force_login(personas["secretary_a1"])

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert [t.kind for t in response.context["todos"]] == ["dossier_draft", "dossier_draft"]
    assert html.count('data-kind="dossier_draft"') == 2
    assert all(f'href="{t.url}"' in html for t in response.context["todos"])
    # The usual links and the unit line stay.
    assert "Việc thường dùng" in html and "cán bộ đang công tác" in html
    assert 'id="todo-badge">2<' in html


def test_home_of_the_other_role_after_switching(client, personas, tree):
    user = personas["secretary_a1"]
    open_dossiers(tree["school_a1"], user, 1)
    second = unit_role_grant(by=None, user=user, unit=tree["school_a2"], role=Role.COUNCIL_MEMBER)
    first = user.unit_roles.get(role=Role.SECRETARY)
    client.force_login(user)
    client.post(reverse("switch_role"), {"role": first.pk})
    assert len(client.get(reverse("home")).context["todos"]) == 1

    client.post(reverse("switch_role"), {"role": second.pk})
    response = client.get(reverse("home"))

    assert (response.context["unit"], response.context["todos"]) == (tree["school_a2"], [])
    assert "Không có việc nào đang chờ bạn." in response.content.decode()


def test_sibling_school_sees_nothing_of_a1(client, personas, tree):
    open_dossiers(tree["school_a1"], personas["secretary_a1"], 3)
    client.force_login(personas["secretary_a2"])
    response = client.get(reverse("home"))
    assert response.context["todos"] == []
    assert 'id="todo-badge"' not in response.content.decode()


def test_badge_on_other_pages_is_remembered_without_a_query(client, personas, tree):
    open_dossiers(tree["school_a1"], personas["secretary_a1"], 3)
    client.force_login(personas["secretary_a1"])
    url = reverse("campaigns:list")
    client.get(url)  # warm the session
    before, html = queries_of(client, url)
    assert 'id="todo-badge"' not in html  # not computed yet: no counter
    client.get(reverse("home"))

    after, html = queries_of(client, url)

    assert (after, 'id="todo-badge">3<' in html) == (before, True)


def test_badge_refreshed_when_home_shows_an_item_gone(client, personas, tree):
    admin = personas["admin_dept"]
    client.force_login(admin)
    before = len(client.get(reverse("home")).context["todos"])

    unit_role_grant(by=admin, user=make_user("hieutruong-b1"), unit=tree["school_b1"], role=Role.HEAD)

    html = client.get(reverse("campaigns:list")).content.decode()
    assert f'id="todo-badge">{before}<' in html  # other pages keep the remembered counter
    html = client.get(reverse("home")).content.decode()
    assert f'id="todo-badge">{before - 1}<' in html


def test_home_without_role_has_no_todos_and_no_badge(client, personas):
    client.force_login(personas["outsider"])
    html = client.get(reverse("home")).content.decode()
    assert "chưa được giao vai trò" in html and 'id="todo-badge"' not in html


def test_superuser_without_role_sees_the_administrators_list_of_every_tree(client, tree, person_factory):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("quantri-goc", password="matkhau-thu-123")
    person = person_factory(tree["school_b1"], full_name="Lê Thị Tài Khoản")
    person.user = make_user("taikhoan-lethi")
    person.save(update_fields=["user"])
    client.force_login(root)

    html = client.get(reverse("home")).content.decode()

    assert "Quản trị hệ thống" in html and "chưa được giao vai trò" not in html
    assert "Tài khoản chưa có vai trò – Lê Thị Tài Khoản (taikhoan-lethi)" in html
    assert reverse("units:roles", args=[tree["school_b1"].pk]) in html
    assert f"Chưa cấp tài khoản thủ trưởng – {tree['school_b1'].name}" in html
    assert 'id="todo-badge"' in html  # the counter beside "Trang chủ" counts them too

    person.user.delete()  # done (the account went away): the item goes
    html = client.get(reverse("home")).content.decode()
    assert "Lê Thị Tài Khoản" not in html


# --- query counts: one item and many cost the same ---------------------------------------------------------


def rows_for_everyone(tree, personas, person_factory, first_year):
    """Three dossiers of school A1 (a draft, one awaiting its head, one sent to Phòng A), a person of school B1
    with an account and no role, and a school of Phòng B without a head: a row for each persona's list."""
    open_dossiers(tree["school_a1"], personas["secretary_a1"], 3, first_year=first_year)
    rows = list(Dossier.objects.filter(school_year__lte=first_year, status=DossierStatus.DRAFT).order_by("-id")[:2])
    Dossier.objects.filter(pk=rows[0].pk).update(status=DossierStatus.AWAITING_HEAD)
    Dossier.objects.filter(pk=rows[1].pk).update(
        status=DossierStatus.SENT, receiving_unit=tree["office_a"], sent_at=timezone.now()
    )
    person = person_factory(tree["school_b1"])
    person.user = make_user(f"taikhoan-{first_year}")
    person.save(update_fields=["user"])
    unit_create(
        by=None,
        name=f"Trường THCS B{first_year}",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.LOWER_SECONDARY,
        parent=tree["office_b"],
    )


# The home page's queries per role, pinned (issue 14): the request's own (session, the account with its roles,
# the unread count) and the page's. A secretary: her unit's drafts and returned filings (one UNION), its
# deadlines, its head count and the units below. A head: what awaits her signature (two), the inbox's counts,
# the past deadlines (their late units in one aggregate when there are any: none here), open objections, head
# count and units below. A reviewer: the same without the signatures (her Phòng's head count is kept five
# minutes, warmed by the first visit). The administrator: units with something missing, accounts without a role,
# the units below.
HOME_QUERIES = {"secretary_a1": 7, "head_a1": 10, "reviewer_a": 7, "admin_dept": 6}


@pytest.mark.parametrize("persona", ["secretary_a1", "head_a1", "reviewer_a", "admin_dept"])
def test_home_queries_constant_in_rows(client, personas, tree, person_factory, persona, django_assert_max_num_queries):
    client.force_login(personas[persona])
    rows_for_everyone(tree, personas, person_factory, 2025)
    client.get(reverse("home"))  # warm the session
    with django_assert_max_num_queries(HOME_QUERIES[persona]) as one:
        first = client.get(reverse("home"))
    for year in range(2015, 2025):
        rows_for_everyone(tree, personas, person_factory, year)

    with django_assert_max_num_queries(len(one.captured_queries)):
        many = client.get(reverse("home"))

    assert total(many.context["todos"]) > total(first.context["todos"])


def test_home_headcount_live_for_a_school_kept_five_minutes_above_and_said(client, personas, tree, person_factory):
    """A school's staff is counted on each visit; a Phòng's (thousands of people on a province) is kept per account
    and role for HEADCOUNT_SECONDS, and the page says the figure is refreshed every five minutes."""
    from django.core.cache import cache

    from workbench.views import HEADCOUNT_SECONDS

    assert HEADCOUNT_SECONDS == 5 * 60  # the page's sentence
    client.force_login(personas["secretary_a1"])
    before = client.get(reverse("home")).context["people_count"]
    person_factory(tree["school_a1"])
    response = client.get(reverse("home"))
    assert response.context["people_count"] == before + 1
    assert "cập nhật 5 phút một lần" not in response.content.decode()

    client.force_login(personas["reviewer_a"])
    before = client.get(reverse("home")).context["people_count"]
    person_factory(tree["school_a2"])
    response = client.get(reverse("home"))
    assert response.context["people_count"] == before  # kept
    assert "(số liệu cập nhật 5 phút một lần)" in response.content.decode()
    cache.clear()  # the five minutes are over
    assert client.get(reverse("home")).context["people_count"] == before + 1


def test_home_shows_the_reason_of_a_return_next_to_its_link(client, dossier, teacher, personas):
    from nominations.tests.conftest import fill_submission

    secretary, head = personas["secretary_a1"], personas["head_a1"]
    nomination_services.nomination_add(
        by=secretary, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc."
    )
    fill_submission(dossier, secretary)
    for action, by, comment in (("send_to_head", secretary, ""), ("send_back", head, "Sửa số tờ trình.")):
        current = Dossier.objects.get(pk=dossier.pk)
        nomination_services.dossier_transition(by=by, dossier=current, action=action, version=None, comment=comment)
    client.force_login(secretary)

    html = client.get(reverse("home")).content.decode()

    assert f'href="{dossier.get_absolute_url()}">Thủ trưởng trả lại hồ sơ đề nghị' in html
    assert "Lý do trả lại: Sửa số tờ trình." in html


def test_home_badges_on_light_colours_have_dark_text(client, personas, monkeypatch):
    """White on Bootstrap's info cyan (1.95:1) and warning yellow fails WCAG AA contrast (axe, issue 13)."""
    from workbench import views
    from workbench.todos import DANGER, INFO, WARNING, Todo

    items = [Todo(f"k-{s}", f"Việc {s}", "/", s) for s in (DANGER, WARNING, INFO)]
    monkeypatch.setattr(views, "todos_for", lambda user, role: items)
    client.force_login(personas["secretary_a1"])

    html = client.get(reverse("home")).content.decode()

    assert '<span class="badge bg-danger">Cần làm ngay</span>' in html
    assert '<span class="badge bg-warning text-dark">Cần làm</span>' in html
    assert '<span class="badge bg-info text-dark">Cần xem</span>' in html
