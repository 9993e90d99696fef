"""The caps a campaign puts on its awards, split between collectives and individuals where the plan says so.

A `CampaignAward` may carry a total cap ("không quá 15 tập thể, cá nhân"), a cap for collectives, a cap for
individuals, or any of them together (law as data: the plan's numbers are rows, never literals here). Each
part set is checked on its own. Read-only.

Counted (`registered_by_part`): the awards registered in the campaign's submitted registrations: person
lines count as individuals; team lines and a unit's own collective title or commendation as collectives.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from ..enums import CapPart
from ..enums import RegistrationStatus as S
from ..models import Campaign, CampaignAward, Registration, RegistrationCollectiveLine, RegistrationLine

PART_NOUN = {CapPart.TOTAL: "tập thể, cá nhân", CapPart.COLLECTIVE: "tập thể", CapPart.INDIVIDUAL: "cá nhân"}


@dataclass(frozen=True)
class CapRow:
    """One part of one award's cap against what is registered in the campaign."""

    award: CampaignAward
    part: str  # CapPart
    allowed: int
    others: int  # registered by the other units (submitted registrations)
    own: int  # registered by the registration being checked (0 for the campaign-wide check)

    @property
    def registered(self) -> int:
        return self.others + self.own

    @property
    def is_over(self) -> bool:
        return self.registered > self.allowed

    @property
    def label(self) -> str:
        return f"«{self.award.award_type.name}» cho {PART_NOUN[self.part]}"

    @property
    def summary(self) -> str:
        own = f", bản đăng ký này {self.own}" if self.own else ""
        return f"{self.label}: các đơn vị đã gửi {self.others}{own}; tối đa {self.allowed}"

    @property
    def problem(self) -> str:
        return f"Vượt số lượng tối đa của phong trào: {self.summary}."


def capped_awards(campaign: Campaign) -> list[CampaignAward]:
    """The campaign's awards with at least one cap (one query)."""
    any_cap = Q(cap__isnull=False) | Q(cap_collective__isnull=False) | Q(cap_individual__isnull=False)
    return list(campaign.awards.filter(any_cap).select_related("award_type"))


def registered_by_part(campaign: Campaign, codes, *, exclude_unit_id: int | None = None) -> dict[str, dict[str, int]]:
    """{code: {"collective": n, "individual": n}} of the campaign's submitted registrations (constant queries)."""
    codes = list(codes)
    counts: dict[str, dict[str, int]] = {code: defaultdict(int) for code in codes}
    if not codes:
        return counts
    submitted = Q(registration__campaign=campaign, registration__status=S.SUBMITTED)
    own_submitted = Q(campaign=campaign, status=S.SUBMITTED)
    if exclude_unit_id is not None:
        submitted &= ~Q(registration__unit_id=exclude_unit_id)
        own_submitted &= ~Q(unit_id=exclude_unit_id)
    sources = [
        (RegistrationLine.objects.filter(submitted), ("title", "commendation"), CapPart.INDIVIDUAL),
        (RegistrationCollectiveLine.objects.filter(submitted), ("title", "commendation"), CapPart.COLLECTIVE),
        (
            Registration.objects.filter(own_submitted),
            ("collective_title", "collective_commendation"),
            CapPart.COLLECTIVE,
        ),
    ]
    for queryset, field_names, part in sources:
        for field_name in field_names:
            rows = (
                queryset.filter(**{f"{field_name}__code__in": codes})
                .values_list(f"{field_name}__code")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for code, n in rows:
                counts[code][part] += n
    return counts


def cap_rows(award: CampaignAward, others: dict[str, int], own: dict[str, int] | None = None) -> list[CapRow]:
    """The parts of `award`'s cap, each with the counts of its recipients (`others`/`own` by part)."""
    own = own or {}

    def total(counts):
        return counts.get(CapPart.COLLECTIVE, 0) + counts.get(CapPart.INDIVIDUAL, 0)

    rows = []
    for part, allowed in award.caps.items():
        if part == CapPart.TOTAL:
            rows.append(CapRow(award, part, allowed, total(others), total(own)))
        else:
            rows.append(CapRow(award, part, allowed, others.get(part, 0), own.get(part, 0)))
    return rows


def campaign_cap_rows(campaign: Campaign, *, unit_id: int, own: dict[str, dict[str, int]]) -> list[CapRow]:
    """The caps of the awards a registration uses, with the other units' submitted counts and its own.

    `own` is {code: {part: n}} of the registration being checked. No query when the campaign caps nothing
    the registration uses beyond the one reading the capped awards.
    """
    used = {code for code, parts in own.items() if any(parts.values())}
    awards = [a for a in capped_awards(campaign) if a.award_type.code in used] if used else []
    if not awards:
        return []
    others = registered_by_part(campaign, [a.award_type.code for a in awards], exclude_unit_id=unit_id)
    return [row for a in awards for row in cap_rows(a, others[a.award_type.code], own[a.award_type.code])]
