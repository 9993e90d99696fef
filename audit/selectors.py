"""The audit trail a user may read: changes of objects in units where it administers or signs (heads)."""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, ForeignKey, OuterRef, QuerySet, Subquery, Value

from units.models import Person, Unit
from units.rules import ROLE_CAPABILITIES, Cap, is_superuser, roles_of, scope_q

from .registry import AUDITED_MODELS, BY_KEY, Audited

AUDIT_CAPS = (Cap.ADMINISTER, Cap.SIGN)
CHANGE_TYPES = {"+": "Thêm", "~": "Sửa", "-": "Xóa"}
UNION_FIELDS = ("model_key", "history_id", "history_date", "history_type", "history_user_id", "id")


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


def audit_entries_visible_to(
    user,
    *,
    model_key: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    unit: Unit | None = None,
) -> QuerySet:
    """One queryset (a UNION over the history tables) of the changes `user` may see, newest first.

    Rows are dicts with UNION_FIELDS; `audit_rows` turns a page of them into what the page shows.
    """
    units = audit_units(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    people = Person.objects.filter(unit__in=units.values("pk"))
    catalog = _catalog_allowed(user) and unit is None
    entries = [BY_KEY[model_key]] if model_key in BY_KEY else list(AUDITED_MODELS)
    parts = []
    for entry in entries:
        scope = entry.scope(units, people, catalog)
        for condition in scope if isinstance(scope, list) else [scope]:
            qs = entry.history_model.objects.filter(condition)
            if username:
                qs = qs.filter(history_user__username__icontains=username)
            if date_from:
                qs = qs.filter(history_date__date__gte=date_from)
            if date_to:
                qs = qs.filter(history_date__date__lte=date_to)
            key = Value(entry.key, output_field=CharField())
            parts.append(qs.annotate(model_key=key).values(*UNION_FIELDS).order_by())
    first, *rest = parts
    return (
        first.union(*rest, all=True).order_by("-history_date", "-history_id")
        if rest
        else first.order_by("-history_date", "-history_id")
    )


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
