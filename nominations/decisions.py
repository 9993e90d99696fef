"""Decisions (quyết định khen thưởng): recording one, revoking one, and the reads their pages show.

The deciding level (whoever may APPRAISE the unit that received the dossiers) records a decision: one
`awards.AwardRecord` per granted nomination, linked both ways (`Nomination.award_record`,
`Nomination.decision`), each nomination moved to "awarded" / "not awarded" through the nomination
workflow, and the nominations below it in the roll-up chain (`Nomination.source`) marked with the same
outcome. A revocation (`awards.Revocation`) of the decision's records takes them out of every later
eligibility check and marks the nominations "đã thu hồi".

The awards app knows nothing of nominations: it is handed records to build and to revoke.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from awards.enums import AwardCategory, RecordSource
from awards.models import AwardRecord, AwardType, Revocation
from awards.routing import RouteStatus, routes_for
from awards.schoolyear import school_year_bounds, school_year_label
from awards.services.history import _build_record, decision_revoke
from core import workflow
from core.audit import acting_as, audited, bulk_create_audited
from core.exceptions import ServiceError
from core.models import TransitionLog
from core.text import nfc, search_key_q
from units.models import Unit
from units.rules import Cap, can, is_superuser, require, scope_q
from units.selectors import valid_pk

from .enums import DossierStatus, NominationStatus
from .models import Decision, Nomination
from .rollup import chain_down

# A decision grants nominations the deciding level accepted (or its council approved) ...
GRANTABLE_STATES = (NominationStatus.ACCEPTED, NominationStatus.APPROVED_BY_COUNCIL)
# ... in dossiers it is appraising or has appraised.
DECIDING_DOSSIER_STATES = (DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED)
DECIDED_STATES = (NominationStatus.AWARDED, NominationStatus.NOT_AWARDED)
NOT_FOUND = "Có đề nghị không thuộc hồ sơ gửi đến đơn vị này hoặc không tìm thấy. Vui lòng tải lại trang."


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def may_record_decision(user, dossier) -> bool:
    """The one predicate of the service, the view and the dossier page's button."""
    return (
        dossier.status in DECIDING_DOSSIER_STATES
        and dossier.receiving_unit_id is not None
        and can(user, Cap.APPRAISE, dossier.receiving_unit)
    )


def may_revoke_decision(user, decision: Decision) -> bool:
    """The level that recorded a decision records its revocation (APPRAISE on the deciding unit)."""
    return decision.revocation_id is None and can(user, Cap.APPRAISE, decision.deciding_unit)


def _origin_unit(nomination: Nomination) -> Unit:
    """The unit that first proposed the nomination: the bottom of its roll-up chain (the route starts there)."""
    lower = chain_down(nomination)
    return lower[-1].dossier.unit if lower else nomination.dossier.unit


def _authority_problems(nominations: list[Nomination], deciding_unit: Unit, on_date: datetime.date) -> list[str]:
    """For each nomination whose route (on the decision date, from the unit that first proposed it) does not
    have `deciding_unit` as its decider: who decides it instead, or why no route applies."""
    by_origin: dict[int, tuple[Unit, list[Nomination]]] = {}
    for n in nominations:
        origin = _origin_unit(n)
        by_origin.setdefault(origin.pk, (origin, []))[1].append(n)
    problems = []
    for origin, rows in by_origin.values():
        routes = {r.award_code: r for r in routes_for(origin, [n.award_type.code for n in rows], on_date)}
        for n in rows:
            r = routes[n.award_type.code]
            if not r.is_configured:
                problems.append(f"«{n.award_type.name}» của {n.candidate_name}: {r.explanation}")
                continue
            decider = r.decider if r.decider is not None else r.chain[0]
            if decider.pk != deciding_unit.pk:
                where = "tự quyết định" if r.status == RouteStatus.SELF else "quyết định"
                problems.append(
                    f"«{n.award_type.name}» của {n.candidate_name}: thẩm quyền «{r.authority_label}» thuộc "
                    f"{decider.name} ({decider.name} {where}), không phải {deciding_unit.name}"
                )
    return problems


