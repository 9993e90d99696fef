"""Every read a campaigns view shows starts here, scoped to the user."""

import copy
import datetime
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from awards.fit import award_fit_problem
from core.fixedsql import FixedQuery
from core.sql import own_where_sql
from core.text import vi_name_key, vi_sort_key
from units.enums import UnitKind
from units.models import EmulationBlock, Person, Unit
from units.rules import Cap, can, is_superuser, people_in_scope, roles_of, scope_q, unit_scope_q
from units.selectors import valid_pk

from .enums import CampaignStatus, ReachKind, RegistrationStatus
from .models import (
    Campaign,
    CampaignAward,
    Compact,
    Deadline,
    DeadlineCompletion,
    DeadlineExtension,
    Phase,
    Registration,
    RegistrationCollectiveLine,
    RegistrationLine,
)

# --- Reach and visibility ----------------------------------------------------------------


def _reach_q(user, prefix: str) -> Q:
    """Matches a reach root R (a Unit, on `prefix`) whose subtree meets a unit the user sees.

    The user's units are unions of subtrees; R's subtree meets the user's scope of
    role unit X when R is inside that scope, or R is X or one of X's ancestors
    (known from X's path, so no query).
    """
    return unit_scope_q(user, prefix) | Q(**{f"{prefix}__pk__in": sorted(_role_units_and_ancestors(user))})


