"""What the rules read about a person: yearly task evaluations, discipline and service periods."""

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audited, bulk_create_audited, bulk_delete_audited, bulk_update_audited
from core.exceptions import ServiceError
from core.text import nfc
from units.models import Person, Unit
from units.rules import Cap, people_acted_on, require, require_superuser
from units.validation import typed_date_check

from ..enums import (
    DisciplineKind,
    RecordSource,
    ServicePeriodKind,
    TaskRating,
)
from ..models import (
    DisciplinePeriod,
    ServicePeriod,
    TaskEvaluation,
)
from ..schoolyear import school_year_check

# DisciplinePeriod keeps no row history, so a deletion is recorded here (WARNING: emitted by the default config).
audit_log = logging.getLogger("awards.audit")

# --- evaluations, discipline, service ----------------------------------------------------------------


@audited
@transaction.atomic
def task_evaluation_set(
    *, person: Person, school_year: int, rating: str, by, source: str = RecordSource.DECIDED_HERE
) -> TaskEvaluation:
    """Set (or change) a person's rating for a school year. `by` must hold MANAGE_PEOPLE on the person's unit."""
    require(by, Cap.MANAGE_PEOPLE, person.unit)
    if rating not in TaskRating.values:
        raise ServiceError("Xếp loại phải là HTXS, HTT, HT hoặc KHT.")
    school_year_check(school_year, born=person.date_of_birth)
    evaluation, created = TaskEvaluation.objects.get_or_create(
        person=person, school_year=school_year, defaults={"rating": rating, "source": source}
    )
    if not created and evaluation.rating != rating:
        evaluation.rating = rating
        evaluation.save(update_fields=["rating", "updated_at"])
    return evaluation


def _check_rated_years(rows: list[tuple[int, int, str]]) -> None:
    """Refuse, saving nothing, a rating of a school year not begun yet or begun before the person's birth.
    One query for any number of rows; names the people (already checked to be in the caller's scope)."""
    if not rows:
        return
    born = dict(Person.objects.filter(pk__in={pid for pid, _, _ in rows}).values_list("pk", "date_of_birth"))
    names = {}
    for pid, year, _ in rows:
        try:
            school_year_check(year, born=born.get(pid))
        except ServiceError as exc:
            names.setdefault(str(exc), []).append(pid)
    if names:
        message, ids = next(iter(names.items()))
        people = Person.objects.filter(pk__in=ids).order_by("full_name").values_list("full_name", flat=True)
        raise ServiceError(f"Không lưu: {', '.join(people)}: {message}")


@transaction.atomic
def task_evaluations_bulk_set(
    *,
    rows: Iterable[tuple[int, int, str]],
    by,
    unit: Unit | None = None,
    source: str = RecordSource.IMPORTED,
) -> dict:
    """(person id, school year, rating) rows: create missing, update changed. Returns counts.

    `by` must hold MANAGE_PEOPLE on `unit`, and every person must be one of `unit`'s subtree that `by`
    manages, else nothing is saved and the message names nobody. Without `unit` (the whole tree, for
    the demo and commands) only the system or a superuser. One history row per written rating, by `by`.
    """
    if unit is None:
        require_superuser(by)
    else:
        require(by, Cap.MANAGE_PEOPLE, unit)
    rows = list(rows)
    if any(rating not in TaskRating.values for _, _, rating in rows):
        raise ServiceError("Xếp loại phải là HTXS, HTT, HT hoặc KHT.")
    person_ids = {pid for pid, _, _ in rows}
    if unit is not None:
        if people_acted_on(by, unit).filter(pk__in=person_ids).count() != len(person_ids):
            raise ServiceError("Không lưu: có người không thuộc đơn vị này hoặc không tìm thấy.")
    _check_rated_years(rows)
    existing = {}
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
    bulk_create_audited(TaskEvaluation, new, by=by)
    bulk_update_audited(TaskEvaluation, changed, ["rating"], by=by)
    return {"created": len(new), "updated": len(changed), "unchanged": unchanged}


