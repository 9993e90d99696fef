"""The figures of a level's dashboard (bảng điều khiển): a unit's subtree in one school year, read through the user.

`dashboard_for(user, unit, year)` gathers, for the unit the user chose (visible to it: the view fetches it with
`units.selectors.unit_get_visible`, 404 otherwise) and a school year:

- the campaigns of the year that concern the subtree, their current phase, and their registrations against the
  units expected to register (`campaigns.selectors.expected_registrants`, computed here for all campaigns at once);
- past deadlines of those campaigns and the units of the subtree that missed them; the user's inbox dossiers
  received in the subtree and overdue for appraisal;
- dossiers proposed in the subtree and their nominations, by state;
- awards by type over the year and the `YEARS_SHOWN - 1` before it, and the shares that go to teachers and staff
  (not `Person.is_manager`) and to small collectives (teams, tổ) rather than whole units;
- the legal quotas (award rules of kind «quota») used by each unit of the subtree in the year;
- for a Phòng or the Sở, the same figures per unit directly below, each linking to that unit's dashboard.

Every read is limited by the kernel: units by `units_in_scope(user, unit)`, people's and collectives' records by
`awards.selectors.records_in_scope`, campaigns by `campaigns_visible_to`, registrations, dossiers and deadline
completions by `unit_scope_q`, the inbox by its own selector. Nothing here depends on the number of rows: about
twenty queries whatever the number of units, people, records, dossiers or campaigns (tested with 1 and N).

Every figure carries the URL of the existing list behind it (the drill-down), filtered as closely as that list
allows (see "Dashboards" in docs/architecture.md for what each list cannot filter).
"""

import bisect
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from awards import filters as record_filters
from awards import selectors as award_selectors
from awards.enums import RuleKind
from awards.models import WILDCARD, AwardRecord, AwardRule, AwardType, in_force_q
from awards.rules_engine import quota_allowed
from awards.rules_engine.functions import with_defaults
from awards.schoolyear import current_school_year, school_year_label
from campaigns import selectors as campaign_selectors
from campaigns.enums import CampaignStatus, DeadlineAction, ReachKind, RegistrationStatus
from campaigns.models import Campaign, Deadline, DeadlineCompletion, DeadlineExtension, Phase, Registration
from nominations import inbox
from nominations.enums import RECEIVED_STATES, DossierStatus, NominationStatus
from nominations.models import Dossier, Nomination
from units.enums import UnitKind
from units.models import Unit
from units.rules import Cap, people_in_scope, scope_q, units_in_scope

# Awards by type and the shares are shown for the chosen school year and the years before it.
YEARS_SHOWN = 5
# The school years offered in the year picker (the current one and those before it).
YEARS_OFFERED = 10
# Quota rows listed (units over their quota first, then the fullest); the rest is counted.
QUOTA_ROWS = 20
# Campaigns listed one by one (chart and table): at the Sở the schools' and communes' own campaigns of the year
# come on top of the Sở's and the Phòng's; those expected from the most units are listed, the rest counted.
CAMPAIGN_ROWS = 10
# Units listed one by one below a Phòng or the Sở (a Phòng has up to about a hundred schools).
CHILD_ROWS = 150

LEVEL_LABELS = {
    UnitKind.TEAM: "Tổ trong trường",
    UnitKind.SCHOOL: "Cấp trường",
    UnitKind.COMMUNE_AUTHORITY: "Cấp xã, phường",
    UnitKind.OFFICE: "Cấp Phòng GD&ĐT",
    UnitKind.DISTRICT_AUTHORITY: "Cấp huyện",
    UnitKind.DEPARTMENT: "Cấp Sở GD&ĐT",
    UnitKind.PROVINCIAL_AUTHORITY: "Cấp tỉnh",
    UnitKind.MINISTRY: "Cấp Bộ",
}


def level_label(unit: Unit) -> str:
    return LEVEL_LABELS.get(unit.kind, unit.get_kind_display())


