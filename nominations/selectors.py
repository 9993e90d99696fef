"""Every read a nominations page shows, scoped to the user.

A dossier is visible to whoever may READ its proposing unit, and, once sent, to whoever may APPRAISE its
receiving unit (its reviewers and head, even when that unit is not above the proposing one, e.g. a UBND).
Outside that it is not found (404), and so are its nominations and attachments.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from awards.models import AwardType
from campaigns.models import Campaign
from core.text import search_key_q
from units.models import Person, Unit
from units.rules import Cap, can, is_superuser, scope_q
from units.selectors import valid_pk

from .enums import RECEIVED_STATES
from .models import AchievementReport, Attachment, Dossier, Nomination
from .rowload import Prepared, RowLoader


def _visible_q(user) -> Q:
    """The visibility rule on dossiers, on their own path columns (Dossier.unit_path, receiving_unit_path)."""
    if is_superuser(user):
        return Q()  # an empty Q would vanish from the OR below and leave only the received dossiers
    return scope_q(user, Cap.READ, "unit", model=Dossier) | (
        scope_q(user, Cap.APPRAISE, "receiving_unit", model=Dossier) & Q(status__in=RECEIVED_STATES)
    )


def nomination_visible_q(user) -> Q:
    """`_visible_q` on nominations, on the copies of their dossier's columns (Nomination.dossier_unit_path,
    receiving_unit_path, dossier_status): no join to the dossiers nor to units_unit."""
    if is_superuser(user):
        return Q()
    return scope_q(user, Cap.READ, "dossier__unit", model=Nomination) | (
        scope_q(user, Cap.APPRAISE, "dossier__receiving_unit", model=Nomination) & Q(dossier_status__in=RECEIVED_STATES)
    )


def dossiers_visible_to(user, filters: dict | None = None, *, counted: bool = True) -> QuerySet[Dossier]:
    """Visible dossiers with their units, campaign and number of nominations; `filters`: status, school_year,
    round_kind, unit (id), q (words in the title, the tờ trình number or the proposing unit's name).
    `counted=False` leaves out the number (a join to every nomination and a GROUP BY, for callers that
    only pick ids: the search page)."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    rows = Dossier.objects.filter(_visible_q(user)).select_related("unit", "receiving_unit", "campaign")
    if counted:
        rows = rows.annotate(nomination_count=Count("nominations"))
    rows = rows.order_by("-school_year", "-created_at", "-id")
    filters = filters or {}
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("round_kind"):
        rows = rows.filter(round_kind=filters["round_kind"])
    if filters.get("school_year"):
        rows = rows.filter(school_year=filters["school_year"])
    if filters.get("unit"):
        rows = rows.filter(unit_id=filters["unit"])
    if filters.get("q"):
        q = filters["q"]
        # Without diacritics, like the search page: every word in the folded title and number, or in the
        # proposing unit's name.
        rows = rows.filter(search_key_q("search_key", q) | search_key_q("unit__search_key", q))
    return rows


def dossiers_of_own_units(user, filters: dict | None = None) -> QuerySet[Dossier]:
    """Dossiers of the units the user files or signs for (the "mine" tab)."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return dossiers_visible_to(user, filters).filter(scope_q(user, Cap.FILE, "unit") | scope_q(user, Cap.SIGN, "unit"))


def dossier_get_visible(user, pk) -> Dossier:
    return get_object_or_404(
        # Not created_by: no page reads it (a fifth of this query's CPU on the dossier page).
        Dossier.objects.filter(_visible_q(user)).select_related("unit", "receiving_unit", "campaign"),
        pk=valid_pk(pk),
    )


def dossier_is_visible(user, dossier: Dossier) -> bool:
    """`_visible_q` on one loaded dossier (its unit and receiving unit loaded), by the kernel's boolean `can`
    rather than its Q: no query. Equality with `_visible_q` for every account and dossier of the demo is
    pinned in nominations/tests/test_dossier_page_reads.py."""
    if is_superuser(user):
        return True
    if can(user, Cap.READ, dossier.unit):
        return True
    return (
        dossier.status in RECEIVED_STATES
        and dossier.receiving_unit_id is not None
        and can(user, Cap.APPRAISE, dossier.receiving_unit)
    )


_DOSSIER_WITH_UNITS = Prepared(
    lambda pk: Dossier.objects.filter(pk=pk).select_related("unit", "receiving_unit", "campaign").order_by()
)


def dossier_page_get(user, pk) -> Dossier:
    """`dossier_get_visible` for the dossier page: the dossier with its units and campaign by its id through a
    statement compiled once (rowload.Prepared), then `dossier_is_visible`; 404 outside the user's scope. The
    queryset's compilation with the visibility Q was a tenth of the page's CPU."""
    found = _DOSSIER_WITH_UNITS.instances(valid_pk(pk))
    if not found:
        raise Http404
    dossier = found[0]
    receiving = dossier.receiving_unit
    if dossier.unit_path != dossier.unit.path or (
        receiving is not None and dossier.receiving_unit_path != receiving.path
    ):
        # The SQL rule reads the dossier's copies of its units' paths, `can` the units' own: should they ever
        # differ, the scoped queryset decides, as on every other page.
        return dossier_get_visible(user, pk)
    if not dossier_is_visible(user, dossier):
        raise Http404
    return dossier


def _cache(obj, field, value) -> None:
    """Set a loaded related object (or None) as Django's select_related would: no query when it is read."""
    field.set_cached_value(obj, value)


def attach_related(rows: list[Nomination], *, dossier: Dossier | None = None) -> list[Nomination]:
    """Load the nominee (with its unit), the collective unit, the award and the dossier (with its units and
    campaign) of `rows`: one query per table by primary keys (units in one), whatever the number of rows.

    Not select_related: with stale statistics ("0 rows") the planner joined the people as the inner side of a
    nested loop it read whole for each row (25 rows × 60,000 people); a lookup by ids has no plan to get wrong.
    With `dossier`, the rows' dossier is that object (the dossier page)."""
    if not rows:
        return rows
    people = Person.objects.in_bulk({n.person_id for n in rows} - {None})
    dossiers = {dossier.pk: dossier} if dossier is not None else Dossier.objects.in_bulk({n.dossier_id for n in rows})
    unit_ids = {n.unit_id for n in rows} | {p.unit_id for p in people.values()}
    if dossier is None:
        unit_ids |= {d.unit_id for d in dossiers.values()} | {d.receiving_unit_id for d in dossiers.values()}
    units = Unit.objects.in_bulk(unit_ids - {None})
    awards = AwardType.objects.in_bulk({n.award_type_id for n in rows})
    if dossier is None:
        campaigns = Campaign.objects.in_bulk({d.campaign_id for d in dossiers.values()} - {None})
        for d in dossiers.values():
            _cache(d, Dossier.unit.field, units.get(d.unit_id))
            _cache(d, Dossier.receiving_unit.field, units.get(d.receiving_unit_id))
            _cache(d, Dossier.campaign.field, campaigns.get(d.campaign_id))
    for person in people.values():
        _cache(person, Person.unit.field, units.get(person.unit_id))
    for n in rows:
        _cache(n, Nomination.person.field, people.get(n.person_id))
        _cache(n, Nomination.unit.field, units.get(n.unit_id))
        _cache(n, Nomination.award_type.field, awards[n.award_type_id])
        _cache(n, Nomination.dossier.field, dossiers[n.dossier_id])
    return rows


_NOMINATIONS_OF_DOSSIER = RowLoader(Nomination, "dossier_id")
_PEOPLE, _UNITS, _AWARDS = RowLoader(Person), RowLoader(Unit), RowLoader(AwardType)
_REPORTS_OF = RowLoader(AchievementReport, "nomination_id")
_ATTACHMENTS_OF = RowLoader(Attachment, "nomination_id")
# The keys of a nomination's cache of loaded relations (Field.cache_name, the reverse one-to-one's accessor).
_PERSON, _UNIT, _AWARD, _DOSSIER, _OVERRIDDEN_BY = (
    getattr(Nomination, name).field.cache_name for name in ("person", "unit", "award_type", "dossier", "overridden_by")
)
_REPORT = Nomination.report.related.cache_name


# Every nomination of a dossier as (id, status, award_type_id, person_id, unit_id): the dossier page's index.
_INDEX_OF_DOSSIER = Prepared(
    lambda dossier_id: (
        Nomination.objects.filter(dossier_id=dossier_id)
        .order_by()
        .values_list("id", "status", "award_type_id", "person_id", "unit_id")
    )
)
_NOMINATIONS_BY_ID = RowLoader(Nomination)


def dossier_nomination_index(dossier: Dossier) -> tuple[list[tuple], dict]:
    """Every nomination of the dossier as `(id, status, award_type_id, person_id, unit_id)` in the dossier's
    order (Nomination's: the award's rank, then id), and their awards by id: two queries whatever the number.
    The dossier page pages, filters, counts and sums the quota from it, then loads one page's rows."""
    rows = _INDEX_OF_DOSSIER.rows(dossier.pk)
    awards = _AWARDS.in_bulk({row[2] for row in rows})
    rows.sort(key=lambda row: (awards[row[2]].rank, row[0]))
    return rows, awards


def dossier_nominations_named(index: list[tuple], query: str) -> set[int]:
    """The ids of `index` (`dossier_nomination_index`'s rows) whose person, or collective unit, has every word
    of `query` in its folded name (core.text.search_key: diacritics and case ignored, as on the search page):
    one query per kind of candidate present, by their ids."""
    people = {row[3] for row in index if row[3] is not None}
    units = {row[4] for row in index if row[3] is None and row[4] is not None}
    named_people = (
        set(Person.objects.filter(search_key_q("search_key", query), pk__in=people).values_list("pk", flat=True))
        if people
        else set()
    )
    named_units = (
        set(Unit.objects.filter(search_key_q("search_key", query), pk__in=units).values_list("pk", flat=True))
        if units
        else set()
    )
    return {row[0] for row in index if (row[3] in named_people if row[3] is not None else row[4] in named_units)}


def dossier_nominations(dossier: Dossier, ids=None, awards: dict | None = None) -> list[Nomination]:
    """The nominations of a dossier with everything the page shows, in a constant number of queries; each
    row's attachments (by id) are in `attachment_list`. `ids`: only those (the dossier page's page of cards;
    ids of another dossier are left out); `awards`: the awards by id already read (`dossier_nomination_index`).

    The related rows by their ids, not joined (see `attach_related`: with stale statistics the planner chose
    nested loops over whole tables); the attachments in one query grouped here rather than by prefetch_related,
    which builds one queryset per row. Each table through a statement compiled once (rowload.py): the
    queryset's compilation and `Model.__init__` were a quarter of the page's CPU on 200 rows."""
    if ids is None:
        rows = _NOMINATIONS_OF_DOSSIER.load([dossier.pk])
    else:
        rows = [n for n in _NOMINATIONS_BY_ID.load(ids) if n.dossier_id == dossier.pk]
    if not rows:
        return rows
    people = _PEOPLE.in_bulk({n.person_id for n in rows} - {None})
    units = _UNITS.in_bulk(({n.unit_id for n in rows} | {p.unit_id for p in people.values()}) - {None})
    missing = {n.award_type_id for n in rows} - (awards or {}).keys()
    if missing:  # none read yet, or a row added since the index was read
        awards = {**(awards or {}), **_AWARDS.in_bulk(missing)}
    rows.sort(key=lambda n: (awards[n.award_type_id].rank, n.pk))  # Nomination's ordering, without the join
    users = get_user_model().objects.in_bulk({n.overridden_by_id for n in rows} - {None})
    ids = [n.pk for n in rows]
    reports = {r.nomination_id: r for r in _REPORTS_OF.load(ids)}
    attachments: dict[int, list[Attachment]] = {}
    # By the rows' ids, not by a join on the dossier: with few attachments in the table the planner walked the
    # whole nominations table by primary key for the join (20 ms on a province).
    for attachment in sorted(_ATTACHMENTS_OF.load(ids), key=lambda a: a.pk):
        attachments.setdefault(attachment.nomination_id, []).append(attachment)
    # The related objects put in each instance's cache of loaded relations, as `_cache` (set_cached_value)
    # would, one dict per row rather than six calls: the instances are new, their caches empty.
    person_unit = Person.unit.field.cache_name
    for person in people.values():
        person._state.fields_cache = {person_unit: units.get(person.unit_id)}
    for n in rows:
        n._state.fields_cache = {
            _PERSON: people.get(n.person_id),
            _UNIT: units.get(n.unit_id),
            _AWARD: awards[n.award_type_id],
            _DOSSIER: dossier,  # the workflow predicates read it; no query per row
            _OVERRIDDEN_BY: users.get(n.overridden_by_id),
            _REPORT: reports.get(n.pk),
        }
        n.attachment_list = attachments.get(n.pk, [])
    return rows


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Nominations of the dossiers the user sees (`dossiers_visible_to`), with their nominee and award."""
    if not user.is_authenticated:
        return Nomination.objects.none()
    return Nomination.objects.filter(nomination_visible_q(user)).select_related(
        "person__unit", "unit", "award_type", "dossier"
    )


def nomination_get_visible(user, pk) -> Nomination:
    nomination = get_object_or_404(
        Nomination.objects.select_related("dossier__unit", "dossier__receiving_unit", "person", "unit", "award_type"),
        nomination_visible_q(user),
        pk=valid_pk(pk),
    )
    return nomination


def attachment_get_visible(user, pk) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("nomination__dossier__unit"),
        pk=valid_pk(pk),
        nomination__in=Nomination.objects.filter(nomination_visible_q(user)),
    )
