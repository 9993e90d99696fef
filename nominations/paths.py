"""The paths a dossier carries and the copies its nominations keep, true on every write path.

`Dossier.unit_path` and `receiving_unit_path` are its units' materialised paths; each nomination copies them
with the dossier's status (`DOSSIER_COPIED`). The permission kernel (units.rules.PATH_FIELDS) and the inbox
filter these indexed columns instead of joining dossiers and units_unit, whose row estimates go wrong under
stale statistics. Kept true here: `save()` (models.py), bulk inserts, bulk updates and `QuerySet.update()`
(core.workflow writes every transition with one), in the writer's transaction; a unit move rewrites them
with the people's (units.services.unit_move, through PATH_FIELDS).
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from units.models import Person, Unit

# The columns a dossier's nominations copy from it (see Nomination.dossier_unit_path): kept equal by every write
# path of the dossier (save, QuerySet.update, bulk_update) in the same transaction.
DOSSIER_COPIED = {
    "unit_path": "dossier_unit_path",
    "receiving_unit_path": "receiving_unit_path",
    "status": "dossier_status",
    # The inbox's default order (latest sent first) on the nomination's own column: a correlated read of the
    # dossier per row sorted a Sở's 20,000 nominations with 60,000 index reads.
    "sent_at": "dossier_sent_at",
}
# The copies that may be NULL (their staleness is tested with NULL in mind).
NULLABLE_COPIES = {"sent_at"}
# A write of one of these dossier fields rewrites its nominations' copies.
DOSSIER_SOURCES = {"unit", "unit_id", "receiving_unit", "receiving_unit_id", "status", "sent_at"}


def _unit_paths(ids) -> dict[int, str]:
    ids = {pk for pk in ids if pk is not None}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "path")) if ids else {}


def fill_dossier_paths(dossiers, *, force: bool = False, fks=("unit", "receiving_unit")) -> None:
    """Set `unit_path` and `receiving_unit_path` (of `fks`) from the units: from the cached unit objects, else
    with one query for all the others."""
    from .models import Dossier

    wanted = set()
    for dossier in dossiers:
        for fk in fks:
            unit_id = getattr(dossier, f"{fk}_id")
            if not force and (unit_id is None or getattr(dossier, f"{fk}_path")):
                continue
            field = Dossier._meta.get_field(fk)
            if unit_id is None:
                setattr(dossier, f"{fk}_path", "")
            elif field.is_cached(dossier) and getattr(dossier, fk).pk == unit_id:
                setattr(dossier, f"{fk}_path", getattr(dossier, fk).path)
            else:
                wanted.add(unit_id)
    if wanted:
        paths = _unit_paths(wanted)
        for dossier in dossiers:
            for fk in fks:
                unit_id = getattr(dossier, f"{fk}_id")
                if unit_id in paths and (force or not getattr(dossier, f"{fk}_path")):
                    setattr(dossier, f"{fk}_path", paths[unit_id])


def sync_nominations(dossier_ids) -> None:
    """Rewrite the copies the nominations of these dossiers keep (one UPDATE; rows already equal are left)."""
    from .models import Dossier, Nomination

    ids = list(dossier_ids)
    if not ids:
        return
    source = Dossier.objects.filter(pk=OuterRef("dossier_id"))
    stale = Q()
    for column, copy in DOSSIER_COPIED.items():
        stale |= ~Q(**{copy: Subquery(source.values(column)[:1])})
        if column in NULLABLE_COPIES:  # `NOT (copy = NULL)` is NULL, not true: a value the dossier cleared
            stale |= Q(**{f"{copy}__isnull": False}) & Exists(source.filter(**{f"{column}__isnull": True}))
    Nomination._base_manager.filter(dossier_id__in=ids).filter(stale).update(
        **{copy: Subquery(source.values(column)[:1]) for column, copy in DOSSIER_COPIED.items()}
    )


class DossierQuerySet(models.QuerySet):
    """Keeps the dossier's unit paths and its nominations' copies true on the write paths that call no
    `save()`: bulk inserts (seed_scale, the benches), bulk updates and `update()` (every workflow transition
    writes its state with a conditional UPDATE, core.workflow)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_dossier_paths(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fields = list(fields)
        fks = [fk for fk in ("unit", "receiving_unit") if {fk, f"{fk}_id"} & set(fields)]
        if fks:
            fill_dossier_paths(objs, force=True, fks=fks)
            fields = [*dict.fromkeys([*fields, *(f"{fk}_path" for fk in fks)])]
        done = super().bulk_update(objs, fields, *args, **kwargs)
        if DOSSIER_SOURCES & set(fields):
            sync_nominations(obj.pk for obj in objs)
        return done

    def update(self, **kwargs):
        from .models import Nomination

        if not DOSSIER_SOURCES & set(kwargs):
            return super().update(**kwargs)
        computed = []  # FKs set to an expression: their paths are read after the UPDATE
        for fk in ("unit", "receiving_unit"):
            value = kwargs.get(fk, kwargs.get(f"{fk}_id", ...))
            if value is ... or f"{fk}_path" in kwargs:
                continue
            if value is None:
                kwargs[f"{fk}_path"] = ""
            elif isinstance(value, Unit):
                kwargs[f"{fk}_path"] = value.path
            elif isinstance(value, int):
                kwargs[f"{fk}_path"] = _unit_paths([value]).get(value, "")
            else:
                computed.append(fk)
        copies = {copy: kwargs[column] for column, copy in DOSSIER_COPIED.items() if column in kwargs}
        if not computed and not any(hasattr(value, "resolve_expression") for value in copies.values()):
            # Plain values (core.workflow's transitions): the nominations first, while the filter still matches
            # (it may read the columns the UPDATE changes: the state and version), one query more.
            Nomination._base_manager.filter(dossier__in=self.values("pk")).update(**copies)
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        done = super().update(**kwargs)
        if computed:
            self.model._base_manager.filter(pk__in=ids).update(
                **{
                    f"{fk}_path": Coalesce(
                        Subquery(Unit.objects.filter(pk=OuterRef(f"{fk}_id")).values("path")[:1]),
                        models.Value(""),
                    )
                    for fk in computed
                }
            )
        sync_nominations(ids)
        return done


# --- the candidate's name (Nomination.candidate_sort) -------------------------------------------------------------
# The nomination's columns its candidate's name is read through: a write of one refills the copy.
CANDIDATE_SOURCES = {"person", "person_id", "unit", "unit_id"}


def candidate_name_expression():
    """The candidate's name as SQL (a person's full_name, else the collective unit's name): what the copy holds,
    and what the inbox sorted on before it (the same collation: the columns' own)."""
    return Coalesce(
        Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by().values("full_name")[:1]),
        Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).order_by().values("name")[:1]),
        models.Value(""),
    )