def year_choices(today: datetime.date | None = None) -> list[tuple[int, str]]:
    now = current_school_year(today)
    return [(y, school_year_label(y)) for y in range(now, now - YEARS_OFFERED, -1)]


def parse_year(value, today: datetime.date | None = None) -> int:
    """The `nam` of the query string when it is one of the offered years, else the current school year."""
    text = str(value or "").strip()
    offered = {y for y, _ in year_choices(today)}
    if text.isascii() and text.isdigit() and int(text) in offered:
        return int(text)
    return current_school_year(today)


def _url(name: str, args=(), **params) -> str:
    url = reverse(name, args=args)
    params = {k: v for k, v in params.items() if v not in ("", None)}
    return f"{url}?{urlencode(params)}" if params else url


def _child_id(path: str, depth_parts: int) -> int | None:
    """The id of the unit directly below the chosen one on a materialised path ("/1/4/17/"), or None for the
    chosen unit itself. `depth_parts` is the number of ids in the chosen unit's path."""
    parts = path.strip("/").split("/")
    return int(parts[depth_parts]) if len(parts) > depth_parts else None


# --- campaigns, registrations and deadlines ----------------------------------------------------------------


@dataclass
class CampaignRow:
    campaign: Campaign
    url: str
    current_phase: Phase | None
    next_phase: Phase | None
    expected: int
    started: int  # a registration exists (any state)
    submitted: int
    overview_url: str
    missing_url: str
    submitted_url: str
    expected_ids: frozenset = frozenset()
    submitted_ids: frozenset = frozenset()

    @property
    def missing(self) -> int:
        return self.expected - self.started

    @property
    def in_progress(self) -> int:
        return self.started - self.submitted


@dataclass
class LateDeadline:
    deadline: Deadline
    late: int
    url: str


def _reach_paths(campaign: Campaign) -> tuple[str, ...]:
    """The paths of `campaigns.selectors.reach_roots`, on prefetched reach rows (no query)."""
    if campaign.reach == ReachKind.SUBTREE:
        return (campaign.launched_by.path,)
    if campaign.reach == ReachKind.UNITS:
        return tuple(u.path for u in campaign.reach_units.all())
    return tuple(m.path for b in campaign.reach_blocks.all() for m in b.members.all())


def _concerns(campaign: Campaign, roots: tuple[str, ...], unit: Unit) -> bool:
    """Is the campaign launched in the subtree, or does its reach meet the subtree (above it or inside it)?"""
    if campaign.launched_by.path.startswith(unit.path):
        return True
    return any(root.startswith(unit.path) or unit.path.startswith(root) for root in roots)


def _expected_units(campaigns, reach, units) -> dict[int, frozenset]:
    """campaign pk → the pks of `units` expected to register (`campaigns.selectors.expected_registrants` on
    values already read: no team; the launcher itself only when a school; else a unit below a reach root).

    A Sở has about 1,600 units and a year a few dozen campaigns: the units below a root are one range of the
    units sorted by path (found by bisection), and each distinct (launcher, reach) is computed once."""
    ranked = sorted((path, pk, kind) for pk, path, kind in units if kind != UnitKind.TEAM)
    paths = [path for path, _, _ in ranked]
    kind_of = {pk: kind for _, pk, kind in ranked}
    by_key = {}
    result = {}
    for c in campaigns:
        key = (c.launched_by_id, reach[c.pk])
        if key not in by_key:
            launcher, roots = key
            found = set()
            for root in set(roots):
                start = bisect.bisect_left(paths, root)
                end = bisect.bisect_left(paths, root + "\uffff")
                found.update(pk for _, pk, _ in ranked[start:end])
            found.discard(launcher)
            if kind_of.get(launcher) == UnitKind.SCHOOL:
                found.add(launcher)
            by_key[key] = frozenset(found)
        result[c.pk] = by_key[key]
    return result


