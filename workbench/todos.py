"""What the active role has to do now: the home page's list and the navigation's counter.

`todos_for(user, role)` returns, for the role the user works in now (`request.active_role`), a list of
`Todo` items, each with a Vietnamese label, a count or a due date, the page where it is done and a
severity. An item comes from the state of the data only (nothing is stored about it): it disappears as
soon as the thing is done through the app's own service.

Every read goes through the apps' own scoped selectors or the kernel's `scope_q`, so a sibling school's
work never shows. The number of queries depends on the role, never on the number of rows (at most a
dozen; tested with one and many rows in `workbench/tests/test_home.py`).
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType
from campaigns import selectors as campaign_selectors
from campaigns.enums import CampaignStatus, DeadlineAction, ReachKind, RegistrationStatus
from campaigns.models import Campaign, Deadline, DeadlineCompletion, DeadlineExtension, Registration
from core.fixedsql import FixedQuery, one_row_of
from core.models import TransitionLog
from councils.enums import MeetingStatus, RoundStatus
from councils.models import CouncilMember, Meeting, Round, VoterRoll
from nominations import inbox
from nominations.enums import RECEIVED_STATES, DossierStatus, NominationStatus, RoundKind
from nominations.links import nomination_url
from nominations.models import Dossier, Nomination, Objection, ObjectionStatus
from nominations.notice import may_resolve
from units.enums import Role, UnitKind
from units.models import Person, Unit, UnitRole
from units.rules import (
    ROLE_CAPABILITIES,
    Cap,
    Reach,
    can,
    is_superuser,
    people_in_scope,
    roles_of,
    scope_q,
    units_in_scope,
)

# A campaign deadline shows on the secretary's list this many days ahead (overdue ones always).
DEADLINE_HORIZON_DAYS = 14
# A deadline this close is shown as urgent.
URGENT_DAYS = 3
# Rows listed one by one per kind (drafts, units without a head …); the rest is one "và N … khác" line.
MAX_ROWS = 10

DANGER, WARNING, INFO = "danger", "warning", "info"

_ROUND_KINDS = dict(RoundKind.choices)
_DEADLINE_ACTIONS = dict(DeadlineAction.choices)


@dataclass(frozen=True)
class Todo:
    """One thing to do. `kind` is stable (tests, styling); `count` or `due` says how much or by when."""

    kind: str
    label: str
    url: str
    severity: str = INFO
    count: int | None = None
    due: datetime.date | None = None
    comment: str = ""
    comment_label: str = "Lý do trả lại"

    @property
    def weight(self) -> int:
        """What the item adds to the navigation's counter."""
        return self.count if self.count is not None else 1


def total(todos: list[Todo]) -> int:
    return sum(t.weight for t in todos)


def todos_for(user, role: UnitRole | None, *, today: datetime.date | None = None) -> list[Todo]:
    """The to-do list of `user` working as `role` (None: no role, nothing to do)."""
    if role is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    build = _BY_ROLE.get(role.role)
    return build(user, role.unit, today) if build else []


def superuser_todos(user, *, today: datetime.date | None = None) -> list[Todo]:
    """A system administrator (superuser) without a role: the administrator's list over every tree of the
    portal (each root unit: the province, the ministry), since the superuser administers all of them."""
    if not (user.is_authenticated and user.is_superuser):
        return []
    today = today or timezone.localdate()
    todos: list[Todo] = []
    for root in Unit.objects.filter(parent__isnull=True).order_by("path"):
        todos += admin_todos(user, root, today)
    return todos


# --- the last comment of a workflow object (a return's reason) -----------------------------------------

# Between the action and the comment of a workflow object's newest TransitionLog, read as one string.
_LOG_SEP = "\x1f"


class _Joined(Func):
    """Strings joined with SQL's `||` (PostgreSQL and SQLite), for parts that are never NULL: one expression,
    where Concat builds a COALESCE pair per part (several times the Python to compile)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()


def _last_log(model):
    """A subquery of the object's newest TransitionLog as "action<_LOG_SEP>comment": one subquery (not one per
    column), on the content type's id (ContentType's cache: no join, no query once warm)."""
    logs = TransitionLog.objects.filter(
        content_type_id=ContentType.objects.get_for_model(model).pk, object_id=OuterRef("pk")
    ).order_by("-at", "-id")
    return Subquery(logs.values(text=_Joined("action", Value(_LOG_SEP), "comment"))[:1], output_field=TextField())


def _name_of(model, key: str, field: str = "name"):
    """`model`'s `field` of the row whose key is the outer row's column `key`: a scalar subquery, planned alone (a
    join of its own table makes PostgreSQL weigh every join order of the statement)."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(field))


