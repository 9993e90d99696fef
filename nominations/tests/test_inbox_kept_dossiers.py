"""The dossier tab's kept statements (`inbox.dossier_tab`) and its page's reads by ids (`inbox.dossier_page_rows`,
`inbox.campaigns_named` through `inbox._by_ids`) against the ORM querysets they replace (issue 14: the inboxes)."""

import datetime

import pytest
from django.utils import timezone

from nominations import inbox
from nominations.enums import DossierStatus
from nominations.models import Dossier
from nominations.tests.test_inbox import sent

WINDOWS = ((0, 2), (2, 4), (0, 25), (3, 30))


def _orm_rows(ids, campaigns):
    """What `dossier_page_rows` read with the ORM before (values() with the annotations), in the order of `ids`."""
    from django.db.models import F, Subquery
    from django.db.models.functions import Coalesce

    values = (
        Dossier.objects.filter(pk__in=list(ids))
        .annotate(due_date=inbox._due_date(), nomination_count=Coalesce(Subquery(inbox._nomination_count), 0))
        .order_by()
        .values(
            *inbox.DOSSIER_ROW_COLUMNS,
            "due_date",
            "nomination_count",
            unit_name=F("unit__name"),
            receiving_unit_name=F("receiving_unit__name"),
            receiving_kind=F("receiving_unit__kind"),
            receiving_parent_id=F("receiving_unit__parent_id"),
            receiving_path=F("receiving_unit__path"),
        )
    )
    rows = {v["id"]: dict(v, pk=v["id"], campaign_name=campaigns.get(v["campaign_id"], "")) for v in values}
    return [rows[pk] for pk in ids if pk in rows]


@pytest.mark.django_db
def test_the_kept_dossier_statements_read_what_the_orm_reads(tree, person_factory, personas, settings):
    """`dossier_tab`'s counts, campaigns and ids (every window the paginator asks for) equal the ORM's querysets for
    each level, filter, sort and status; a changed appraisal setting or role reads through another statement."""
    from campaigns import services as campaign_services
    from campaigns.enums import CampaignKind
    from conftest import make_user
    from nominations.tests.conftest import YEAR
    from units.enums import Role
    from units.models import UnitRole
    from units.rules import forget_roles

    today = timezone.localdate()
    campaign = campaign_services.campaign_create(
        launched_by=tree["dept"], name="Phong trào thi đua", kind=CampaignKind.THEMATIC, school_year=YEAR, by=None
    )
    campaign = campaign_services.campaign_launch(
        campaign=campaign, by=personas["admin_dept"], today=today - datetime.timedelta(days=2)
    )
    for i, school in enumerate(["school_a1", "school_a2", "school_b1", "school_a1", "school_b1", "school_a2"]):
        unit = tree[school]
        sent(
            unit,
            people=[person_factory(unit) for _ in range(1 + i % 2)],
            days_ago=[40, 25, 15, 3, 19, 8][i],
            year=2020 + i % 2,
            campaign=campaign if i % 3 == 0 else None,
        )
    Dossier.objects.filter(pk__in=Dossier.objects.order_by("pk").values("pk")[:1]).update(status=DossierStatus.RETURNED)
    users = [make_user(f"cv-{lvl}", tree[lvl], Role.REVIEWER) for lvl in ("dept", "office_a", "office_b")]
    users += [personas["secretary_a1"], personas["head_a1"], personas["admin_dept"]]
    filters = [
        inbox.InboxFilters(),
        inbox.InboxFilters(sort="don_vi"),
        inbox.InboxFilters(status=DossierStatus.RETURNED),
        inbox.InboxFilters(sort="-han"),
        inbox.InboxFilters(deadline=inbox.OVERDUE, sort="han"),
        inbox.InboxFilters(deadline=inbox.DUE_SOON),
        inbox.InboxFilters(school_year=2021, sort="so_de_nghi"),
        inbox.InboxFilters(unit_name="truong", sort="-gui"),
        inbox.InboxFilters(award="LDTT", sort="trang_thai"),
        inbox.InboxFilters(campaign=campaign.pk),
        inbox.InboxFilters(unit=tree["office_a"], sort="-so_de_nghi"),
    ]

    def both(user, f):
        counts, campaigns, rows = inbox.dossier_tab(user, f, today=today)
        orm_counts = inbox.dossier_status_counts(user, f, today=today)
        orm_campaigns = None
        if inbox.is_unfiltered(f):
            orm_counts, orm_campaigns = inbox.dossier_counts_and_campaigns(inbox.dossiers_received(user, f))
        orm_rows = list(inbox.inbox_dossier_ids(user, f, today=today))
        windows = [rows[a:b] for a, b in WINDOWS]
        expected = [orm_rows[a:b] for a, b in WINDOWS]
        return (counts, campaigns, windows), (orm_counts, orm_campaigns, expected)

    seen = 0
    for user in users:
        for f in filters:
            kept, orm = both(user, f)
            assert kept == orm, (user.username, f)
            seen += sum(kept[0].values())
    assert seen > 0
    assert both(users[0], filters[0])[0][1] == {campaign.pk}
    settings.NOMINATION_APPRAISAL_DAYS = 30  # due dates move: overdue ones differ
    kept, orm = both(users[0], filters[4])
    assert kept == orm
    UnitRole.objects.filter(user=users[1]).update(unit=tree["office_b"])
    forget_roles(users[1])
    kept, orm = both(users[1], filters[0])
    assert kept == orm
    UnitRole.objects.filter(user=users[2]).delete()
    forget_roles(users[2])
    assert inbox.dossier_tab(users[2], filters[0], today=today)[0] == {}


