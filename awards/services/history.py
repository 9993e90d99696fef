"""Award records: single, bulk (imports), from a decision typed in, and revocations."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from core.audit import audited, bulk_create_audited, bulk_update_audited
from core.exceptions import ServiceError
from core.text import nfc
from units.models import Person, Unit
from units.rules import Cap, people_acted_on, require, scope_q, units_acted_on
from units.validation import typed_date_check

from .. import engine
from ..enums import (
    CommendationKind,
    RecipientKind,
    RecordSource,
)
from ..models import (
    AwardRecord,
    AwardType,
    Revocation,
)
from ..schoolyear import school_year_bounds, school_year_check, school_year_label
from .catalog import award_type_for, pick_award_type

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
        award_type = pick_award_type(catalog_rows, award_code, school_year, decision_date)
    _check_recipient(person, unit, award_type)
    if commendation_kind and commendation_kind not in CommendationKind.values:
        raise ServiceError("Hình thức khen thưởng theo không hợp lệ.")
    record_dates_check(person=person, school_year=school_year, decision_date=decision_date)
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


def record_dates_check(*, person: Person | None, school_year: int, decision_date: datetime.date | None) -> None:
    """The dates of an award record: a school year already begun and not before the person's birth; a
    decision date not after today, not before the birth, not before its school year began."""
    born = person.date_of_birth if person is not None else None
    school_year_check(school_year, born=born)
    typed_date_check(decision_date, label="Ngày quyết định", born=born)
    if decision_date and decision_date < school_year_bounds(school_year)[0]:
        raise ServiceError(
            f"Ngày quyết định {decision_date:%d/%m/%Y} trước khi năm học {school_year_label(school_year)} bắt đầu."
        )


def _require_recipient(by, person: Person | None, unit: Unit | None) -> None:
    """`by` must manage the people of the recipient's unit (None is the system)."""
    owner = person.unit if person is not None else unit
    if owner is not None:
        require(by, Cap.MANAGE_PEOPLE, owner)


@audited
@transaction.atomic
def award_record_create(*, by, **fields) -> AwardRecord:
    """Record one award given (by a decision here, or from the past).

    Keyword arguments: award_code, school_year, person or unit, decision_number, decision_date,
    issuer, source, commendation_kind (default: the award's own), note, by (who enters it: must
    hold MANAGE_PEOPLE on the recipient's unit; None is the system).
    Refuses a duplicate (same recipient, award, year and decision number).
    """
    _require_recipient(by, fields.get("person"), fields.get("unit"))
    record = _build_record(by=by, **fields)
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
def award_records_bulk_create(*, rows: Iterable[dict], by) -> list[AwardRecord]:
    """Many records at once (imports, demo data): validates each like award_record_create, then one INSERT.
    Callers remove duplicates first. `by` must manage every recipient (None is the system); pass people
    with their unit selected, so the check costs no query."""
    rows = list(rows)
    for row in rows:
        _require_recipient(by, row.get("person"), row.get("unit"))
    catalog_rows = list(AwardType.objects.order_by("effective_from"))
    records = [_build_record(catalog_rows=catalog_rows, by=by, **row) for row in rows]
    return AwardRecord.objects.bulk_create(records, batch_size=500)


@audited
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
    by,
) -> list[AwardRecord]:
    """One award decision entered by hand for recipients of `unit`'s subtree: one record per recipient.

    `by` must hold MANAGE_PEOPLE on `unit` and on every recipient (None is the system).
    The award is the catalog row of `award_code` in force on the decision date. Refuses, saving
    nothing: no recipient, a recipient outside the subtree or outside what `by` manages (named
    nowhere: an id may be anyone's), a person for a collective-only award
    (or a unit for an individual-only one), and any recipient who already holds the award in that
    school year (a record in force, whatever its decision) — which also makes a double submit harmless.
    """
    require(by, Cap.MANAGE_PEOPLE, unit)
    decision_number = nfc(decision_number)
    if not decision_number:
        raise ServiceError("Phải ghi số quyết định.")
    award_type = engine.award_type_in_force(award_code, decision_date)
    person_ids = {p.pk for p in people}
    unit_ids = {u.pk for u in units}
    if not person_ids and not unit_ids:
        raise ServiceError("Phải chọn ít nhất một cá nhân hoặc tập thể được khen thưởng.")
    # Locking the recipients serialises two submits of the same decision.
    people = list(people_acted_on(by, unit).select_for_update().filter(pk__in=person_ids))
    units = list(units_acted_on(by, unit).select_for_update().filter(pk__in=unit_ids))
    if len(people) != len(person_ids) or len(units) != len(unit_ids):
        raise ServiceError("Có người hoặc tập thể không thuộc đơn vị này hoặc không tìm thấy. Vui lòng tải lại trang.")
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
    return bulk_create_audited(AwardRecord, records, by=by)


@audited
@transaction.atomic
def decision_revoke(
    *,
    decision_number: str,
    decision_date: datetime.date | None,
    revocation_number: str,
    revocation_date: datetime.date,
    reason: str,
    issuer: str = "",
    decision_issuer: str | None = None,
    records: Iterable[AwardRecord] | None = None,
    by,
) -> Revocation:
    """Revoke an award decision: every record it granted (or only `records`) stops counting in any check.

    Only records `by` may revoke (ADMINISTER on the person's or the collective's unit; None is the
    system) are touched: a decision number shared by another school, district or issuer is not.
    The whole decision is the records of `decision_number` (and `decision_date`, and `decision_issuer`,
    the body that issued it, when given). Given `records`, each must be one `by` may revoke, else
    nothing is revoked. Side effects: creates a Revocation and links the records to it. Refuses when
    nothing matches.
    """
    if not nfc(reason):
        raise ServiceError("Phải ghi lý do thu hồi.")
    if not nfc(revocation_number):
        raise ServiceError("Phải ghi số quyết định thu hồi.")
    typed_date_check(revocation_date, label="Ngày quyết định thu hồi")
    if records is not None:
        wanted = {r.pk for r in records}
        candidates = _revocable(by).filter(pk__in=wanted)
        if set(candidates.values_list("pk", flat=True)) != wanted:
            raise ServiceError("Có khen thưởng không thuộc phạm vi của bạn hoặc không tìm thấy.")
    else:
        candidates = records_of_decision(
            by=by, decision_number=decision_number, decision_date=decision_date, issuer=decision_issuer
        )
    # Ids first, then lock by id: FOR UPDATE cannot follow the outer joins of the scope filter.
    ids = list(candidates.in_force().values_list("pk", flat=True))
    targets = list(AwardRecord.objects.select_for_update().in_force().filter(pk__in=ids))
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
    for record in targets:
        record.revocation = revocation
    # One "~" history row per revoked record, by `by`, in constant queries.
    bulk_update_audited(AwardRecord, targets, ["revocation"], by=by)
    return revocation


def _revocable(by):
    """Records `by` may revoke: ADMINISTER on the person's or the collective's unit (None: all)."""
    if by is None:
        return AwardRecord.objects.all()
    return AwardRecord.objects.filter(scope_q(by, Cap.ADMINISTER, "person__unit", model=AwardRecord))


def records_of_decision(
    *, by, decision_number: str, decision_date: datetime.date | None = None, issuer: str | None = None
):
    """The records of one decision that `by` may revoke: same number (and date, and issuer when given)."""
    query = Q(decision_number=nfc(decision_number))
    if decision_date:
        query &= Q(decision_date=decision_date)
    if issuer is not None:
        query &= Q(issuer__iexact=nfc(issuer))
    return _revocable(by).filter(query)
