"""Writes to the route table (AuthorityRoute): create, end, supersede. Administrators of the scope unit only
(`units.rules.require(by, Cap.ADMINISTER, unit)`: PermissionDenied otherwise; `by=None` is the system).

A route row is never edited in place: a change of decider or of the units it
passes through is a new row, and the old one is ended the day before. History
(who, when, what) is kept by django-simple-history on every save.
"""

import datetime

from django.db import transaction

from core.audit import audited, bulk_create_audited
from core.exceptions import ServiceError
from core.text import nfc
from units.models import Unit
from units.rules import Cap, require

from ..models import AuthorityRoute, AuthorityRouteStep, route_overlap_message


def _check_via(decider: Unit, via) -> list[Unit]:
    via = list(via or [])
    ids = [v.pk for v in via]
    if len(set(ids)) != len(ids):
        raise ServiceError("Một đơn vị chỉ được chọn một lần trong các đơn vị chuyển qua.")
    if decider.pk in ids:
        raise ServiceError("Cơ quan quyết định không cần chọn lại trong các đơn vị chuyển qua.")
    return via


def _create(*, unit, authority_kind, decider, via, effective_from, effective_to, legal_basis, is_verified, note, by):
    if effective_to is not None and effective_to < effective_from:
        raise ServiceError("Ngày hết hiệu lực không thể trước ngày có hiệu lực.")
    via = _check_via(decider, via)
    clash = (
        AuthorityRoute.objects.select_for_update()
        .filter(
            pk__in=AuthorityRoute.overlapping(
                unit_id=unit.pk,
                authority_kind=authority_kind,
                effective_from=effective_from,
                effective_to=effective_to,
            ).values("pk")
        )
        .first()
    )
    if clash:
        raise ServiceError(route_overlap_message(clash))
    row = AuthorityRoute.objects.create(
        unit=unit,
        authority_kind=authority_kind,
        decider=decider,
        effective_from=effective_from,
        effective_to=effective_to,
        legal_basis=nfc(legal_basis or ""),
        is_verified=is_verified,
        note=nfc(note or ""),
        created_by=by,
    )
    bulk_create_audited(
        AuthorityRouteStep,
        [AuthorityRouteStep(route=row, position=index, unit=step) for index, step in enumerate(via, start=1)],
        by=by,
    )
    return row


@audited
@transaction.atomic
def authority_route_create(
    *,
    unit: Unit,
    authority_kind: str,
    decider: Unit,
    via=(),
    effective_from: datetime.date,
    effective_to: datetime.date | None = None,
    legal_basis: str = "",
    is_verified: bool = True,
    note: str = "",
    by,
) -> AuthorityRoute:
    """Declare who decides awards of `authority_kind` for `unit` and its subtree, through `via`, from a date.

    Refuses a period overlapping another row of the same unit and kind (end or
    supersede that one first). `by` may be None only for seeders and migrations.
    """
    require(by, Cap.ADMINISTER, unit)
    return _create(
        unit=unit,
        authority_kind=authority_kind,
        decider=decider,
        via=via,
        effective_from=effective_from,
        effective_to=effective_to,
        legal_basis=legal_basis,
        is_verified=is_verified,
        note=note,
        by=by,
    )


@audited
@transaction.atomic
def authority_route_end(*, route: AuthorityRoute, effective_to: datetime.date, by) -> AuthorityRoute:
    """Stop a route row after `effective_to` (inclusive). Repeating the same end date is a no-op."""
    locked = AuthorityRoute.objects.select_for_update(of=("self",)).select_related("unit").get(pk=route.pk)
    require(by, Cap.ADMINISTER, locked.unit)
    if locked.effective_to == effective_to:
        return locked
    if effective_to < locked.effective_from:
        raise ServiceError(
            f"Ngày kết thúc không thể trước ngày tuyến trình có hiệu lực ({locked.effective_from:%d/%m/%Y})."
        )
    if locked.effective_to is not None and effective_to > locked.effective_to:
        raise ServiceError(f"Tuyến trình này đã kết thúc ngày {locked.effective_to:%d/%m/%Y}.")
    locked.effective_to = effective_to
    locked.save(update_fields=["effective_to", "updated_at"])
    return locked


@audited
@transaction.atomic
def authority_route_supersede(
    *,
    route: AuthorityRoute,
    effective_from: datetime.date,
    decider: Unit,
    via=(),
    legal_basis: str | None = None,
    is_verified: bool | None = None,
    note: str = "",
    by,
) -> AuthorityRoute:
    """End `route` the day before `effective_from` and add its successor (same unit and kind) from that day.

    Checks before that date keep the old route; on or after it, the new one.
    """
    locked = AuthorityRoute.objects.select_for_update(of=("self",)).select_related("unit").get(pk=route.pk)
    require(by, Cap.ADMINISTER, locked.unit)
    if effective_from <= locked.effective_from:
        raise ServiceError(
            f"Ngày hiệu lực mới phải sau ngày tuyến trình đang áp dụng có hiệu lực ({locked.effective_from:%d/%m/%Y})."
        )
    if locked.effective_to is not None and effective_from > locked.effective_to + datetime.timedelta(days=1):
        raise ServiceError(f"Tuyến trình này đã kết thúc ngày {locked.effective_to:%d/%m/%Y}; hãy khai báo tuyến mới.")
    old_end = locked.effective_to
    locked.effective_to = effective_from - datetime.timedelta(days=1)
    locked.save(update_fields=["effective_to", "updated_at"])
    return _create(
        unit=locked.unit,
        authority_kind=locked.authority_kind,
        decider=decider,
        via=via,
        effective_from=effective_from,
        effective_to=old_end,
        legal_basis=locked.legal_basis if legal_basis is None else legal_basis,
        is_verified=locked.is_verified if is_verified is None else is_verified,
        note=note,
        by=by,
    )
