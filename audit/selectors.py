"""The audit trail a user may read: changes of objects in units where it administers or signs (heads)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, ForeignKey, OuterRef, QuerySet, Subquery, Value
from django.utils import timezone

from units.models import Person, Unit
from units.rules import ROLE_CAPABILITIES, Cap, is_superuser, roles_of, scope_q

from .registry import AUDITED_MODELS, BY_KEY, Audited

AUDIT_CAPS = (Cap.ADMINISTER, Cap.SIGN)
CHANGE_TYPES = {"+": "Thêm", "~": "Sửa", "-": "Xóa"}
UNION_FIELDS = ("model_key", "history_id", "history_date", "history_type", "history_user_id", "id")
MAX_PAGE = 400  # 10,000 rows back; narrow the filters to go further
FEW_UNITS = 50  # up to this many audited units, the branches filter on their ids read first


def may_audit(user) -> bool:
    """Administrators and heads (of any unit), and superusers, see the audit page."""
    return is_superuser(user) or any(cap in _caps_of(role.role) for role in roles_of(user) for cap in AUDIT_CAPS)


def _caps_of(role: str):
    return ROLE_CAPABILITIES.get(role, {})


def audit_units(user) -> QuerySet[Unit]:
    """Units whose changes `user` may audit (Cap.ADMINISTER or Cap.SIGN through the kernel)."""
    return Unit.objects.filter(scope_q(user, Cap.ADMINISTER) | scope_q(user, Cap.SIGN))


def _catalog_allowed(user) -> bool:
    # The catalog belongs to no unit: its changes are for superusers and the administrators of a root (the Sở).
    return is_superuser(user) or any(
        Cap.ADMINISTER in _caps_of(r.role) and r.unit.parent_id is None for r in roles_of(user)
    )


class FewUnits:
    """The audited units read first, for the registry's scopes: `.values("pk")` and `.values("path")` are
    literal lists where a QuerySet of Unit gives subqueries."""

    def __init__(self, rows: list[tuple[int, str]]):
        self._values = {"pk": [pk for pk, _ in rows], "path": [path for _, path in rows]}

    def values(self, field: str) -> list:
        return self._values[field]


def _branches(
    user,
    *,
    model_key: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    unit: Unit | None = None,
) -> list[QuerySet]:
    """One values() queryset per history table and scope condition, each filtered on indexed columns."""
    units = audit_units(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    # A head's reach (its unit and the unit's teams) is a handful of units: read their ids first (one query on
    # units_unit alone), so that every branch filters on literal ids. A subquery of them in each branch is a
    # join whose estimate goes wrong under stale statistics: believing units_person empty, PostgreSQL scanned
    # all the people once per unit (0.7 s per branch on 15,000 people, issue 14).
    few = list(units.order_by().values_list("pk", "path")[: FEW_UNITS + 1])
    if len(few) <= FEW_UNITS:
        units = FewUnits(few)
        people = Person.objects.filter(unit_id__in=units.values("pk"))
    else:
        # The people of a subtree on their own path (Person.unit_path, the same reach through the kernel): no
        # join to units_unit.
        people = Person.objects.filter(
            scope_q(user, Cap.ADMINISTER, "unit", model=Person) | scope_q(user, Cap.SIGN, "unit", model=Person)
        )
        if unit is not None:
            people = people.filter(unit_path__startswith=unit.path)
    catalog = _catalog_allowed(user) and unit is None
    entries = [BY_KEY[model_key]] if model_key in BY_KEY else list(AUDITED_MODELS)
    # A date range as datetime bounds (not `history_date__date`, which casts every row and skips the index).
    since = _start_of(date_from) if date_from else None
    until = _start_of(date_to + datetime.timedelta(days=1)) if date_to else None
    branches = []
    for entry in entries:
        scope = entry.scope(units, people, catalog)
        for condition in scope if isinstance(scope, list) else [scope]:
            qs = entry.history_model.objects.filter(condition)
            if username:
                qs = qs.filter(history_user__username__icontains=username)
            if since:
                qs = qs.filter(history_date__gte=since)
            if until:
                qs = qs.filter(history_date__lt=until)
            key = Value(entry.key, output_field=CharField())
            branches.append(qs.annotate(model_key=key).values(*UNION_FIELDS).order_by())
    return branches


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entries_visible_to(user, **filters) -> QuerySet:
    """One queryset (a UNION over the history tables) of the changes `user` may see, newest first.

    Rows are dicts with UNION_FIELDS. For everything at once (tests, an export); the page uses
    `audit_page`, which neither counts nor sorts the whole union.
    """
    first, *rest = _branches(user, **filters)
    return (
        first.union(*rest, all=True).order_by("-history_date", "-history_id")
        if rest
        else first.order_by("-history_date", "-history_id")
    )


@dataclass
class AuditPage:
    """A page without a total: the audit trail of a province has hundreds of thousands of rows and
    counting them is most of the cost, so the page only knows whether another follows."""

    number: int
    object_list: list[dict]
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def audit_page(user, *, page=1, per_page: int, **filters) -> AuditPage:
    """Page `page` (1-based; anything else is page 1) of the changes `user` may see, newest first.

    One SQL statement: each branch keeps only its newest `page * per_page + 1` rows (ORDER BY
    history_date DESC LIMIT, an index scan), and the UNION ALL of those few rows is sorted and cut.
    No COUNT. Pages past MAX_PAGE are empty.
    """
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    if number > MAX_PAGE:
        return AuditPage(number=number, object_list=[], has_next=False)
    offset = (number - 1) * per_page
    keep = offset + per_page + 1
    parts, params = [], []
    for index, branch in enumerate(_branches(user, **filters)):
        newest = branch.order_by("-history_date", "-history_id")[:keep]
        try:
            sql, branch_params = newest.query.get_compiler(using=newest.db).as_sql()
        except EmptyResultSet:  # a scope that can match nothing (the catalog for a school head)
            continue
        # Each branch in its own derived table: SQLite refuses LIMIT inside a bare compound member.
        # bandit: `sql` is Django's compiled SQL with %s placeholders; values travel in params
        parts.append(f"SELECT * FROM ({sql}) AS b{index}")  # nosec B608
        params.extend(branch_params)
    if not parts:
        return AuditPage(number=number, object_list=[], has_next=False)
    sql = (
        # bandit: only compiled parts and placeholders; values travel in params
        f"SELECT model_key, history_id FROM ({' UNION ALL '.join(parts)}) AS audit_union "  # nosec B608
        "ORDER BY history_date DESC, history_id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, per_page + 1, offset])
        found = [{"model_key": key, "history_id": history_id} for key, history_id in cursor.fetchall()]
    return AuditPage(number=number, object_list=found[:per_page], has_next=len(found) > per_page)


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditRow:
    when: datetime.datetime
    who: str
    model: str
    object: str
    change_type: str  # + ~ -
    change_label: str
    changes: list[Change]


def _display(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(field, ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def audit_rows(items) -> list[AuditRow]:
    """The rows of one page: a fixed number of queries per audited model present on it, none per row."""
    by_key: dict[str, list[int]] = {}
    for item in items:
        by_key.setdefault(item["model_key"], []).append(item["history_id"])
    records, deltas = {}, {}
    fk_ids: dict[type, set] = {}
    for key, ids in by_key.items():
        entry: Audited = BY_KEY[key]
        history = entry.history_model
        previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id"
        )
        rows = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user", *entry.select_related)
            .annotate(prev_history_id=Subquery(previous.values("history_id")[:1]))
        )
        prev_ids = [r.prev_history_id for r in rows if r.history_type == "~" and r.prev_history_id]
        prevs = history.objects.in_bulk(prev_ids, field_name="history_id") if prev_ids else {}
        for record in rows:
            records[(key, record.history_id)] = record
            old = prevs.get(record.prev_history_id)
            if record.history_type == "~" and old is not None:
                delta = record.diff_against(old)
                deltas[(key, record.history_id)] = delta
                for change in delta.changes:
                    field = history._meta.get_field(change.field)
                    if isinstance(field, ForeignKey):
                        fk_ids.setdefault(field.related_model, set()).update(
                            v for v in (change.old, change.new) if v is not None
                        )
    names = {}
    for model, ids in fk_ids.items():
        for pk, obj in model._default_manager.in_bulk(list(ids)).items():
            names[(model, pk)] = getattr(obj, "username", None) or str(obj)
    result = []
    for item in items:
        key = item["model_key"]
        entry = BY_KEY[key]
        record = records.get((key, item["history_id"]))
        if record is None:
            continue
        history = entry.history_model
        changes = [
            Change(
                str(history._meta.get_field(c.field).verbose_name),
                _display(history._meta.get_field(c.field), c.old, names),
                _display(history._meta.get_field(c.field), c.new, names),
            )
            for c in (deltas[(key, record.history_id)].changes if (key, record.history_id) in deltas else [])
        ]
        user = record.history_user
        result.append(
            AuditRow(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "Hệ thống",
                model=entry.label,
                object=entry.describe(record),
                change_type=record.history_type,
                change_label=CHANGE_TYPES.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return result
