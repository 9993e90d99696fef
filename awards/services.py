"""Every write to the award history, evaluations, initiatives and rules.

Services are keyword-only, run in a transaction, validate, and raise
ServiceError with a Vietnamese message. The engine (eligibility, quotas) is
read-only and lives in awards/engine.py; its public functions are re-exported
here for callers that prefer one import.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import ServiceError, StaleObjectError
from core.text import nfc
from units.models import Person, Unit

from . import engine
from .engine import check_eligibility, check_many, council_vote_rule, quota_usage  # noqa: F401  (re-exported)
from .enums import (
    CommendationKind,
    DisciplineKind,
    InitiativeKind,
    InitiativeScope,
    InitiativeStatus,
    RecipientKind,
    RecordSource,
    ServicePeriodKind,
    TaskRating,
)
from .models import (
    AwardRecord,
    AwardRule,
    AwardType,
    DisciplinePeriod,
    Initiative,
    Revocation,
    ServicePeriod,
    TaskEvaluation,
    in_force_q,
)
from .rules_engine import validate_params
from .schoolyear import school_year_bounds, school_year_label

# --- catalog ------------------------------------------------------------------------------------


def _pick_award_type(rows: list[AwardType], code: str, school_year: int, decision_date) -> AwardType:
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
    return _pick_award_type(rows, code, school_year, decision_date)


@transaction.atomic
def award_rule_supersede(
    *,
    rule: AwardRule,
    effective_from: datetime.date,
    params: dict | None = None,
    legal_basis: str | None = None,
    is_verified: bool | None = None,
    description: str | None = None,
) -> AwardRule:
    """Close `rule` the day before `effective_from` and add its successor with the changed values.

    Checks before that date keep using the old rule; checks on or after it use the new one.
    """
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


# --- award history -------------------------------------------------------------------------------


def _check_recipient(person, unit, award_type: AwardType) -> None:
    if (person is None) == (unit is None):
        raise ServiceError("Mỗi khen thưởng phải có đúng một đối tượng: một cá nhân hoặc một tập thể.")
    if person is not None and award_type.recipient_kind == "collective":
        raise ServiceError(f"{award_type.name} chỉ tặng cho tập thể.")
    if unit is not None and award_type.recipient_kind == "individual":
        raise ServiceError(f"{award_type.name} chỉ tặng cho cá nhân.")


def _build_record(
    *,
    catalog_rows: list[AwardType] | None = None,
    award_code: str,
    school_year: int,
    person: Person | None = None,
    unit: Unit | None = None,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    issuer: str = "",
    source: str = RecordSource.DECIDED_HERE,
    commendation_kind: str | None = None,
    note: str = "",
    by=None,
) -> AwardRecord:
    if catalog_rows is None:
        award_type = award_type_for(award_code, school_year=school_year, decision_date=decision_date)
    else:
        award_type = _pick_award_type(catalog_rows, award_code, school_year, decision_date)
    _check_recipient(person, unit, award_type)
    if commendation_kind and commendation_kind not in CommendationKind.values:
        raise ServiceError("Hình thức khen thưởng theo không hợp lệ.")
    if decision_date and decision_date < school_year_bounds(school_year)[0]:
        raise ServiceError(
            f"Ngày quyết định {decision_date:%d/%m/%Y} trước khi năm học {school_year_label(school_year)} bắt đầu."
        )
    return AwardRecord(
        person=person,
        unit=unit,
        award_type=award_type,
        school_year=school_year,
        commendation_kind=commendation_kind or award_type.commendation_kind,
        decision_number=nfc(decision_number),
        decision_date=decision_date,
        issuer=nfc(issuer),
        source=source,
        note=nfc(note),
        created_by=by,
    )


@transaction.atomic
def award_record_create(**fields) -> AwardRecord:
    """Record one award given (by a decision here, or from the past).

    Keyword arguments: award_code, school_year, person or unit, decision_number, decision_date,
    issuer, source, commendation_kind (default: the award's own), note, by.
    Refuses a duplicate (same recipient, award, year and decision number).
    """
    record = _build_record(**fields)
    duplicate = AwardRecord.objects.filter(
        person=record.person,
        unit=record.unit,
        award_type__code=record.award_type.code,
        school_year=record.school_year,
        decision_number=record.decision_number,
    )
    if duplicate.exists():
        raise ServiceError(
            f"{record.recipient} đã có {record.award_type.name} năm học {school_year_label(record.school_year)}"
            + (f" theo quyết định {record.decision_number}." if record.decision_number else ".")
        )
    record.save()
    return record


@transaction.atomic
def award_records_bulk_create(*, rows: Iterable[dict], by=None) -> list[AwardRecord]:
    """Many records at once (imports, demo data): validates each like award_record_create, then one INSERT.
    Callers remove duplicates first."""
    catalog_rows = list(AwardType.objects.order_by("effective_from"))
    records = [_build_record(catalog_rows=catalog_rows, by=by, **row) for row in rows]
    return AwardRecord.objects.bulk_create(records, batch_size=500)


@transaction.atomic
def decision_records_create(
    *,
    unit: Unit,
    award_code: str,
    school_year: int,
    decision_number: str,
    decision_date: datetime.date,
    issuer: str = "",
    commendation_kind: str | None = None,
    people: Iterable[Person] = (),
    units: Iterable[Unit] = (),
    source: str = RecordSource.IMPORTED,
    by=None,
) -> list[AwardRecord]:
    """One award decision entered by hand for recipients of `unit`'s subtree: one record per recipient.

    The award is the catalog row of `award_code` in force on the decision date. Refuses, saving
    nothing: no recipient, a recipient outside the subtree, a person for a collective-only award
    (or a unit for an individual-only one), and any recipient who already holds the award in that
    school year (a record in force, whatever its decision) — which also makes a double submit harmless.
    """
    decision_number = nfc(decision_number)
    if not decision_number:
        raise ServiceError("Phải ghi số quyết định.")
    award_type = engine.award_type_in_force(award_code, decision_date)
    person_ids = {p.pk for p in people}
    unit_ids = {u.pk for u in units}
    if not person_ids and not unit_ids:
        raise ServiceError("Phải chọn ít nhất một cá nhân hoặc tập thể được khen thưởng.")
    # Locking the recipients serialises two submits of the same decision.
    people = list(Person.objects.select_for_update().filter(pk__in=person_ids, unit__path__startswith=unit.path))
    units = list(Unit.objects.select_for_update().filter(pk__in=unit_ids, path__startswith=unit.path))
    if len(people) != len(person_ids) or len(units) != len(unit_ids):
        raise ServiceError(f"Chỉ khen thưởng được cá nhân, tập thể thuộc {unit.name}. Vui lòng tải lại trang.")
    if people and award_type.recipient_kind == RecipientKind.COLLECTIVE:
        raise ServiceError(f"{award_type.name} chỉ tặng cho tập thể; hãy bỏ chọn các cá nhân.")
    if units and award_type.recipient_kind == RecipientKind.INDIVIDUAL:
        raise ServiceError(f"{award_type.name} chỉ tặng cho cá nhân; hãy bỏ chọn các tập thể.")
    held = (
        AwardRecord.objects.in_force()
        .filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids))
        .filter(award_type__code=award_type.code, school_year=school_year)
        .select_related("person", "unit")
        .order_by("person__full_name", "unit__name")
    )
    names = list(dict.fromkeys(str(r.recipient) for r in held))
    if names:
        raise ServiceError(
            f"Không lưu: đã có {award_type.name} năm học {school_year_label(school_year)}: " + ", ".join(names) + "."
        )
    common = {
        "catalog_rows": [award_type],
        "award_code": award_type.code,
        "school_year": school_year,
        "decision_number": decision_number,
        "decision_date": decision_date,
        "issuer": issuer,
        "source": source,
        "commendation_kind": commendation_kind or None,
        "by": by,
    }
    records = [_build_record(person=p, **common) for p in sorted(people, key=lambda p: p.full_name)]
    records += [_build_record(unit=u, **common) for u in sorted(units, key=lambda u: u.path)]
    return AwardRecord.objects.bulk_create(records)


@transaction.atomic
def decision_revoke(
    *,
    decision_number: str,
    decision_date: datetime.date | None,
    revocation_number: str,
    revocation_date: datetime.date,
    reason: str,
    issuer: str = "",
    records: Iterable[AwardRecord] | None = None,
    by=None,
) -> Revocation:
    """Revoke an award decision: every record it granted (or only `records`) stops counting in any check.

    Side effects: creates a Revocation and links the records to it. Refuses when nothing matches.
    """
    if not nfc(reason):
        raise ServiceError("Phải ghi lý do thu hồi.")
    if not nfc(revocation_number):
        raise ServiceError("Phải ghi số quyết định thu hồi.")
    targets = AwardRecord.objects.select_for_update().in_force()
    if records is not None:
        targets = targets.filter(pk__in=[r.pk for r in records])
    else:
        targets = targets.filter(decision_number=nfc(decision_number))
        if decision_date is not None:
            targets = targets.filter(decision_date=decision_date)
    targets = list(targets)
    if not targets:
        raise ServiceError(f"Không có khen thưởng nào còn hiệu lực theo quyết định {nfc(decision_number)}.")
    if any(r.decision_date and revocation_date < r.decision_date for r in targets):
        raise ServiceError("Ngày quyết định thu hồi không thể trước ngày quyết định khen thưởng.")
    revocation = Revocation.objects.create(
        decision_number=nfc(revocation_number),
        decision_date=revocation_date,
        issuer=nfc(issuer),
        reason=nfc(reason),
        created_by=by,
    )
    AwardRecord.objects.filter(pk__in=[r.pk for r in targets]).update(revocation=revocation)
    return revocation


# --- evaluations, discipline, service ----------------------------------------------------------------


@transaction.atomic
def task_evaluation_set(
    *, person: Person, school_year: int, rating: str, source: str = RecordSource.DECIDED_HERE
) -> TaskEvaluation:
    """Set (or change) a person's rating for a school year."""
    if rating not in TaskRating.values:
        raise ServiceError("Xếp loại phải là HTXS, HTT, HT hoặc KHT.")
    evaluation, created = TaskEvaluation.objects.get_or_create(
        person=person, school_year=school_year, defaults={"rating": rating, "source": source}
    )
    if not created and evaluation.rating != rating:
        evaluation.rating = rating
        evaluation.save(update_fields=["rating", "updated_at"])
    return evaluation


@transaction.atomic
def task_evaluations_bulk_set(*, rows: Iterable[tuple[int, int, str]], source: str = RecordSource.IMPORTED) -> dict:
    """(person id, school year, rating) rows: create missing, update changed. Returns counts."""
    rows = list(rows)
    if any(rating not in TaskRating.values for _, _, rating in rows):
        raise ServiceError("Xếp loại phải là HTXS, HTT, HT hoặc KHT.")
    existing = {}
    person_ids = {pid for pid, _, _ in rows}
    years = {y for _, y, _ in rows}
    for evaluation in TaskEvaluation.objects.select_for_update().filter(
        person_id__in=person_ids, school_year__in=years
    ):
        existing[(evaluation.person_id, evaluation.school_year)] = evaluation
    new, changed, unchanged = [], [], 0
    for pid, year, rating in rows:
        current = existing.get((pid, year))
        if current is None:
            new.append(TaskEvaluation(person_id=pid, school_year=year, rating=rating, source=source))
        elif current.rating != rating:
            current.rating = rating
            changed.append(current)
        else:
            unchanged += 1
    TaskEvaluation.objects.bulk_create(new, batch_size=500)
    TaskEvaluation.objects.bulk_update(changed, ["rating"], batch_size=500)
    return {"created": len(new), "updated": len(changed), "unchanged": unchanged}


@transaction.atomic
def task_evaluations_save(*, unit: Unit, school_year: int, ratings: dict[int, str | None], by=None) -> dict:
    """The yearly rating grid of a unit: {person id: rating, or None for "not rated"} in one go.

    Every person must belong to the unit's subtree, else nothing is saved. Creates missing
    ratings, updates changed ones (they become "decided here"), deletes those set to None;
    saving the same values again changes nothing. A constant number of queries for any number
    of rows. Returns the counts {"created", "updated", "deleted", "unchanged"}.
    """
    if any(r is not None and r not in TaskRating.values for r in ratings.values()):
        raise ServiceError("Xếp loại phải là HTXS, HTT, HT, KHT hoặc để trống (chưa đánh giá).")
    ids = {int(pid) for pid in ratings}
    inside = set(
        Person.objects.select_for_update()
        .filter(pk__in=ids, unit__path__startswith=unit.path)
        .values_list("pk", flat=True)
    )
    outside = ids - inside
    if outside:
        names = Person.objects.filter(pk__in=outside).order_by("full_name").values_list("full_name", flat=True)
        listed = ", ".join(names) or ", ".join(str(pid) for pid in sorted(outside))
        raise ServiceError(f"Không lưu: có người không thuộc {unit.name} ({listed}). Vui lòng tải lại trang.")
    existing = {
        e.person_id: e
        for e in TaskEvaluation.objects.select_for_update().filter(person_id__in=ids, school_year=school_year)
    }
    new, changed, gone, unchanged = [], [], [], 0
    for pid, rating in ((int(k), v) for k, v in ratings.items()):
        current = existing.get(pid)
        if current is None:
            if rating is None:
                unchanged += 1
            else:
                new.append(
                    TaskEvaluation(
                        person_id=pid, school_year=school_year, rating=rating, source=RecordSource.DECIDED_HERE
                    )
                )
        elif rating is None:
            gone.append(current.pk)
        elif current.rating != rating:
            current.rating, current.source = rating, RecordSource.DECIDED_HERE
            changed.append(current)
        else:
            unchanged += 1
    if new:
        TaskEvaluation.objects.bulk_create(new, batch_size=500)
    if changed:
        # bulk_update does not touch auto_now fields by itself.
        now = timezone.now()
        for evaluation in changed:
            evaluation.updated_at = now
        TaskEvaluation.objects.bulk_update(changed, ["rating", "source", "updated_at"], batch_size=500)
    if gone:
        TaskEvaluation.objects.filter(pk__in=gone).delete()
    return {"created": len(new), "updated": len(changed), "deleted": len(gone), "unchanged": unchanged}


def _check_period(start, end) -> None:
    if end is not None and end < start:
        raise ServiceError("Ngày kết thúc không thể trước ngày bắt đầu.")


def _check_no_overlap(model, *, person: Person, kind: str, start, end, label: str) -> None:
    """Refuse a period overlapping another of the same kind for the person (open ends run forever)."""
    others = model.objects.filter(person=person, kind=kind).filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        others = others.filter(start__lte=end)
    clash = others.order_by("start").first()
    if clash is not None:
        until = f"{clash.end:%d/%m/%Y}" if clash.end else "nay"
        raise ServiceError(
            f"Trùng thời gian với {label} «{clash.get_kind_display()}» từ {clash.start:%d/%m/%Y} đến {until}."
        )


def _lock_person(person: Person) -> None:
    # Serialises period writes of one person, so two concurrent saves cannot both pass the overlap check.
    Person.objects.select_for_update().filter(pk=person.pk).first()


@transaction.atomic
def discipline_period_create(
    *, person: Person, kind: str, start: datetime.date, end: datetime.date | None = None, note: str = ""
) -> DisciplinePeriod:
    """Record a sanction (start–end) or a pending case (kind `pending`, open until `end`).

    Refuses an end before the start and a period overlapping another of the same kind.
    """
    if kind not in DisciplineKind.values:
        raise ServiceError("Hình thức kỷ luật không hợp lệ.")
    _check_period(start, end)
    _lock_person(person)
    _check_no_overlap(DisciplinePeriod, person=person, kind=kind, start=start, end=end, label="kỷ luật")
    return DisciplinePeriod.objects.create(person=person, kind=kind, start=start, end=end, note=nfc(note))


@transaction.atomic
def discipline_period_end(*, period: DisciplinePeriod, end: datetime.date) -> DisciplinePeriod:
    """Close an open sanction or pending case on `end` (a pending case stops blocking awards after it)."""
    locked = DisciplinePeriod.objects.select_for_update().get(pk=period.pk)
    if locked.end is not None:
        raise ServiceError(f"Giai đoạn này đã kết thúc ngày {locked.end:%d/%m/%Y}.")
    _check_period(locked.start, end)
    locked.end = end
    locked.save(update_fields=["end", "updated_at"])
    return locked


@transaction.atomic
def service_period_create(
    *, person: Person, kind: str, start: datetime.date, end: datetime.date | None = None, place: str = ""
) -> ServicePeriod:
    """Record years in a very disadvantaged area, or a break outside the sector.

    Refuses an end before the start and a period overlapping another of the same kind.
    """
    if kind not in ServicePeriodKind.values:
        raise ServiceError("Loại quá trình công tác không hợp lệ.")
    _check_period(start, end)
    _lock_person(person)
    _check_no_overlap(ServicePeriod, person=person, kind=kind, start=start, end=end, label="quá trình")
    return ServicePeriod.objects.create(person=person, kind=kind, start=start, end=end, place=nfc(place))


@transaction.atomic
def service_period_delete(*, period: ServicePeriod) -> None:
    """Remove a period entered by mistake; service years are computed again at the next check."""
    ServicePeriod.objects.filter(pk=period.pk).delete()


# --- initiatives -----------------------------------------------------------------------------------------


def _check_authors(unit: Unit, authors) -> list[Person]:
    authors = list(authors)
    if not authors:
        raise ServiceError("Sáng kiến phải có ít nhất một tác giả.")
    outside = [a.full_name for a in authors if not a.unit.path.startswith(unit.path)]
    if outside:
        raise ServiceError("Tác giả phải thuộc đơn vị: " + ", ".join(outside) + ".")
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
    by=None,
) -> Initiative:
    """Register an initiative by name at the start of the year (to be recognised later)."""
    title = nfc(title)
    if not title:
        raise ServiceError("Tên sáng kiến không được để trống.")
    if kind not in InitiativeKind.values:
        raise ServiceError("Loại sáng kiến không hợp lệ.")
    authors = _check_authors(unit, authors)
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
) -> Initiative:
    """Change the name, kind, subject or authors of an initiative not yet recognised."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise StaleObjectError()
    if locked.status == InitiativeStatus.RECOGNISED:
        raise ServiceError("Sáng kiến đã được công nhận, không sửa được.")
    title = nfc(title)
    if not title:
        raise ServiceError("Tên sáng kiến không được để trống.")
    authors = _check_authors(locked.unit, authors)
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


def records_of_decision(decision_number: str, decision_date: datetime.date | None = None):
    query = Q(decision_number=nfc(decision_number))
    if decision_date:
        query &= Q(decision_date=decision_date)
    return AwardRecord.objects.filter(query)


__all__ = [
    "award_type_for",
    "award_rule_supersede",
    "award_record_create",
    "award_records_bulk_create",
    "decision_revoke",
    "task_evaluation_set",
    "task_evaluations_bulk_set",
    "task_evaluations_save",
    "decision_records_create",
    "discipline_period_create",
    "discipline_period_end",
    "service_period_create",
    "service_period_delete",
    "initiative_register",
    "initiative_update",
    "initiative_recognise",
    "check_eligibility",
    "check_many",
    "quota_usage",
    "council_vote_rule",
    "in_force_q",
]