def campaign_figures(user, unit: Unit, year: int, units: list[tuple[int, str, str]], today: datetime.date) -> dict:
    """Campaigns of the year concerning the subtree (launched or closed) with their registrations, and the past
    deadlines the units of the subtree missed. `units`: (pk, path, kind) of the subtree's units the user reads."""
    campaigns = list(
        campaign_selectors.campaigns_visible_to(user)
        .filter(school_year=year)
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("launched_by")
        .prefetch_related(
            "reach_units",
            "reach_blocks__members",
            Prefetch("phases", queryset=Phase.objects.order_by("start", "number")),
        )
        .order_by("-issued_on", "-id")
    )
    reach = {c.pk: _reach_paths(c) for c in campaigns}
    campaigns = [c for c in campaigns if _concerns(c, reach[c.pk], unit)]
    ids = [c.pk for c in campaigns]
    expected = _expected_units(campaigns, reach, units)
    statuses = defaultdict(dict)
    if ids:
        for campaign_id, unit_id, status in Registration.objects.filter(
            scope_q(user, Cap.READ, "unit"), campaign_id__in=ids, unit__path__startswith=unit.path
        ).values_list("campaign_id", "unit_id", "status"):
            statuses[campaign_id][unit_id] = status
    rows = []
    for c in campaigns:
        phases = list(c.phases.all())
        mine = {u: s for u, s in statuses[c.pk].items() if u in expected[c.pk]}
        submitted = frozenset(u for u, s in mine.items() if s == RegistrationStatus.SUBMITTED)
        overview = reverse("campaigns:registration_overview", args=[c.pk])
        rows.append(
            CampaignRow(
                campaign=c,
                url=reverse("campaigns:detail", args=[c.pk]),
                current_phase=next((p for p in phases if p.is_current(today)), None),
                next_phase=next((p for p in phases if p.start > today), None),
                expected=len(expected[c.pk]),
                started=len(mine),
                submitted=len(submitted),
                overview_url=f"{overview}?{urlencode({'unit': unit.pk})}",
                missing_url=f"{overview}?{urlencode({'state': 'none', 'unit': unit.pk})}",
                submitted_url=f"{overview}?{urlencode({'state': RegistrationStatus.SUBMITTED, 'unit': unit.pk})}",
                expected_ids=frozenset(expected[c.pk]),
                submitted_ids=submitted,
            )
        )
    late = _late_deadlines(user, unit, campaigns, reach, units, today) if campaigns else []
    return {"campaigns": rows, "late_deadlines": late}


def _late_deadlines(user, unit, campaigns, reach, units, today) -> list[LateDeadline]:
    """Past deadlines of the campaigns, each with the number of the subtree's units that missed it: not
    completed, not reopened past today (the rule of the reviewer's to-do list, over the chosen subtree)."""
    by_id = {c.pk: c for c in campaigns}
    deadlines = list(
        Deadline.objects.filter(campaign_id__in=list(by_id), due_date__lt=today).order_by("due_date", "id")
    )
    if not deadlines:
        return []
    ids = [d.pk for d in deadlines]
    done = set(
        DeadlineCompletion.objects.filter(
            scope_q(user, Cap.READ, "unit"), deadline__in=ids, unit__path__startswith=unit.path
        ).values_list("deadline_id", "unit_id")
    )
    reopened = set(
        DeadlineExtension.objects.filter(
            scope_q(user, Cap.READ, "unit"), deadline__in=ids, unit__path__startswith=unit.path, until__gte=today
        ).values_list("deadline_id", "unit_id")
    )
    result = []
    for deadline in deadlines:
        campaign = by_id[deadline.campaign_id]
        deadline.campaign = campaign  # the template names it; no query
        count = sum(
            1
            for pk, path, kind in units
            if (pk == deadline.unit_id if deadline.unit_id else kind == deadline.unit_kind)
            and (pk == campaign.launched_by_id or path.startswith(reach[campaign.pk]))
            and (deadline.pk, pk) not in done
            and (deadline.pk, pk) not in reopened
        )
        if count:
            if deadline.action == DeadlineAction.REGISTER:
                url = _url("campaigns:registration_overview", [campaign.pk], state="none", unit=unit.pk)
            else:
                url = reverse("campaigns:detail", args=[campaign.pk])
            result.append(LateDeadline(deadline, count, url))
    return result


