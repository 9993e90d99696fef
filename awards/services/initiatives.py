"""Initiatives (sáng kiến): registered by name, edited, recognised with a scope."""

import datetime
from collections.abc import Iterable

from django.db import transaction

from core.exceptions import ServiceError, StaleObjectError
from core.text import nfc
from units.models import Person, Unit
from units.rules import Cap, people_acted_on, require

from ..enums import (
    InitiativeKind,
    InitiativeScope,
    InitiativeStatus,
)
from ..models import (
    Initiative,
)
from ..schoolyear import school_year_bounds, school_year_label

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
    authors = _check_authors(unit, authors, by)
    if Initiative.objects.filter(unit=unit, school_year=school_year, title__iexact=title).exists():
        raise ServiceError(f"Đơn vị đã đăng ký sáng kiến «{title}» trong năm học {school_year_label(school_year)}.")
    initiative = Initiative.objects.create(
        unit=unit, school_year=school_year, title=title, kind=kind, subject=nfc(subject), created_by=by
    )
    initiative.authors.set(authors)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    title: str,
    authors: Iterable[Person],
    kind: str,
    subject: str = "",
    expected_updated_at=None,
    by,
) -> Initiative:
    """Change the name, kind, subject or authors of an initiative not yet recognised.

    `by` must hold MANAGE_PEOPLE on the initiative's unit (PermissionDenied otherwise; None is the system).
    """
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    require(by, Cap.MANAGE_PEOPLE, locked.unit)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise StaleObjectError()
    if locked.status == InitiativeStatus.RECOGNISED:
        raise ServiceError("Sáng kiến đã được công nhận, không sửa được.")
    title = nfc(title)
    if not title:
        raise ServiceError("Tên sáng kiến không được để trống.")
    authors = _check_authors(locked.unit, authors, by)
    locked.title, locked.kind, locked.subject = title, kind, nfc(subject)
    locked.save(update_fields=["title", "kind", "subject", "updated_at"])
    locked.authors.set(authors)
    return locked


@transaction.atomic
def initiative_recognise(
    *,
    initiative: Initiative,
    recognised: bool,
    scope: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    issuer: str = "",
) -> Initiative:
    """Record the council's result: recognised with a scope and the recognising decision, or not recognised."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if recognised:
        if scope not in InitiativeScope.values:
            raise ServiceError("Phải chọn phạm vi công nhận.")
        if not nfc(decision_number) or decision_date is None:
            raise ServiceError("Phải ghi số và ngày quyết định công nhận.")
        if decision_date < school_year_bounds(locked.school_year)[0]:
            raise ServiceError("Ngày quyết định công nhận trước khi năm học đăng ký bắt đầu.")
        locked.status, locked.scope = InitiativeStatus.RECOGNISED, scope
        locked.decision_number, locked.decision_date, locked.issuer = nfc(decision_number), decision_date, nfc(issuer)
    else:
        locked.status, locked.scope = InitiativeStatus.NOT_RECOGNISED, ""
        locked.decision_number, locked.decision_date, locked.issuer = "", None, ""
    locked.save(update_fields=["status", "scope", "decision_number", "decision_date", "issuer", "updated_at"])
    return locked
