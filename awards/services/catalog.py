"""The award catalog and the rules as data: lookups and superseding a rule when the law changes."""

import datetime

from django.db import transaction

from core.audit import audited
from core.exceptions import ServiceError
from core.text import nfc
from units.rules import require_superuser

from ..models import (
    AwardRule,
    AwardType,
)
from ..rules_engine import validate_params
from ..schoolyear import school_year_bounds

# --- catalog ------------------------------------------------------------------------------------


def pick_award_type(rows: list[AwardType], code: str, school_year: int, decision_date) -> AwardType:
    day = decision_date or school_year_bounds(school_year)[1]
    rows = [r for r in rows if r.code == code]
    if not rows:
        raise ServiceError(f"Không có danh hiệu/hình thức mã «{code}» trong danh mục.")
    in_force = [r for r in rows if r.in_force_on(day)]
    if in_force:
        return in_force[-1]
    earlier = [r for r in rows if r.effective_from <= day]
    return earlier[-1] if earlier else rows[0]


def award_type_for(code: str, *, school_year: int, decision_date: datetime.date | None = None) -> AwardType:
    """The catalog row a record of `code` belongs to: the one in force on the decision date (or at the end
    of the school year); for years before the catalog starts, its earliest row."""
    rows = list(AwardType.objects.filter(code=code).order_by("effective_from"))
    return pick_award_type(rows, code, school_year, decision_date)


@audited
@transaction.atomic
def award_rule_supersede(
    *,
    rule: AwardRule,
    effective_from: datetime.date,
    by,
    params: dict | None = None,
    legal_basis: str | None = None,
    is_verified: bool | None = None,
    description: str | None = None,
) -> AwardRule:
    """Close `rule` the day before `effective_from` and add its successor with the changed values.

    Checks before that date keep using the old rule; checks on or after it use the new one.
    The law is the same for every unit: superusers only (`by=None` is the system).
    """
    require_superuser(by)
    locked = AwardRule.objects.select_for_update().get(pk=rule.pk)
    if effective_from <= locked.effective_from:
        raise ServiceError("Ngày hiệu lực mới phải sau ngày hiệu lực của quy tắc đang áp dụng.")
    new_params = locked.params if params is None else params
    problems = validate_params(locked.kind, new_params)
    if problems:
        raise ServiceError(" ".join(problems))
    old_end = locked.effective_to
    locked.effective_to = effective_from - datetime.timedelta(days=1)
    locked.save(update_fields=["effective_to", "updated_at"])
    return AwardRule.objects.create(
        award_code=locked.award_code,
        kind=locked.kind,
        params=new_params,
        legal_basis=locked.legal_basis if legal_basis is None else nfc(legal_basis),
        description=locked.description if description is None else nfc(description),
        is_verified=locked.is_verified if is_verified is None else is_verified,
        effective_from=effective_from,
        effective_to=old_end,
    )
