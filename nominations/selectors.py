"""Every read a nominations page shows, scoped to the user.

A dossier is visible to whoever may READ its proposing unit, and, once sent, to whoever may APPRAISE its
receiving unit (its reviewers and head, even when that unit is not above the proposing one, e.g. a UBND).
Outside that it is not found (404), and so are its nominations and attachments.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.text import search_key_q
from units.rules import Cap, is_superuser, scope_q
from units.selectors import valid_pk

from .enums import RECEIVED_STATES
from .models import Attachment, Dossier, Nomination


def _visible_q(user) -> Q:
    if is_superuser(user):
        return Q()  # an empty Q would vanish from the OR below and leave only the received dossiers
    return scope_q(user, Cap.READ, "unit") | (
        scope_q(user, Cap.APPRAISE, "receiving_unit") & Q(status__in=RECEIVED_STATES)
    )


def dossiers_visible_to(user, filters: dict | None = None) -> QuerySet[Dossier]:
    """Visible dossiers with their units, campaign and number of nominations; `filters`: status, school_year,
    round_kind, unit (id), q (words in the title, the tờ trình number or the proposing unit's name)."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    rows = (
        Dossier.objects.filter(_visible_q(user))
        .select_related("unit", "receiving_unit", "campaign")
        .annotate(nomination_count=Count("nominations"))
        .order_by("-school_year", "-created_at", "-id")
    )
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
        Dossier.objects.filter(_visible_q(user)).select_related("unit", "receiving_unit", "campaign", "created_by"),
        pk=valid_pk(pk),
    )


def dossier_nominations(dossier: Dossier) -> list[Nomination]:
    """The nominations of a dossier with everything the page shows, in a constant number of queries; each
    row's attachments (by id) are in `attachment_list`.

    The attachments are read in one query and grouped here rather than by prefetch_related, which builds
    one queryset per row (a clone of the related manager's: most of the selector's time on 200 rows)."""
    rows = list(dossier.nominations.select_related("person__unit", "unit", "award_type", "overridden_by", "report"))
    attachments: dict[int, list[Attachment]] = {}
    if rows:
        # By the rows' ids, not by a join on the dossier: with few attachments in the table the planner walked
        # the whole nominations table by primary key for the join (20 ms on a province).
        for attachment in Attachment.objects.filter(nomination_id__in=[row.pk for row in rows]).order_by("id"):
            attachments.setdefault(attachment.nomination_id, []).append(attachment)
    for row in rows:
        row.dossier = dossier  # the workflow predicates read it; no query per row
        row.attachment_list = attachments.get(row.pk, [])
    return rows


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Nominations of the dossiers the user sees (`dossiers_visible_to`), with their nominee and award."""
    if not user.is_authenticated:
        return Nomination.objects.none()
    return Nomination.objects.filter(dossier__in=Dossier.objects.filter(_visible_q(user))).select_related(
        "person__unit", "unit", "award_type", "dossier"
    )


def nomination_get_visible(user, pk) -> Nomination:
    nomination = get_object_or_404(
        Nomination.objects.select_related("dossier__unit", "dossier__receiving_unit", "person", "unit", "award_type"),
        pk=valid_pk(pk),
        dossier__in=Dossier.objects.filter(_visible_q(user)),
    )
    return nomination


def attachment_get_visible(user, pk) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("nomination__dossier__unit"),
        pk=valid_pk(pk),
        nomination__dossier__in=Dossier.objects.filter(_visible_q(user)),
    )