def _is_repeat(existing: Decision, granted_ids: set[int], not_granted_ids: set[int]) -> bool:
    """The same decision sent again (a double click, a reload): every nomination named already carries it."""
    linked = set(existing.nominations.values_list("pk", flat=True))
    return (granted_ids | not_granted_ids) <= linked


@audited
@transaction.atomic
def decision_record(
    *,
    by,
    deciding_unit: Unit,
    number: str,
    date: datetime.date,
    signer: str,
    signer_title: str = "",
    issuer: str,
    excerpt: str = "",
    school_year: int,
    granted: Iterable[Nomination],
    not_granted: dict[Nomination, str] | None = None,
    today: datetime.date | None = None,
) -> Decision:
    """Record a quyết định khen thưởng of `deciding_unit` granting `granted` (and refusing `not_granted`,
    each with its reason). `by` must hold APPRAISE on `deciding_unit` (a user: never None).

    Side effects: a `Decision`; one `AwardRecord` per granted nomination (source "decided here", the
    decision's number, date and issuer), with history rows; each granted nomination moved to "awarded"
    with `decision` and `award_record` set, each refused one to "not awarded" with its reason as the
    comment; the nominations below each in the roll-up chain still "forwarded" moved alike (same decision);
    the workflow's notifications. Refuses, writing nothing: a missing number, date, signer or issuer; a
    date after today or before the school year began; a nomination not in a dossier received by the unit
    and under appraisal or appraised, not accepted (or approved by the council), already decided, or of
    another school year; an award whose route on the decision date is decided by another unit (which is
    named); a recipient already holding that award in that school year; the same number and date already
    used by the unit for another decision. The same decision sent again returns the one recorded.
    """
    require(by, Cap.APPRAISE, deciding_unit)
    today = today or timezone.localdate()
    number, signer, issuer = nfc(number or "").strip(), nfc(signer or "").strip(), nfc(issuer or "").strip()
    signer_title, excerpt = nfc(signer_title or "").strip(), nfc(excerpt or "").strip()
    if not number:
        raise ServiceError("Phải ghi số quyết định.")
    if date is None:
        raise ServiceError("Phải ghi ngày quyết định.")
    if not signer:
        raise ServiceError("Phải ghi người ký quyết định.")
    if not issuer:
        raise ServiceError("Phải ghi cơ quan ban hành quyết định.")
    if date > today:
        raise ServiceError(f"Ngày quyết định {_day(date)} không thể sau ngày hôm nay ({_day(today)}).")
    if date < school_year_bounds(school_year)[0]:
        raise ServiceError(f"Ngày quyết định {_day(date)} trước khi năm học {school_year_label(school_year)} bắt đầu.")
    granted_ids = {n.pk for n in granted}
    reasons = {n.pk: nfc(reason or "").strip() for n, reason in (not_granted or {}).items()}
    if not granted_ids:
        raise ServiceError("Phải chọn ít nhất một đề nghị được khen thưởng.")
    if granted_ids & set(reasons):
        raise ServiceError("Một đề nghị không thể vừa được vừa không được khen thưởng.")
    ids = granted_ids | set(reasons)
    # Locking the nominations serialises two submits of the same decision (a double click): the second
    # waits here, then finds them decided by the first and returns it.
    locked = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("dossier__unit", "dossier__receiving_unit", "person__unit", "unit__parent", "award_type")
        .order_by("pk")
    )
    if len(locked) != len(ids) or any(n.dossier.receiving_unit_id != deciding_unit.pk for n in locked):
        raise ServiceError(NOT_FOUND)
    existing = Decision.objects.filter(deciding_unit=deciding_unit, number=number, date=date).first()
    if existing is not None:
        if _is_repeat(existing, granted_ids, set(reasons)):
            return existing
        raise ServiceError(
            f"Số quyết định {number} ngày {_day(date)} đã được ghi cho {deciding_unit.name}; "
            "kiểm tra lại số hoặc ngày quyết định."
        )
    missing = [n.candidate_name for n in locked if n.pk in reasons and not reasons[n.pk]]
    if missing:
        raise ServiceError("Phải ghi lý do không được khen thưởng cho: " + ", ".join(missing) + ".")
    decided = [n.candidate_name for n in locked if n.decision_id is not None or n.status in DECIDED_STATES]
    if decided:
        raise ServiceError("Đề nghị đã có quyết định: " + ", ".join(decided) + ".")
    not_ready = [
        n.candidate_name
        for n in locked
        if n.status not in GRANTABLE_STATES or n.dossier.status not in DECIDING_DOSSIER_STATES
    ]
    if not_ready:
        raise ServiceError(
            "Chỉ ghi quyết định cho đề nghị đã chấp nhận (hoặc được Hội đồng TĐKT thông qua) trong hồ sơ đang "
            "hoặc đã thẩm định: " + ", ".join(not_ready) + "."
        )
    other_year = [n.candidate_name for n in locked if n.dossier.school_year != school_year]
    if other_year:
        raise ServiceError(
            f"Đề nghị không thuộc năm học {school_year_label(school_year)} của quyết định: "
            + ", ".join(other_year)
            + "."
        )
    problems = _authority_problems(locked, deciding_unit, date)
    if problems:
        raise ServiceError("Đơn vị không có thẩm quyền quyết định: " + "; ".join(problems) + ".")
    to_grant = [n for n in locked if n.pk in granted_ids]
    held = (
        AwardRecord.objects.in_force()
        .filter(
            Q(person_id__in=[n.person_id for n in to_grant if n.person_id])
            | Q(unit_id__in=[n.unit_id for n in to_grant if n.unit_id])
        )
        .filter(school_year=school_year, award_type__code__in={n.award_type.code for n in to_grant})
        .values_list("person_id", "unit_id", "award_type__code")
    )
    held = set(held)
    already = [n.candidate_name for n in to_grant if (n.person_id, n.unit_id, n.award_type.code) in held]
    if already:
        raise ServiceError(
            f"Đã có khen thưởng này trong năm học {school_year_label(school_year)}: " + ", ".join(already) + "."
        )
    catalog_rows = list(
        AwardType.objects.filter(code__in={n.award_type.code for n in to_grant}).order_by("effective_from")
    )
    records = [
        _build_record(
            catalog_rows=catalog_rows,
            award_code=n.award_type.code,
            school_year=school_year,
            person=n.person,
            unit=n.unit,
            decision_number=number,
            decision_date=date,
            issuer=issuer,
            source=RecordSource.DECIDED_HERE,
            by=by,
        )
        for n in to_grant
    ]
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                deciding_unit=deciding_unit,
                school_year=school_year,
                number=number,
                date=date,
                signer=signer,
                signer_title=signer_title,
                issuer=issuer,
                excerpt=excerpt,
                created_by=by,
            )
    except IntegrityError:  # the unique constraint, if another request slipped in between
        raise ServiceError(f"Số quyết định {number} ngày {_day(date)} đã được ghi cho {deciding_unit.name}.") from None
    records = bulk_create_audited(AwardRecord, records, by=by)
    if any(r.pk is None for r in records):  # a database without RETURNING on bulk inserts
        saved = AwardRecord.objects.filter(decision_number=number, decision_date=date, issuer=issuer)
        keys = {(r.person_id, r.unit_id, r.award_type_id): r for r in saved}
        records = [keys[(r.person_id, r.unit_id, r.award_type_id)] for r in records]
    for n, record in zip(to_grant, records, strict=True):
        workflow.transition(n, "award", by=by, version=None, today=today, decision=decision, award_record=record)
        _mark_chain(n, "award_down", by=by, today=today, decision=decision)
    for n in locked:
        if n.pk in reasons:
            workflow.transition(
                n, "not_award", by=by, version=None, comment=reasons[n.pk], today=today, decision=decision
            )
            _mark_chain(n, "not_award_down", by=by, today=today, decision=decision, comment=reasons[n.pk])
    return decision