# --- dossiers and nominations ------------------------------------------------------------------------------


@dataclass
class StateCount:
    state: str
    label: str
    count: int
    url: str


def dossier_figures(user, unit: Unit, year: int, today: datetime.date) -> dict:
    """Dossiers of the year proposed in the subtree, by state, and their nominations, each counted on the rows
    of the list it links to (so the figure and the list agree):

    - states a dossier reaches when sent up, for a user with an inbox: the reviewer inbox (`inbox.InboxFilters`
      with the year and `unit`: proposed in the subtree, addressed to a unit she appraises for or below it);
    - every other state, and every state for a user without an inbox (a secretary): the dossier list, which
      shows the dossiers of the units she files or signs for (`selectors.dossiers_of_own_units`), with `unit`.
      A secretary files for her own unit, so her figure counts those dossiers, not the ones she only reads.

    And the user's inbox dossiers proposed in the subtree and overdue for appraisal."""
    has_inbox = inbox.has_inbox(user)
    # `dossiers_of_own_units` without its per-row annotation: filing or signing implies reading.
    # On the dossier's own path (Dossier.unit_path), no join to units_unit.
    own = Dossier.objects.filter(
        scope_q(user, Cap.READ, "unit", model=Dossier),
        scope_q(user, Cap.FILE, "unit", model=Dossier) | scope_q(user, Cap.SIGN, "unit", model=Dossier),
        unit_path__startswith=unit.path,
        school_year=year,
    )
    by_state = dict(own.order_by().values_list("status").annotate(n=Count("pk")))
    received = inbox.InboxFilters(school_year=year, unit=unit)
    if has_inbox:
        by_state = {s: n for s, n in by_state.items() if s not in RECEIVED_STATES}
        by_state.update(inbox.dossier_status_counts(user, received, today=today))
        nominations = inbox.nomination_status_counts(user, received, today=today)
    else:
        nominations = dict(
            Nomination.objects.filter(dossier__in=own).order_by().values_list("status").annotate(n=Count("pk"))
        )

    def dossier_url(state: str) -> str:
        if has_inbox and state in RECEIVED_STATES:
            return _url("nominations:inbox", trang_thai=state, nam_hoc=year, unit=unit.pk)
        return _url("nominations:dossier_list", trang_thai=state, nam_hoc=year, unit=unit.pk)

    def nomination_url(state: str) -> str:
        if has_inbox:
            return _url("nominations:inbox", tab="de-nghi", trang_thai_de_nghi=state, nam_hoc=year, unit=unit.pk)
        return _url("nominations:dossier_list", nam_hoc=year, unit=unit.pk)

    overdue = 0
    if has_inbox:
        overdue = (
            inbox.inbox_dossiers(
                user, inbox.InboxFilters(school_year=year, deadline=inbox.OVERDUE, unit=unit), today=today
            )
            .order_by()
            .count()
        )
    received_total = sum(n for s, n in by_state.items() if s in RECEIVED_STATES) if has_inbox else 0
    return {
        "dossiers": [
            StateCount(s, label, by_state.get(s, 0), dossier_url(s))
            for s, label in DossierStatus.choices
            if by_state.get(s)
        ],
        "dossier_total": sum(by_state.values()),
        # The counter card: what reached the user's inbox, else the dossiers of her own units.
        "dossier_card": (
            ("Hồ sơ gửi đến", received_total, _url("nominations:inbox", nam_hoc=year, unit=unit.pk))
            if has_inbox
            else ("Hồ sơ đề nghị", sum(by_state.values()), _url("nominations:dossier_list", nam_hoc=year, unit=unit.pk))
        ),
        "nominations": [
            StateCount(s, label, nominations.get(s, 0), nomination_url(s))
            for s, label in NominationStatus.choices
            if nominations.get(s)
        ],
        "nomination_total": sum(nominations.values()),
        "overdue_appraisals": overdue,
        "overdue_url": _url("nominations:inbox", han=inbox.OVERDUE, nam_hoc=year, unit=unit.pk) if has_inbox else "",
    }