@audited
@transaction.atomic
def task_evaluations_save(*, unit: Unit, school_year: int, ratings: dict[int, str | None], by) -> dict:
    """The yearly rating grid of a unit: {person id: rating, or None for "not rated"} in one go.

    `by` must hold MANAGE_PEOPLE on `unit` (PermissionDenied otherwise; None is the system). Every
    person must be one of the unit's subtree that `by` may manage, else nothing is saved and the
    message names nobody (an id may be anyone's). Creates missing
    ratings, updates changed ones (they become "decided here"), deletes those set to None;
    saving the same values again changes nothing. A constant number of queries for any number
    of rows. Returns the counts {"created", "updated", "deleted", "unchanged"}.
    """
    if any(r is not None and r not in TaskRating.values for r in ratings.values()):
        raise ServiceError("Xếp loại phải là HTXS, HTT, HT, KHT hoặc để trống (chưa đánh giá).")
    require(by, Cap.MANAGE_PEOPLE, unit)
    ids = {int(pid) for pid in ratings}
    inside = set(people_acted_on(by, unit).select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    if ids - inside:
        raise ServiceError("Không lưu: có người không thuộc đơn vị này hoặc không tìm thấy. Vui lòng tải lại trang.")
    _check_rated_years([(int(pid), school_year, r) for pid, r in ratings.items() if r is not None])
    existing = {
        e.person_id: e
        for e in TaskEvaluation.objects.select_for_update().filter(person_id__in=ids, school_year=school_year)
    }
    new, changed, gone, gone_people, unchanged = [], [], [], [], 0
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
            gone_people.append(pid)
        elif current.rating != rating:
            current.rating, current.source = rating, RecordSource.DECIDED_HERE
            changed.append(current)
        else:
            unchanged += 1
    if new:
        bulk_create_audited(TaskEvaluation, new, by=by)
    if changed:
        # bulk_update does not touch auto_now fields by itself.
        now = timezone.now()
        for evaluation in changed:
            evaluation.updated_at = now
        bulk_update_audited(TaskEvaluation, changed, ["rating", "source", "updated_at"], by=by)
    if gone:
        # One history row per deleted rating, in one INSERT (the audit trail keeps what was cleared).
        bulk_delete_audited(TaskEvaluation, [existing[pid] for pid in gone_people], by=by)
    return {"created": len(new), "updated": len(changed), "deleted": len(gone), "unchanged": unchanged}


def _check_period(start, end, *, born, end_future_ok: bool = False) -> None:
    """A typed period: no start after today or before the person's birth, no end before the start."""
    typed_date_check(start, label="Ngày bắt đầu", born=born)
    typed_date_check(end, label="Ngày kết thúc", born=born, future_ok=end_future_ok)
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


@audited
@transaction.atomic
def discipline_period_create(
    *, person: Person, kind: str, start: datetime.date, end: datetime.date | None = None, note: str = "", by
) -> DisciplinePeriod:
    """Record a sanction (start–end) or a pending case (kind `pending`, open until `end`).

    Refuses an end before the start and a period overlapping another of the same kind.
    `by` must hold MANAGE_PEOPLE on the person's unit (PermissionDenied otherwise; None is the system).
    """
    require(by, Cap.MANAGE_PEOPLE, person.unit)
    if kind not in DisciplineKind.values:
        raise ServiceError("Hình thức kỷ luật không hợp lệ.")
    # A sanction has a term fixed by its decision, so its end may be ahead of today.
    _check_period(start, end, born=person.date_of_birth, end_future_ok=True)
    _lock_person(person)
    _check_no_overlap(DisciplinePeriod, person=person, kind=kind, start=start, end=end, label="kỷ luật")
    return DisciplinePeriod.objects.create(person=person, kind=kind, start=start, end=end, note=nfc(note))


@audited
@transaction.atomic
def discipline_period_end(*, period: DisciplinePeriod, end: datetime.date, by) -> DisciplinePeriod:
    """Close an open sanction or pending case on `end` (a pending case stops blocking awards after it).
    `by` must hold MANAGE_PEOPLE on the person's unit."""
    locked = DisciplinePeriod.objects.select_for_update(of=("self",)).select_related("person__unit").get(pk=period.pk)
    require(by, Cap.MANAGE_PEOPLE, locked.person.unit)
    if locked.end is not None:
        raise ServiceError(f"Giai đoạn này đã kết thúc ngày {locked.end:%d/%m/%Y}.")
    _check_period(locked.start, end, born=locked.person.date_of_birth, end_future_ok=True)
    locked.end = end
    locked.save(update_fields=["end", "updated_at"])
    return locked


@audited
@transaction.atomic
def discipline_period_delete(*, period: DisciplinePeriod, by) -> None:
    """Remove a discipline period (or pending case) entered by mistake; checks no longer see it.

    The model keeps no history, so who deleted which period of whom is written to the
    `awards.audit` log. Refuses a period already deleted. `by` must hold MANAGE_PEOPLE on the person's unit.
    """
    locked = (
        DisciplinePeriod.objects.select_for_update(of=("self",))
        .filter(pk=period.pk)
        .select_related("person__unit")
        .first()
    )
    if locked is None:
        raise ServiceError("Giai đoạn kỷ luật này đã được xóa trước đó.")
    require(by, Cap.MANAGE_PEOPLE, locked.person.unit)
    locked.delete()
    audit_log.warning(
        "discipline period %s deleted by user %s (%s): person %s (%s), kind %s, %s to %s, note %r",
        period.pk,
        getattr(by, "pk", None),
        getattr(by, "username", ""),
        locked.person_id,
        locked.person.full_name,
        locked.kind,
        locked.start.isoformat(),
        locked.end.isoformat() if locked.end else "open",
        locked.note,
    )


@audited
@transaction.atomic
def service_period_create(
    *, person: Person, kind: str, start: datetime.date, end: datetime.date | None = None, place: str = "", by
) -> ServicePeriod:
    """Record years in a very disadvantaged area, or a break outside the sector.

    Refuses an end before the start and a period overlapping another of the same kind.
    `by` must hold MANAGE_PEOPLE on the person's unit (PermissionDenied otherwise; None is the system).
    """
    require(by, Cap.MANAGE_PEOPLE, person.unit)
    if kind not in ServicePeriodKind.values:
        raise ServiceError("Loại quá trình công tác không hợp lệ.")
    # A period still running is left open (no end), never given an end ahead of today.
    _check_period(start, end, born=person.date_of_birth)
    _lock_person(person)
    _check_no_overlap(ServicePeriod, person=person, kind=kind, start=start, end=end, label="quá trình")
    return ServicePeriod.objects.create(person=person, kind=kind, start=start, end=end, place=nfc(place))


@audited
@transaction.atomic
def service_period_delete(*, period: ServicePeriod, by) -> None:
    """Remove a period entered by mistake; service years are computed again at the next check.
    `by` must hold MANAGE_PEOPLE on the person's unit."""
    locked = ServicePeriod.objects.select_related("person__unit").filter(pk=period.pk).first()
    if locked is None:
        return
    require(by, Cap.MANAGE_PEOPLE, locked.person.unit)
    locked.delete()