def _overflow(kind: str, rows: list, label: str, url: str) -> list[Todo]:
    """The "và N … khác" line when a kind has more rows than are listed."""
    extra = len(rows) - MAX_ROWS
    return [Todo(kind, label.format(n=extra), url, INFO, count=extra)] if extra > 0 else []


# --- secretary (FILE on her unit) ----------------------------------------------------------------------


def _deadline_url(action: str, campaign_id: int, unit: Unit) -> str:
    if action == DeadlineAction.REGISTER:
        return reverse("campaigns:registration_edit", args=[campaign_id, unit.pk])
    if action == DeadlineAction.NOMINATE:
        return reverse("nominations:dossier_list")
    return reverse("campaigns:detail", args=[campaign_id])


def _day(iso: str):
    """A date given as its ISO text, cast in SQL: a fixed statement's parameter then stays the caller's value
    (the ORM adapts a date parameter per database, which `FixedQuery` could not find again)."""
    return Cast(Value(iso, output_field=CharField()), output_field=DateField())


def _deadlines_queryset(depth: int, unit_id: int, *values):
    """The deadlines of `deadline_todos` as a queryset of plain rows, on values only: the unit's id, the ids of
    its `depth - 1` ancestors, its kind and the horizon (`FixedQuery` compiles it once per depth)."""
    ancestors, kind, horizon = list(values[: depth - 1]), values[depth - 1], values[depth]
    done = DeadlineCompletion.objects.filter(deadline=OuterRef("pk"), unit=unit_id)
    reopened = DeadlineExtension.objects.filter(deadline=OuterRef("pk"), unit=unit_id).order_by("-until")
    # One filter() and plain rows: each further filter() clones and re-resolves the whole clause. A deadline due
    # after the horizon stays out whatever its reopening (a reopening only moves the date later).
    return (
        Deadline.objects.filter(
            campaign_selectors.concerning_line_q(unit_id, [*ancestors, unit_id], "campaign"),
            Q(unit=unit_id) | Q(unit__isnull=True, unit_kind=kind),
            ~Exists(done),
            campaign__status=CampaignStatus.LAUNCHED,
            due_date__lte=_day(horizon),
        )
        .annotate(reopened_until=Subquery(reopened.values("until")[:1]))
        .values_list("pk", "campaign_id", "action", "due_date", "note", "campaign__name", "reopened_until")
        .order_by()
    )


# Depth of the unit (ids on its path) → the statement of `_deadlines_queryset`, compiled once per process.
_DEADLINE_QUERIES: dict[int, FixedQuery] = {}


def _deadline_rows(user, unit: Unit, horizon: datetime.date) -> list[tuple]:
    """`_deadlines_queryset`'s rows for the unit, when the user reads it (`campaign_selectors.concerning_q`'s
    condition: else none), from a statement compiled once per depth of the unit."""
    if not can(user, Cap.READ, unit):
        return []
    ancestors = unit.ancestor_ids()
    depth = len(ancestors) + 1
    query = _DEADLINE_QUERIES.get(depth)
    if query is None:
        query = _DEADLINE_QUERIES[depth] = FixedQuery(
            partial(_deadlines_queryset, depth), int, *[int] * len(ancestors), str, str
        )
    return query.run(unit.pk, *ancestors, str(unit.kind), horizon.isoformat())


def deadline_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    """Deadlines of the launched campaigns concerning the unit (`campaign_selectors.concerning_q`), not yet done
    by it, due within the horizon: overdue first, then by due date (a reopening for the unit moves its due
    date). One query: the campaign's reach, the completion and the latest reopening are read in SQL."""
    horizon = today + datetime.timedelta(days=DEADLINE_HORIZON_DAYS)
    deadlines = _deadline_rows(user, unit, horizon)
    rows = []
    for pk, campaign_id, action, due_date, note, campaign_name, reopened_until in deadlines:
        due = max(due_date, reopened_until or due_date)
        if due <= horizon:
            rows.append((due, pk, campaign_id, action, note, campaign_name))
    todos = []
    for due, _pk, campaign_id, action, note, campaign_name in sorted(rows, key=lambda r: (r[0], r[1])):
        overdue = due < today
        severity = DANGER if overdue else WARNING if due <= today + datetime.timedelta(days=URGENT_DAYS) else INFO
        prefix = "Quá hạn" if overdue else "Hạn chót"
        todos.append(
            Todo(
                "deadline",
                f"{prefix}: {_DEADLINE_ACTIONS.get(action, action)} – {campaign_name}",
                _deadline_url(action, campaign_id, unit),
                severity,
                due=due,
                comment=note,
                comment_label="Ghi chú",
            )
        )
    return todos


