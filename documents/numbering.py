"""Document numbers: one series per issuing unit per calendar year, a council's apart (ND 30/2020).

`number_for` gives the number of one document of one object, allocating the next of its series the
first time and returning the same number afterwards; two requests at once get two different numbers
(the series row is locked) and the same object never gets two.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import DocumentNumber, NumberSeries


def _series_locked(*, unit, year: int, council=None) -> NumberSeries:
    lookup = (
        {"council": council, "year": year} if council is not None else {"unit": unit, "council": None, "year": year}
    )
    try:
        with transaction.atomic():
            NumberSeries.objects.get_or_create(**lookup, defaults={"unit": unit})
    except IntegrityError:
        pass  # created by a concurrent request: lock it below
    return NumberSeries.objects.select_for_update().get(**lookup)


def number_allocate(*, unit, year: int, council=None) -> int:
    """The next number of the series (unit, year) or (council, year)."""
    with transaction.atomic():
        series = _series_locked(unit=unit, year=year, council=council)
        series.last_number += 1
        series.save(update_fields=["last_number"])
        return series.last_number


def number_for(*, kind: str, obj, unit, year: int, council=None) -> int:
    """The number of document `kind` of `obj`: allocated once from the series, the same ever after."""
    content_type = ContentType.objects.get_for_model(obj)
    existing = DocumentNumber.objects.filter(kind=kind, content_type=content_type, object_id=obj.pk).first()
    if existing:
        return existing.number
    with transaction.atomic():
        series = _series_locked(unit=unit, year=year, council=council)
        existing = DocumentNumber.objects.filter(kind=kind, content_type=content_type, object_id=obj.pk).first()
        if existing:  # a concurrent request allocated it while we waited for the lock
            return existing.number
        series.last_number += 1
        series.save(update_fields=["last_number"])
        DocumentNumber.objects.create(
            series=series, kind=kind, content_type=content_type, object_id=obj.pk, number=series.last_number
        )
        return series.last_number


def number_peek(*, kind: str, obj) -> int | None:
    """The number already given to document `kind` of `obj`, or None (reading never allocates)."""
    content_type = ContentType.objects.get_for_model(obj)
    row = DocumentNumber.objects.filter(kind=kind, content_type=content_type, object_id=obj.pk).first()
    return row.number if row else None
