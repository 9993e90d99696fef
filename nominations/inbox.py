"""The reviewer inbox (hồ sơ, đề nghị gửi đến): every dossier and nomination addressed to a unit the user
appraises for, or to a unit below it, with filters, counts per status, due dates and sorting.

A Sở reviewer sees what reached its Phòng too (read-only there: acting stays with the receiving unit's
reviewers and head, `workflows.may_appraise`). The subtree is one indexed `path` prefix per unit the
user appraises for (`Unit.path`), intersected with the dossier visibility rule of `selectors`.

Due date of the appraisal (shown for a dossier sent and not yet appraised): the receiving unit's own
"Gửi hồ sơ đề nghị khen thưởng" deadline in the dossier's campaign (it must have appraised before it
sends upward; a deadline for that unit wins over one for its kind), else the day it was sent plus
`settings.NOMINATION_APPRAISAL_DAYS`. Computed in SQL, so filters and sorting on it cost no query per row.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from awards.models import AwardType
from campaigns.enums import DeadlineAction
from campaigns.models import Campaign, Deadline
from core.fixedsql import FixedQuery
from core.sql import own_where_sql
from core.text import search_key_q
from units.models import Person, Unit
from units.rules import ROLE_CAPABILITIES, Cap, is_superuser, roles_of

from .enums import RECEIVED_STATES, DossierStatus, NominationStatus, RoundKind
from .models import Dossier, Nomination
from .selectors import _visible_q, nomination_visible_q

# Sent and not yet appraised: the receiving unit owes an appraisal (overdue markers apply only to these).
PENDING_STATES = (DossierStatus.SENT, DossierStatus.UNDER_APPRAISAL)
# "Sắp đến hạn": the due date falls within this many days from today.
DUE_SOON_DAYS = 7
DEFAULT_APPRAISAL_DAYS = 20

OVERDUE, DUE_SOON = "qua-han", "sap-den-han"
DEADLINE_CHOICES = [(OVERDUE, "Quá hạn thẩm định"), (DUE_SOON, f"Đến hạn trong {DUE_SOON_DAYS} ngày")]

# Sort keys of the query string ("o", "-" for descending) → ORDER BY columns.
DOSSIER_SORTS = {
    "don_vi": ("unit__name",),
    "gui": ("sent_at",),
    "han": ("due_date",),
    "trang_thai": ("status",),
    "so_de_nghi": ("nomination_count",),
}
NOMINATION_SORTS = {
    # The nomination's own copy of its candidate's name (Nomination.candidate_sort): with a status filter, one range
    # of the index nomination_name in the page's order.
    "ten": ("candidate_sort",),
    "danh_hieu": ("award_type__rank", "award_type__name"),
    "don_vi": ("dossier_unit_name",),
    "trang_thai": ("status",),
    "han": ("due_date",),
    "gui": ("dossier_sent_at",),
}
DEFAULT_SORT = "-gui"


def appraisal_days() -> int:
    return int(getattr(settings, "NOMINATION_APPRAISAL_DAYS", DEFAULT_APPRAISAL_DAYS))


@dataclass(frozen=True)
class InboxFilters:
    """What the reviewer asked for, already validated (bad values are dropped, never an error)."""

    status: str = ""  # dossier status
    nomination_status: str = ""
    unit_name: str = ""  # text searched in the proposing unit's name
    campaign: int | None = None
    award: str = ""  # award code: every catalog row of that code
    round_kind: str = ""
    school_year: int | None = None
    deadline: str = ""  # OVERDUE or DUE_SOON
    sort: str = DEFAULT_SORT
    # Dossiers proposed in this unit's subtree (`unit=<id>`, the dashboard's drill-down). The view fetches it
    # through the user's scope (`units.selectors.unit_get_visible`: 404 outside); it only narrows the rows.
    unit: Unit | None = None


def filters_from(params, *, sorts: dict, unit: Unit | None = None) -> InboxFilters:
    """Read the query string (`trang_thai`, `trang_thai_de_nghi`, `don_vi`, `phong_trao`, `danh_hieu`,
    `dot`, `nam_hoc`, `han`, `o`), keeping only valid values; `unit` is the already fetched `unit=<id>`."""
    status = params.get("trang_thai", "")
    nomination_status = params.get("trang_thai_de_nghi", "")
    campaign = params.get("phong_trao", "")
    year = params.get("nam_hoc", "")
    round_kind = params.get("dot", "")
    deadline = params.get("han", "")
    sort = params.get("o", "")
    return InboxFilters(
        status=status if status in RECEIVED_STATES else "",
        nomination_status=nomination_status if nomination_status in NominationStatus.values else "",
        unit_name=params.get("don_vi", "").strip()[:100],
        campaign=int(campaign) if campaign.isdigit() and len(campaign) < 10 else None,
        award=params.get("danh_hieu", "").strip()[:32],
        round_kind=round_kind if round_kind in RoundKind.values else "",
        school_year=int(year) if year.isdigit() and len(year) == 4 else None,
        deadline=deadline if deadline in (OVERDUE, DUE_SOON) else "",
        sort=sort if sort.lstrip("-") in sorts else DEFAULT_SORT,
        unit=unit,
    )


# --- scope ------------------------------------------------------------------------------------------


def appraising_units(user) -> list[Unit]:
    """The units the user appraises for (a role granting APPRAISE on them: head, reviewer)."""
    return [r.unit for r in roles_of(user) if Cap.APPRAISE in ROLE_CAPABILITIES.get(r.role, {})]


def has_inbox(user) -> bool:
    return is_superuser(user) or bool(appraising_units(user))


def addressed_q(user) -> Q:
    """Dossiers (or nominations) whose receiving unit is a unit the user appraises for or a unit below it: a
    prefix of the receiving unit's path the row carries (`receiving_unit_path`, on both models)."""
    if is_superuser(user):
        return ~Q(receiving_unit_path="")
    query = Q(pk__in=[])
    for unit in appraising_units(user):
        query |= Q(receiving_unit_path__startswith=unit.path)
    return query


