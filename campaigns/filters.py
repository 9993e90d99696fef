import django_filters
from django import forms
from django.db.models import Q

from core.text import search_key_q

from .enums import CampaignKind, CampaignStatus, PeriodKind, RegistrationStatus
from .models import Campaign, Compact

YEAR_HELP = "Năm bắt đầu, ví dụ 2024"
YES_NO = forms.Select(choices=[("", "Tất cả"), ("true", "Có"), ("false", "Không")])


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên, số kế hoạch", method="filter_q")
    kind = django_filters.ChoiceFilter(label="Loại", choices=CampaignKind.choices, empty_label="Tất cả")
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=CampaignStatus.choices, empty_label="Tất cả")
    period_kind = django_filters.ChoiceFilter(
        label="Tính theo", choices=PeriodKind.choices, empty_label="Năm học hoặc năm"
    )
    school_year = django_filters.NumberFilter(label="Năm học", help_text=YEAR_HELP)
    calendar_year = django_filters.NumberFilter(label="Năm", help_text="Phong trào theo năm, ví dụ 2024")
    launcher = django_filters.CharFilter(label="Đơn vị phát động", method="filter_launcher")
    o = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("period_year", "school_year"),
            ("issued_on", "issued_on"),
            ("launched_by__name", "launcher"),
            ("kind", "kind"),
        ),
        field_labels={
            "name": "Tên",
            "period_year": "Năm học / năm",
            "issued_on": "Ngày ban hành",
            "launched_by__name": "Đơn vị phát động",
            "kind": "Loại",
        },
        label="Sắp xếp",
        empty_label="Mặc định",
    )

    class Meta:
        model = Campaign
        fields = ["q", "kind", "status", "period_kind", "school_year", "calendar_year"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(document_number__icontains=value))

    def filter_launcher(self, queryset, name, value):
        return queryset.filter(search_key_q("launched_by__search_key", value))  # name or short name, folded


OVERVIEW_STATUS = [("none", "Chưa đăng ký")] + list(RegistrationStatus.choices)


class OverviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên đơn vị", method="filter_q")
    # `unit=<id>`: the chosen unit's subtree (the dashboard's drill-down). The view resolves the id through
    # the user's scope (404 outside) and hands the unit in; the field only carries it through the form,
    # hidden (a province has thousands of units: no select), and names it in an export's filter line.
    unit = django_filters.ChoiceFilter(
        label="Thuộc đơn vị", choices=(), method="filter_unit", widget=forms.HiddenInput, empty_label=None
    )
    state = django_filters.ChoiceFilter(
        label="Tình trạng", choices=OVERVIEW_STATUS, method="filter_state", empty_label="Tất cả"
    )
    o = django_filters.OrderingFilter(
        fields=(("name", "name"), ("registration_status", "status"), ("path", "path")),
        field_labels={"name": "Tên đơn vị", "registration_status": "Tình trạng", "path": "Cây đơn vị"},
        label="Sắp xếp",
        empty_label="Mặc định",
    )

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_key_q("search_key", value))  # unit name or short name, folded

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.filters["unit"].extra["choices"] = [(str(unit.pk), unit.name)] if unit is not None else []

    def filter_unit(self, queryset, name, value):
        # Rows are already the user's; the prefix only narrows them (an indexed path prefix).
        return queryset.filter(path__startswith=self.unit.path) if self.unit is not None else queryset.none()

    def filter_state(self, queryset, name, value):
        if value == "none":
            return queryset.filter(registration_status__isnull=True)
        return queryset.filter(registration_status=value)


class CompactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên giao ước", method="filter_q")
    year = django_filters.NumberFilter(label="Năm ký", field_name="signed_on", lookup_expr="year")
    o = django_filters.OrderingFilter(
        fields=(("title", "title"), ("signed_on", "signed_on"), ("block__name", "block")),
        field_labels={"title": "Tên", "signed_on": "Ngày ký", "block__name": "Khối/cụm"},
        label="Sắp xếp",
        empty_label="Mặc định",
    )

    class Meta:
        model = Compact
        fields = ["q", "year"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(block__name__icontains=value))