# --- awards by type and year, and who receives them --------------------------------------------------------


@dataclass
class AwardTypeRow:
    code: str
    name: str
    cells: list[tuple[int, int, str]]  # (year, count, url)

    @property
    def total(self) -> int:
        return sum(n for _, n, _ in self.cells)


@dataclass
class ShareRow:
    year: int
    label: str
    url: str
    managers: int = 0
    staff: int = 0  # teachers, staff and workers: people who are not managers
    teams: int = 0
    units: int = 0  # whole units (schools, Phòng, Sở)
    # The year's records of each group (`awards.filters.RecordFilter` `quan_ly`, `loai_tap_the`).
    managers_url: str = ""
    staff_url: str = ""
    teams_url: str = ""
    units_url: str = ""

    @staticmethod
    def _percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def staff_percent(self) -> int | None:
        return self._percent(self.staff, self.staff + self.managers)

    @property
    def team_percent(self) -> int | None:
        return self._percent(self.teams, self.teams + self.units)


@dataclass
class AwardNames:
    """The latest name and rank of every award code, and the code of every award type row (one query)."""

    names: dict[str, str]
    ranks: dict[str, int]
    codes: dict[int, str]  # AwardType pk → code (a code has one row per version)


def _award_names() -> AwardNames:
    names, ranks, codes = {}, {}, {}
    for pk, code, name, rank in AwardType.objects.order_by("effective_from", "id").values_list(
        "pk", "code", "name", "rank"
    ):
        names[code], ranks[code], codes[pk] = name, rank, code
    return AwardNames(names, ranks, codes)


# The records of the subtree, read on the records alone: the record's own path (AwardRecord.unit_path, the
# person's unit's or the collective's own: index `awardrecord_path_year`) with no join to units_person or
# units_unit, whose row estimates go wrong under stale statistics (a planner that believes units_person empty
# drove the join from it: the dashboards cancelled at 1 s). What the recipients add (a person's manager flag,
# a unit's kind and parent) comes from lists read on their own tables by key or from the path itself.


def _records(user, unit: Unit, *fields: str, **filters):
    """Records in force of the people and collectives the user reads in the subtree: (*fields, n) rows."""
    return (
        AwardRecord.objects.filter(award_selectors.record_scope_q(user), unit_path__startswith=unit.path)
        .filter(revocation__isnull=True, **filters)
        .order_by()
        .values_list(*fields)
        .annotate(n=Count("award_type_id"))
    )


def _unit_kinds(user, unit: Unit) -> dict[int, str]:
    """pk → kind of every unit of the subtree the user reads, teams included (one query on units_unit)."""
    return dict(units_in_scope(user, unit).order_by().values_list("pk", "kind"))


def _owner(path: str, kinds: dict[int, str]) -> tuple[int, str, int | None]:
    """(unit id, kind, parent id) of the unit a record's `unit_path` names: its last id, its parent the one
    before (paths hold every ancestor)."""
    ids = path.strip("/").split("/")
    pk = int(ids[-1])
    return pk, kinds.get(pk, ""), int(ids[-2]) if len(ids) > 1 else None


@dataclass
class YearCount:
    """Awards of the chosen year of one recipient unit (a person's unit, or the collective) and one type."""

    type_id: int
    unit_id: int
    kind: str
    parent_id: int | None
    path: str
    n: int


def _year_counts(user, unit: Unit, year: int, kinds: dict[int, str] | None = None) -> list[YearCount]:
    """The year's awards in force by type and recipient unit (one query, and `_unit_kinds` when `kinds` is not
    given): the quotas and the units below. A person's record counts for the person's unit, which is the unit
    its `unit_path` names, as a collective's does."""
    kinds = _unit_kinds(user, unit) if kinds is None else kinds
    rows = _records(user, unit, "award_type_id", "unit_path", school_year=year)
    return [YearCount(type_id, *_owner(path, kinds), path, n) for type_id, path, n in rows]