def awaiting_count(user) -> int:
    """Dossiers waiting for the user's own appraisal: sent to a unit it appraises for, not yet appraised.

    The badge of the inbox link; the inbox itself also lists what reached the units below (read-only)."""
    if not user.is_authenticated or not has_inbox(user):
        return 0
    units = None if is_superuser(user) else [u.pk for u in appraising_units(user)]
    rows = Dossier.objects.filter(_visible_q(user), status__in=PENDING_STATES)
    if units is not None:
        rows = rows.filter(receiving_unit_id__in=units)
    return rows.count()


def _due_date(prefix: str = ""):
    """The appraisal's due date as an SQL expression (see the module's docstring)."""
    deadline = (
        Deadline.objects.filter(campaign=OuterRef(f"{prefix}campaign"), action=DeadlineAction.NOMINATE)
        .filter(
            Q(unit=OuterRef(f"{prefix}receiving_unit"))
            | Q(unit__isnull=True, unit_kind=OuterRef(f"{prefix}receiving_unit__kind"))
        )
        .order_by(F("unit").asc(nulls_last=True), "due_date")
        .values("due_date")[:1]
    )
    by_days = ExpressionWrapper(
        F(f"{prefix}sent_at") + datetime.timedelta(days=appraisal_days()), output_field=DateTimeField()
    )
    return Coalesce(Subquery(deadline, output_field=DateField()), TruncDate(by_days), output_field=DateField())


def _nomination_due_date():
    """`_due_date` of a nomination's dossier as a correlated subquery: unlike `_due_date("dossier__")` it adds
    no join to the nominations' query, so the page's ids and counts (20,000 nominations of a Sở) do not pay
    for it; only the rows shown, or a filter or sort on it, compute it."""
    dossier = Dossier.objects.filter(pk=OuterRef("dossier_id")).annotate(d=_due_date()).values("d")[:1]
    return Subquery(dossier, output_field=DateField())


def _of_dossier(column: str):
    """A column of the nomination's dossier as a correlated subquery (by the dossier's primary key): sorting the
    ids on it joins nothing, so no join estimate can go wrong with stale statistics."""
    return Subquery(Dossier.objects.filter(pk=OuterRef("dossier_id")).order_by().values(column)[:1])


def _deadline_q(kind: str, today: datetime.date, prefix: str = "") -> Q:
    pending = Q(**{f"{prefix}status__in": PENDING_STATES})
    if kind == OVERDUE:
        return pending & Q(due_date__lt=today)
    return pending & Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))


def _order(sort: str, sorts: dict) -> list:
    descending = sort.startswith("-")
    columns = sorts[sort.lstrip("-")]
    return [F(c).desc(nulls_last=True) if descending else F(c).asc(nulls_last=True) for c in columns] + ["-id"]