def _role_units_and_ancestors(user) -> set[int]:
    """The ids of the units of the user's roles and of all their ancestors (from the roles' paths: no query)."""
    roles = roles_of(user)
    return {pk for role in roles for pk in role.unit.ancestor_ids()} | {role.unit_id for role in roles}


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns launched by a unit the user sees (drafts included), or launched and reaching one.

    One query, whatever the depth: subtree reach by the launcher's path, chosen
    units and emulation blocks through EXISTS subqueries.
    """
    if user.is_authenticated and user.is_superuser:
        return Campaign.objects.all()
    through_units = Campaign.reach_units.through.objects.filter(_reach_q(user, "unit"), campaign_id=OuterRef("pk"))
    through_blocks = Campaign.reach_blocks.through.objects.filter(
        _reach_q(user, "emulationblock__members"), campaign_id=OuterRef("pk")
    )
    reaching = (
        (Q(reach=ReachKind.SUBTREE) & _reach_q(user, "launched_by"))
        | (Q(reach=ReachKind.UNITS) & Q(Exists(through_units)))
        | (Q(reach=ReachKind.BLOCKS) & Q(Exists(through_blocks)))
    )
    return Campaign.objects.filter(unit_scope_q(user, "launched_by") | (~Q(status=CampaignStatus.DRAFT) & reaching))


def campaign_list(user) -> QuerySet[Campaign]:
    return (
        campaigns_visible_to(user)
        .select_related("launched_by")
        .annotate(
            phase_count=Count("phases", distinct=True),
            # One year to sort by: the school year's first year or the calendar year ("Năm 2024").
            period_year=Coalesce("school_year", "calendar_year"),
        )
        .order_by(F("period_year").desc(nulls_last=True), "-issued_on", "-id")
    )


# The campaign by its key with its launcher and author, as `.first()` reads it: compiled once per connection.
_CAMPAIGN_BY_PK = FixedQuery(
    lambda pk: Campaign.objects.select_related("launched_by", "created_by").filter(pk=pk).order_by("pk")[:1], int
)


def campaign_get_visible(user, pk) -> Campaign:
    """The campaign, or 404 outside `campaigns_visible_to`. Launched by a unit the user reads (its first clause,
    decided by the kernel's `can` without a query) or a launched subtree campaign of a unit above one of the user's
    (its reach clause, decided on the row: `_reached_from_above`), it is found by its key alone: the reach clause's
    EXISTS subqueries cost more to build and plan than the rest of a page's queries (a Phòng's overview of the
    Sở's campaign: 3 ms of the database's CPU, most of it planning). Any other campaign asks the whole filter."""
    found = next(iter(_CAMPAIGN_BY_PK.run(valid_pk(pk))), None)
    if found is not None and (can(user, Cap.READ, found.launched_by) or _reached_from_above(user, found)):
        return found
    return get_object_or_404(campaigns_visible_to(user).select_related("launched_by", "created_by"), pk=pk)


def _reached_from_above(user, campaign: Campaign) -> bool:
    """Whether `campaigns_visible_to`'s reach clause holds for `campaign` by its subtree branch, in Python: launched
    (not a draft), reaching the launcher's subtree, launched by one of the user's role units or their ancestors
    (`_reach_q`'s ids). Only a sufficient condition: False sends the caller to the query."""
    if campaign.status == CampaignStatus.DRAFT or campaign.reach != ReachKind.SUBTREE:
        return False
    return campaign.launched_by_id in _role_units_and_ancestors(user)


def reach_roots(campaign: Campaign) -> list[Unit]:
    """The units whose subtrees the campaign reaches."""
    if campaign.reach == ReachKind.SUBTREE:
        return [campaign.launched_by]
    if campaign.reach == ReachKind.UNITS:
        return list(campaign.reach_units.all())
    return list(Unit.objects.filter(blocks__in=campaign.reach_blocks.all()).distinct())


def reached_units(campaign: Campaign, roots: list[Unit] | None = None) -> QuerySet[Unit]:
    """Every unit the campaign reaches, its launcher excluded."""
    roots = reach_roots(campaign) if roots is None else roots
    if not roots:
        return Unit.objects.none()
    query = Q()
    for root in roots:
        query |= Q(path__startswith=root.path)
    return Unit.objects.filter(query).exclude(pk=campaign.launched_by_id)


def campaign_reaches(campaign: Campaign, unit: Unit) -> bool:
    return unit.pk == campaign.launched_by_id or any(unit.path.startswith(r.path) for r in reach_roots(campaign))


def expected_registrants(campaign: Campaign) -> QuerySet[Unit]:
    """Units expected to register: reached units that are not teams (teams register within
    their school), plus the launcher itself when it is a school (a school's own plan)."""
    units = reached_units(campaign).exclude(kind=UnitKind.TEAM)
    if campaign.launched_by.kind == UnitKind.SCHOOL:
        units = units | Unit.objects.filter(pk=campaign.launched_by_id)
    return units


def may_register(campaign: Campaign, unit: Unit) -> bool:
    if unit.kind == UnitKind.TEAM:
        return False
    if unit.pk == campaign.launched_by_id:
        return unit.kind == UnitKind.SCHOOL
    return campaign_reaches(campaign, unit)


# --- Campaign detail ---------------------------------------------------------------------


@dataclass
class CampaignDetail:
    campaign: Campaign
    phases: list[Phase]
    current_phase: Phase | None
    awards: list[CampaignAward]
    deadlines: list[Deadline]
    criteria: list
    legal_bases: list
    roots: list[Unit]
    blocks: list[EmulationBlock]


def campaign_detail(campaign: Campaign, *, today: datetime.date | None = None) -> CampaignDetail:
    today = today or datetime.date.today()
    phases = list(campaign.phases.all())
    return CampaignDetail(
        campaign=campaign,
        phases=phases,
        current_phase=next((p for p in phases if p.is_current(today)), None),
        awards=list(campaign.awards.select_related("award_type")),
        deadlines=list(campaign.deadlines.select_related("unit")),
        criteria=list(campaign.criteria.all()),
        legal_bases=list(campaign.legal_bases.all()),
        roots=reach_roots(campaign),
        blocks=list(campaign.reach_blocks.all()) if campaign.reach == ReachKind.BLOCKS else [],
    )


def current_phase(campaign: Campaign, today: datetime.date | None = None) -> Phase | None:
    today = today or datetime.date.today()
    return campaign.phases.filter(start__lte=today, end__gte=today).first()


# --- Deadlines ---------------------------------------------------------------------------


def deadline_effective_due(deadline: Deadline, unit: Unit) -> datetime.date:
    """The due date for one unit: the deadline, or a later reopening granted to that unit."""
    extension = (
        DeadlineExtension.objects.filter(deadline=deadline, unit=unit)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    return max(deadline.due_date, extension) if extension else deadline.due_date


def deadlines_for(campaign: Campaign, unit: Unit, action: str) -> list[Deadline]:
    return [d for d in campaign.deadlines.filter(action=action) if d.applies_to(unit)]


def deadline_applicable_units(deadline: Deadline) -> QuerySet[Unit]:
    """The units a deadline applies to: the named unit, or every unit of its kind in reach."""
    campaign = deadline.campaign
    if deadline.unit_id:
        return Unit.objects.filter(pk=deadline.unit_id)
    reached = reached_units(campaign) | Unit.objects.filter(pk=campaign.launched_by_id)
    return reached.filter(kind=deadline.unit_kind)


def deadline_pending_units(deadline: Deadline) -> QuerySet[Unit]:
    """Units that still have to act on a deadline: those it applies to, minus those done."""
    done = DeadlineCompletion.objects.filter(deadline=deadline, unit_id=OuterRef("pk"))
    return deadline_applicable_units(deadline).exclude(Exists(done))


# --- Registrations -----------------------------------------------------------------------


def registrations_visible_to(user) -> QuerySet[Registration]:
    return Registration.objects.filter(unit_scope_q(user, "unit")).select_related("unit", "campaign")


def registration_get_visible(user, pk) -> Registration:
    return get_object_or_404(
        registrations_visible_to(user).select_related(
            "collective_title", "collective_commendation", "submitted_by", "campaign__launched_by"
        ),
        pk=pk,
    )


def registration_lines(registration: Registration) -> QuerySet[RegistrationLine]:
    return registration.lines.select_related("person", "title", "commendation")


def registration_collective_lines(registration: Registration) -> QuerySet[RegistrationCollectiveLine]:
    return registration.collective_lines.select_related("team", "title", "commendation")


def registration_teams(unit: Unit, day: datetime.date | None = None) -> QuerySet[Unit]:
    """The unit's teams (tổ, "tập thể nhỏ") active on `day`: one collective row each."""
    day = day or datetime.date.today()
    return (
        Unit.objects.filter(parent=unit, kind=UnitKind.TEAM)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=day))
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=day))
        .order_by("name", "id")
    )


