""" "Xuất Excel" of a list page: the rows the page shows, with its filters, as .xlsx.

A list view builds its user-scoped, filtered queryset as it always does, then hands that same queryset
to `export_response` when the query string asks for it (`?…&xuat=xlsx`, the link of
`templates/includes/export_link.html`). So an export can never be wider than the page: there is no
second query to scope. Each list declares its columns once (`ExportSpec`, in the app's `exports.py`).

Rows stream from the database with `.iterator()` and stop at `settings.EXPORT_MAX_ROWS`; the sheet
says when rows were left out. Cells go through `core.excel.build_workbook_sheets`, so a text beginning
with `=` stays text and dates are real dates shown dd/mm/yyyy.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.excel import Sheet, build_workbook_sheets, xlsx_response

EXPORT_PARAM = "xuat"
EXPORT_VALUE = "xlsx"
ITERATOR_CHUNK = 2000
EMPTY = "—"


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header, how to read the cell from a row, and its width."""

    header: str
    value: Callable[[Any], Any] | str
    width: int = 18

    def cell(self, row) -> Any:
        if callable(self.value):
            value = self.value(row)
        else:
            value = row
            for part in self.value.split("."):
                value = getattr(value, part, None) if value is not None else None
                if callable(value) and not isinstance(value, Model):
                    value = value()
        return cell_value(value)


@dataclass(frozen=True)
class ExportSpec:
    title: str
    filename: str
    columns: list[Column] = field(default_factory=list)
    sheet_title: str = ""


def cell_value(value) -> Any:
    """What an .xlsx cell can hold: text, a number or a date (never a timezone-aware datetime)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, (int, float, datetime.date)):
        return value
    return str(value)


def wants_export(request) -> bool:
    return request.GET.get(EXPORT_PARAM) == EXPORT_VALUE


def filters_applied(filterset) -> str:
    """The filters of a django-filter set that hold a value, as "Label: value; …" (or "Không lọc")."""
    if filterset is None:
        return "Không lọc"
    form = filterset.form
    form.is_valid()  # an invalid field is left out of cleaned_data, as django-filter leaves it out of the query
    parts = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in (None, "", [], ()) or name == "o":
            continue
        field_ = form.fields[name]
        parts.append(f"{field_.label or name}: {_display(field_, value)}")
    return "; ".join(parts) or "Không lọc"


def _display(form_field, value) -> str:
    if isinstance(value, (list, tuple, QuerySet)):
        return ", ".join(_display(form_field, v) for v in value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    choices = getattr(form_field, "choices", None)
    if choices is not None and not isinstance(value, Model):
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    return str(value)


def export_rows(spec: ExportSpec, rows: Iterable, limit: int) -> Iterator[list]:
    for number, row in enumerate(islice(rows, limit), start=1):
        yield [number, *(column.cell(row) for column in spec.columns)]


def export_workbook(*, spec: ExportSpec, queryset, filters: str, user=None, limit: int | None = None) -> bytes:
    """The .xlsx of `queryset` (already scoped to the user and filtered) under `spec`'s columns."""
    limit = settings.EXPORT_MAX_ROWS if limit is None else limit
    if isinstance(queryset, QuerySet):
        total = queryset.count()
    else:
        total = len(queryset) if hasattr(queryset, "__len__") else None
    rows = queryset.iterator(chunk_size=ITERATOR_CHUNK) if isinstance(queryset, QuerySet) else queryset
    exported_on = timezone.localdate().strftime("%d/%m/%Y")
    who = f" bởi {user.get_full_name() or user.get_username()}" if user is not None else ""
    preamble = [spec.title.upper(), f"Bộ lọc: {filters}", f"Xuất ngày {exported_on}{who}"]
    if total is not None and total > limit:
        preamble.append(
            f"Chỉ xuất {limit:,} dòng đầu trong {total:,} dòng: hãy lọc hẹp hơn để có đủ danh sách.".replace(",", ".")
        )
    sheet = Sheet(
        spec.sheet_title or spec.title,
        ["STT", *(c.header for c in spec.columns)],
        export_rows(spec, rows, limit),
        [6, *(c.width for c in spec.columns)],
        preamble=preamble,
    )
    return build_workbook_sheets([sheet])


def export_response(request, *, spec: ExportSpec, queryset, filterset=None, filters: str | None = None):
    """The download of a list page's own queryset (`?xuat=xlsx`)."""
    data = export_workbook(
        spec=spec,
        queryset=queryset,
        filters=filters if filters is not None else filters_applied(filterset),
        user=request.user,
    )
    return xlsx_response(data, f"{spec.filename}-{timezone.localdate():%Y%m%d}.xlsx")
