"""The inbox's rows written in Python (`inbox_rows`) against the template loops they replace, and the inbox's own
queries pinned (issue 14: the reviewers' inboxes and the filtered nomination list).

The loops below are inbox.html's before the change, verbatim: rendered over the model instances the page read then
(`inbox.inbox_dossiers` / `inbox_nominations`, still the export's rows), they must give the same bytes as the
Python writer over the value rows the page reads now, for rows of every kind (overdue, due soon, pending and not,
followed only, a campaign, a title that needs escaping, a collective, a person of a team, each verdict, an
override)."""

import datetime

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, DeadlineAction
from conftest import make_user
from nominations import inbox, inbox_rows, views_inbox
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR
from nominations.tests.test_inbox import sent
from nominations.workflows import may_appraise
from units.enums import Role, UnitKind
from units.rules import roles_of

OLD_DOSSIER_LOOP = """{% for d in page %}
<tr data-dossier="{{ d.pk }}">
  <td><a href="{% url 'nominations:dossier_detail' d.pk %}">{{ d.unit.name }}</a>{% if d.title %}<div class="small text-muted">{{ d.title }}</div>{% endif %}</td>
  <td>{{ d.get_round_kind_display }} {{ d.school_year_label }}{% if d.campaign %}<div class="small text-muted">{{ d.campaign.name }}</div>{% endif %}</td>
  <td class="d-none d-md-table-cell">{{ d.receiving_unit.name }}{% if not d.may_act %}<div class="small text-muted">chỉ theo dõi</div>{% endif %}</td>
  <td>{{ d.sent_at|date:"d/m/Y" }}</td>
  <td>{% if d.is_overdue %}<span class="badge text-bg-danger" data-overdue>Quá hạn {{ d.due_date|date:"d/m/Y" }}</span>{% elif d.is_due_soon %}<span class="badge text-bg-warning">Hạn {{ d.due_date|date:"d/m/Y" }}</span>{% elif d.is_pending %}{{ d.due_date|date:"d/m/Y" }}{% endif %}</td>
  <td class="text-end">{{ d.nomination_count }}</td>
  <td><span class="badge text-bg-secondary">{{ d.get_status_display }}</span></td>
</tr>
{% empty %}<tr><td colspan="7">Không có hồ sơ nào.</td></tr>
{% endfor %}"""

OLD_NOMINATION_LOOP = """{% for n in page %}
<tr data-nomination="{{ n.pk }}">
  <td><a href="{% url 'nominations:dossier_detail' n.dossier_id %}?de_nghi={{ n.pk }}#de-nghi-{{ n.pk }}">{% if n.person %}{{ n.person.full_name }}{% else %}{{ n.unit.name }}{% endif %}</a>{% if n.person and n.person.unit_id != n.dossier.unit_id %}<div class="small text-muted">{{ n.person.unit.name }}</div>{% elif not n.person %}<div class="small text-muted">tập thể</div>{% endif %}</td>
  <td>{{ n.award_type.name }}</td>
  <td>{{ n.dossier.unit.name }}{% if n.dossier.campaign %}<div class="small text-muted">{{ n.dossier.campaign.name }}</div>{% endif %}</td>
  <td>{% if n.is_overdue %}<span class="badge text-bg-danger" data-overdue>Quá hạn {{ n.due_date|date:"d/m/Y" }}</span>{% elif n.is_due_soon %}<span class="badge text-bg-warning">Hạn {{ n.due_date|date:"d/m/Y" }}</span>{% elif n.is_pending %}{{ n.due_date|date:"d/m/Y" }}{% endif %}</td>
  <td class="small">{{ n.dossier.get_status_display }}{% if not n.may_act %}<div class="text-muted">chỉ theo dõi</div>{% endif %}</td>
  <td><span class="badge text-bg-light border">{{ n.get_status_display }}</span></td>
  <td>{% if n.verdict == "eligible" %}<span class="badge text-bg-success">Đủ điều kiện</span>{% elif n.verdict == "not_eligible" %}<span class="badge text-bg-danger">Không đủ điều kiện</span>{% elif n.verdict == "needs_review" %}<span class="badge text-bg-warning">Cần xem xét</span>{% else %}<span class="badge text-bg-secondary">Chưa kiểm tra</span>{% endif %}{% if n.is_overridden %} <span class="badge text-bg-info">Có ý kiến vượt điều kiện</span>{% endif %}</td>
</tr>
{% empty %}<tr><td colspan="7">Không có đề nghị nào.</td></tr>
{% endfor %}"""