def award_figures(
    user,
    unit: Unit,
    year: int,
    today: datetime.date,
    award_names: AwardNames | None = None,
    kinds: dict[int, str] | None = None,
) -> dict:
    """Awards in force (not revoked) of the subtree's people and collectives the user reads, by type and school
    year over `YEARS_SHOWN` years, and the shares by recipient group. Two queries, and `_award_names` and
    `_unit_kinds` when not given: the managers the user reads in the subtree (their ids: a few thousand at the
    Sở), then the records counted by type and year, each group by a FILTER on the record's own columns."""
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    award_names = award_names or _award_names()
    kinds = _unit_kinds(user, unit) if kinds is None else kinds
    names, ranks, type_codes = award_names.names, award_names.ranks, award_names.codes
    managers = list(people_in_scope(user, unit).filter(is_manager=True).order_by().values_list("pk", flat=True))
    # A collective is a team or a whole unit: the shorter of the two id lists goes into the query.
    teams = [pk for pk, kind in kinds.items() if kind == UnitKind.TEAM]
    whole = [pk for pk, kind in kinds.items() if kind != UnitKind.TEAM]
    by_teams = len(teams) <= len(whole)
    counted = _records(user, unit, "award_type_id", "school_year", school_year__in=years).annotate(
        people=Count("award_type_id", filter=Q(person__isnull=False)),
        managers=Count("award_type_id", filter=Q(person_id__in=managers)),
        listed=Count("award_type_id", filter=Q(unit_id__in=teams if by_teams else whole)),
    )
    counts = Counter()
    shares = {y: ShareRow(y, school_year_label(y), "") for y in years}
    for type_id, school_year, n, people, in_managers, listed in counted:
        counts[(type_codes[type_id], school_year)] += n
        share = shares[school_year]
        share.managers += in_managers
        share.staff += people - in_managers
        share.teams += listed if by_teams else n - people - listed
        share.units += n - people - listed if by_teams else listed
    # The records list filters by the codes in force today only; an older code links to the year alone.
    filterable = {code for code, _ in award_selectors.award_choices(on_date=today)}
    history = reverse("awards:unit_history", args=[unit.pk])

    def records_url(school_year: int, code: str = "", **group) -> str:
        params = {"school_year": school_year, "revoked": "false"}
        if code in filterable:
            params["award"] = code
        return f"{history}?{urlencode(params | group)}"

    codes = sorted({code for code, _ in counts}, key=lambda c: (ranks.get(c, 0), c))
    rows = [
        AwardTypeRow(code, names.get(code, code), [(y, counts[(code, y)], records_url(y, code)) for y in years])
        for code in codes
    ]
    for share in shares.values():
        share.url = records_url(share.year)
        share.staff_url = records_url(share.year, quan_ly=record_filters.STAFF)
        share.managers_url = records_url(share.year, quan_ly=record_filters.MANAGER)
        share.teams_url = records_url(share.year, loai_tap_the=record_filters.TEAM)
        share.units_url = records_url(share.year, loai_tap_the=record_filters.WHOLE_UNIT)
    totals = [(y, sum(counts[(c, y)] for c in codes), records_url(y)) for y in years]
    return {
        "years": [(y, school_year_label(y)) for y in years],
        "award_rows": rows,
        "award_totals": totals,
        "year_total": sum(counts[(c, year)] for c in codes),
        "shares": [shares[y] for y in years],
    }


# --- quotas ------------------------------------------------------------------------------------------------


@dataclass
class QuotaRow:
    unit_id: int
    unit_name: str
    code: str
    award_name: str
    decided: int
    allowed: int | None
    base_name: str
    base: int | None
    url: str

    @property
    def is_over(self) -> bool:
        return self.allowed is not None and self.decided > self.allowed

    @property
    def percent(self) -> int | None:
        if self.allowed is None:
            return None
        return round(100 * self.decided / self.allowed) if self.allowed else (100 if not self.decided else 999)