def _filings_queryset(unit_id: int):
    """The UNION ALL of `_filings` for the unit's id (compiled once per process: `_FILINGS`)."""
    columns = ("k", "i", "st", "a", "y", "d", "u", "log")

    def row(queryset, kind: int, text, year, dossier):
        return (
            queryset.annotate(
                k=Value(kind),
                i=F("pk"),
                st=F("status"),
                a=text,
                y=year,
                d=dossier,
                u=F("updated_at"),
                log=_last_log(queryset.model),
            )
            .values_list(*columns)
            .order_by()
        )

    # Typed NULLs: PostgreSQL resolves a UNION column from its first rows, and two bare NULLs make it text.
    none = Cast(Value(None), output_field=BigIntegerField())
    registrations = row(
        Registration.objects.filter(unit=unit_id, status__in=(RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)),
        0,
        F("campaign__name"),
        none,
        none,
    )
    dossiers = row(
        Dossier.objects.filter(unit=unit_id, status__in=(DossierStatus.DRAFT, DossierStatus.RETURNED)),
        1,
        F("round_kind"),
        F("school_year"),
        none,
    )
    # The nominee's and the award's names as scalar subqueries by key, not joins: the same values (the award type is
    # required, the person NULL for a collective and the unit NULL for a person), but PostgreSQL planned the join
    # orders of the five tables in 0.5 ms on every home page of a school, against 0.1 ms for these.
    nominations = row(
        Nomination.objects.filter(dossier__unit=unit_id, status=NominationStatus.RETURNED),
        2,
        _Joined(
            _name_of(AwardType, "award_type_id"),
            Value(" – "),
            Coalesce(_name_of(Person, "person_id", "full_name"), _name_of(Unit, "unit_id")),
        ),
        none,
        F("dossier_id"),
    )
    return registrations.union(dossiers, nominations, all=True)


_FILINGS = FixedQuery(_filings_queryset, int)


def _filings(unit: Unit) -> list[tuple]:
    """The unit's drafts and returned registrations, dossiers and nominations in one UNION ALL of plain rows:
    (kind, pk, status, text, school year, dossier id, updated at, last log), registrations first, then dossiers,
    then nominations, each newest first."""
    rows = _FILINGS.run(unit.pk)
    rows.sort(key=lambda r: (r[6], r[1]), reverse=True)  # newest first (then the higher id), as each list was
    rows.sort(key=lambda r: r[0])  # stable: by kind, each kind keeping that order
    return rows


def secretary_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    # Only the unit's own filings are listed: the kernel's FILE right on that one unit decides for all of them
    # (no per-row scope clause to build and join).
    returned, drafts = [], []
    for kind, pk, status, text, year, dossier_id, _updated, log in _filings(unit) if can(user, Cap.FILE, unit) else []:
        action, _, comment = (log or "").partition(_LOG_SEP)
        if kind == 0:
            url = reverse("campaigns:registration_detail", args=[pk])
            if status == RegistrationStatus.RETURNED:
                returned.append(
                    Todo(
                        "registration_returned",
                        f"Cấp trên trả lại bản đăng ký thi đua – {text}",
                        url,
                        DANGER,
                        comment=comment,
                    )
                )
            elif action == "send_back":
                returned.append(
                    Todo(
                        "registration_returned",
                        f"Thủ trưởng trả lại bản đăng ký thi đua – {text}",
                        url,
                        DANGER,
                        comment=comment,
                    )
                )
            else:
                drafts.append(Todo("registration_draft", f"Bản đăng ký thi đua chưa gửi – {text}", url, WARNING))
        elif kind == 1:
            url = reverse("nominations:dossier_detail", args=[pk])
            what = f"{_ROUND_KINDS.get(text, text)} {year}-{year + 1}"
            if status == DossierStatus.RETURNED:
                returned.append(
                    Todo("dossier_returned", f"Cấp trên trả lại hồ sơ đề nghị – {what}", url, DANGER, comment=comment)
                )
            elif action == "send_back":
                returned.append(
                    Todo("dossier_returned", f"Thủ trưởng trả lại hồ sơ đề nghị – {what}", url, DANGER, comment=comment)
                )
            else:
                drafts.append(Todo("dossier_draft", f"Hồ sơ đề nghị chưa gửi – {what}", url, WARNING))
        else:
            returned.append(
                Todo(
                    "nomination_returned",
                    f"Đề nghị trả lại để bổ sung – {text}",
                    nomination_url(dossier_id, pk),
                    DANGER,
                    comment=comment,
                )
            )
    more_url = reverse("nominations:dossier_list")
    return (
        deadline_todos(user, unit, today)
        + returned[:MAX_ROWS]
        + _overflow("returned_more", returned, "Và {n} mục bị trả lại khác", more_url)
        + drafts[:MAX_ROWS]
        + _overflow("draft_more", drafts, "Và {n} bản nháp chưa gửi khác", more_url)
    )