def registration_people(user, unit: Unit) -> QuerySet[Person]:
    """Active people of the unit and its teams that `user` reads: one registration row each.

    `user=None` is the system itself (demo seeding, commands): the whole subtree.
    The rows are put in Vietnamese order by `registration_groups`.
    """
    if user is None:
        people = Person.objects.filter(unit__path__startswith=unit.path, is_active=True)
    else:
        people = people_in_scope(user, unit, Cap.READ, active_only=True)
    return people.order_by("full_name", "id")


@dataclass
class PeopleGroup:
    label: str
    unit: Unit
    people: list


def registration_groups(unit: Unit, people) -> list[PeopleGroup]:
    """People grouped by team (the unit's own staff first), each group and its people in Vietnamese order."""
    groups: dict[int, PeopleGroup] = {}
    for person in people:
        group = groups.get(person.unit_id)
        if group is None:
            own = person.unit_id == unit.pk
            label = f"{unit.name} (không thuộc tổ)" if own else person.unit.name
            group = groups[person.unit_id] = PeopleGroup(label, person.unit, [])
        group.people.append(person)
    for group in groups.values():
        group.people.sort(key=lambda p: (vi_name_key(p.full_name), p.pk))
    return sorted(groups.values(), key=lambda g: (g.unit.pk != unit.pk, vi_sort_key(g.label)))


def previous_registration(user, unit: Unit, campaign: Campaign) -> Registration | None:
    """The unit's latest submitted registration of the school year before the campaign's, if the user sees it."""
    year = campaign.school_year
    if year is None:
        return None
    return (
        registrations_visible_to(user)
        .filter(unit=unit, campaign__school_year=year - 1, status=RegistrationStatus.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .first()
    )


def registration_overview(user, campaign: Campaign) -> QuerySet[Unit]:
    """Expected registrants the user sees, each with its registration's id and status: one LEFT JOIN on the
    campaign's registration (unique per unit), so the rows filter and sort by status. The flagged lines are
    counted afterwards for the rows shown only (`registration_overview_flags`)."""
    return (
        expected_registrants(campaign)
        .filter(unit_scope_q(user))
        .select_related("parent")
        .annotate(
            campaign_registration=FilteredRelation("registrations", condition=Q(registrations__campaign=campaign))
        )
        .annotate(
            registration_id=F("campaign_registration__id"), registration_status=F("campaign_registration__status")
        )
    )


def registration_flag_counts(registration_ids) -> dict[int, tuple[int, int]]:
    """(flagged, unexplained) lines by registration id, for `registration_ids`: the lines of each registration
    (person, team and the unit's own collective line) that broke a hard rule when saved, and those of them kept
    without an explanation. One query whatever the ids (a UNION ALL over the three tables), none without ids; an
    id without a flagged line is absent.

    Written as SQL: the statement is fixed (table and column names only) and the ORM spent about 3 ms of CPU
    building and compiling its three grouped parts on every overview page; the ids are the caller's rows, already
    in the user's scope, and travel as parameters."""
    ids = sorted({int(pk) for pk in registration_ids})
    if not ids:
        return {}
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    # B608 below: only table names quoted by the backend and "%s" placeholders go into the text.
    parts = [
        f"SELECT registration_id, COUNT(*), COUNT(*) FILTER (WHERE explanation = '') FROM {table} "  # nosec B608
        f"WHERE registration_id IN ({marks}) AND problems <> '' GROUP BY registration_id"
        for table in (qn(m._meta.db_table) for m in (RegistrationLine, RegistrationCollectiveLine))
    ]
    registrations = qn(Registration._meta.db_table)
    parts.append(
        f"SELECT id, 1, CASE WHEN collective_explanation = '' THEN 1 ELSE 0 END FROM {registrations} "  # nosec B608
        f"WHERE id IN ({marks}) AND collective_problems <> ''"
    )
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), ids * 3)  # nosec B608: quoted table names only; ids in params
        for registration_id, n, bare in cursor.fetchall():
            found[registration_id][0] += n
            found[registration_id][1] += bare
    return {pk: (n, bare) for pk, (n, bare) in found.items()}