@pytest.mark.django_db
def test_the_dossier_page_rows_equal_the_orms_for_every_size(tree, person_factory, settings):
    """1 to 9 ids in any order (paddings to the sizes 1, 2, 4, 8, 16): the fixed statement's rows are the ORM's,
    and a changed appraisal setting moves the due date."""
    schools = [tree["school_a1"], tree["school_a2"], tree["school_b1"]]
    for i in range(9):
        school = schools[i % 3]
        sent(school, people=[person_factory(school) for _ in range(1 + i % 3)], days_ago=3 + 7 * i, year=2015 + i)
    pool = list(Dossier.objects.order_by("-pk").values_list("pk", flat=True))
    campaigns = {}
    for n in range(1, len(pool) + 1):
        ids = pool[:n]
        rows = [vars(r) for r in inbox.dossier_page_rows(ids, campaigns=campaigns)]
        assert rows == _orm_rows(ids, campaigns)
    before = inbox.dossier_page_rows(pool[:1], campaigns={})[0].due_date
    settings.NOMINATION_APPRAISAL_DAYS = inbox.appraisal_days() + 5
    after = inbox.dossier_page_rows(pool[:1], campaigns={})[0]
    assert (after.due_date - before, after.due_date) == (
        datetime.timedelta(days=5),
        _orm_rows(pool[:1], {})[0]["due_date"],
    )


@pytest.mark.django_db
def test_campaigns_named_equal_the_orm(tree, personas):
    from campaigns import services as campaign_services
    from campaigns.enums import CampaignKind
    from campaigns.models import Campaign
    from nominations.tests.conftest import YEAR

    for i in range(5):
        campaign_services.campaign_create(
            launched_by=tree["dept"],
            name=f"Phong trào {5 - i}",
            kind=CampaignKind.THEMATIC,
            school_year=YEAR - i % 2,
            by=None,
        )
    pool = list(Campaign.objects.values_list("pk", flat=True))
    assert inbox.campaigns_named(set()) == []
    for n in range(1, len(pool) + 1):
        ids = set(pool[:n])
        expected = list(Campaign.objects.filter(pk__in=ids).order_by("-school_year", "name").values_list("pk", "name"))
        assert inbox.campaigns_named(ids) == expected


@pytest.mark.django_db
def test_the_nomination_tabs_default_order_reads_no_dossier(tree, person_factory):
    """The default order (latest sent first) is the nomination's own copy of its dossier's `sent_at`: the rows'
    statement reads no dossier (a correlated read per row sorted a Sở's 20,000 nominations with 60,000 index
    reads), and it is the order of the dossiers' sending."""
    from conftest import make_user
    from units.enums import Role

    user = make_user("cv-so", tree["dept"], Role.REVIEWER)
    for i, school in enumerate(["school_a1", "school_b1", "school_a2"]):
        sent(tree[school], people=[person_factory(tree[school])], days_ago=[5, 30, 12][i])
    today = timezone.localdate()
    _counts, (sql, _params) = inbox._nomination_statements(user, inbox.InboxFilters(), today)
    assert ("nominations_dossier" in sql, "dossier_sent_at" in sql) == (False, True)
    rows = inbox.nomination_tab(user, inbox.InboxFilters(), today=today)[1][0:25]
    sent_at = dict(Dossier.objects.values_list("pk", "sent_at"))
    order = [sent_at[row["dossier_id"]] for row in rows]
    assert (len(order), order) == (3, sorted(order, reverse=True))