def quota_figures(
    user, unit: Unit, year: int, units: dict[int, str], today, year_counts=None, award_names=None
) -> dict:
    """Each unit of the subtree (teams counted with their school) against each legal quota in force today
    (`AwardRule` of kind «quota», the latest of a code winning, as in `awards.engine.quota_usage`): awards of
    the year decided for its people and collectives, and what the quota allows from its base title (e.g. 15 %
    of its Lao động tiên tiến). `units`: pk → name of the subtree's units (teams aside) the user reads;
    `year_counts` (`_year_counts`) and `award_names` are read here when not given."""
    rules = {}
    for rule in (
        AwardRule.objects.filter(in_force_q(today), kind=RuleKind.QUOTA)
        .exclude(award_code=WILDCARD)
        .order_by("effective_from", "id")
    ):
        rules[rule.award_code] = with_defaults(RuleKind.QUOTA, rule.params)
    if not rules:
        return {"quotas": [], "quota_units": 0, "quota_over": 0, "quota_more": 0}
    codes = set(rules) | {p["base_title"] for p in rules.values() if p.get("base_title")}
    award_names = award_names or _award_names()
    names = award_names.names
    counts = Counter()
    for row in _year_counts(user, unit, year) if year_counts is None else year_counts:
        code = award_names.codes[row.type_id]
        if code not in codes:
            continue
        owner = row.parent_id if row.kind == UnitKind.TEAM else row.unit_id  # a team's awards count for its school
        if owner in units:
            counts[(owner, code)] += row.n
    rows = []
    owners = sorted({owner for owner, _ in counts})
    for owner in owners:
        for code, params in sorted(rules.items()):
            base_code = params.get("base_title") or ""
            base = counts[(owner, base_code)] if base_code else None
            if base_code and not base:
                continue  # no base title decided yet: no limit known (the unit's own page says so)
            allowed, _how = quota_allowed(base, params)
            decided = counts[(owner, code)]
            if allowed is None and not decided:
                continue
            rows.append(
                QuotaRow(
                    owner,
                    units[owner],
                    code,
                    names.get(code, code),
                    decided,
                    allowed,
                    names.get(base_code, base_code),
                    base,
                    "",
                )
            )
    rows.sort(key=lambda r: (not r.is_over, -(r.percent or 0), r.unit_name, r.code))
    for row in rows[:QUOTA_ROWS]:  # the listed rows' links only (a Sở has hundreds of rows)
        row.url = _url("awards:unit_history", [row.unit_id], school_year=year, award=row.code, revoked="false")
    return {
        "quotas": rows[:QUOTA_ROWS],
        "quota_units": len({r.unit_id for r in rows}),
        "quota_over": len({r.unit_id for r in rows if r.is_over}),
        "quota_more": max(0, len(rows) - QUOTA_ROWS),
    }


# --- the units directly below -------------------------------------------------------------------------------


@dataclass
class ChildRow:
    unit_id: int
    name: str
    url: str
    expected: int = 0
    submitted: int = 0
    dossiers_sent: int = 0
    awards: int = 0