def _dossier_q(filters: InboxFilters, prefix: str = "") -> Q:
    """The filters that concern the dossier (both tabs), on `prefix` (\"dossier__\" from a nomination); the
    proposing unit's subtree on the path the row carries."""
    query = Q()
    if filters.unit_name:
        query &= search_key_q(f"{prefix}unit__search_key", filters.unit_name)  # without diacritics
    if filters.campaign:
        query &= Q(**{f"{prefix}campaign_id": filters.campaign})
    if filters.round_kind:
        query &= Q(**{f"{prefix}round_kind": filters.round_kind})
    if filters.school_year:
        query &= Q(**{f"{prefix}school_year": filters.school_year})
    if filters.unit is not None:
        # The proposing unit's indexed path: a dossier received in the subtree was proposed in it too.
        query &= Q(**{"dossier_unit_path__startswith" if prefix else "unit_path__startswith": filters.unit.path})
    return query


# --- the two tabs -------------------------------------------------------------------------------------


def _dossiers_base(user, filters: InboxFilters, today: datetime.date, *, due_date: bool = True) -> QuerySet[Dossier]:
    """Addressed, visible, received dossiers with every filter but the status (the tabs count by status), with
    their `due_date` (the home's to-dos count the overdue ones) unless `due_date=False` and no filter needs it:
    the counts by status then join nothing."""
    rows = (
        Dossier.objects.filter(_visible_q(user))
        .filter(addressed_q(user), status__in=RECEIVED_STATES)
        .filter(_dossier_q(filters))
    )
    if due_date or filters.deadline:
        rows = rows.annotate(due_date=_due_date())
    if filters.award:
        rows = rows.filter(pk__in=Nomination.objects.filter(award_type__code=filters.award).values("dossier_id"))
    if filters.deadline:
        rows = rows.filter(_deadline_q(filters.deadline, today))
    return rows


_nomination_count = (
    Nomination.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier").annotate(n=Count("pk")).values("n")
)