def registration_overview_flags(units: list[Unit]) -> None:
    """Set `flagged_lines` and `unexplained_lines` on each of `units` (rows of `registration_overview`, or
    `OverviewRow`s), in one query (`registration_flag_counts`)."""
    found = registration_flag_counts({unit.registration_id for unit in units if unit.registration_id})
    for unit in units:
        unit.flagged_lines, unit.unexplained_lines = found.get(unit.registration_id, (0, 0))


class OverviewRow(SimpleNamespace):
    """One shown row of the registration overview (`registration_overview_rows`): the fields the page shows, read
    as attributes like a unit's (pk, name, parent_name, parent_short_name, registration_id, registration_status)."""


def registration_overview_rows(queryset: QuerySet[Unit]) -> QuerySet:
    """The overview's rows as plain values (the page shows fields only, no Unit instances): dicts to turn into
    `OverviewRow`s once sliced. Flags are set on them by `registration_overview_flags`."""
    return queryset.values(
        "pk",
        "name",
        "registration_id",
        "registration_status",
        parent_name=F("parent__name"),
        parent_short_name=F("parent__short_name"),
    )


# The columns of `registration_overview_rows`, in its order (the names `OverviewRow` reads).
_ROW_NAMES = ("pk", "name", "registration_id", "registration_status", "parent_name", "parent_short_name")
_ROWS: OrderedDict = OrderedDict()


def registration_overview_page(user, campaign: Campaign, unit: Unit | None, low: int, high: int | None):
    """The rows `low:high` of the unfiltered overview in its default order (`registration_overview` in `unit`'s
    subtree, read as `registration_overview_rows`), as `OverviewRow`s, from a statement compiled once per process
    and key (the user's scope, the campaign's launcher, the unit's path and the slice, as `_WHERES`), the campaign's
    id its parameter (`core.fixedsql.FixedQuery`); None for a campaign reaching chosen units or blocks (the caller
    reads the ORM's rows). Building the FilteredRelation, the scope and the slice and compiling them was a third of
    the overview's CPU."""
    reach = _subtree_reach_key(campaign)
    if reach is None:
        return None
    if high is not None and high <= low:
        return []
    key = (_scope_key(user), reach, unit.path if unit is not None else None, low, high)

    def build(pk):
        marked = copy.copy(campaign)  # the campaign's id as FixedQuery's marker; its launcher as it is
        marked.pk = pk
        units = registration_overview(user, marked)
        if unit is not None:
            units = units.filter(path__startswith=unit.path)
        columns = units.annotate(parent_name=F("parent__name"), parent_short_name=F("parent__short_name"))
        return columns.values_list(*_ROW_NAMES)[low:high]

    with _WHERES_LOCK:
        statement = _ROWS.get(key)
        if statement is not None:
            _ROWS.move_to_end(key)
    if statement is None:
        statement = FixedQuery(build, int)
        with _WHERES_LOCK:
            _ROWS[key] = statement
            while len(_ROWS) > _WHERES_MAX:
                _ROWS.popitem(last=False)
    try:
        found = statement.run(campaign.pk)
    except EmptyResultSet:  # a scope of no unit: the ORM reads nothing, without a query
        return []
    return [OverviewRow(**dict(zip(_ROW_NAMES, row, strict=True))) for row in found]


@dataclass
class TitleTotal:
    name: str
    count: int


