"""Routing and roll-up (tổng hợp trình cấp trên), and the path of one proposal through the levels.

A receiving level (a Phòng GD&ĐT, a UBND xã, the Sở) appraises a dossier; the nominations it accepted (or
its council approved) for awards it cannot decide itself are gathered into its OWN dossier addressed to the
next unit of the award's route. Each new nomination copies the lower one (nominee, award, summary, verdict,
reviewer's override, achievement report, initiatives) and points at the same stored evidence files, with
`source` set to the lower nomination; the lower nomination goes to «Đã trình cấp trên» through the workflow.

Where an award goes next from a level (`next_hop`): the level's own route (`awards.routing.routes_for`, the
rule `sent_fields` applies when the roll-up dossier is sent); when no route is configured there, the route of
the school the proposal started from, if the level is on it. Awards of different deciders make different
dossiers (CSTĐCS to the UBND huyện, Bằng khen tỉnh to the Sở): one draft per (next unit, round, school year,
campaign), reused while still a draft.

`chain_down` / `chain_up` walk the `source` link; `nomination_path` is what the path page shows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from awards.routing import RouteStatus, routes_for
from core import workflow
from core.exceptions import ServiceError
from core.models import TransitionLog
from notifications.services import notify, users_with_roles
from units.enums import Role
from units.models import Person, Unit
from units.rules import Cap, require

from .enums import DossierStatus as D
from .enums import NominationStatus as N
from .models import AchievementReport, Attachment, Dossier, Nomination
from .workflows import may_appraise

# A route has few levels (school → Phòng → UBND huyện / Sở → UBND tỉnh …); a cap stops a corrupt cycle.
MAX_LEVELS = 10
# What a level carries up: what it accepted, or what its council approved.
ROLLUP_SOURCES = (N.ACCEPTED, N.APPROVED_BY_COUNCIL)
# The lower dossier's states in which its nominations may be forwarded (the workflow's own rule).
ROLLUP_DOSSIER_STATES = (D.UNDER_APPRAISAL, D.APPRAISED)

UP, SELF, UNROUTED = "up", "self", "unrouted"
REPORT_FIELDS = (
    "profile",
    "duties",
    "results",
    "measures",
    "initiatives_text",
    "compliance",
    "awards_received",
    "prefilled_at",
    "updated_by",
)


# --- the source chain ---------------------------------------------------------------------------


def chain_down(nomination: Nomination) -> list[Nomination]:
    """The lower nominations this one rolls up from, nearest first (its source, the source's source, …).

    One query per level (a route has a handful of levels); each row comes with its dossier and unit.
    """
    lower: list[Nomination] = []
    seen = {nomination.pk}
    source_id = nomination.source_id
    while source_id is not None and source_id not in seen and len(lower) < MAX_LEVELS:
        current = Nomination.objects.select_related("dossier__unit", "award_type").get(pk=source_id)
        lower.append(current)
        seen.add(current.pk)
        source_id = current.source_id
    return lower


def chain_up(nomination: Nomination) -> list[Nomination]:
    """The higher nominations made from this one by roll-ups, nearest first. One query per level."""
    upper: list[Nomination] = []
    seen = {nomination.pk}
    current = nomination
    while len(upper) < MAX_LEVELS:
        current = (
            Nomination.objects.filter(source=current)
            .select_related("dossier__unit", "award_type")
            .order_by("pk")
            .first()
        )
        if current is None or current.pk in seen:
            break
        upper.append(current)
        seen.add(current.pk)
    return upper


def _origins(nominations) -> dict[int, int]:
    """nomination pk → pk of the dossier its chain started in (the school's), one query per level."""
    origin = {n.pk: (n.source_id, n.dossier_id) for n in nominations}
    pending = {pk: src for pk, (src, _) in origin.items() if src}
    dossier_of = {pk: d for pk, (_, d) in origin.items()}
    for _ in range(MAX_LEVELS):
        if not pending:
            break
        rows = dict(
            (pk, (src, dossier))
            for pk, src, dossier in Nomination.objects.filter(pk__in=set(pending.values())).values_list(
                "pk", "source_id", "dossier_id"
            )
        )
        following = {}
        for pk, src in pending.items():
            next_src, dossier = rows[src]
            dossier_of[pk] = dossier
            if next_src:
                following[pk] = next_src
        pending = following
    return dossier_of


# --- where each nomination goes from a level ----------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    """One nomination of the lower dossier and where the level sends it: `UP` to `next_unit`, `SELF` (the level
    decides), `UNROUTED` (no route configured: stays, with the explanation)."""

    nomination: Nomination
    destination: str
    next_unit: Unit | None
    explanation: str


def next_hop(level: Unit, nominations, on_date: datetime.date) -> dict[int, tuple[str, Unit | None, str]]:
    """nomination pk → (destination, next unit, Vietnamese explanation) from `level` on `on_date`.

    Three queries for the level's routes, plus three per distinct origin school only for awards the level has
    no route for (the UBND huyện deciding a CSTĐCS on the route of the school's Phòng row).
    """
    nominations = list(nominations)
    codes = list(dict.fromkeys(n.award_type.code for n in nominations))
    own = {r.award_code: r for r in routes_for(level, codes, on_date)} if codes else {}
    result = {}
    fallback = []
    for n in nominations:
        r = own[n.award_type.code]
        if r.status == RouteStatus.ROUTED and len(r.chain) > 1:
            result[n.pk] = (UP, r.chain[1], r.explanation)
        elif r.status == RouteStatus.SELF:
            result[n.pk] = (SELF, None, f"{n.award_type.name}: {level.name} quyết định, không trình cấp trên.")
        else:
            fallback.append(n)
    if fallback:
        origin_dossiers = _origins(fallback)
        units = {
            d.pk: d.unit for d in Dossier.objects.filter(pk__in=set(origin_dossiers.values())).select_related("unit")
        }
        by_origin = defaultdict(list)
        for n in fallback:
            by_origin[units[origin_dossiers[n.pk]]].append(n)
        for origin, group in by_origin.items():
            routes = {r.award_code: r for r in routes_for(origin, [n.award_type.code for n in group], on_date)}
            for n in group:
                r = routes[n.award_type.code]
                chain_ids = [u.pk for u in r.chain]
                if r.is_configured and level.pk in chain_ids:
                    index = chain_ids.index(level.pk)
                    if index == len(chain_ids) - 1:
                        result[n.pk] = (SELF, None, f"{n.award_type.name}: {level.name} quyết định ({r.explanation})")
                    else:
                        result[n.pk] = (UP, r.chain[index + 1], r.explanation)
                else:
                    result[n.pk] = (UNROUTED, None, own[n.award_type.code].explanation)
    return result


def rollup_plan(dossier: Dossier, *, on_date: datetime.date | None = None) -> list[PlanLine]:
    """The nominations of `dossier` its receiving level could carry up now, each with where it goes."""
    level = dossier.receiving_unit
    if level is None or dossier.status not in ROLLUP_DOSSIER_STATES:
        return []
    rows = list(dossier.nominations.filter(status__in=ROLLUP_SOURCES).select_related("person", "unit", "award_type"))
    hops = next_hop(level, rows, on_date or timezone.localdate())
    return [PlanLine(n, *hops[n.pk]) for n in rows]


def rolled_up(dossier: Dossier) -> list[Nomination]:
    """The higher nominations already made from this dossier's nominations, with their dossiers."""
    return list(
        Nomination.objects.filter(source__dossier=dossier)
        .select_related("dossier__unit", "dossier__receiving_unit", "award_type", "source", "person", "unit")
        .order_by("dossier_id", "pk")
    )


def may_roll_up(user, dossier: Dossier) -> bool:
    """The button and the page: APPRAISE on the level that received the dossier (the kernel's one answer)."""
    return may_appraise(user, dossier)


# --- the service --------------------------------------------------------------------------------


def _upper_dossier(*, level: Unit, lower: Dossier, next_unit: Unit, by) -> Dossier:
    existing = (
        Dossier.objects.select_for_update(of=("self",))
        .filter(
            unit=level,
            round_kind=lower.round_kind,
            school_year=lower.school_year,
            campaign_id=lower.campaign_id,
            receiving_unit=next_unit,
            status=D.DRAFT,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    return Dossier.objects.create(
        unit=level,
        round_kind=lower.round_kind,
        school_year=lower.school_year,
        campaign_id=lower.campaign_id,
        procedure=lower.procedure,
        receiving_unit=next_unit,
        title=f"Tổng hợp đề nghị khen thưởng trình {next_unit.name}"[:500],
        created_by=by,
    )


def _copy_up(lower: Nomination, upper_dossier: Dossier) -> Nomination:
    """The higher nomination of `lower` in `upper_dossier` (created, or the one a previous roll-up made)."""
    same = Nomination.objects.filter(dossier=upper_dossier, award_type__code=lower.award_type.code)
    same = same.filter(person_id=lower.person_id) if lower.person_id else same.filter(unit_id=lower.unit_id)
    existing = same.first()
    if existing is not None:
        if existing.source_id == lower.pk:
            return existing
        raise ServiceError(
            f"Hồ sơ trình {upper_dossier.receiving_unit.name} đã có đề nghị «{lower.award_type.name}» "
            f"cho {lower.candidate_name} lập riêng; xoá đề nghị đó hoặc trình riêng trước khi tổng hợp."
        )
    upper = Nomination.objects.create(
        dossier=upper_dossier,
        person_id=lower.person_id,
        unit_id=lower.unit_id,
        award_type_id=lower.award_type_id,
        summary=lower.summary,
        verdict=lower.verdict,
        reasons=lower.reasons,
        checked_at=lower.checked_at,
        overridden_by_id=lower.overridden_by_id,
        overridden_at=lower.overridden_at,
        override_criterion=lower.override_criterion,
        override_reason=lower.override_reason,
        source=lower,
    )
    upper.initiatives.set(lower.initiatives.all())
    # The same stored file, a second row: nothing is uploaded again (attachment_delete keeps a file
    # another row still points at).
    Attachment.objects.bulk_create(
        Attachment(
            nomination=upper,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            description=a.description,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in lower.attachments.all()
    )
    report = AchievementReport.objects.filter(nomination=lower).first()
    if report is not None:
        AchievementReport.objects.create(nomination=upper, **{f: getattr(report, f) for f in REPORT_FIELDS})
    return upper


@transaction.atomic
def rollup_forward(*, by, dossier: Dossier, nomination_ids=None, today: datetime.date | None = None) -> list[Dossier]:
    """The receiving level of `dossier` (APPRAISE there) carries its accepted or council-approved nominations
    for awards it cannot decide itself up the route, into its own draft dossiers; returns those dossiers.

    `nomination_ids` limits it to those nominations (each must be waiting and routed upward, else a refusal
    naming it); without it, every routed one goes and those the level decides itself, or has no route for,
    stay. A repeat (double click, a second reviewer) finds them forwarded and creates nothing.
    Side effects: the roll-up dossiers (one draft per next unit, round, school year and campaign, reused
    while a draft) and their nominations, attachment rows, achievement reports and initiative links; the
    lower nominations «Đã trình cấp trên» (workflow history rows, and the workflow's notice to the lower
    dossier's unit); when that unit is itself a roll-up level, a notice to the head and secretaries of each
    school the proposals started from.
    """
    if by is None:
        raise ServiceError("Tổng hợp trình cấp trên phải do chuyên viên hoặc thủ trưởng đơn vị tiếp nhận thực hiện.")
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("unit", "receiving_unit", "campaign")
        .get(pk=dossier.pk)
    )
    level = locked.receiving_unit
    if level is None:
        raise ServiceError("Hồ sơ chưa có đơn vị tiếp nhận.")
    require(by, Cap.APPRAISE, level)
    if locked.status not in ROLLUP_DOSSIER_STATES:
        raise ServiceError(
            f"Hồ sơ đang ở trạng thái «{locked.get_status_display()}»: chỉ tổng hợp trình cấp trên khi hồ sơ "
            "đang thẩm định hoặc đã thẩm định."
        )
    # Two schools' dossiers rolled up at once into the same draft: one at a time per level.
    Unit.objects.select_for_update().get(pk=level.pk)
    rows = list(
        locked.nominations.select_for_update(of=("self",))
        .select_related("person", "unit", "award_type")
        .prefetch_related("attachments", "initiatives")
        .order_by("pk")
    )
    waiting = [n for n in rows if n.status in ROLLUP_SOURCES]
    if nomination_ids is not None:
        wanted = {int(pk) for pk in nomination_ids}
        known = {n.pk: n for n in rows}
        if not wanted or not wanted <= set(known):
            raise ServiceError("Chọn các đề nghị của hồ sơ này để trình cấp trên.")
        for pk in sorted(wanted):
            n = known[pk]
            if n.status not in (*ROLLUP_SOURCES, N.FORWARDED):
                raise ServiceError(
                    f"Đề nghị «{n.award_type.name}» của {n.candidate_name} đang ở trạng thái "
                    f"«{n.get_status_display()}»: chỉ trình cấp trên đề nghị đã chấp nhận hoặc Hội đồng thông qua."
                )
        waiting = [n for n in waiting if n.pk in wanted]
    day = today or timezone.localdate()
    hops = next_hop(level, waiting, day)
    going = []
    for n in waiting:
        destination, next_unit, explanation = hops[n.pk]
        if destination == UP:
            going.append((n, next_unit))
        elif nomination_ids is not None:
            raise ServiceError(f"Không trình cấp trên được đề nghị của {n.candidate_name}: {explanation}")
    if not going:
        done = {n.dossier for n in rolled_up(locked)}
        if done:
            return sorted(done, key=lambda d: d.pk)  # a repeat: what could go has gone already
        raise ServiceError(
            "Không có đề nghị nào cần trình cấp trên: các đề nghị đã chấp nhận đều do "
            f"{level.name} quyết định hoặc chưa có tuyến trình."
        )
    uppers: dict[int, Dossier] = {}
    for n, next_unit in going:
        if next_unit.pk not in uppers:
            uppers[next_unit.pk] = _upper_dossier(level=level, lower=locked, next_unit=next_unit, by=by)
        _copy_up(n, uppers[next_unit.pk])
        workflow.transition(n, "forward", by=by, version=None, today=day)
    _notify_origins(level, locked, [n for n, _ in going], {n.pk: next_unit for n, next_unit in going})
    return sorted(uppers.values(), key=lambda d: d.pk)


def _notify_origins(level: Unit, lower: Dossier, forwarded: list[Nomination], next_units: dict[int, Unit]) -> None:
    """One notice per school whose proposals moved up from a level above its own receiving level: who, which
    award, to whom. (The unit of the lower dossier itself hears of each forward from the workflow's effect.)"""
    origin_of = {pk: d for pk, d in _origins(forwarded).items() if d != lower.pk}
    forwarded = [n for n in forwarded if n.pk in origin_of]
    if not forwarded:
        return
    origins = {d.pk: d for d in Dossier.objects.filter(pk__in=set(origin_of.values())).select_related("unit")}
    recipients = users_with_roles({d.unit_id for d in origins.values()}, {Role.HEAD, Role.SECRETARY})
    grouped = defaultdict(list)
    for n in forwarded:
        grouped[origin_of[n.pk]].append(n)
    for dossier_pk, group in grouped.items():
        origin = origins[dossier_pk]
        shown = "; ".join(f"«{n.award_type.name}» của {n.candidate_name} → {next_units[n.pk].name}" for n in group[:5])
        more = f" và {len(group) - 5} đề nghị khác" if len(group) > 5 else ""
        notify(
            users=recipients.get(origin.unit_id, []),
            message=f"{level.name} đã tổng hợp trình cấp trên {len(group)} đề nghị của đơn vị: {shown}{more}.",
            url=origin.get_absolute_url(),
        )


# --- the path page ------------------------------------------------------------------------------


@dataclass
class PathStep:
    """One transition of a nomination at one level, as the path page shows it."""

    at: datetime.datetime
    by: str
    action: str
    to_state: str
    comment: str


@dataclass
class PathLevel:
    """One level of the path: the nomination there, its dossier, and what the user may see of it.

    `full`: the user may read that level's dossier: link, history with names and comments. Otherwise (a
    higher level seen from a school) only the units, the statuses and the decision number.
    """

    nomination: Nomination
    full: bool
    steps: list[PathStep] = field(default_factory=list)

    @property
    def dossier(self) -> Dossier:
        return self.nomination.dossier


def _attach_people_and_units(nominations) -> None:
    """Set each nomination's person, unit and its dossier's units, read by key (two queries): no join of the
    nominations with units_person and units_unit, whose estimates go wrong under stale statistics (believing
    units_person empty, PostgreSQL read all the people once per row: the path page was cancelled at 1 s)."""
    nominations = list(nominations)
    unit_ids = {i for n in nominations for i in (n.unit_id, n.dossier.unit_id, n.dossier.receiving_unit_id) if i}
    person_ids = {n.person_id for n in nominations if n.person_id}
    units = Unit._base_manager.in_bulk(unit_ids) if unit_ids else {}
    people = Person._base_manager.in_bulk(person_ids) if person_ids else {}
    for n in nominations:
        n.person = people.get(n.person_id) if n.person_id else None
        n.unit = units.get(n.unit_id) if n.unit_id else None
        n.dossier.unit = units[n.dossier.unit_id]
        n.dossier.receiving_unit = units.get(n.dossier.receiving_unit_id) if n.dossier.receiving_unit_id else None


def nomination_path(user, pk) -> list[PathLevel]:
    """The path of the nomination `pk` from the school's original nomination up through every level.

    Visible (else 404) to whoever may read the dossier of any nomination of the chain. Levels below the
    lowest one the user may read are left out; levels above it the user may not read show their units,
    statuses and decision, not the names and comments of that level's reviewers.
    """
    from .selectors import dossiers_visible_to

    try:
        start = Nomination.objects.select_related("dossier__unit", "award_type").get(pk=int(pk))
    except (Nomination.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    chain = [*reversed(chain_down(start)), start, *chain_up(start)]
    ids = [n.pk for n in chain]
    rows = {n.pk: n for n in Nomination.objects.filter(pk__in=ids).select_related("dossier", "award_type", "decision")}
    _attach_people_and_units(rows.values())
    chain = [rows[pk] for pk in ids]
    visible = set(dossiers_visible_to(user).filter(pk__in=[n.dossier_id for n in chain]).values_list("pk", flat=True))
    first = next((i for i, n in enumerate(chain) if n.dossier_id in visible), None)
    if first is None:
        raise Http404
    levels = [PathLevel(nomination=n, full=n.dossier_id in visible) for n in chain[first:]]
    wf = workflow.workflow_for(Nomination)
    logs = defaultdict(list)
    for log in TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Nomination),
        object_id__in=[lv.nomination.pk for lv in levels if lv.full],
    ).select_related("by"):
        logs[log.object_id].append(
            PathStep(
                at=log.at,
                by=log.by.get_full_name() or log.by.username,
                action=wf.action_label(log.action),
                to_state=wf.state_label(log.to_state),
                comment=log.comment,
            )
        )
    for level in levels:
        level.steps = logs.get(level.nomination.pk, [])
    return levels