@pytest.fixture
def varied(tree, person_factory, personas):
    """Dossiers sent to Phòng A and Phòng B: overdue, due soon (a campaign's deadline), fresh, appraised; a title
    with markup; a collective nomination; a person of a team; each verdict and an override."""
    today = timezone.localdate()
    campaign = campaign_services.campaign_create(
        launched_by=tree["dept"],
        name="Phong trào <dạy tốt> & học tốt",
        kind=CampaignKind.THEMATIC,
        school_year=YEAR,
        by=None,
    )
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.NOMINATE,
        unit_kind=UnitKind.OFFICE,
        due_date=today + datetime.timedelta(days=3),
    )
    campaign = campaign_services.campaign_launch(
        campaign=campaign, by=personas["admin_dept"], today=today - datetime.timedelta(days=2)
    )
    a1, a2, b1, team = tree["school_a1"], tree["school_a2"], tree["school_b1"], tree["team_a1"]
    late = sent(a1, people=[person_factory(a1), person_factory(team)], days_ago=40, title='Tờ trình "số 1" <b>')
    soon = sent(b1, people=[person_factory(b1)], campaign=campaign, days_ago=1)
    sent(a2, people=[person_factory(a2)], days_ago=2)
    sent(a2, people=[person_factory(a2)], days_ago=50, status=DossierStatus.APPRAISED, year=YEAR - 1)
    award = late.nominations.first().award_type
    Nomination.objects.create(dossier=soon, award_type=award, unit=b1, status=NominationStatus.PROPOSED)
    rows = list(Nomination.objects.order_by("pk"))
    for n, verdict in zip(rows, ["eligible", "not_eligible", "needs_review", "", "eligible"], strict=False):
        Nomination.objects.filter(pk=n.pk).update(verdict=verdict)
    Nomination.objects.filter(pk=rows[1].pk).update(overridden_by=personas["admin_dept"], status="returned")
    return {"late": late, "soon": soon}


def _old_html(loop, rows, user, today):
    inbox.mark_due(rows, today)
    for row in rows:
        row.may_act = may_appraise(user, row.dossier if isinstance(row, Nomination) else row)
    return engines["django"].from_string(loop).render({"page": rows})


def _new_rows(user, filters, today, *, nominations):
    base = (inbox.nominations_received if nominations else inbox.dossiers_received)(user, filters, today=today)
    ids = (inbox.inbox_nomination_ids if nominations else inbox.inbox_dossier_ids)(user, filters, base=base)
    campaigns = dict(inbox.campaign_choices(user))
    if nominations:
        rows = inbox.nomination_page_rows(list(ids), campaigns=campaigns, awards=inbox.award_catalog()[1])
    else:
        rows = inbox.dossier_page_rows(list(ids), campaigns=campaigns)
    inbox.mark_due(rows, today)
    views_inbox._mark_may_act(user, rows)
    return rows


@pytest.mark.parametrize("sort", ["-gui", "ten", "-han", "don_vi", "danh_hieu"])
@pytest.mark.parametrize("level", ["dept", "office_a"])
def test_rows_written_in_python_are_the_template_loops_bytes(tree, varied, level, sort):
    user = make_user("cv", tree[level], Role.REVIEWER)
    today = timezone.localdate()
    dossier_filters = inbox.InboxFilters(sort=sort if sort in ("-gui", "-han", "don_vi") else inbox.DEFAULT_SORT)
    nomination_filters = inbox.InboxFilters(sort=sort)
    old_dossiers = list(inbox.inbox_dossiers(user, dossier_filters, today=today))
    old_nominations = list(inbox.inbox_nominations(user, nomination_filters, today=today))
    new_dossiers = _new_rows(user, dossier_filters, today, nominations=False)
    new_nominations = _new_rows(user, nomination_filters, today, nominations=True)
    assert len(old_dossiers) >= 3 and len(old_nominations) >= 4
    assert inbox_rows.dossier_rows_html(new_dossiers) == _old_html(OLD_DOSSIER_LOOP, old_dossiers, user, today)
    assert inbox_rows.nomination_rows_html(new_nominations) == _old_html(
        OLD_NOMINATION_LOOP, old_nominations, user, today
    )


def test_the_varied_rows_show_every_kind_of_cell(tree, varied):
    user = make_user("cv", tree["dept"], Role.REVIEWER)
    today = timezone.localdate()
    html = inbox_rows.dossier_rows_html(_new_rows(user, inbox.InboxFilters(), today, nominations=False))
    html += inbox_rows.nomination_rows_html(_new_rows(user, inbox.InboxFilters(), today, nominations=True))
    expected = [
        "data-overdue",
        'text-bg-warning">Hạn',
        "chỉ theo dõi",
        "tập thể",
        "Tổ khối 1",
        "Phong trào &lt;dạy tốt&gt; &amp; học tốt",
        "Tờ trình &quot;số 1&quot; &lt;b&gt;",
        "Có ý kiến vượt điều kiện",
        "Cần xem xét",
        "Đã thẩm định",
    ]
    assert [text for text in expected if text not in html] == []


