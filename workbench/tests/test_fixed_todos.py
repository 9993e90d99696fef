"""The home's to-dos read through statements compiled once per process (core.fixedsql.FixedQuery, issue 14): each
pinned equal to the ORM queryset it replaced, for every persona, every unit of the tree and several days, over
campaigns of each reach (subtree, chosen units, a block), deadlines for a kind and for one unit, a completion and a
reopening, dossiers in every inbox state and an open objection."""

import datetime

import pytest
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors as campaign_selectors
from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, ReachKind
from campaigns.models import Deadline, DeadlineCompletion, DeadlineExtension
from nominations import inbox
from nominations import notice as notices
from nominations import services as nomination_services
from nominations.enums import DossierStatus
from nominations.models import Dossier, ObjectionStatus
from units.enums import UnitKind
from units.models import Unit
from units.rules import Cap, can
from units.services import block_create
from workbench import todos
from workbench.tests.test_home import open_dossiers

D = datetime.date
# Some fourteen days (the horizon) before a due date: a deadline due on the horizon's last day is listed.
DAYS = [D(2024, 9, 28), D(2024, 10, 1), D(2024, 10, 5), D(2024, 10, 11), D(2024, 10, 16), D(2024, 10, 21)]
DAYS += [D(2024, 10, 26), D(2024, 12, 1)]
DUE_DATES = [D(2024, 10, 10), D(2024, 10, 12), D(2024, 10, 15), D(2024, 10, 20)]


@pytest.fixture
def campaigns(office_campaign, actors, tree):
    """Phòng A's campaign (schools register by 15/10; A2's reopened until 25/10), a Sở campaign reaching school A2
    and Phòng B (one deadline for school B1 alone, one for every school), a Sở campaign reaching a block of A1 and
    B1 (B1 has done its deadline)."""
    admin = actors["admin_dept"]
    chosen = campaign_services.campaign_create(
        launched_by=tree["dept"],
        name="Phong trào chọn đơn vị",
        kind=CampaignKind.THEMATIC,
        school_year=2024,
        by=admin,
        reach=ReachKind.UNITS,
        reach_units=[tree["school_a2"], tree["office_b"]],
    )
    block = block_create(
        name="Cụm thi đua 1", owner=tree["dept"], members=[tree["school_a1"], tree["school_b1"]], by=None
    )
    blocks = campaign_services.campaign_create(
        launched_by=tree["dept"],
        name="Phong trào cụm",
        kind=CampaignKind.THEMATIC,
        school_year=2024,
        by=admin,
        reach=ReachKind.BLOCKS,
        reach_blocks=[block],
    )
    for campaign, unit, kind, day in [
        (chosen, tree["school_b1"], "", 10),
        (chosen, None, UnitKind.SCHOOL, 20),
        (blocks, None, UnitKind.SCHOOL, 12),
    ]:
        campaign_services.deadline_create(
            by=None,
            campaign=campaign,
            action=DeadlineAction.NOMINATE,
            unit=unit,
            unit_kind=kind,
            due_date=D(2024, 10, day),
        )
    for campaign in (chosen, blocks):
        campaign_services.campaign_launch(campaign=campaign, by=admin, today=D(2024, 9, 1))
    campaign_services.deadline_complete(
        deadline=blocks.deadlines.get(), unit=tree["school_b1"], by=None, today=D(2024, 10, 1)
    )
    campaign_services.deadline_extend(
        by=actors["reviewer_a"],
        deadline=office_campaign.deadlines.get(),
        unit=tree["school_a2"],
        until=D(2024, 10, 25),
        today=D(2024, 10, 16),
    )
    return [office_campaign, chosen, blocks]


def _units():
    return list(Unit.objects.order_by("path"))


def test_past_deadlines_with_their_late_units_equal_the_kernels_aggregate(campaigns, actors, monkeypatch):
    compared = 0
    for user in actors.values():
        for unit in _units():
            if not todos._oversees_all_below(user, unit):
                continue
            for day in DAYS:
                fixed = todos.overdue_unit_todos(user, unit, day)
                with monkeypatch.context() as m:
                    m.setattr(todos, "_oversees_all_below", lambda *a: False)  # the ORM aggregate over the scope
                    assert todos.overdue_unit_todos(user, unit, day) == fixed, (user, unit, day)
                compared += len(fixed)
    assert compared > 20


def test_overseeing_all_below_is_the_kernels_oversee_on_each_unit_below(campaigns, actors):
    units = _units()
    for user in actors.values():
        for unit in units:
            below = [u for u in units if u.path.startswith(unit.path) and u.pk != unit.pk]
            if todos._oversees_all_below(user, unit):
                assert all(can(user, Cap.OVERSEE, u) for u in below), (user, unit)
    assert todos._oversees_all_below(actors["reviewer_a"], actors["reviewer_a"].unit_roles.get().unit)
    assert not todos._oversees_all_below(actors["secretary_a1"], actors["secretary_a1"].unit_roles.get().unit)