def registration_overview_counts(user, campaign: Campaign, *, unit: Unit | None = None) -> dict:
    """How many expected registrants the user sees (in `unit`'s subtree), and how many registered / submitted: one
    grouped query over the overview's rows (each unit LEFT JOIN its registration of the campaign, unique per unit).

    Written as SQL around the units' WHERE the ORM compiles (`core.sql.own_where_sql` of the expected registrants in the
    user's scope): the FilteredRelation, grouping and counting cost about 1 ms of CPU to build on every overview
    page. The campaign's id and the WHERE's values travel as parameters."""

    def compiled():
        units = expected_registrants(campaign).filter(unit_scope_q(user))
        if unit is not None:
            units = units.filter(path__startswith=unit.path)
        return own_where_sql(units)

    reach = _subtree_reach_key(campaign)
    if reach is None:
        where = compiled()
    else:
        where = _where_kept(("counts", _scope_key(user), reach, unit.path if unit is not None else None), compiled)
    by_status: dict = {}
    if where is not None:
        sql, params = where
        qn = connection.ops.quote_name
        registration, unit_table = qn(Registration._meta.db_table), qn(Unit._meta.db_table)
        # B608: quoted table names, the ORM's compiled WHERE and "%s" placeholders only; values in params.
        statement = (
            f"SELECT r.status, COUNT(*) FROM {unit_table} LEFT OUTER JOIN {registration} r "  # nosec B608
            f"ON r.unit_id = {unit_table}.id AND r.campaign_id = %s{' WHERE ' + sql if sql else ''} GROUP BY r.status"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [campaign.pk, *params])
            by_status = dict(cursor.fetchall())
    expected = sum(by_status.values())
    registered = expected - by_status.get(None, 0)
    return {
        "expected": expected,
        "registered": registered,
        "submitted": by_status.get(RegistrationStatus.SUBMITTED, 0),
        "missing": expected - registered,
    }


def _totals(rows: list[tuple[str, int, int]]) -> list[TitleTotal]:
    """Merge (name, rank, count) rows of several sources into one total per award, by rank then name."""
    merged: dict[tuple[int, str], int] = defaultdict(int)
    for name, rank, count in rows:
        merged[(rank, name)] += count
    return [TitleTotal(name, count) for (rank, name), count in sorted(merged.items())]


def unit_scope_sql(user, unit: Unit | None = None) -> tuple[str, list] | None:
    """The kernel's read scope of `user` (`unit_scope_q` on Unit itself; with `unit`, only its subtree) as the ORM
    compiles it (`core.sql.own_where_sql`: a WHERE on the columns of "units_unit", ("", []) for every unit, None
    for none)."""

    def compiled():
        units = Unit.objects.filter(unit_scope_q(user))
        return own_where_sql(units.filter(path__startswith=unit.path) if unit is not None else units)

    return _where_kept(("scope", _scope_key(user), unit.path if unit is not None else None), compiled)


# The WHERE fragments of the overview's fixed statements (`unit_scope_sql`, `registration_overview_counts`) as the
# ORM compiled them, per process, by everything they are made of: the kernel's scope is a function of the user's
# roles (each role's name and unit: its id, path and kind) and of being a superuser; the expected registrants of a
# campaign reaching its launcher's subtree, of the launcher's id, path and kind; a chosen unit's subtree, of its
# path. A revoked role, a moved unit or another launcher is another key, so no fragment outlives what it was
# compiled from; the values are the fragment's own parameters, not rows. Building the kernel's Q and compiling it
# twice was about a third of the overview's CPU.
_WHERES: OrderedDict = OrderedDict()
_WHERES_MAX = 1024
_WHERES_LOCK = threading.Lock()
_ABSENT = object()


def _scope_key(user) -> tuple:
    """What `unit_scope_q(user)` is made of (see `_WHERES`)."""
    roles = tuple((role.role, role.unit_id, role.unit.path, role.unit.kind) for role in roles_of(user))
    return (connection.alias, is_superuser(user), roles)


def _subtree_reach_key(campaign: Campaign) -> tuple | None:
    """What `expected_registrants(campaign)` is made of when the campaign reaches its launcher's subtree (no query);
    None for a reach of chosen units or blocks, whose roots are rows read from the database."""
    if campaign.reach != ReachKind.SUBTREE:
        return None
    launcher = campaign.launched_by
    return (launcher.pk, launcher.path, launcher.kind)


def _where_kept(key: tuple, compiled) -> tuple[str, list] | None:
    """`compiled()` (an `own_where_sql` answer) once per process and key; each caller gets its own parameter list."""
    with _WHERES_LOCK:
        found = _WHERES.get(key, _ABSENT)
        if found is not _ABSENT:
            _WHERES.move_to_end(key)
    if found is _ABSENT:
        found = compiled()
        found = None if found is None else (found[0], tuple(found[1]))
        with _WHERES_LOCK:
            _WHERES[key] = found
            while len(_WHERES) > _WHERES_MAX:
                _WHERES.popitem(last=False)
    return None if found is None else (found[0], list(found[1]))