def test_empty_pages_say_so(tree):
    assert (inbox_rows.dossier_rows_html([]), inbox_rows.nomination_rows_html([])) == (
        '<tr><td colspan="7">Không có hồ sơ nào.</td></tr>\n',
        '<tr><td colspan="7">Không có đề nghị nào.</td></tr>\n',
    )


def _view_queries(user, query: str, monkeypatch) -> int:
    """The queries of the inbox view itself (its data, not the middleware's nor base.html's): the template is
    not rendered, the user's roles are read beforehand as the middleware does."""
    monkeypatch.setattr(views_inbox, "render", lambda request, template, context: context)
    request = RequestFactory().get("/ho-so-de-nghi/gui-den/" + query)
    request.user = user
    roles_of(user)
    with CaptureQueriesContext(connection) as ctx:
        context = views_inbox.inbox_view(request)
    assert len(context["page"]) > 0
    return len(ctx)


@pytest.mark.parametrize(
    "query, expected",
    [
        # awards, counts by status with the campaigns (unfiltered; their names only when there are), ids, the page's
        # dossiers
        ("", 4),
        # filtered: campaigns, awards, counts by status, ids, the page's dossiers
        ("?o=han&han=qua-han", 5),
        # campaigns, awards, counts by status, the page's nominations, their dossiers, people, units
        ("?tab=de-nghi", 7),
        ("?tab=de-nghi&trang_thai_de_nghi=proposed&o=ten", 7),
        # the overdue filter reads the due dates of the pending dossiers in the counts' and the rows' statements
        ("?tab=de-nghi&han=qua-han&o=han", 7),
    ],
)
def test_the_inbox_reads_a_fixed_number_of_queries_whatever_the_rows(
    tree, person_factory, monkeypatch, query, expected
):
    user = make_user("so-cv", tree["dept"], Role.REVIEWER)
    school = tree["school_a1"]
    sent(school, people=[person_factory(school)], days_ago=40)
    one = _view_queries(user, query, monkeypatch)
    for i in range(8):
        if i % 2:
            sent(tree["school_b1"], people=[person_factory(tree["school_b1"])], days_ago=40, year=YEAR - 1 - i)
        else:
            people = [person_factory(school), person_factory(tree["team_a1"])]
            sent(school, people=people, days_ago=40, year=YEAR - 1 - i)
    Nomination.objects.create(
        dossier=Dossier.objects.last(),
        award_type=Nomination.objects.first().award_type,
        unit=school,
        status=NominationStatus.PROPOSED,
    )
    many = _view_queries(user, query, monkeypatch)
    assert (one, many) == (expected, expected)


def test_unfiltered_the_counts_name_the_campaign_choices(tree, varied, person_factory, client):
    """The dossier tab's campaigns read with its counts when nothing is filtered: those of `campaign_choices`,
    including a campaign whose dossiers reached only the level below, and not one whose dossier was not sent."""
    other = campaign_services.campaign_create(
        launched_by=tree["dept"], name="Phong trào chưa gửi", kind=CampaignKind.THEMATIC, school_year=YEAR, by=None
    )
    draft = sent(tree["school_a2"], people=[person_factory(tree["school_a2"])], year=YEAR - 3)
    Dossier.objects.filter(pk=draft.pk).update(status=DossierStatus.DRAFT, campaign=other)
    for level in ("dept", "office_a", "office_b"):
        user = make_user(f"cv-{level}", tree[level], Role.REVIEWER)
        base = inbox.dossiers_received(user, inbox.InboxFilters())
        counts, campaigns = inbox.dossier_counts_and_campaigns(base)
        assert (inbox.campaigns_named(campaigns), counts) == (
            inbox.campaign_choices(user),
            inbox.dossier_status_counts(user, inbox.InboxFilters()),
        )
    assert inbox.campaign_choices(make_user("cv-b", tree["office_b"], Role.REVIEWER)) != []
    client.force_login(user)
    response = client.get("/ho-so-de-nghi/gui-den/")
    assert (response.context["campaigns"], [inbox.is_unfiltered(response.context["filters"])]) == (
        inbox.campaign_choices(user),
        [True],
    )
