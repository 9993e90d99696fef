import django_filters
from django import forms

from core.text import search_key_q

from .enums import Gender, SchoolLevel, UnitKind
from .models import Person, Unit
from .pickers import UnitPickerFilter

# A tri-state select that reads "Tất cả / Có / Không" rather than Django's "Chưa xác định".
YES_NO = forms.Select(choices=[("", "Tất cả"), ("true", "Có"), ("false", "Không")])


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ties broken by the primary key: rows with the same unit or birth date keep one order between requests,
    so no one appears on two pages or on none. Without a chosen order, the model's default order gets the same
    tie-break unless its last field is unique (two teachers of one name in one school under
    Person's ``unit_path, full_name``; the index ``person_path_name`` ends with the id for it)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            return qs.order_by(*qs.query.order_by, "pk")
        order = list(qs.query.order_by) or (list(qs.model._meta.ordering) if qs.query.default_ordering else [])
        if order and not _ends_unique(qs.model, order[-1]):
            return qs.order_by(*order, "pk")
        return qs


def _ends_unique(model, name) -> bool:
    """Whether ordering by ``name`` (a field of the model itself, «-» for descending) already orders every row."""
    if not isinstance(name, str) or "__" in name:
        return False
    name = name.lstrip("-")
    if name in ("pk", model._meta.pk.name):
        return True
    try:
        return model._meta.get_field(name).unique
    except Exception:  # an annotation or an expression: not known to be unique
        return False


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên đơn vị", method="filter_q")
    kind = django_filters.ChoiceFilter(label="Loại đơn vị", choices=UnitKind.choices, empty_label="Tất cả")
    school_level = django_filters.ChoiceFilter(label="Cấp học", choices=SchoolLevel.choices, empty_label="Tất cả")
    o = StableOrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("path", "path"), ("people_count", "people_count")),
        field_labels={"name": "Tên", "kind": "Loại", "path": "Cây đơn vị", "people_count": "Số người"},
        label="Sắp xếp",
        empty_label="Mặc định",
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "school_level"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_key_q("search_key", value))  # without diacritics, like the search page


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Họ tên", method="filter_q")
    # A picker, not a <select>: a Sở user sees ~6,000 units (units/pickers.py).
    unit = UnitPickerFilter(label="Đơn vị", queryset=Unit.objects.none(), method="filter_unit")
    gender = django_filters.ChoiceFilter(label="Giới tính", choices=Gender.choices, empty_label="Tất cả")
    is_manager = django_filters.BooleanFilter(label="Cán bộ quản lý", widget=YES_NO)
    is_active = django_filters.BooleanFilter(label="Đang công tác", widget=YES_NO)
    o = StableOrderingFilter(
        fields=(
            ("full_name", "full_name"),
            ("date_of_birth", "date_of_birth"),
            ("service_start", "service_start"),
            ("unit__name", "unit"),
        ),
        field_labels={
            "full_name": "Họ tên",
            "date_of_birth": "Ngày sinh",
            "service_start": "Ngày vào ngành",
            "unit__name": "Đơn vị",
        },
        label="Sắp xếp",
        empty_label="Mặc định",
    )

    class Meta:
        model = Person
        fields = ["q", "unit", "gender", "is_manager", "is_active"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_key_q("search_key", value))

    def filter_unit(self, queryset, name, value):
        """A school's staff includes the people of its teams."""
        return queryset.filter(unit_path__startswith=value.path)  # the copy on the person: no join