# The registering units' submitted registrations of the campaign in the user's scope (`registrations`), then one
# grouped pass per source (person lines, the registrations' own collective awards, team lines) counted by the
# awards' ids, the registering unit's kind and school level (`counted`), then the two awards of each group named
# (title and commendation: name, rank, recipient kind, authority kind) and grouped again by those names: the rows
# the ORM's three grouped querysets gave, counted on ids (a hash of four short keys per line, not of ten texts)
# with the award table joined to the few groups. "{scope}" is `unit_scope_sql`'s fragment; "{lines}" and
# "{team_lines}" read the lines of the registrations (`_LINES_SQL`).
_TOTALS_SQL = """WITH registrations AS (
    SELECT r.id, r.collective_title_id, r.collective_commendation_id, units_unit.kind, units_unit.school_level
    FROM {registration} r JOIN {unit} units_unit ON units_unit.id = r.unit_id
    WHERE r.campaign_id = %s AND r.status = %s{scope}),
counted AS (
    SELECT l.title_id, l.commendation_id, r.kind, r.school_level, COUNT(*) AS n, 0 AS source
    FROM {lines}
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT r.collective_title_id, r.collective_commendation_id, r.kind, r.school_level, COUNT(*), 1
    FROM registrations r
    WHERE r.collective_title_id IS NOT NULL OR r.collective_commendation_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT l.title_id, l.commendation_id, r.kind, r.school_level, COUNT(*), 2
    FROM {team_lines}
    GROUP BY 1, 2, 3, 4)
SELECT t.name, t.rank, t.recipient_kind, t.authority_kind, c.name, c.rank, c.recipient_kind, c.authority_kind,
    k.kind, k.school_level, CAST(SUM(k.n) AS BIGINT), k.source
FROM counted k LEFT JOIN {award} t ON t.id = k.title_id LEFT JOIN {award} c ON c.id = k.commendation_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12"""

# The lines (with a title or a commendation) of the registrations, as "l" beside their registration "r". On
# PostgreSQL, each registration's lines through the index on registration_id (a LATERAL subquery that OFFSET 0
# keeps from being flattened into a join): joined, the planner hashed every line of every campaign (26,000 at
# province scale) to keep the 7,000 of the Sở's submitted registrations, whatever the statistics said. SQLite
# has no LATERAL; its join walks the registrations first anyway.
_LINES_SQL = {
    "postgresql": """registrations r CROSS JOIN LATERAL (
        SELECT l.title_id, l.commendation_id FROM {table} l
        WHERE l.registration_id = r.id AND (l.title_id IS NOT NULL OR l.commendation_id IS NOT NULL) OFFSET 0) l""",
    "default": """{table} l JOIN registrations r ON r.id = l.registration_id
    WHERE l.title_id IS NOT NULL OR l.commendation_id IS NOT NULL""",
}

# Which totals each source's two awards count toward (by the source index ending each row).
_TOTAL_KEYS = (
    ("titles", "commendations"),
    ("collective", "collective_commendations"),
    ("collective", "collective_commendations"),
)


def registration_total_rows(user, campaign: Campaign, *, unit: Unit | None = None) -> list[tuple]:
    """The grouped rows `registration_totals` adds up: (title's name, rank, recipient kind, authority kind, the same
    four of the commendation, the registering unit's kind, its school level, count, source index), in one query.

    Written as SQL: the statement is fixed but for the user's scope, which is the kernel's own Q compiled by the
    ORM (`unit_scope_sql`); building and compiling the three grouped ORM querysets and their UNION cost about
    6 ms of CPU per overview page. The campaign's id, the status and the scope's values travel as parameters."""
    scope = unit_scope_sql(user, unit)
    if scope is None:
        return []
    scope_sql, params = scope
    where = f" AND ({scope_sql})" if scope_sql else ""
    qn = connection.ops.quote_name
    tables = {
        "registration": Registration,
        "unit": Unit,
        "line": RegistrationLine,
        "team_line": RegistrationCollectiveLine,
        "award": RegistrationLine._meta.get_field("title").related_model,
    }
    names = {key: qn(model._meta.db_table) for key, model in tables.items()}
    lines = _LINES_SQL.get(connection.vendor, _LINES_SQL["default"])
    sql = _TOTALS_SQL.format(
        scope=where,
        lines=lines.format(table=names.pop("line")),
        team_lines=lines.format(table=names.pop("team_line")),
        **names,
    )
    with connection.cursor() as cursor:
        # B608: quoted table names, the kernel's compiled scope and "%s" placeholders only; values in params.
        cursor.execute(sql, [campaign.pk, RegistrationStatus.SUBMITTED, *params])  # nosec B608
        return cursor.fetchall()


