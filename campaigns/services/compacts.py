"""Compacts (giao ước thi đua) between the units of an emulation block."""

import datetime

from django.db import transaction

from core.audit import audited
from core.exceptions import ServiceError
from core.text import nfc
from units.models import EmulationBlock, Unit
from units.rules import Cap, require

from ..models import Campaign, Compact


@audited
@transaction.atomic
def compact_create(
    *,
    block: EmulationBlock,
    title: str,
    text: str,
    signed_on: datetime.date,
    units: list[Unit],
    by,
    campaign: Campaign | None = None,
) -> Compact:
    """Record a signed compact. Every signer must be a member of the block.
    `by` must hold FILE on the block's owner (its organiser: `campaigns.rules.can_manage_compact`)."""
    require(by, Cap.FILE, block.owner)
    title = nfc(title)
    body = "\n".join(nfc(line) for line in (text or "").strip().splitlines()).strip()
    if not title:
        raise ServiceError("Tên giao ước không được để trống.")
    if not body:
        raise ServiceError("Nội dung giao ước không được để trống.")
    units = list({u.pk: u for u in units}.values())
    if len(units) < 2:
        raise ServiceError("Giao ước thi đua phải có ít nhất hai đơn vị ký.")
    members = set(block.members.values_list("pk", flat=True))
    if any(u.pk not in members for u in units):
        # Unnamed: a unit id posted from outside the block may also lie outside the user's scope.
        raise ServiceError(f"Có đơn vị ký không thuộc {block.name}.")
    compact = Compact.objects.create(
        block=block, title=title, text=body, signed_on=signed_on, campaign=campaign, created_by=by
    )
    compact.units.set(units)
    return compact
