"""core.exports: what a cell holds, how the filters are named, where the rows stop."""

import datetime
import io
from types import SimpleNamespace

import django_filters
from django.utils import timezone
from openpyxl import load_workbook

from core.exports import Column, ExportSpec, cell_value, export_workbook, filters_applied
from units.enums import UnitKind
from units.models import Unit


def test_cell_value_turns_python_values_into_cells():
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 1, 30), datetime.UTC)
    observed = [cell_value(v) for v in (None, "", True, False, 3, datetime.date(2026, 3, 4), moment, "=1+1")]
    # 01:30 UTC is 08:30 in Hà Nội.
    assert observed == ["—", "—", "Có", "Không", 3, datetime.date(2026, 3, 4), "04/03/2026 08:30", "=1+1"]


def test_column_reads_a_dotted_path_and_calls_display_methods():
    row = SimpleNamespace(parent=SimpleNamespace(name="Phòng A"), get_kind_display=lambda: "Trường học", parent2=None)
    assert [Column("a", "parent.name").cell(row), Column("b", "get_kind_display").cell(row)] == [
        "Phòng A",
        "Trường học",
    ]
    assert Column("c", "parent2.name").cell(row) == "—"


class _Filter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên")
    kind = django_filters.ChoiceFilter(label="Loại", choices=UnitKind.choices)
    since = django_filters.DateFilter(label="Từ ngày", field_name="active_from", lookup_expr="gte")
    o = django_filters.OrderingFilter(fields=("name",))

    class Meta:
        model = Unit
        fields = ["q", "kind", "since"]


def test_filters_applied_names_each_filter_with_its_label_and_leaves_the_order_out(db):
    filterset = _Filter({"q": "hoa", "kind": "school", "since": "2024-09-05", "o": "name"}, queryset=Unit.objects.all())
    assert filters_applied(filterset) == "Tên: hoa; Loại: Trường học; Từ ngày: 05/09/2024"
    assert filters_applied(_Filter({}, queryset=Unit.objects.all())) == "Không lọc"


def test_export_workbook_stops_at_the_limit_and_says_so():
    spec = ExportSpec("Danh sách thử", "thu", [Column("Tên", "name")])
    rows = [SimpleNamespace(name=f"Dòng {n}") for n in range(5)]
    content = export_workbook(spec=spec, queryset=rows, filters="Không lọc", limit=3)
    sheet = load_workbook(io.BytesIO(content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "DANH SÁCH THỬ"
    assert values[3][0] == "Chỉ xuất 3 dòng đầu trong 5 dòng: hãy lọc hẹp hơn để có đủ danh sách."
    assert values[4:] == [("STT", "Tên"), (1, "Dòng 0"), (2, "Dòng 1"), (3, "Dòng 2")]


def test_filters_applied_leaves_out_an_invalid_value_as_the_query_does(db):
    filterset = _Filter({"q": "hoa", "kind": "khong-co"}, queryset=Unit.objects.all())
    assert filters_applied(filterset) == "Tên: hoa"