def _mark_chain(nomination: Nomination, action: str, *, by, today, decision, comment: str = "") -> None:
    """The lower levels' nominations still "forwarded" get the outcome too (nearest first: each step's
    predicate asks for the outcome above it)."""
    for lower in chain_down(nomination):
        if lower.status == NominationStatus.FORWARDED:
            workflow.transition(lower, action, by=by, version=None, comment=comment, today=today, decision=decision)


@transaction.atomic
def decision_revoke_nominations(
    *,
    by,
    decision: Decision,
    number: str,
    date: datetime.date,
    reason: str,
    issuer: str,
    today: datetime.date | None = None,
) -> Revocation:
    """Revoke `decision` (thu hồi): every award record it wrote stops counting in any later check.

    `by` must hold APPRAISE on the deciding unit (the level that recorded the decision records its
    revocation, whoever the recipients are). Side effects: an `awards.Revocation` (by
    `awards.services.history.decision_revoke`, history rows naming `by`) linked to the decision's records
    and to `Decision.revocation`; the nominations then show "đã thu hồi". Refuses, writing nothing: no
    number, reason or date, a date after today or before the decision, a decision already revoked by
    another revocation. The same revocation sent again returns the one recorded.
    """
    require(by, Cap.APPRAISE, decision.deciding_unit)
    today = today or timezone.localdate()
    number, reason, issuer = nfc(number or "").strip(), nfc(reason or "").strip(), nfc(issuer or "").strip()
    if not number:
        raise ServiceError("Phải ghi số quyết định thu hồi.")
    if not reason:
        raise ServiceError("Phải ghi lý do thu hồi.")
    if date is None:
        raise ServiceError("Phải ghi ngày quyết định thu hồi.")
    if date > today:
        raise ServiceError(f"Ngày quyết định thu hồi {_day(date)} không thể sau ngày hôm nay ({_day(today)}).")
    locked = Decision.objects.select_for_update(of=("self",)).select_related("revocation").get(pk=decision.pk)
    if locked.revocation_id is not None:
        if locked.revocation.decision_number == number and locked.revocation.decision_date == date:
            return locked.revocation
        raise ServiceError(f"Quyết định đã bị thu hồi bởi quyết định {locked.revocation}.")
    if date < locked.date:
        raise ServiceError("Ngày quyết định thu hồi không thể trước ngày quyết định khen thưởng.")
    records = list(AwardRecord.objects.filter(nomination__decision=locked))
    # The kernel check is the one above (APPRAISE on the deciding unit); the awards service is called as
    # the system for its own scope (ADMINISTER on each recipient), with the history rows naming `by`.
    with acting_as(by):
        revocation = decision_revoke(
            by=None,
            decision_number=locked.number,
            decision_date=locked.date,
            revocation_number=number,
            revocation_date=date,
            reason=reason,
            issuer=issuer,
            records=records,
        )
        Revocation.objects.filter(pk=revocation.pk).update(created_by=by)
        revocation.created_by = by
        locked.revocation = revocation
        locked.version += 1
        locked.save(update_fields=["revocation", "version", "updated_at"])
    return revocation