def registration_totals(user, campaign: Campaign, *, unit: Unit | None = None) -> dict:
    """Totals by registered title/commendation across the submitted registrations the user sees (in `unit`'s
    subtree), from `registration_total_rows` (one query).

    Collective totals add the registering units' own collective title or
    commendation to those their teams registered.
    """
    rows: dict[str, list] = {key: [] for key in ("titles", "commendations", "collective", "collective_commendations")}
    not_counted = []
    for row in registration_total_rows(user, campaign, unit=unit):
        keys = _TOTAL_KEYS[row[-1]]
        kind, level, n = row[-4:-1]
        for i, key in enumerate(keys):
            name, rank, recipient, authority = row[4 * i : 4 * i + 4]
            if name is None:
                continue
            # A title the registering level may not aim at (a national title on a school's line, saved
            # before the form checked it) is not a real target: listed apart, not counted.
            award = AwardFacts(name, recipient, authority)
            problem = award_fit_problem(
                award, collective=key.startswith("collective"), unit_kind=kind, school_level=level
            )
            (not_counted if problem else rows[key]).append((name, rank, n))
    result = {key: _totals(found) for key, found in rows.items()}
    result["not_counted"] = _totals(not_counted)
    return result


@dataclass
class AwardFacts:
    """The fields of an award type `awards.fit` reads, from a values() row."""

    name: str
    recipient_kind: str
    authority_kind: str


def registered_lines_for_export(user, campaign: Campaign) -> QuerySet[RegistrationLine]:
    return (
        RegistrationLine.objects.filter(unit_scope_q(user, "registration__unit"), registration__campaign=campaign)
        .select_related("registration__unit", "person", "title", "commendation")
        .order_by("registration__unit__path", "order")
    )


def registrations_for_export(user, campaign: Campaign) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(unit_scope_q(user, "unit"), campaign=campaign)
        .select_related("unit", "collective_title", "collective_commendation")
        .order_by("unit__path")
    )


def registered_collective_lines_for_export(user, campaign: Campaign) -> QuerySet[RegistrationCollectiveLine]:
    return (
        RegistrationCollectiveLine.objects.filter(
            unit_scope_q(user, "registration__unit"), registration__campaign=campaign
        )
        .select_related("registration__unit", "team", "title", "commendation")
        .order_by("registration__unit__path", "order")
    )


@dataclass
class RegisteredTarget:
    person_id: int
    title_id: int | None
    commendation_id: int | None
    initiative_title: str
    campaign_id: int


def registered_targets(
    user, *, unit: Unit, school_year: int | None = None, campaign: Campaign | None = None
) -> dict[int, RegisteredTarget]:
    """Each person's submitted target (title, commendation, initiative) in the unit's subtree that `user` reads.

    For pre-filling nominations: filter by campaign, or by school year (the
    latest submitted registration wins when a person registered twice).
    `user=None` is the system itself.
    """
    lines = RegistrationLine.objects.filter(
        registration__unit__path__startswith=unit.path, registration__status=RegistrationStatus.SUBMITTED
    )
    if user is not None:
        lines = lines.filter(unit_scope_q(user, "registration__unit"), scope_q(user, Cap.READ, "person__unit"))
    if campaign is not None:
        lines = lines.filter(registration__campaign=campaign)
    if school_year is not None:
        lines = lines.filter(registration__campaign__school_year=school_year)
    result = {}
    for line in lines.order_by("registration__submitted_at", "pk").values(
        "person_id", "title_id", "commendation_id", "initiative_title", "registration__campaign_id"
    ):
        result[line["person_id"]] = RegisteredTarget(
            line["person_id"],
            line["title_id"],
            line["commendation_id"],
            line["initiative_title"],
            line["registration__campaign_id"],
        )
    return result


# --- Compacts and calendar --------------------------------------------------------------


def compacts_visible_to(user) -> QuerySet[Compact]:
    signer_visible = Compact.units.through.objects.filter(unit_scope_q(user, "unit"), compact_id=OuterRef("pk"))
    return (
        Compact.objects.filter(unit_scope_q(user, "block__owner") | Q(Exists(signer_visible)))
        .select_related("block", "campaign")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-signed_on", "-id")
    )


def compact_get_visible(user, pk) -> Compact:
    return get_object_or_404(compacts_visible_to(user), pk=pk)


@dataclass
class AgendaItem:
    day: datetime.date
    end: datetime.date | None
    kind: str  # "phase" or "deadline"
    label: str
    campaign: Campaign
    is_current: bool = False
    due_for_unit: datetime.date | None = None


