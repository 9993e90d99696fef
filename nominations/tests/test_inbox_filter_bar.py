"""The inbox's filter bar written in Python (`inbox_rows.status_tabs_html`, `options_html`, `sort_links_html`)
against the template fragments they replace, and the page's reads by ids as fixed statements
(`inbox._by_ids`) against the ORM queries they replace (issue 14: the filtered nomination list)."""

import datetime

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from nominations import inbox, inbox_rows
from nominations.enums import RECEIVED_STATES, DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from nominations.tests.test_inbox import sent
from units.models import Person, Unit

# inbox.html's fragments before the change, verbatim.
OLD_STATUS_TABS = """{% load portal %}  {% for value, label, count in status_tabs %}{% if count or current_status == value %}
  <li class="nav-item"><a class="nav-link py-1{% if current_status == value %} active{% endif %}" data-status="{{ value }}" href="?{% if status_param == 'trang_thai' %}{% query_with page='' trang_thai=value %}{% else %}{% query_with page='' trang_thai_de_nghi=value %}{% endif %}">{{ label }} <span class="badge text-bg-secondary">{{ count }}</span></a></li>
  {% endif %}{% endfor %}
"""
OLD_OPTIONS = (
    '{% for value, label in choices %}<option value="{{ value }}"{% if selected == value %} selected{% endif %}>'
    "{{ label }}</option>{% endfor %}"
)
OLD_SORT_LINK = "{% load portal %}{% sort_link field label %}"