def child_figures(user, unit: Unit, year: int, units_rows, campaign_rows, year_counts=None) -> list[ChildRow]:
    """For a Phòng or the Sở: per unit directly below (teams aside), registrations submitted against expected in
    the year's campaigns, dossiers sent upward and awards of the year. One query, and `_year_counts` when
    `year_counts` is not given."""
    depth = len(unit.path.strip("/").split("/"))
    children = {
        pk: ChildRow(pk, name, _url("workbench:dashboard", unit=pk, nam=year))
        for pk, path, kind, name in units_rows
        if _child_id(path, depth) == pk
    }
    if not children:
        return []
    child_of = {pk: _child_id(path, depth) for pk, path, *_ in units_rows}
    expected, submitted = Counter(), Counter()
    tallied = {}  # campaigns of a year mostly share their expected units: count each set once
    for row in campaign_rows:
        key = id(row.expected_ids)
        if key not in tallied:
            tallied[key] = Counter(child_of[u] for u in row.expected_ids)
        expected.update(tallied[key])
        submitted.update(child_of[u] for u in row.submitted_ids)
    for child, row in children.items():
        row.expected, row.submitted = expected[child], submitted[child]
    for path, n in (
        Dossier.objects.filter(
            scope_q(user, Cap.READ, "unit", model=Dossier),
            unit_path__startswith=unit.path,
            school_year=year,
            status__in=RECEIVED_STATES,
        )
        .order_by()
        .values_list("unit_path")
        .annotate(n=Count("pk"))
    ):
        child = _child_id(path, depth)
        if child in children:
            children[child].dossiers_sent += n
    for row in _year_counts(user, unit, year) if year_counts is None else year_counts:
        child = _child_id(row.path, depth)
        if child in children:
            children[child].awards += row.n
    return sorted(children.values(), key=lambda c: c.name)


# --- the whole page ---------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    unit: Unit
    year: int
    level: str
    campaigns: list[CampaignRow] = field(default_factory=list)
    late_deadlines: list[LateDeadline] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    children: list[ChildRow] = field(default_factory=list)
    children_more: int = 0  # units below left out of the list (more than CHILD_ROWS)

    @property
    def year_label(self) -> str:
        return school_year_label(self.year)

    @property
    def campaigns_shown(self) -> list[CampaignRow]:
        """The `CAMPAIGN_ROWS` campaigns expected from the most units, in the list's order (the figures above
        count every campaign)."""
        if len(self.campaigns) <= CAMPAIGN_ROWS:
            return self.campaigns
        ranked = sorted(range(len(self.campaigns)), key=lambda i: -self.campaigns[i].expected)
        return [self.campaigns[i] for i in sorted(ranked[:CAMPAIGN_ROWS])]

    @property
    def campaigns_more(self) -> int:
        return max(0, len(self.campaigns) - CAMPAIGN_ROWS)

    @property
    def expected(self) -> int:
        return sum(r.expected for r in self.campaigns)

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.campaigns)

    @property
    def late_units(self) -> int:
        return sum(d.late for d in self.late_deadlines)


def dashboard_for(user, unit: Unit, year: int, *, today: datetime.date | None = None) -> Dashboard:
    """Every figure of `unit`'s dashboard for `user` in school year `year` (see the module's docstring)."""
    today = today or timezone.localdate()
    # The subtree's units the user reads (at the Sở about 6,000 with the teams: one query of short tuples): the
    # kinds name the recipients of the award records; teams aside (about 1,600), they are matched in Python
    # against campaign reach, deadlines and paths.
    all_rows = list(units_in_scope(user, unit).order_by().values_list("pk", "path", "kind", "name"))
    kinds = {pk: kind for pk, _, kind, _ in all_rows}
    units_rows = [row for row in all_rows if row[2] != UnitKind.TEAM or row[0] == unit.pk]
    units = [(pk, path, kind) for pk, path, kind, _ in units_rows]
    names = {pk: name for pk, _, _, name in units_rows}
    campaign_part = campaign_figures(user, unit, year, units, today)
    dashboard = Dashboard(
        unit=unit,
        year=year,
        level=level_label(unit),
        campaigns=campaign_part["campaigns"],
        late_deadlines=campaign_part["late_deadlines"],
    )
    dashboard.figures.update(dossier_figures(user, unit, year, today))
    award_names = _award_names()
    year_counts = _year_counts(user, unit, year, kinds)
    dashboard.figures.update(award_figures(user, unit, year, today, award_names, kinds))
    dashboard.figures.update(quota_figures(user, unit, year, names, today, year_counts, award_names))
    if unit.kind != UnitKind.SCHOOL:
        children = child_figures(user, unit, year, units_rows, dashboard.campaigns, year_counts)
        dashboard.children, dashboard.children_more = children[:CHILD_ROWS], max(0, len(children) - CHILD_ROWS)
    return dashboard