# --- reads ---------------------------------------------------------------------------------------


def _recipient_q(user, prefix: str = "") -> Q:
    """Nominations whose nominee (a person, or a collective) the user may READ."""
    return scope_q(user, Cap.READ, f"{prefix}person__unit") | scope_q(user, Cap.READ, f"{prefix}unit")


def reads_whole_decision(user, decision: Decision) -> bool:
    """READ or APPRAISE on the deciding unit: the whole list (its page, exports and printed documents)."""
    unit = decision.deciding_unit
    return can(user, Cap.READ, unit) or can(user, Cap.APPRAISE, unit)


def decisions_visible_to(user, filters: dict | None = None) -> QuerySet[Decision]:
    """Decisions of a unit the user may READ or APPRAISE, and those that granted (or refused) a person or
    collective the user may READ (a school sees the decisions about its people). `filters`: school_year,
    q (in the number, the issuer or the excerpt). One query per page."""
    if not user.is_authenticated:
        return Decision.objects.none()
    rows = Decision.objects.select_related("deciding_unit", "revocation").order_by("-date", "-id")
    if not is_superuser(user):
        about_mine = Nomination.objects.filter(_recipient_q(user), decision=OuterRef("pk"), dossier__isnull=False)
        rows = rows.filter(
            scope_q(user, Cap.READ, "deciding_unit")
            | scope_q(user, Cap.APPRAISE, "deciding_unit")
            | Q(Exists(about_mine))
        )
    filters = filters or {}
    if filters.get("school_year"):
        rows = rows.filter(school_year=filters["school_year"])
    if filters.get("q"):
        q = filters["q"]
        # Every word in the folded number, issuer and excerpt (Decision.search_key), like the search page.
        rows = rows.filter(search_key_q("search_key", q))
    return rows