def _deadline_rows_orm(user, unit, horizon):
    """`deadline_todos`' former queryset, on `campaign_selectors.concerning_q`."""
    done = DeadlineCompletion.objects.filter(deadline=OuterRef("pk"), unit=unit.pk)
    reopened = DeadlineExtension.objects.filter(deadline=OuterRef("pk"), unit=unit.pk).order_by("-until")
    return sorted(
        Deadline.objects.filter(
            campaign_selectors.concerning_q(user, unit, "campaign"),
            Q(unit=unit.pk) | Q(unit__isnull=True, unit_kind=unit.kind),
            ~Exists(done),
            campaign__status=CampaignStatus.LAUNCHED,
            due_date__lte=horizon,
        )
        .annotate(reopened_until=Subquery(reopened.values("until")[:1]))
        .values_list("pk", "campaign_id", "action", "due_date", "note", "campaign__name", "reopened_until")
    )


def test_deadlines_of_a_unit_equal_the_concerning_clause(campaigns, actors):
    found = 0
    for user in actors.values():
        for unit in _units():
            for day in [*DAYS, *DUE_DATES]:  # the horizon on a due date: listed
                rows = sorted(todos._deadline_rows(user, unit, day))
                assert rows == _deadline_rows_orm(user, unit, day), (user, unit, day)
                found += len(rows)
    assert found > 20


def test_inbox_counts_equal_the_inbox_queryset(campaigns, actors, tree, settings):
    open_dossiers(tree["school_a1"], actors["secretary_a1"], 4, first_year=2024)
    open_dossiers(tree["school_b1"], _secretary_b1(tree), 2, first_year=2024)
    long_ago = timezone.now() - datetime.timedelta(days=60)
    states = [DossierStatus.SENT, DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED, DossierStatus.SENT]
    for dossier, status in zip(Dossier.objects.filter(unit=tree["school_a1"]).order_by("pk"), states, strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(status=status, receiving_unit=tree["office_a"], sent_at=long_ago)
    Dossier.objects.filter(unit=tree["school_b1"]).update(
        status=DossierStatus.SENT, receiving_unit=tree["office_b"], sent_at=timezone.now()
    )
    nonzero = 0
    for days in (20, 90):
        settings.NOMINATION_APPRAISAL_DAYS = days  # folded into the statement: one per value
        for user in actors.values():
            if not inbox.has_inbox(user) or user.is_superuser:
                continue
            for day in [timezone.localdate(), *DAYS]:
                counts = todos._inbox_counts(user, day)
                assert counts == todos._inbox_counts_orm(user, day), (user, day, days)
                nonzero += sum(counts.values())
    assert nonzero > 10


def _secretary_b1(tree):
    from conftest import make_user
    from units.enums import Role

    return make_user("thuky-b1", tree["school_b1"], Role.SECRETARY)


def test_open_objections_equal_the_visible_objections(dossier, teacher, actors, tree, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 6, 1))
    nomination = nomination_services.nomination_add(
        by=actors["secretary_a1"], dossier=dossier, award_code="LDTT", person=teacher, summary="Thành tích."
    )
    notice = notices.notice_publish(
        by=actors["secretary_a1"],
        unit=tree["school_a1"],
        title="Danh sách",
        nominations=[nomination],
        starts_on=D(2026, 6, 1),
        days=10,
    )
    for client in ("k1", "k2"):
        notices.objection_submit(
            notice=notice,
            nomination_id=nomination.pk,
            content="Chưa đủ thành tích để đề nghị.",
            sender_name="",
            sender_contact="",
            client=client,
        )
    shown = 0
    for user in actors.values():
        for unit in _units():
            [item] = todos.objection_todos(user, unit) or [None]
            expected = 0
            if notices.may_resolve(user, unit):
                expected = notices.objections_visible_to(
                    user, {"status": ObjectionStatus.OPEN, "unit": unit.pk}
                ).count()
            assert (item.count if item else 0) == expected, (user, unit)
            shown += bool(item)
    assert shown >= 2  # A1's head and the superuser


def test_home_of_a_reviewer_with_late_units_counts_them_in_the_deadlines_query(
    client, campaigns, actors, monkeypatch, django_assert_max_num_queries
):
    """Past deadlines and their late units in one statement: the reviewer's home stays at its pinned queries."""
    from workbench.tests.test_home import HOME_QUERIES

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2024, 10, 21))
    client.force_login(actors["reviewer_a"])
    client.get(reverse("home"))  # the session, the head count kept five minutes
    with django_assert_max_num_queries(HOME_QUERIES["reviewer_a"]):
        response = client.get(reverse("home"))
    late = [t.count for t in response.context["todos"] if t.kind == "overdue_units"]
    # By due date: the block's (A1; B1 is Phòng B's), Phòng A's own (A1; A2 reopened), the chosen units' (A2).
    assert late == [1, 1, 1]