def unit_agenda(user, unit: Unit, *, start: datetime.date, end: datetime.date, today=None) -> list[tuple]:
    """Phases and deadlines of the campaigns that concern `unit`, by month: [(first of month, [items])]."""
    today = today or datetime.date.today()
    campaigns = _campaigns_concerning(user, unit)
    campaign_ids = [c.pk for c in campaigns]
    by_id = {c.pk: c for c in campaigns}
    items: list[AgendaItem] = []
    for phase in Phase.objects.filter(campaign_id__in=campaign_ids, start__lte=end, end__gte=start):
        items.append(
            AgendaItem(phase.start, phase.end, "phase", str(phase), by_id[phase.campaign_id], phase.is_current(today))
        )
    extensions = {
        e.deadline_id: e.until
        for e in DeadlineExtension.objects.filter(deadline__campaign_id__in=campaign_ids, unit=unit).order_by("until")
    }
    for deadline in Deadline.objects.filter(campaign_id__in=campaign_ids, due_date__range=(start, end)).select_related(
        "unit"
    ):
        applies = deadline.applies_to(unit)
        label = f"Hạn chót: {deadline.get_action_display()} ({deadline.applies_label})"
        due = max(deadline.due_date, extensions.get(deadline.pk, deadline.due_date)) if applies else None
        items.append(
            AgendaItem(deadline.due_date, None, "deadline", label, by_id[deadline.campaign_id], due_for_unit=due)
        )
    months: dict[datetime.date, list[AgendaItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.day, i.kind)):
        months[item.day.replace(day=1)].append(item)
    return sorted(months.items())


def _campaigns_concerning(user, unit: Unit) -> list[Campaign]:
    """Launched campaigns the user sees that reach `unit` or were launched by it."""
    candidates = (
        campaigns_visible_to(user)
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("launched_by")
        .prefetch_related(
            Prefetch("reach_units", queryset=Unit.objects.only("pk", "path")),
            Prefetch("reach_blocks__members", queryset=Unit.objects.only("pk", "path")),
        )
    )
    result = []
    for campaign in candidates:
        if campaign.launched_by_id == unit.pk:
            result.append(campaign)
            continue
        if campaign.reach == ReachKind.SUBTREE:
            roots = [campaign.launched_by]
        elif campaign.reach == ReachKind.UNITS:
            roots = list(campaign.reach_units.all())
        else:
            roots = [m for b in campaign.reach_blocks.all() for m in b.members.all()]
        if any(unit.path.startswith(r.path) for r in roots):
            result.append(campaign)
    return result


def concerning_q(user, unit: Unit, prefix: str = "") -> Q:
    """`campaigns_concerning` as a WHERE clause on Campaign (or on `prefix`, a FK path to it), no rows listed:
    campaigns not in draft, launched by `unit` or whose reach holds it (a reach root is the unit or one of its
    ancestors, known from its path). Every one of them is visible to a user who reads `unit` (their launcher's
    reach meets her scope); a user who does not gets nothing."""
    if not can(user, Cap.READ, unit):
        return Q(**{f"{prefix}__pk__in" if prefix else "pk__in": []})
    return concerning_line_q(unit.pk, [*unit.ancestor_ids(), unit.pk], prefix)


def concerning_line_q(unit_id: int, line: list[int], prefix: str = "") -> Q:
    """`concerning_q` once the user is known to read the unit: on values only (the unit's id and `line`, the ids
    of its ancestors and itself), so a caller can compile it once per depth (`core.fixedsql.FixedQuery`)."""
    p = f"{prefix}__" if prefix else ""
    units = Campaign.reach_units.through.objects.filter(campaign_id=OuterRef(f"{p}pk"), unit_id__in=line)
    blocks = Campaign.reach_blocks.through.objects.filter(
        campaign_id=OuterRef(f"{p}pk"), emulationblock__members__in=line
    )
    return ~Q(**{f"{p}status": CampaignStatus.DRAFT}) & (
        Q(**{f"{p}launched_by_id": unit_id})
        | Q(**{f"{p}reach": ReachKind.SUBTREE, f"{p}launched_by_id__in": line})
        | Q(Q(**{f"{p}reach": ReachKind.UNITS}), Exists(units))
        | Q(Q(**{f"{p}reach": ReachKind.BLOCKS}), Exists(blocks))
    )


def campaigns_concerning(user, unit: Unit) -> list[Campaign]:
    """The calendar's campaigns of `unit` (launched, seen by the user, reaching or launched by it), for readers
    on top such as the workbench's to-do list (`workbench.todos`)."""
    return _campaigns_concerning(user, unit)