# --- head (SIGN on her unit; OVERSEE below) ------------------------------------------------------------


def head_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    """What waits for the head's signature (the workflows' SIGN steps: «Gửi cấp trên» of a registration or a
    dossier awaiting her), then what her unit received to appraise, late units below, open objections."""
    signing = scope_q(user, Cap.SIGN, "unit")
    registrations = Registration.objects.filter(signing, unit=unit, status=RegistrationStatus.AWAITING_HEAD)
    dossiers = Dossier.objects.filter(signing, unit=unit, status=DossierStatus.AWAITING_HEAD)
    todos = [
        Todo(
            "registration_awaiting_head",
            f"Bản đăng ký thi đua chờ duyệt, gửi cấp trên – {r.campaign.name}",
            r.get_absolute_url(),
            WARNING,
        )
        for r in registrations.select_related("campaign").order_by("updated_at", "id")
    ]
    todos += [
        Todo(
            "dossier_awaiting_head",
            f"Hồ sơ đề nghị chờ duyệt, gửi cấp trên – {d.get_round_kind_display()} {d.school_year_label}",
            d.get_absolute_url(),
            WARNING,
        )
        for d in dossiers.order_by("updated_at", "id")
    ]
    # A Phòng's (a Sở's) head appraises what its unit receives too (APPRAISE own): its inbox counts.
    return todos + inbox_todos(user) + overdue_unit_todos(user, unit, today) + objection_todos(user, unit)


# --- reviewer (APPRAISE on her unit, OVERSEE below) ----------------------------------------------------

# The inbox states that wait for the receiving unit, with what the item says.
INBOX_STATES = (
    (DossierStatus.SENT, "Hồ sơ mới gửi đến, chưa tiếp nhận", WARNING),
    (DossierStatus.UNDER_APPRAISAL, "Hồ sơ đang thẩm định", INFO),
    (DossierStatus.APPRAISED, "Hồ sơ đã thẩm định, chờ trình cấp trên hoặc ghi quyết định", INFO),
)


def _inbox_counts_orm(user, today: datetime.date) -> dict[str, int]:
    """The counts of `inbox_todos` through the inbox's own queryset: the inbox tab's rows without their display
    columns (units, campaign, nomination count, order), kept to the units the user appraises for."""
    rows = inbox._dossiers_base(user, inbox.InboxFilters(), today)
    if not is_superuser(user):
        rows = rows.filter(receiving_unit_id__in=[u.pk for u in inbox.appraising_units(user)])
    return rows.order_by().aggregate(**_inbox_count_columns(today))


def _inbox_count_columns(today) -> dict:
    """The counts of `inbox_todos`; `today` a date, or `_day`'s expression in the fixed statement (the overdue
    rule is `inbox._deadline_q`'s, tested equal)."""
    overdue = (
        inbox._deadline_q(inbox.OVERDUE, today)
        if isinstance(today, datetime.date)
        else Q(status__in=inbox.PENDING_STATES, due_date__lt=today)
    )
    return {
        "overdue": Count("pk", filter=overdue),
        **{status: Count("pk", filter=Q(status=status)) for status, _, _ in INBOX_STATES},
    }


def _inbox_counts_queryset(count: int, *values):
    """`_inbox_counts_orm` of a user (not a superuser) who appraises for `count` units, on values only: the units'
    ids and today. Sent to one of those units and received is all the inbox's rule asks then: the kernel's APPRAISE
    clause of `_visible_q` is that id, and `addressed_q`'s path prefix is the receiving unit's own path, which the
    row carries (nominations.paths keeps it true on every write). One row of counts (no GROUP BY)."""
    units, today = list(values[:count]), values[count]
    columns = _inbox_count_columns(_day(today))
    return one_row_of(
        Dossier.objects.filter(receiving_unit_id__in=units, status__in=RECEIVED_STATES).annotate(
            due_date=inbox._due_date()
        ),
        **columns,
    )


# (appraisal days, number of units) → the statement of `_inbox_counts_queryset`, compiled once per process.
_INBOX_QUERIES: dict[tuple[int, int], FixedQuery] = {}


def _inbox_counts(user, today: datetime.date) -> dict[str, int]:
    units = sorted({u.pk for u in inbox.appraising_units(user)})
    key = (inbox.appraisal_days(), len(units))
    query = _INBOX_QUERIES.get(key)
    if query is None:
        query = _INBOX_QUERIES[key] = FixedQuery(partial(_inbox_counts_queryset, len(units)), *[int] * len(units), str)
    (row,) = query.run(*units, today.isoformat())
    return dict(zip(["overdue", *(status for status, _, _ in INBOX_STATES)], row, strict=True))