def inbox_dossiers(user, filters: InboxFilters, *, today: datetime.date | None = None) -> QuerySet[Dossier]:
    """The dossier tab: rows with their units, campaign, number of nominations and `due_date`."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    today = today or timezone.localdate()
    rows = _dossiers_base(user, filters, today)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return (
        rows.select_related("unit", "receiving_unit", "campaign")
        # A correlated count, not Count() over a join: no GROUP BY over every column, and the paginator's
        # COUNT(*) leaves it out.
        .annotate(nomination_count=Coalesce(Subquery(_nomination_count), 0))
        .order_by(*_order(filters.sort, DOSSIER_SORTS))
    )


class InboxRow(SimpleNamespace):
    """One row of an inbox page: the columns the page shows, read as values (no model instances, which cost
    more CPU than the page's SQL); `pk` is the dossier's or the nomination's id."""


def inbox_dossier_ids(
    user, filters: InboxFilters, *, today: datetime.date | None = None, base: QuerySet | None = None
) -> QuerySet:
    """The dossier tab's ids in the page's order (`inbox_dossiers`' rows and order), with only the annotation its
    sort needs: the due date's join and subqueries, or the count of nominations, only when sorted or filtered
    on them; `base`: `dossiers_received`'s."""
    if not user.is_authenticated:
        return Dossier.objects.none().values_list("pk", flat=True)
    sort = filters.sort.lstrip("-")
    rows = base if base is not None else dossiers_received(user, filters, today=today)
    if sort == "han" and not filters.deadline:  # the deadline filter has annotated it
        rows = rows.annotate(due_date=_due_date())
    if filters.status:
        rows = rows.filter(status=filters.status)
    if sort == "so_de_nghi":
        rows = rows.annotate(nomination_count=Coalesce(Subquery(_nomination_count), 0))
    return rows.order_by(*_order(filters.sort, DOSSIER_SORTS)).values_list("pk", flat=True)


DOSSIER_ROW_COLUMNS = (
    "id",
    "unit_id",
    "title",
    "round_kind",
    "school_year",
    "campaign_id",
    "receiving_unit_id",
    "sent_at",
    "status",
)


# What a dossier's row reads besides its own columns: its due date, its number of nominations, its units' names,
# and what the kernel's `can` reads of its receiving unit (kind, parent, path: the unit's own; the row's copy is a
# filter's).
DOSSIER_ROW_ANNOTATIONS = (
    "due_date",
    "nomination_count",
    "unit_name",
    "receiving_unit_name",
    "receiving_kind",
    "receiving_parent_id",
    "receiving_path",
)


def _page_dossier_rows(*ids):
    return (
        Dossier.objects.filter(pk__in=ids)
        .annotate(
            due_date=_due_date(),
            nomination_count=Coalesce(Subquery(_nomination_count), 0),
            unit_name=F("unit__name"),
            receiving_unit_name=F("receiving_unit__name"),
            receiving_kind=F("receiving_unit__kind"),
            receiving_parent_id=F("receiving_unit__parent_id"),
            receiving_path=F("receiving_unit__path"),
        )
        .order_by()
        .values_list(*DOSSIER_ROW_COLUMNS, *DOSSIER_ROW_ANNOTATIONS)
    )


def dossier_page_rows(ids, *, campaigns: dict[int, str]) -> list[InboxRow]:
    """One page of the dossier tab by its ids (found by `inbox_dossier_ids`, scoped and filtered there), as
    `InboxRow`s in the order of `ids`, with their units' names, due date and number of nominations (one query,
    through a fixed statement per number of ids: `_by_ids`); the campaign's name from `campaigns`
    (`campaign_choices`: every dossier of the inbox has its campaign there). The receiving unit's kind, parent and
    path give `may_appraise` its unit without another query."""
    names = (*DOSSIER_ROW_COLUMNS, *DOSSIER_ROW_ANNOTATIONS)
    rows = {}
    for found in _by_ids("dossier_rows", _page_dossier_rows, set(ids), dossier_key()):
        v = dict(zip(names, found, strict=True))
        rows[v["id"]] = InboxRow(
            pk=v["id"], campaign_name=campaigns.get(v["campaign_id"], "") if v["campaign_id"] else "", **v
        )
    return [rows[pk] for pk in ids if pk in rows]


def dossiers_received(user, filters: InboxFilters, *, today: datetime.date | None = None) -> QuerySet[Dossier]:
    """The dossier tab's rows under every filter but the status, without annotations: what its counts by status
    and its ids start from (`base=`), built once for both."""
    return _dossiers_base(user, filters, today or timezone.localdate(), due_date=False)


def dossier_status_counts(
    user, filters: InboxFilters, *, today: datetime.date | None = None, base: QuerySet | None = None
) -> dict[str, int]:
    """{status: number of dossiers} under the same filters (one query); `base`: `dossiers_received`'s."""
    if not user.is_authenticated:
        return {}
    rows = base if base is not None else dossiers_received(user, filters, today=today)
    return dict(rows.order_by().values_list("status").annotate(n=Count("*")))


def _nominations_base(user, filters: InboxFilters, today: datetime.date) -> QuerySet[Nomination]:
    """Scope, address and received state on the nomination's own copies of its dossier's columns: the counts
    by status of a Sở's 20,000 nominations read one index (nomination_received), no join."""
    rows = (
        Nomination.objects.filter(nomination_visible_q(user))
        .filter(addressed_q(user), dossier_status__in=RECEIVED_STATES)
        .filter(_dossier_q(filters, "dossier__"))
    )
    if filters.status:
        rows = rows.filter(dossier_status=filters.status)
    if filters.award:
        rows = rows.filter(award_type__code=filters.award)
    if filters.deadline:
        # A due date is its dossier's: computed once per pending dossier addressed to the user, not once per
        # nomination (a Sở's 20,000 read 100,000 index pages); the state on the nomination's copy.
        due = (
            Dossier.objects.filter(addressed_q(user), status__in=PENDING_STATES)
            .annotate(due_date=_due_date())
            .filter(_deadline_q(filters.deadline, today))
            .values("pk")
        )
        rows = rows.filter(dossier_status__in=PENDING_STATES, dossier_id__in=due)
    return rows


def inbox_nominations(user, filters: InboxFilters, *, today: datetime.date | None = None) -> QuerySet[Nomination]:
    """The nomination tab: rows with their candidate, award, dossier (units, campaign) and `due_date`."""
    if not user.is_authenticated:
        return Nomination.objects.none()
    rows = _nominations_base(user, filters, today or timezone.localdate())
    if filters.nomination_status:
        rows = rows.filter(status=filters.nomination_status)
    rows = rows.annotate(due_date=_nomination_due_date())
    return (
        rows.select_related(
            "person__unit", "unit", "award_type", "dossier__unit", "dossier__receiving_unit", "dossier__campaign"
        )
        .annotate(dossier_unit_name=_of_dossier("unit__name"))
        .order_by(*_order(filters.sort, NOMINATION_SORTS))
    )


# The sort keys' annotations on the nomination tab's ids (`inbox_nomination_ids`): only the one sorted on is built.
# The default order, the dossier's sending (`dossier_sent_at`), and the candidate's name (`candidate_sort`) are the
# nomination's own copies.
_NOMINATION_SORT_ANNOTATIONS = {
    "don_vi": lambda: {"dossier_unit_name": _of_dossier("unit__name")},
    "han": lambda: {"due_date": _nomination_due_date()},
}

# The nomination's own columns a page shows, read with its id in the query that pages (`inbox_nomination_ids`).
NOMINATION_ROW_COLUMNS = (
    "pk",
    "dossier_id",
    "person_id",
    "unit_id",
    "award_type_id",
    "status",
    "verdict",
    "overridden_by_id",
)


def nominations_received(user, filters: InboxFilters, *, today: datetime.date | None = None) -> QuerySet[Nomination]:
    """The nomination tab's rows under every filter but the nomination's status: what its counts by status and its
    ids start from (`base=`), built once for both."""
    return _nominations_base(user, filters, today or timezone.localdate())


def inbox_nomination_ids(
    user, filters: InboxFilters, *, today: datetime.date | None = None, base: QuerySet | None = None
) -> QuerySet:
    """The nomination tab's rows in the page's order (`inbox_nominations`' rows and order) as dicts of
    `NOMINATION_ROW_COLUMNS`, with only the annotation its sort needs (each is a correlated subquery); `base`:
    `nominations_received`'s."""
    if not user.is_authenticated:
        return Nomination.objects.none().values(*NOMINATION_ROW_COLUMNS)
    rows = base if base is not None else nominations_received(user, filters, today=today)
    if filters.nomination_status:
        rows = rows.filter(status=filters.nomination_status)
    annotations = _NOMINATION_SORT_ANNOTATIONS.get(filters.sort.lstrip("-"))
    if annotations is not None:
        rows = rows.annotate(**annotations())
    return rows.order_by(*_order(filters.sort, NOMINATION_SORTS)).values(*NOMINATION_ROW_COLUMNS)


# The page's reads by ids (`nomination_page_rows`) as fixed statements (`core.fixedsql.FixedQuery`): one per table
# and number of ids, the ids padded to the next size of `_ID_SIZES` by repeating the last (IN (1, 2, 2) reads what
# IN (1, 2) does), so a process compiles a handful of statements instead of building three ORM queries per page.
_ID_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
_BY_IDS: dict = {}


def _page_dossiers(*ids):
    return (
        Dossier.objects.filter(pk__in=ids)
        .annotate(due_date=_due_date())
        .order_by()
        .values_list("id", "unit_id", "campaign_id", "receiving_unit_id", "status", "due_date")
    )


def _page_people(*ids):
    return Person.objects.filter(pk__in=ids).order_by().values_list("id", "full_name", "unit_id")


def _page_units(*ids):
    return Unit.objects.filter(pk__in=ids).order_by().values_list("id", "name", "kind", "parent_id", "path")


def dossier_key() -> tuple:
    """What `_due_date`'s SQL holds besides the ids: the appraisal days and the time zone its date is taken in."""
    return (appraisal_days(), timezone.get_current_timezone_name() if settings.USE_TZ else None)


def _by_ids(name: str, build, ids: set, key: tuple = ()) -> list[tuple]:
    """`build(*ids)`'s rows (values_list tuples) through the fixed statement of that size (no query without ids)."""
    if not ids:
        return []
    ordered = sorted(ids)
    size = next((s for s in _ID_SIZES if s >= len(ordered)), len(ordered))
    query = _BY_IDS.get((name, size, key))
    if query is None:
        query = _BY_IDS[(name, size, key)] = FixedQuery(build, *[int] * size)
    return query.run(*ordered, *[ordered[-1]] * (size - len(ordered)))


def nomination_page_rows(
    nominations: list[dict], *, campaigns: dict[int, str], awards: dict[int, str]
) -> list[InboxRow]:
    """One page of the nomination tab (the dicts `inbox_nomination_ids` paged, scoped and filtered there) as
    `InboxRow`s in the same order, with what the page shows: the dossiers (their due date, units, status) and
    the people by their ids, then the units' names, in three queries whatever the number of rows; the awards'
    names from `awards` (`award_names`) and the campaigns' from `campaigns` (`campaign_choices`).

    By ids, not joined, and without the scope and the filters again: joined, stale statistics made a nested
    loop read all the people per row, and the scope's joins next to the page's own made PostgreSQL plan this
    20-row read longer than it ran."""
    if not nominations:
        return []
    dossiers = {
        d[0]: d for d in _by_ids("dossiers", _page_dossiers, {n["dossier_id"] for n in nominations}, dossier_key())
    }
    people = {p[0]: p for p in _by_ids("people", _page_people, {n["person_id"] for n in nominations} - {None})}
    unit_ids = {n["unit_id"] for n in nominations} | {p[2] for p in people.values()}
    for d in dossiers.values():
        unit_ids |= {d[1], d[3]}
    units = {u[0]: u for u in _by_ids("units", _page_units, unit_ids - {None})}
    rows = []
    for n in nominations:
        d = dossiers[n["dossier_id"]]
        person = people.get(n["person_id"]) if n["person_id"] else None
        collective = units.get(n["unit_id"]) if n["unit_id"] else None
        rows.append(
            InboxRow(
                **n,
                candidate_name=person[1] if person else (collective[1] if collective else ""),
                person_unit_id=person[2] if person else None,
                person_unit_name=units[person[2]][1] if person and person[2] in units else "",
                award_name=awards.get(n["award_type_id"], ""),
                dossier_unit_id=d[1],
                dossier_unit_name=units[d[1]][1],
                campaign_name=campaigns.get(d[2], "") if d[2] else "",
                dossier_status=d[4],
                receiving_unit_id=d[3],
                receiving_unit=units.get(d[3]),
                due_date=d[5],
                has_person=person is not None,
            )
        )
    return rows


def nomination_status_counts(
    user, filters: InboxFilters, *, today: datetime.date | None = None, base: QuerySet | None = None
) -> dict[str, int]:
    """{status: number of nominations} under the same filters (one query); `base`: `nominations_received`'s."""
    if not user.is_authenticated:
        return {}
    rows = base if base is not None else nominations_received(user, filters, today=today)
    # COUNT(*), not of the id: with every column it reads in the index nomination_received, the Sở's
    # 20,000 nominations are counted by an index-only scan.
    return dict(rows.order_by().values_list("status").annotate(n=Count("*")))


# `campaign_choices`' statements, per process, by everything their SQL is made of (as search.selectors' sections):
# the account and its roles (each role's name, unit and path: what the scope and the address read). A change of
# roles or of a granted unit's path is another key, so no statement outlives a revocation; nothing but the SQL text
# and its parameters is kept (every page reads the database).
_CAMPAIGN_STATEMENTS: OrderedDict = OrderedDict()
_CAMPAIGN_STATEMENTS_MAX = 512
_CAMPAIGN_STATEMENTS_LOCK = threading.Lock()


def _user_key(user) -> tuple:
    roles = tuple((role.role, role.unit_id, role.unit.path, role.unit.kind) for role in roles_of(user))
    return (connection.alias, user.pk, user.is_authenticated, is_superuser(user), roles)


def _campaign_statement(user) -> tuple[str, list] | None:
    dossiers = Dossier.objects.filter(_visible_q(user)).filter(
        addressed_q(user), status__in=RECEIVED_STATES, campaign__isnull=False
    )
    where = own_where_sql(dossiers)
    if where is None:
        return None
    sql, params = where
    qn = connection.ops.quote_name
    campaign, dossier = qn(Campaign._meta.db_table), qn(Dossier._meta.db_table)
    # B608: quoted table names, the ORM's compiled WHERE and "%s" placeholders only; values in params.
    statement = (
        f"SELECT c.id, c.name FROM {campaign} c WHERE c.id IN (SELECT {dossier}.campaign_id FROM {dossier}"  # nosec B608
        f"{' WHERE ' + sql if sql else ''}) ORDER BY c.school_year DESC, c.name ASC"
    )
    return statement, params


# The nomination tab's two statements (its counts by status, its rows in the page's order), per process, by
# everything their SQL is made of: the account key (`_user_key`), the filters (the unit's path with it), and
# today, the appraisal days and the time zone where the deadline filter or the due-date sort puts them in the SQL.
# Every page of a filter, status and sort reads through the same two (the page is LIMIT/OFFSET). Nothing but SQL
# text and its parameters is kept: every page reads the database. Building the scoped querysets and compiling them
# was about a quarter of the page's CPU.
_NOMINATION_STATEMENTS: OrderedDict = OrderedDict()
_NOMINATION_STATEMENTS_MAX = 512
_NOMINATION_STATEMENTS_LOCK = threading.Lock()


def _statement_key(user, filters: InboxFilters, today: datetime.date) -> tuple:
    """Everything a tab's kept statements are made of besides the tab: the account key (`_user_key`), the filters
    (the unit's path with it), and today, the appraisal days and the time zone where the deadline filter or the
    due-date sort puts them in the SQL."""
    dated = bool(filters.deadline) or filters.sort.lstrip("-") == "han"
    return (
        _user_key(user),
        replace(filters, unit=None),
        (filters.unit.pk, filters.unit.path) if filters.unit is not None else None,
        today if filters.deadline else None,
        dossier_key() if dated else None,
    )


def _kept(store: OrderedDict, lock, maximum: int, key: tuple, build):
    """`store[key]`, built by `build()` the first time (the least recently used beyond `maximum` dropped)."""
    with lock:
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
            return found
    found = build()
    with lock:
        store[key] = found
        while len(store) > maximum:
            store.popitem(last=False)
    return found


def _compiled(counts: QuerySet, rows: QuerySet) -> tuple[tuple, tuple]:
    """((counts SQL, params), (rows SQL without LIMIT, params)); (None, ()) twice when the ORM would not query at
    all (nothing is addressed to the user)."""
    try:
        return counts.query.sql_with_params(), rows.query.sql_with_params()
    except EmptyResultSet:
        return (None, ()), (None, ())


def _nomination_statements(user, filters: InboxFilters, today: datetime.date) -> tuple[tuple, tuple]:
    """((counts SQL, params), (rows SQL without LIMIT, params)), built by `nomination_status_counts` and
    `inbox_nomination_ids`' querysets the first time."""

    def build():
        base = nominations_received(user, filters, today=today)
        counts = base.order_by().values_list("status").annotate(n=Count("*"))
        return _compiled(counts, inbox_nomination_ids(user, filters, today=today, base=base))

    key = _statement_key(user, filters, today)
    return _kept(_NOMINATION_STATEMENTS, _NOMINATION_STATEMENTS_LOCK, _NOMINATION_STATEMENTS_MAX, key, build)


class _KeptRows:
    """A tab's rows as the paginator slices them: each slice one run of the kept statement with LIMIT and OFFSET,
    each row through `shape` (the nomination tab: dicts of `NOMINATION_ROW_COLUMNS`, what `inbox_nomination_ids`
    gives; the dossier tab: the id, what `inbox_dossier_ids` gives)."""

    def __init__(self, sql: str, params: tuple, shape):
        self.sql, self.params, self.shape = sql, params, shape

    def __getitem__(self, window: slice) -> list:
        start, stop = int(window.start or 0), int(window.stop)
        with connection.cursor() as cursor:
            # B608 n/a: the ORM's own compiled SQL, LIMIT and OFFSET integers; the values travel as parameters.
            cursor.execute(f"{self.sql} LIMIT {stop - start} OFFSET {start}", self.params)
            return [self.shape(row) for row in cursor.fetchall()]


def _nomination_row(row) -> dict:
    return dict(zip(NOMINATION_ROW_COLUMNS, row, strict=True))


def _dossier_id(row) -> int:
    return row[0]


def nomination_tab(user, filters: InboxFilters, *, today: datetime.date) -> tuple[dict[str, int], _KeptRows | list]:
    """`nomination_status_counts` and `inbox_nomination_ids` (sliced by the paginator) for an authenticated
    user, through the statements kept for the user's key and filters (`_nomination_statements`)."""
    (counts_sql, counts_params), (rows_sql, rows_params) = _nomination_statements(user, filters, today)
    if counts_sql is None:
        return {}, []
    with connection.cursor() as cursor:
        cursor.execute(counts_sql, counts_params)
        counts = dict(cursor.fetchall())
    return counts, _KeptRows(rows_sql, rows_params, _nomination_row)


# The dossier tab's two statements (its counts by status, with the campaigns when nothing is filtered; its ids in
# the page's order), kept as the nomination tab's are (`_statement_key`): building `dossiers_received`'s scoped
# queryset and compiling it twice was about a third of the dossier tab's CPU.
_DOSSIER_STATEMENTS: OrderedDict = OrderedDict()
_DOSSIER_STATEMENTS_MAX = 512
_DOSSIER_STATEMENTS_LOCK = threading.Lock()


def _dossier_statements(user, filters: InboxFilters, today: datetime.date) -> tuple[tuple, tuple]:
    """((counts SQL, params), (ids SQL without LIMIT, params)), built by `dossier_counts_and_campaigns` (unfiltered)
    or `dossier_status_counts`, and `inbox_dossier_ids`' querysets the first time."""

    def build():
        base = dossiers_received(user, filters, today=today)
        columns = ("status", "campaign_id") if is_unfiltered(filters) else ("status",)
        counts = base.order_by().values_list(*columns).annotate(n=Count("*"))
        return _compiled(counts, inbox_dossier_ids(user, filters, today=today, base=base))

    key = _statement_key(user, filters, today)
    return _kept(_DOSSIER_STATEMENTS, _DOSSIER_STATEMENTS_LOCK, _DOSSIER_STATEMENTS_MAX, key, build)


def dossier_tab(
    user, filters: InboxFilters, *, today: datetime.date
) -> tuple[dict[str, int], set[int] | None, _KeptRows | list]:
    """The dossier tab for an authenticated user, through the statements kept for its key and filters: its counts
    by status (`dossier_status_counts`), the campaigns of its dossiers when nothing is filtered (what
    `dossier_counts_and_campaigns` gives, else None: `campaign_choices` names them), and its ids
    (`inbox_dossier_ids`, sliced by the paginator)."""
    unfiltered = is_unfiltered(filters)
    (counts_sql, counts_params), (rows_sql, rows_params) = _dossier_statements(user, filters, today)
    if counts_sql is None:
        return {}, set() if unfiltered else None, []
    with connection.cursor() as cursor:
        cursor.execute(counts_sql, counts_params)
        found = cursor.fetchall()
    counts: dict[str, int] = {}
    campaigns: set[int] = set()
    if unfiltered:
        for status, campaign_id, n in found:
            counts[status] = counts.get(status, 0) + n
            if campaign_id is not None:
                campaigns.add(campaign_id)
    else:
        counts = dict(found)
    return counts, campaigns if unfiltered else None, _KeptRows(rows_sql, rows_params, _dossier_id)


def campaign_choices(user) -> list[tuple[int, str]]:
    """The campaigns of the dossiers addressed to the user (one query), by school year (latest first), then name.

    Written as SQL around the dossiers' WHERE the ORM compiles (`core.sql.own_where_sql`: the scope, the address
    and the received states, on the dossier's own columns), compiled once per process and user key (`_user_key`):
    the ORM's Campaign query around its dossier subquery cost about 1 ms of CPU to build on every inbox page, its
    WHERE alone still about 1 ms. The WHERE's values travel as parameters."""
    key = _user_key(user)
    with _CAMPAIGN_STATEMENTS_LOCK:
        found = _CAMPAIGN_STATEMENTS.get(key, _CAMPAIGN_STATEMENTS)
        if found is not _CAMPAIGN_STATEMENTS:
            _CAMPAIGN_STATEMENTS.move_to_end(key)
    if found is _CAMPAIGN_STATEMENTS:
        found = _campaign_statement(user)
        with _CAMPAIGN_STATEMENTS_LOCK:
            _CAMPAIGN_STATEMENTS[key] = found
            while len(_CAMPAIGN_STATEMENTS) > _CAMPAIGN_STATEMENTS_MAX:
                _CAMPAIGN_STATEMENTS.popitem(last=False)
    if found is None:
        return []
    statement, params = found
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [tuple(row) for row in cursor.fetchall()]


def is_unfiltered(filters: InboxFilters) -> bool:
    """No filter but the tabs' statuses and the sort: the rows are every dossier addressed to the user (the
    dossiers `campaign_choices` reads)."""
    return replace(filters, status="", nomination_status="", sort=DEFAULT_SORT) == InboxFilters()


def dossier_counts_and_campaigns(base: QuerySet[Dossier]) -> tuple[dict[str, int], set[int]]:
    """`dossier_status_counts` and the campaigns of `base`'s dossiers, from one query grouped by both: unfiltered
    (`is_unfiltered`), those are `campaign_choices`' campaigns, named by `campaigns_named` without the scope
    and the address again."""
    counts: dict[str, int] = {}
    campaigns: set[int] = set()
    for status, campaign_id, n in base.order_by().values_list("status", "campaign_id").annotate(n=Count("*")):
        counts[status] = counts.get(status, 0) + n
        if campaign_id is not None:
            campaigns.add(campaign_id)
    return counts, campaigns


def campaigns_named(ids) -> list[tuple[int, str]]:
    """`campaign_choices` of these campaigns' ids (no query without any)."""
    return _by_ids("campaigns", _campaigns_named, set(ids))


def _campaigns_named(*ids):
    return Campaign.objects.filter(pk__in=ids).order_by("-school_year", "name").values_list("pk", "name")


def award_choices() -> list[tuple[str, str]]:
    """Every award code of the catalog once (its latest name), by rank (one query)."""
    return award_catalog()[0]


def award_catalog() -> tuple[list[tuple[str, str]], dict[int, str]]:
    """`award_choices` and every award's name by id (the nomination tab's rows), from the same one query."""
    seen, names = {}, {}
    for pk, code, name in AwardType.objects.order_by("rank", "code", "-pk").values_list("pk", "code", "name"):
        seen.setdefault(code, name)
        names[pk] = name
    return list(seen.items()), names


def mark_due(rows, today: datetime.date) -> None:
    """Set `is_pending`, `is_overdue`, `is_due_soon` on each row of a page (dossiers or nominations), no query."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    for row in rows:
        # A nomination's row carries its dossier's status (`nomination_page_rows`), a dossier's its own.
        status = row.dossier_status if hasattr(row, "dossier_status") else row.status
        pending = status in PENDING_STATES and row.due_date is not None
        row.is_pending = pending
        row.is_overdue = pending and row.due_date < today
        row.is_due_soon = pending and today <= row.due_date <= soon
