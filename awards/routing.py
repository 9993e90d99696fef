"""The route to the deciding authority: who decides an award for a unit on a date, and through whom.

The catalog says *which kind of office* decides an award on a date
(`AwardType.authority_kind`, e.g. "Chủ tịch UBND cấp huyện" for CSTĐCS before
01/07/2025, "Chủ tịch UBND cấp xã" after). `AuthorityRoute` rows say *which
unit* holds that office for a part of the tree and through which units a
nomination passes. A row applies to its unit and everything below it; for a
proposing unit the row on its deepest ancestor-or-self wins, so a Phòng (or a
UBND xã) row overrides a Sở-wide one.

`routes_for` reads three queries whatever the number of awards or the depth of
the tree (the catalog rows in force, the route rows of the unit's ancestors,
their steps). It never raises for a missing configuration: the result says so
in Vietnamese, so a page can show it.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch

from units.models import Unit

from .enums import AuthorityKind
from .models import AuthorityRoute, AuthorityRouteStep, AwardType, in_force_q


class RouteStatus(StrEnum):
    ROUTED = "routed"  # proposing unit → via … → decider
    SELF = "self"  # the unit grants it itself (its head decides)
    UNCONFIGURED = "unconfigured"  # no route row for this kind of office here on this date
    UNKNOWN_AWARD = "unknown_award"  # no catalog row of this code in force on this date


@dataclass(frozen=True)
class Route:
    unit: Unit
    award_code: str
    on_date: datetime.date
    status: RouteStatus
    explanation: str
    award_type: AwardType | None = None
    decider: Unit | None = None
    via: tuple[Unit, ...] = ()
    chain: tuple[Unit, ...] = ()
    rule: AuthorityRoute | None = None
    legal_basis: str = ""
    is_verified: bool = True

    @property
    def is_configured(self) -> bool:
        return self.status in (RouteStatus.ROUTED, RouteStatus.SELF)

    @property
    def authority_kind(self) -> str:
        return self.award_type.authority_kind if self.award_type else ""

    @property
    def authority_label(self) -> str:
        return self.award_type.get_authority_kind_display() if self.award_type else ""

    @property
    def award_name(self) -> str:
        return self.award_type.name if self.award_type else self.award_code


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def _period(row: AuthorityRoute) -> str:
    until = _day(row.effective_to) if row.effective_to else "nay"
    return f"hiệu lực từ {_day(row.effective_from)} đến {until}"


def _catalog_in_force(codes, on_date) -> dict[str, AwardType]:
    rows = AwardType.objects.filter(in_force_q(on_date)).order_by("rank", "code", "effective_from")
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    found: dict[str, AwardType] = {}
    for row in rows:
        found[row.code] = row  # the latest start wins if the catalog ever overlaps
    return found


def _route_rows(unit: Unit, kinds, on_date) -> dict[str, AuthorityRoute]:
    """The winning row per kind of office: the one on the deepest ancestor-or-self of `unit`."""
    if not kinds:
        return {}
    scope_ids = [*unit.ancestor_ids(), unit.pk]
    rank = {pk: index for index, pk in enumerate(scope_ids)}
    rows = (
        AuthorityRoute.objects.filter(unit_id__in=scope_ids, authority_kind__in=list(kinds))
        .filter(in_force_q(on_date))
        .select_related("unit", "decider")
        .prefetch_related(
            Prefetch("steps", queryset=AuthorityRouteStep.objects.select_related("unit").order_by("position"))
        )
    )
    best: dict[str, AuthorityRoute] = {}
    for row in rows:
        current = best.get(row.authority_kind)
        key = (rank[row.unit_id], row.effective_from)
        if current is None or key > (rank[current.unit_id], current.effective_from):
            best[row.authority_kind] = row
    return best


def _build(unit: Unit, code: str, on_date, award_type: AwardType | None, row: AuthorityRoute | None) -> Route:
    if award_type is None:
        return Route(
            unit=unit,
            award_code=code,
            on_date=on_date,
            status=RouteStatus.UNKNOWN_AWARD,
            explanation=f"Không có danh hiệu/hình thức mã «{code}» trong danh mục có hiệu lực ngày {_day(on_date)}.",
        )
    authority = award_type.get_authority_kind_display()
    if row is None and award_type.authority_kind == AuthorityKind.UNIT_HEAD:
        return Route(
            unit=unit,
            award_code=code,
            on_date=on_date,
            status=RouteStatus.SELF,
            award_type=award_type,
            chain=(unit,),
            explanation=(
                f"{award_type.name}: thẩm quyền «{authority}»; thủ trưởng {unit.name} quyết định, "
                "không phải trình cấp trên (chưa khai báo tuyến trình khác)."
            ),
            legal_basis=award_type.legal_basis,
            is_verified=award_type.is_verified,
        )
    if row is None:
        return Route(
            unit=unit,
            award_code=code,
            on_date=on_date,
            status=RouteStatus.UNCONFIGURED,
            award_type=award_type,
            explanation=(
                f"Chưa cấu hình tuyến trình: {award_type.name} (thẩm quyền «{authority}») chưa có cơ quan quyết định "
                f"khai báo cho {unit.name} vào ngày {_day(on_date)}. Đề nghị quản trị đơn vị cấp trên khai báo "
                "tại mục «Tuyến trình khen thưởng»."
            ),
            legal_basis=award_type.legal_basis,
            is_verified=False,
        )
    decider = row.decider
    where = f"theo tuyến trình khai báo tại {row.unit.name}, {_period(row)}"
    if decider.pk == unit.pk:
        return Route(
            unit=unit,
            award_code=code,
            on_date=on_date,
            status=RouteStatus.SELF,
            award_type=award_type,
            decider=decider,
            chain=(unit,),
            rule=row,
            explanation=f"{award_type.name}: thẩm quyền «{authority}»; {unit.name} tự quyết định ({where}).",
            legal_basis=row.legal_basis or award_type.legal_basis,
            is_verified=row.is_verified,
        )
    seen = {unit.pk, decider.pk}
    via = []
    for step in row.steps.all():
        if step.unit_id not in seen:
            seen.add(step.unit_id)
            via.append(step.unit)
    through = f" qua {', '.join(v.name for v in via)}" if via else ""
    return Route(
        unit=unit,
        award_code=code,
        on_date=on_date,
        status=RouteStatus.ROUTED,
        award_type=award_type,
        decider=decider,
        via=tuple(via),
        chain=(unit, *via, decider),
        rule=row,
        explanation=(
            f"{award_type.name}: thẩm quyền «{authority}»; {unit.name} trình{through} đến {decider.name} "
            f"quyết định ({where})."
        ),
        legal_basis=row.legal_basis or award_type.legal_basis,
        is_verified=row.is_verified,
    )


def routes_for(unit: Unit, codes=None, on_date: datetime.date | None = None) -> list[Route]:
    """The route of each award `codes` (default: every award in force) for `unit` on `on_date` (default today).

    Catalog order (rank) for the default; the order of `codes` otherwise. Three queries at most.
    """
    on_date = on_date or datetime.date.today()
    catalog = _catalog_in_force(codes, on_date)
    rows = _route_rows(unit, {t.authority_kind for t in catalog.values()}, on_date)
    ordered = list(catalog) if codes is None else list(dict.fromkeys(codes))
    routes = []
    for code in ordered:
        award_type = catalog.get(code)
        row = rows.get(award_type.authority_kind) if award_type else None
        routes.append(_build(unit, code, on_date, award_type, row))
    return routes


def route(unit: Unit, award_code: str, on_date: datetime.date | None = None) -> Route:
    """The chain a nomination of `award_code` from `unit` follows on `on_date`: unit → via … → decider."""
    return routes_for(unit, [award_code], on_date)[0]


def parse_day(value: str | None, default: datetime.date | None = None) -> datetime.date:
    """A dd/mm/yyyy query value (?ngay=), or `default` (today) when it is missing or malformed."""
    default = default or datetime.date.today()
    if not value:
        return default
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return default