def decision_get_visible(user, pk) -> Decision:
    return get_object_or_404(decisions_visible_to(user), pk=valid_pk(pk))


@dataclass(frozen=True)
class DecisionLine:
    """One line of a decision's list: the nomination at the deciding level and, when granted, its record."""

    nomination: Nomination
    granted: bool
    reason: str = ""

    @property
    def record(self) -> AwardRecord | None:
        return self.nomination.award_record

    @property
    def is_title(self) -> bool:
        return self.nomination.award_type.category == AwardCategory.TITLE

    @property
    def title_name(self) -> str:
        """Danh hiệu thi đua (empty for a hình thức khen thưởng)."""
        return self.nomination.award_type.name if self.is_title else ""

    @property
    def form_name(self) -> str:
        """Hình thức khen thưởng (empty for a danh hiệu thi đua)."""
        return "" if self.is_title else self.nomination.award_type.name


def decision_lines(user, decision: Decision) -> list[DecisionLine]:
    """The decision's lines the user may see (all of them for readers of the deciding unit, else those
    about people and collectives the user may READ), granted first; the reason of each refusal. Three
    queries whatever the number of lines."""
    rows = (
        Nomination.objects.filter(decision=decision, dossier__receiving_unit=decision.deciding_unit)
        .select_related("person__unit", "unit__parent", "award_type", "award_record", "dossier__unit")
        .order_by("award_type__rank", "person__full_name", "unit__name", "pk")
    )
    if not reads_whole_decision(user, decision):
        rows = rows.filter(_recipient_q(user))
    rows = list(rows)
    refused = [n.pk for n in rows if n.status == NominationStatus.NOT_AWARDED]
    reasons = {}
    if refused:
        logs = TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Nomination),
            object_id__in=refused,
            action="not_award",
        ).order_by("at", "id")
        reasons = {log.object_id: log.comment for log in logs}
    lines = [DecisionLine(nomination=n, granted=n.award_record_id is not None) for n in rows]
    lines = [line for line in lines if line.granted] + [
        DecisionLine(nomination=line.nomination, granted=False, reason=reasons.get(line.nomination.pk, ""))
        for line in lines
        if not line.granted
    ]
    return lines


def decision_candidates(dossier) -> list[Nomination]:
    """The nominations of a dossier a decision may grant or refuse now (accepted or approved by the
    council, not yet decided), with what the form shows."""
    return list(
        dossier.nominations.filter(status__in=GRANTABLE_STATES, decision__isnull=True)
        .select_related("person__unit", "unit", "award_type")
        .order_by("award_type__rank", "pk")
    )


def attach_outcomes(nominations: list[Nomination]) -> None:
    """Load the decisions and award records of `nominations` in two queries (whatever their number), so
    that `is_revoked` and the decision's number cost nothing per row."""
    decision_ids = {n.decision_id for n in nominations if n.decision_id}
    record_ids = {n.award_record_id for n in nominations if n.award_record_id}
    decisions = Decision.objects.in_bulk(decision_ids) if decision_ids else {}
    records = AwardRecord.objects.in_bulk(record_ids) if record_ids else {}
    for n in nominations:
        if n.decision_id:
            n.decision = decisions[n.decision_id]
        if n.award_record_id:
            n.award_record = records[n.award_record_id]