def inbox_todos(user) -> list[Todo]:
    """The inbox's rows (`nominations.inbox.inbox_dossiers`, unfiltered), kept to the dossiers sent to a unit the user
    appraises for: the inbox also lists what reached the units below, read-only there, which is nobody's to-do
    here. Per state, like the inbox's tabs (`inbox.awaiting_count` is the sum of the first two), and the overdue
    ones by the inbox's own rule: one aggregate query."""
    if not inbox.has_inbox(user):
        return []
    url = reverse("nominations:inbox")
    today = timezone.localdate()
    counts = _inbox_counts_orm(user, today) if is_superuser(user) else _inbox_counts(user, today)
    todos = []
    if counts["overdue"]:
        todos.append(
            Todo(
                "inbox_overdue",
                "Hồ sơ quá hạn thẩm định",
                f"{url}?han={inbox.OVERDUE}",
                DANGER,
                count=counts["overdue"],
            )
        )
    for status, label, severity in INBOX_STATES:
        if counts[status]:
            todos.append(Todo(f"inbox_{status}", label, f"{url}?trang_thai={status}", severity, count=counts[status]))
    return todos


def _reach_paths(deadlines: list[dict]) -> dict[int, list[str]]:
    """The paths of `campaigns.selectors.reach_roots` of each deadline's campaign, by campaign id: the launcher's
    for a subtree (on the row), the chosen units' or the blocks' members' otherwise, in one query and only when
    such a campaign is among them."""
    paths = {d["campaign_id"]: [d["campaign__launched_by__path"]] for d in deadlines}
    chosen = {d["campaign_id"] for d in deadlines if d["campaign__reach"] != ReachKind.SUBTREE}
    if chosen:
        for campaign_id in chosen:
            paths[campaign_id] = []
        units = Campaign.reach_units.through.objects.filter(campaign_id__in=chosen).values_list(
            "campaign_id", "unit__path"
        )
        members = Campaign.reach_blocks.through.objects.filter(
            campaign_id__in=chosen, emulationblock__members__isnull=False
        ).values_list("campaign_id", "emulationblock__members__path")
        for campaign_id, path in units.order_by().union(members.order_by(), all=True):
            paths[campaign_id].append(path)
    return paths


_PAST_DEADLINE_COLUMNS = (
    "pk",
    "action",
    "unit_kind",
    "unit_id",
    "due_date",
    "campaign_id",
    "campaign__name",
    "campaign__reach",
    "campaign__launched_by_id",
    "campaign__launched_by__path",
)


def _outer(name: str, field=None):
    """A column of the outer query as an annotation a filter can test (an OuterRef has no lookups of its own)."""
    return ExpressionWrapper(OuterRef(name), output_field=field or CharField())