QUERIES = [
    "",
    "tab=de-nghi",
    "tab=de-nghi&trang_thai_de_nghi=returned&o=ten&page=3",
    "tab=de-nghi&o=-ten&don_vi=Tr%C6%B0%E1%BB%9Dng+%3Cb%3E%26%22&page=2",
    "trang_thai=sent&o=-gui&phong_trao=7&han=qua-han",
    "o=han&unit=12&nam_hoc=2024&dot=final&danh_hieu=LDTT",
    'tab=ho-so&o="><script>&trang_thai=appraised',
    "tab=de-nghi&don_vi=a&don_vi=b+c&page=2&o=ten&o=-gui&x=%E2%9C%93",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_filter_bar_is_the_old_templates_bytes(query):
    request = RequestFactory().get("/ho-so-de-nghi/gui-den/?" + query)
    engine = engines["django"]
    nomination_tabs = [
        (v, label, n) for (v, label), n in zip(NominationStatus.choices, [3, 0, 12, 0, 5, 1, 0, 0, 2], strict=False)
    ]
    dossier_tabs = [
        (v, label, n) for (v, label), n in zip(DossierStatus.choices, range(20), strict=False) if v in RECEIVED_STATES
    ]
    for tabs, param in ((nomination_tabs, "trang_thai_de_nghi"), (dossier_tabs, "trang_thai")):
        for current in ["", tabs[1][0], tabs[3][0], "returned"]:
            context = {"status_tabs": tabs, "status_param": param, "current_status": current}
            old = engine.from_string(OLD_STATUS_TABS).render(context, request)
            new = "  " + inbox_rows.status_tabs_html(request.GET, tabs, param, current) + "\n"
            assert new == old
    choices = [
        ([(7, 'Phong trào <dạy tốt> & "học tốt"'), (8, "Khác")], [None, 7, 8, 9]),
        (RoundKind.choices, ["", RoundKind.values[0], "x"]),
        (inbox.DEADLINE_CHOICES, ["", inbox.OVERDUE]),
        ([("LDTT", "Lao động tiên tiến"), ("CSTD", "Chiến sĩ <thi đua>")], ["", "CSTD"]),
    ]
    for options, selections in choices:
        for selected in selections:
            old = engine.from_string(OLD_OPTIONS).render({"choices": options, "selected": selected})
            assert inbox_rows.options_html(options, selected) == old
    for fields in (inbox_rows.NOMINATION_SORT_LINKS, inbox_rows.DOSSIER_SORT_LINKS):
        links = inbox_rows.sort_links_html(request.GET, fields)
        for field, label in fields:
            old = engine.from_string(OLD_SORT_LINK).render({"field": field, "label": label}, request)
            assert links[field] == old


def test_the_templates_headers_name_every_sort_link():
    """Each column header the template links reads a key `sort_links_html` writes (a missing one renders "")."""
    template = open(engines["django"].engine.find_template("nominations/inbox.html")[0].origin.name).read()
    ho_so, de_nghi = template.split("{% else %}\n<div")
    for part, fields in ((ho_so, inbox_rows.DOSSIER_SORT_LINKS), (de_nghi, inbox_rows.NOMINATION_SORT_LINKS)):
        linked = {piece.split(" }}")[0] for piece in part.split("{{ sort_links.")[1:]}
        assert linked == {field for field, _label in fields}


def _orm(build, ids):
    return sorted(build(*ids))


@pytest.mark.django_db
def test_the_page_reads_by_ids_equal_the_orms_for_every_size(tree, person_factory):
    """1 to 20 ids (paddings to the sizes 1, 2, 4, 8, 16, 32): the fixed statements' rows are the ORM's."""
    schools = [tree["school_a1"], tree["school_a2"], tree["school_b1"]]
    for i in range(7):
        school = schools[i % 3]
        sent(school, people=[person_factory(school), person_factory(school)], days_ago=3 + 9 * i, year=2015 + i)
    dossiers = sorted(Dossier.objects.values_list("pk", flat=True))
    people = sorted(Person.objects.values_list("pk", flat=True))
    units = sorted(Unit.objects.values_list("pk", flat=True))
    assert (len(dossiers), len(people) >= 14, len(units) > 4) == (7, True, True)
    for name, build, pool, key in (
        ("dossiers", inbox._page_dossiers, dossiers, inbox.dossier_key()),
        ("people", inbox._page_people, people, ()),
        ("units", inbox._page_units, units, ()),
    ):
        for n in range(1, min(20, len(pool)) + 1):
            ids = set(pool[-n:])
            assert sorted(inbox._by_ids(name, build, ids, key)) == _orm(build, ids)
    assert inbox._by_ids("people", inbox._page_people, set()) == []


@pytest.mark.django_db
def test_the_page_rows_due_date_follows_the_configured_days(tree, person_factory, settings):
    """The due date's SQL holds the appraisal days: a changed setting reads through another statement."""
    school = tree["school_a1"]
    dossier = sent(school, people=[person_factory(school)], days_ago=10)
    nominations = list(Nomination.objects.values(*inbox.NOMINATION_ROW_COLUMNS))
    sent_day = timezone.localtime(Dossier.objects.get(pk=dossier.pk).sent_at).date()
    due = []
    for days in (20, 5, 20):
        settings.NOMINATION_APPRAISAL_DAYS = days
        (row,) = inbox.nomination_page_rows(nominations, campaigns={}, awards={})
        due.append(row.due_date)
    assert due == [sent_day + datetime.timedelta(days=d) for d in (20, 5, 20)]


@pytest.mark.django_db
def test_campaign_choices_follow_a_change_of_roles(tree, personas):
    """The campaign choices' statement is kept per account and roles: a revoked role, or one moved to another
    unit, reads through another statement (never the old scope's)."""
    from campaigns import services as campaign_services
    from campaigns.enums import CampaignKind
    from conftest import make_user
    from nominations.tests.conftest import YEAR
    from units.enums import Role
    from units.models import UnitRole
    from units.rules import forget_roles

    today = timezone.localdate()
    names = {}
    for school in ("school_a1", "school_b1"):
        campaign = campaign_services.campaign_create(
            launched_by=tree["dept"], name=f"Phong trào {school}", kind=CampaignKind.THEMATIC, school_year=YEAR, by=None
        )
        campaign = campaign_services.campaign_launch(
            campaign=campaign, by=personas["admin_dept"], today=today - datetime.timedelta(days=2)
        )
        sent(tree[school], campaign=campaign)
        names[school] = (campaign.pk, campaign.name)
    user = make_user("cv-doi-vai-tro", tree["office_a"], Role.REVIEWER)
    seen = [inbox.campaign_choices(user)]
    UnitRole.objects.filter(user=user).update(unit=tree["office_b"])
    forget_roles(user)
    seen.append(inbox.campaign_choices(user))
    UnitRole.objects.filter(user=user).delete()
    forget_roles(user)
    seen.append(inbox.campaign_choices(user))
    assert seen == [[names["school_a1"]], [names["school_b1"]], []]


@pytest.mark.django_db
def test_the_kept_nomination_statements_read_what_the_orm_reads(tree, person_factory, personas, settings):
    """`nomination_tab`'s counts and rows (every window the paginator asks for) equal the ORM's querysets for
    each level, filter, sort and status; a changed appraisal setting or role reads through another statement."""
    from conftest import make_user
    from units.enums import Role
    from units.models import UnitRole
    from units.rules import forget_roles

    today = timezone.localdate()
    for i, school in enumerate(["school_a1", "school_a2", "school_b1", "school_a1", "school_b1"]):
        unit = tree[school]
        people = [person_factory(unit), person_factory(tree["team_a1"] if i == 0 else unit)]
        sent(unit, people=people, days_ago=[40, 25, 15, 3, 19][i], year=2020 + i % 2)
    Nomination.objects.filter(pk__in=Nomination.objects.order_by("pk").values("pk")[:3]).update(status="returned")
    users = [make_user(f"cv-{lvl}", tree[lvl], Role.REVIEWER) for lvl in ("dept", "office_a", "office_b")]
    users += [personas["secretary_a1"], personas["head_a1"], personas["admin_dept"]]
    filters = [
        inbox.InboxFilters(),
        inbox.InboxFilters(nomination_status="returned", sort="ten"),
        inbox.InboxFilters(sort="-han"),
        inbox.InboxFilters(deadline=inbox.OVERDUE, sort="han"),
        inbox.InboxFilters(deadline=inbox.DUE_SOON),
        inbox.InboxFilters(school_year=2021, sort="don_vi"),
        inbox.InboxFilters(unit_name="truong", sort="-gui"),
        inbox.InboxFilters(award="LDTT", sort="danh_hieu"),
        inbox.InboxFilters(unit=tree["office_a"], sort="trang_thai"),
    ]

    def both(user, f):
        counts, rows = inbox.nomination_tab(user, f, today=today)
        orm_counts = inbox.nomination_status_counts(user, f, today=today)
        orm_rows = list(inbox.inbox_nomination_ids(user, f, today=today))
        windows = [rows[a:b] for a, b in ((0, 3), (3, 6), (0, 25), (6, 30))]
        expected = [orm_rows[a:b] for a, b in ((0, 3), (3, 6), (0, 25), (6, 30))]
        return (counts, windows), (orm_counts, expected)

    seen = 0
    for user in users:
        for f in filters:
            kept, orm = both(user, f)
            assert kept == orm, (user.username, f)
            seen += sum(kept[0].values())
    assert seen > 0
    settings.NOMINATION_APPRAISAL_DAYS = 30  # due dates move: overdue ones differ
    kept, orm = both(users[0], filters[3])
    assert kept == orm
    UnitRole.objects.filter(user=users[1]).update(unit=tree["office_b"])
    forget_roles(users[1])
    kept, orm = both(users[1], filters[0])
    assert kept == orm
