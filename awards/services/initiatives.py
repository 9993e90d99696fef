"""Initiatives (sáng kiến): registered by name, edited, recognised with a scope."""

import datetime
from collections.abc import Iterable

from django.db import transaction

from core.audit import audited
from core.exceptions import ServiceError
from core.models import version_check_and_bump
from core.text import nfc
from core.workflow import transition
from units.models import Person, Unit
from units.rules import Cap, people_acted_on, require

from ..enums import (
    InitiativeKind,
    InitiativeStatus,
)
from ..models import (
    Initiative,
)
from ..schoolyear import school_year_check, school_year_label

# --- initiatives -----------------------------------------------------------------------------------------


def _check_authors(unit: Unit, authors, by) -> list[Person]:
    """The authors, each a person of `unit`'s subtree that `by` may manage. An author outside is refused
    without being named (it may be a person the user cannot see)."""
    authors = list(authors)
    if not authors:
        raise ServiceError("Sáng kiến phải có ít nhất một tác giả.")
    ids = {a.pk for a in authors}
    if people_acted_on(by, unit).filter(pk__in=ids).count() != len(ids):
        raise ServiceError("Có người không thuộc đơn vị này hoặc không tìm thấy.")
    return authors


@audited
@transaction.atomic
def initiative_register(
    *,
    unit: Unit,
    school_year: int,
    title: str,
    authors: Iterable[Person],
    kind: str = InitiativeKind.INITIATIVE,
    subject: str = "",
    by,
) -> Initiative:
    """Register an initiative by name at the start of the year (to be recognised later).

    `by` must hold MANAGE_PEOPLE on `unit` (PermissionDenied otherwise; None is the system).
    """
    require(by, Cap.MANAGE_PEOPLE, unit)
    title = nfc(title)
    if not title:
        raise ServiceError("Tên sáng kiến không được để trống.")
    if kind not in InitiativeKind.values:
        raise ServiceError("Loại sáng kiến không hợp lệ.")
    school_year_check(school_year)
    authors = _check_authors(unit, authors, by)
    if Initiative.objects.filter(unit=unit, school_year=school_year, title__iexact=title).exists():
        raise ServiceError(f"Đơn vị đã đăng ký sáng kiến «{title}» trong năm học {school_year_label(school_year)}.")
    initiative = Initiative.objects.create(
        unit=unit, school_year=school_year, title=title, kind=kind, subject=nfc(subject), created_by=by
    )
    initiative.authors.set(authors)
    return initiative


@audited
@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    title: str,
    authors: Iterable[Person],
    kind: str,
    subject: str = "",
    expected_version: int | None = None,
    by,
) -> Initiative:
    """Change the name, kind, subject or authors of an initiative not yet recognised.

    `by` must hold MANAGE_PEOPLE on the initiative's unit (PermissionDenied otherwise; None is the system).
    """
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    require(by, Cap.MANAGE_PEOPLE, locked.unit)
    version_check_and_bump(locked, expected_version)
    if locked.status == InitiativeStatus.RECOGNISED:
        raise ServiceError("Sáng kiến đã được công nhận, không sửa được.")
    title = nfc(title)
    if not title:
        raise ServiceError("Tên sáng kiến không được để trống.")
    authors = _check_authors(locked.unit, authors, by)
    locked.title, locked.kind, locked.subject = title, kind, nfc(subject)
    locked.save(update_fields=["title", "kind", "subject", "version", "updated_at"])
    locked.authors.set(authors)
    return locked


def initiative_recognise(
    *,
    initiative: Initiative,
    recognised: bool,
    by,
    version: int | None = None,
    scope: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    issuer: str = "",
) -> Initiative:
    """Record the council's result through the initiative workflow (`awards.workflows`).

    Recognised (with a scope and the recognising decision) or not recognised;
    who may, a stale form, a repeat and the history row are the engine's
    (`core.workflow.transition`). Side effect: a `TransitionLog` row.
    """
    if recognised:
        return transition(
            initiative,
            "recognise",
            by=by,
            version=version,
            scope=scope,
            decision_number=decision_number,
            decision_date=decision_date,
            issuer=issuer,
        )
    return transition(initiative, "not_recognise", by=by, version=version)