def fill_candidate_names(nominations, *, force: bool = False) -> None:
    """Set `candidate_sort` from the candidate: from the cached person or unit object, else with one query per
    table for all the others (none when every candidate is cached, as seed_scale and the services pass them)."""
    from .models import Nomination

    wanted: dict[str, set] = {"person": set(), "unit": set()}
    for nomination in nominations:
        if nomination.candidate_sort and not force:
            continue
        fk = "person" if nomination.person_id is not None else "unit"
        pk = getattr(nomination, f"{fk}_id")
        if pk is None:
            nomination.candidate_sort = ""
        elif Nomination._meta.get_field(fk).is_cached(nomination) and getattr(nomination, fk).pk == pk:
            candidate = getattr(nomination, fk)
            nomination.candidate_sort = candidate.full_name if fk == "person" else candidate.name
        else:
            wanted[fk].add(pk)
    names = {}
    if wanted["person"]:
        names["person"] = dict(Person.objects.filter(pk__in=wanted["person"]).values_list("pk", "full_name"))
    if wanted["unit"]:
        names["unit"] = dict(Unit.objects.filter(pk__in=wanted["unit"]).values_list("pk", "name"))
    if names:
        for nomination in nominations:
            fk = "person" if nomination.person_id is not None else "unit"
            found = names.get(fk, {}).get(getattr(nomination, f"{fk}_id"))
            if found is not None and (force or not nomination.candidate_sort):
                nomination.candidate_sort = found


def sync_candidate_names(rows) -> int:
    """Rewrite the copy of the candidate's name on these nominations (a queryset) where it differs: one UPDATE."""
    name = candidate_name_expression()
    return rows.filter(~Q(candidate_sort=name)).update(candidate_sort=name)


def follow_renames(*, people=(), units=()) -> None:
    """units.models.NAME_FOLLOWERS: these people (ids) or units were renamed; their nominations' copies follow,
    in the writer's transaction (one UPDATE by the indexed candidate column)."""
    from .models import Nomination

    people, units = list(people), list(units)
    if people:
        sync_candidate_names(Nomination._base_manager.filter(person_id__in=people))
    if units:
        sync_candidate_names(Nomination._base_manager.filter(unit_id__in=units))


def fill_copies(nominations, *, force: bool = False) -> None:
    """Set the copies of the dossier's columns (`DOSSIER_COPIED`): from the cached dossier object, else with
    one query for all the others."""
    from .models import Dossier, Nomination

    wanted = set()
    for nomination in nominations:
        if nomination.dossier_id is None or (nomination.dossier_unit_path and not force):
            continue
        if Nomination.dossier.is_cached(nomination) and nomination.dossier.pk == nomination.dossier_id:
            dossier = nomination.dossier
            if not dossier.unit_path:
                fill_dossier_paths([dossier])
            for column, copy in DOSSIER_COPIED.items():
                setattr(nomination, copy, getattr(dossier, column))
        else:
            wanted.add(nomination.dossier_id)
    if wanted:
        rows = Dossier.objects.filter(pk__in=wanted).values_list("pk", *DOSSIER_COPIED)
        values = {pk: dict(zip(DOSSIER_COPIED.values(), rest, strict=True)) for pk, *rest in rows}
        for nomination in nominations:
            if nomination.dossier_id in values and (force or not nomination.dossier_unit_path):
                for copy, value in values[nomination.dossier_id].items():
                    setattr(nomination, copy, value)


class NominationQuerySet(models.QuerySet):
    """Keeps the copies of the dossier's columns and of the candidate's name true on the bulk write paths, which
    call no `save()`."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_copies(objs)
        fill_candidate_names(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fields = list(fields)
        if {"dossier", "dossier_id"} & set(fields):
            fill_copies(objs, force=True)
            fields = [*dict.fromkeys([*fields, *DOSSIER_COPIED.values()])]
        if CANDIDATE_SOURCES & set(fields):
            fill_candidate_names(objs, force=True)
            fields = [*dict.fromkeys([*fields, "candidate_sort"])]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        from .models import Dossier

        moved = {"dossier", "dossier_id"} & set(kwargs)
        renamed = CANDIDATE_SOURCES & set(kwargs)
        if not (moved or renamed):
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        done = super().update(**kwargs)
        rows = self.model._base_manager.filter(pk__in=ids)
        if moved:
            source = Dossier.objects.filter(pk=OuterRef("dossier_id"))
            rows.update(**{copy: Subquery(source.values(column)[:1]) for column, copy in DOSSIER_COPIED.items()})
        if renamed:
            sync_candidate_names(rows)
        return done