def _late_units(unit_id, path, today):
    """The number of units strictly below the unit (`unit_id`, `path`), teams aside, that missed the outer
    deadline: the deadline applies to them (its own unit, else its kind), the campaign reaches them (its launcher,
    or below a root of `campaigns.selectors.reach_roots`: the launcher for a subtree, the chosen units, the
    blocks' members), not done and not reopened until today or later. A correlated COUNT subquery of the
    deadline's row, equal to the aggregate `_late_counts_orm` builds per deadline (tested)."""
    below = Value(path, output_field=CharField())
    within = Q(upath__startswith=F("root"))
    chosen = (
        Campaign.reach_units.through.objects.filter(campaign_id=OuterRef(OuterRef("campaign_id")))
        .annotate(upath=_outer("path"), root=F("unit__path"))
        .filter(within)
    )
    members = (
        Campaign.reach_blocks.through.objects.filter(campaign_id=OuterRef(OuterRef("campaign_id")))
        .annotate(upath=_outer("path"), root=F("emulationblock__members__path"))
        .filter(within)
    )
    done = DeadlineCompletion.objects.filter(deadline=OuterRef(OuterRef("pk")), unit=OuterRef("pk"))
    reopened = DeadlineExtension.objects.filter(
        deadline=OuterRef(OuterRef("pk")), unit=OuterRef("pk"), until__gte=_day(today)
    )
    units = (
        Unit.objects.annotate(
            d_unit=_outer("unit_id", BigIntegerField()),
            d_reach=_outer("campaign__reach"),
            d_root=_outer("campaign__launched_by__path"),
        )
        .filter(
            Q(pk=F("d_unit")) | Q(d_unit__isnull=True, kind=OuterRef("unit_kind")),
            Q(pk=OuterRef("campaign__launched_by_id"))
            | Q(d_reach=ReachKind.SUBTREE, path__startswith=F("d_root"))
            | Q(Q(d_reach=ReachKind.UNITS), Exists(chosen))
            | Q(Q(d_reach=ReachKind.BLOCKS), Exists(members)),
            ~Exists(done),
            ~Exists(reopened),
            path__startswith=below,
        )
        .exclude(pk=unit_id)
        .exclude(kind=UnitKind.TEAM)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Subquery(units, output_field=BigIntegerField())


def _past_deadlines_queryset(depth: int, late: bool, *values):
    """The past deadlines of `overdue_unit_todos` on values only: the ids of the unit's `depth` ancestors and its
    own, its path and today (ISO); with `late`, each with its number of late units (`_late_units`). The path is
    an expression, so the ORM escapes it in SQL and the parameter stays the caller's value (`FixedQuery` compiles
    the statement once per depth)."""
    line, path, today = list(values[: depth + 1]), values[depth + 1], values[depth + 2]
    launchers = Q(campaign__launched_by_id__in=line) | Q(
        campaign__launched_by__path__startswith=Value(path, output_field=CharField())
    )
    rows = Deadline.objects.filter(launchers, campaign__status=CampaignStatus.LAUNCHED, due_date__lt=_day(today))
    columns = _PAST_DEADLINE_COLUMNS
    if late:
        rows = rows.annotate(late=_late_units(line[-1], path, today))
        columns = (*columns, "late")
    return rows.values_list(*columns).order_by("due_date", "id")


# (number of the unit's ancestors, with the late counts) → the statement of `_past_deadlines_queryset`, compiled
# once per process.
_PAST_DEADLINE_QUERIES: dict[tuple[int, bool], FixedQuery] = {}


def _oversees_all_below(user, unit: Unit) -> bool:
    """Does the user hold OVERSEE on every unit strictly below `unit` (`units.rules.can` on each of them)? A
    superuser, or a role reaching a subtree (SUBTREE, BELOW) granted on the unit or on one of its ancestors."""
    if is_superuser(user):
        return True
    return any(
        ROLE_CAPABILITIES.get(role.role, {}).get(Cap.OVERSEE) in (Reach.SUBTREE, Reach.BELOW)
        and unit.path.startswith(role.unit.path)
        for role in roles_of(user)
    )


def _late_counts_orm(user, unit: Unit, deadlines: list[dict], today: datetime.date) -> dict[int, int]:
    """deadline id → its late units among those the user oversees below `unit`: one aggregate over the kernel's
    `units_in_scope` (for a user who oversees only part of the units below)."""
    reach = _reach_paths(deadlines)
    counts = {}
    for deadline in deadlines:
        reached = Q(pk=deadline["campaign__launched_by_id"])
        for path in reach[deadline["campaign_id"]]:
            reached |= Q(path__startswith=path)
        done = DeadlineCompletion.objects.filter(deadline=deadline["pk"], unit=OuterRef("pk"))
        reopened = DeadlineExtension.objects.filter(deadline=deadline["pk"], unit=OuterRef("pk"), until__gte=today)
        applies = Q(pk=deadline["unit_id"]) if deadline["unit_id"] else Q(kind=deadline["unit_kind"])
        counts[f"d{deadline['pk']}"] = Count("pk", filter=applies & reached & ~Exists(done) & ~Exists(reopened))
    late = units_in_scope(user, unit, Cap.OVERSEE).exclude(pk=unit.pk).exclude(kind=UnitKind.TEAM).aggregate(**counts)
    return {d["pk"]: late[f"d{d['pk']}"] for d in deadlines}


def overdue_unit_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    """Past deadlines of launched campaigns the user sees, with the units below hers that missed them (not
    done, not reopened past today): one item per deadline with the number of late units. The late units are
    counted in SQL, every deadline in one pass over the units below (no unit row reaches Python); three queries
    at most (two unless a campaign reaches chosen units or blocks), whatever the number of units."""
    # The campaigns that can reach below `unit`: launched above it, by it or below it (a campaign reaches only
    # its launcher's subtree: campaigns.services). Not filtered by `campaigns_visible_to` (its clause costs more
    # to plan than the rest of the page): an item shows only with late units, units the user oversees, and
    # OVERSEE reaches nothing READ does not (tested in test_todos), so such a campaign is one she sees.
    ancestors = unit.ancestor_ids()
    # Who oversees every unit below hers (the home's head or reviewer) gets the late counts in the same statement;
    # anyone else through the kernel's scope of units, one more query.
    whole = _oversees_all_below(user, unit)
    key = (len(ancestors), whole)
    query = _PAST_DEADLINE_QUERIES.get(key)
    if query is None:
        query = _PAST_DEADLINE_QUERIES[key] = FixedQuery(
            partial(_past_deadlines_queryset, len(ancestors), whole), *[int] * (len(ancestors) + 1), str, str
        )
    rows = query.run(*ancestors, unit.pk, unit.path, today.isoformat())
    if whole:
        late = {row[0]: row[-1] for row in rows}
        deadlines = [dict(zip(_PAST_DEADLINE_COLUMNS, row[:-1], strict=True)) for row in rows]
    else:
        deadlines = [dict(zip(_PAST_DEADLINE_COLUMNS, row, strict=True)) for row in rows]
        late = _late_counts_orm(user, unit, deadlines, today) if deadlines else {}
    todos = []
    for deadline in deadlines:
        if late[deadline["pk"]]:
            url = (
                reverse("campaigns:registration_overview", args=[deadline["campaign_id"]])
                if deadline["action"] == DeadlineAction.REGISTER
                else reverse("campaigns:detail", args=[deadline["campaign_id"]])
            )
            todos.append(
                Todo(
                    "overdue_units",
                    f"Đơn vị quá hạn «{_DEADLINE_ACTIONS.get(deadline['action'], deadline['action'])}» – "
                    f"{deadline['campaign__name']}",
                    url,
                    DANGER,
                    count=late[deadline["pk"]],
                    due=deadline["due_date"],
                )
            )
    return todos


_OPEN_OBJECTIONS = FixedQuery(
    lambda unit_id: one_row_of(
        Objection.objects.filter(notice__unit_id=unit_id, status=ObjectionStatus.OPEN), n=Count("pk")
    ),
    int,
)


def objection_todos(user, unit: Unit) -> list[Todo]:
    """Open objections (ý kiến phản ánh) to the public notices of the unit, for those who resolve them."""
    # `objections_visible_to(user, {"status": OPEN, "unit": unit.pk}).count()`, whose scope (READ on the
    # notice's unit) is here one unit: decided by the kernel in Python, then one statement compiled once.
    if not may_resolve(user, unit) or not can(user, Cap.READ, unit):
        return []
    ((count,),) = _OPEN_OBJECTIONS.run(unit.pk)
    if not count:
        return []
    url = f"{reverse('nominations:objection_list')}?don_vi={unit.pk}&tinh_trang={ObjectionStatus.OPEN}"
    return [Todo("objections", "Ý kiến phản ánh về danh sách công khai chưa xử lý", url, DANGER, count=count)]


def reviewer_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    return inbox_todos(user) + overdue_unit_todos(user, unit, today) + objection_todos(user, unit)


# --- council member --------------------------------------------------------------------------------------


def council_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    """Open ballot rounds where the user has a seat, was entitled at the opening and has not voted yet (only
    that: nothing else of the box), then the coming meetings of the councils the user sits on."""
    seats = CouncilMember.objects.filter(user=user)
    seat_id = Subquery(seats.filter(council=OuterRef("meeting__council")).values("pk")[:1])
    voted = VoterRoll.objects.filter(round=OuterRef("pk"), member__user=user)
    rounds = (
        Round.objects.filter(scope_q(user, Cap.READ, "meeting__council__unit"), status=RoundStatus.OPEN)
        .filter(meeting__council__members__user=user)
        .annotate(seat_id=seat_id, voted=Exists(voted))
        .select_related("meeting__council")
        .order_by("opened_at", "id")
    )
    todos = [
        Todo(
            "ballot_open",
            f"Vòng bỏ phiếu {r.number} đang mở – {r.meeting}: chưa bỏ phiếu",
            reverse("councils:ballot", args=[r.pk]),
            DANGER,
        )
        for r in rounds
        if not r.voted and r.seat_id in (r.entitled_member_ids or [])
    ]
    meetings = (
        Meeting.objects.filter(scope_q(user, Cap.READ, "council__unit"), council__members__user=user)
        .filter(status__in=(MeetingStatus.PLANNED, MeetingStatus.HELD), date__gte=today)
        .select_related("council")
        .order_by("date", "start_time", "id")
    )
    todos += [
        Todo(
            "meeting",
            f"Phiên họp bình xét – {m.council.name}, {m.start_time:%H:%M} tại {m.place}",
            m.get_absolute_url(),
            WARNING if m.date <= today + datetime.timedelta(days=URGENT_DAYS) else INFO,
            due=m.date,
        )
        for m in meetings[:MAX_ROWS]
    ]
    return todos


# --- administrator (ADMINISTER on the subtree) ---------------------------------------------------------


def _without_head_q():
    """Units with no account holding the head role, or no head recorded. The first is a NOT IN of the head roles'
    units (hashed once), not the NOT EXISTS of the annotation: PostgreSQL costed that one per unit of the subtree,
    past jit_above_cost, and compiled it with JIT on every home page of the Sở's administrator (15 of its 19 ms at
    province scale; 2.5 ms now). The annotation stays in the SELECT, run for the few rows kept."""
    return ~Q(pk__in=UnitRole.objects.filter(role=Role.HEAD).values("unit_id")) | Q(head__isnull=True)


def _units_missing_a_head(units):
    return (
        units.exclude(kind=UnitKind.TEAM)
        .annotate(has_head_role=Exists(UnitRole.objects.filter(unit=OuterRef("pk"), role=Role.HEAD)))
        .filter(_without_head_q())
        .only("pk", "name", "path", "head_id")
        .order_by("path")
    )


def _accounts_without_role(people):
    return (
        people.filter(user__isnull=False)
        .exclude(Exists(UnitRole.objects.filter(user=OuterRef("user"))))
        .select_related("user")
        .only("pk", "full_name", "unit_id", "user__username")
        .order_by("full_name", "pk")
    )


def _subtree(path: str):
    """A prefix of `path` as an expression: the ORM escapes it in SQL, so the parameter stays the caller's value
    (`FixedQuery`)."""
    return Value(path, output_field=CharField())


# `admin_todos`' two reads for an administrator of the unit's whole subtree, compiled once per process: the unit's
# path is their only value (the kernel's scope is then that subtree, decided in Python by `_administers_subtree`).
_UNITS_MISSING_A_HEAD = FixedQuery(
    lambda path: _units_missing_a_head(Unit.objects.filter(path__startswith=_subtree(path))), str
)
_ACCOUNTS_WITHOUT_ROLE = FixedQuery(
    lambda path: _accounts_without_role(Person.objects.filter(unit_path__startswith=_subtree(path))), str
)


def _administers_subtree(user, unit: Unit) -> bool:
    """Does the user hold ADMINISTER on every unit of `unit`'s subtree (`units.rules.can` on each of them)? A
    superuser, or a role whose ADMINISTER reaches a subtree (SUBTREE) granted on the unit or one of its ancestors."""
    if is_superuser(user):
        return True
    return any(
        ROLE_CAPABILITIES.get(role.role, {}).get(Cap.ADMINISTER) == Reach.SUBTREE
        and unit.path.startswith(role.unit.path)
        for role in roles_of(user)
    )


def admin_todos(user, unit: Unit, today: datetime.date) -> list[Todo]:
    """Accounts of the subtree's people left without any role; units of the subtree (teams aside) where no
    account holds the head role, or whose head (for documents) is not recorded."""
    # Only the units with something missing leave the database (a handful, not the province's 1,500).
    if _administers_subtree(user, unit):
        # The kernel's scope within the subtree is the whole subtree: fixed statements on its path (the ORM's
        # build and compile of the two scoped querysets was most of the administrator's home page).
        units = _UNITS_MISSING_A_HEAD.run(unit.path)
        accounts = _ACCOUNTS_WITHOUT_ROLE.run(unit.path)
    else:
        units = list(_units_missing_a_head(units_in_scope(user, unit, Cap.ADMINISTER)))
        accounts = list(_accounts_without_role(people_in_scope(user, unit, Cap.ADMINISTER)))
    no_head_role = [u for u in units if not u.has_head_role]
    no_head = [u for u in units if u.head_id is None]
    todos = [
        Todo(
            "account_without_role",
            f"Tài khoản chưa có vai trò – {p.full_name} ({p.user.username})",
            reverse("units:roles", args=[p.unit_id]),
            WARNING,
        )
        for p in accounts[:MAX_ROWS]
    ]
    todos += _overflow("account_more", accounts, "Và {n} tài khoản chưa có vai trò khác", reverse("units:person_list"))
    todos += [
        Todo(
            "unit_without_head_role",
            f"Chưa cấp tài khoản thủ trưởng – {u.name}",
            reverse("units:roles", args=[u.pk]),
            WARNING,
        )
        for u in no_head_role[:MAX_ROWS]
    ]
    todos += _overflow(
        "unit_more", no_head_role, "Và {n} đơn vị chưa có tài khoản thủ trưởng khác", reverse("units:list")
    )
    todos += [
        Todo(
            "unit_without_head",
            f"Chưa ghi thủ trưởng đơn vị (dùng trên văn bản) – {u.name}",
            reverse("units:edit", args=[u.pk]),
            INFO,
        )
        for u in no_head[:MAX_ROWS]
    ]
    todos += _overflow("unit_more", no_head, "Và {n} đơn vị chưa ghi thủ trưởng khác", reverse("units:list"))
    return todos


_BY_ROLE = {
    Role.SECRETARY: secretary_todos,
    Role.HEAD: head_todos,
    Role.REVIEWER: reviewer_todos,
    Role.COUNCIL_MEMBER: council_todos,
    Role.ADMINISTRATOR: admin_todos,
}
