import datetime

import django_filters
from django.db.models import F, Lookup, Q, QuerySet, Subquery

from core.text import search_key_q
from units.enums import UnitKind
from units.filters import StableOrderingFilter
from units.models import Person, Unit
from units.pickers import UnitPickerFilter

from .enums import (
    AuthorityKind,
    AwardCategory,
    CommendationKind,
    InitiativeKind,
    InitiativeScope,
    InitiativeStatus,
    RecipientKind,
    RecordSource,
)
from .models import AwardRecord, AwardType, Initiative, in_force_q
from .schoolyear import current_school_year, school_year_label


class InHashed(Lookup):
    """`column IN (subquery)` that PostgreSQL answers from a hash of the subquery's rows, read once, whatever it
    believes the tables hold. A plain `IN (SELECT …)` among ANDed conditions becomes a semi-join whose order the
    estimates decide (with "0 rows" for both tables: each record probing units_person, 1.1 s for the Sở's 315,000);
    under an OR it cannot (`… OR FALSE`, folded away only after that step), so it stays a hashed SubPlan: one scan
    of the subquery, one hash lookup per record. (`= ANY(ARRAY(…))` compares each record with every element.)"""

    lookup_name = "in_hashed"
    prepare_rhs = False

    def get_prep_lookup(self):
        return Subquery(self.rhs.order_by()) if isinstance(self.rhs, QuerySet) else self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        sql = f"({lhs} IN {rhs} OR FALSE)" if connection.vendor == "postgresql" else f"{lhs} IN {rhs}"
        return sql, [*lhs_params, *rhs_params]


def year_choices(back: int = 10) -> list[tuple[int, str]]:
    now = current_school_year()
    return [(y, school_year_label(y)) for y in range(now, now - back, -1)]


MANAGER, STAFF = "1", "0"
MANAGER_CHOICES = [(STAFF, "Giáo viên, nhân viên"), (MANAGER, "Cán bộ quản lý")]
TEAM, WHOLE_UNIT = "to", "don_vi"
COLLECTIVE_CHOICES = [(TEAM, "Tập thể nhỏ (tổ)"), (WHOLE_UNIT, "Tập thể đơn vị")]


class CatalogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên hoặc mã", method="filter_q")
    category = django_filters.ChoiceFilter(label="Loại", choices=AwardCategory.choices, empty_label="Tất cả")
    recipient_kind = django_filters.ChoiceFilter(label="Đối tượng", choices=RecipientKind.choices, empty_label="Tất cả")
    authority_kind = django_filters.ChoiceFilter(
        label="Thẩm quyền", choices=AuthorityKind.choices, empty_label="Tất cả"
    )
    in_force = django_filters.ChoiceFilter(
        label="Hiệu lực",
        choices=[("now", "Đang có hiệu lực"), ("all", "Mọi phiên bản")],
        empty_label=None,
        method="filter_in_force",
    )
    o = django_filters.OrderingFilter(
        fields=(("rank", "rank"), ("code", "code"), ("name", "name"), ("effective_from", "effective_from")),
        field_labels={"rank": "Thứ tự", "code": "Mã", "name": "Tên", "effective_from": "Hiệu lực từ"},
        label="Sắp xếp",
    )

    class Meta:
        model = AwardType
        fields = ["q", "category", "recipient_kind", "authority_kind"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("in_force", "now")
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(short_name__icontains=value))

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(in_force_q(datetime.date.today())) if value == "now" else queryset


class RecordFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên cá nhân/tập thể", method="filter_q")
    school_year = django_filters.ChoiceFilter(label="Năm học", choices=year_choices, empty_label="Tất cả")
    award = django_filters.ChoiceFilter(
        label="Danh hiệu", field_name="award_type__code", choices=(), empty_label="Tất cả"
    )
    source = django_filters.ChoiceFilter(label="Nguồn", choices=RecordSource.choices, empty_label="Tất cả")
    commendation_kind = django_filters.ChoiceFilter(
        label="Khen theo", choices=CommendationKind.choices, empty_label="Tất cả"
    )
    revoked = django_filters.BooleanFilter(
        label="Đã thu hồi", field_name="revocation", lookup_expr="isnull", exclude=True
    )
    # The dashboard's shares drill down here: individual records by today's `Person.is_manager` (the
    # dashboard's definition), collective records of a team (tổ) or of a whole unit. Each keeps only
    # the records of its kind: "0" is teachers and staff, not "everything but managers".
    quan_ly = django_filters.ChoiceFilter(
        label="Cá nhân", choices=MANAGER_CHOICES, method="filter_manager", empty_label="Tất cả"
    )
    loai_tap_the = django_filters.ChoiceFilter(
        label="Tập thể", choices=COLLECTIVE_CHOICES, method="filter_collective", empty_label="Tất cả"
    )
    # Ties (one rank, one year, one decision date: most rows) broken by the id, so a record never shows on two
    # pages or on none.
    o = StableOrderingFilter(
        fields=(("school_year", "school_year"), ("award_type__rank", "award"), ("decision_date", "decision_date")),
        field_labels={"school_year": "Năm học", "award_type__rank": "Danh hiệu", "decision_date": "Ngày quyết định"},
        label="Sắp xếp",
    )

    class Meta:
        model = AwardRecord
        fields = ["q", "school_year", "award", "source", "commendation_kind", "revoked", "quan_ly", "loai_tap_the"]

    def __init__(self, *args, award_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["award"].extra["choices"] = award_choices

    # The person-side conditions read the ids of the people (and units) on their own table, hashed once, never
    # joined to the records: under stale statistics ("0 rows" for units_person) the join to people drove a full
    # index scan of the people for every record (the Sở's list cancelled at 1 s). The ORed and the negated `IN`
    # stay hashed SubPlans by themselves; the managers' alone would become a semi-join (InHashed).
    def filter_q(self, queryset, name, value):
        people = Person.objects.filter(search_key_q("search_key", value)).values("pk")
        units = Unit.objects.filter(search_key_q("search_key", value)).values("pk")
        return queryset.filter(Q(person_id__in=people) | Q(unit_id__in=units))

    def filter_manager(self, queryset, name, value):
        managers = Person.objects.filter(is_manager=True).values("pk")
        if value == MANAGER:
            return queryset.filter(InHashed(F("person_id"), managers))
        return queryset.filter(person__isnull=False).exclude(person_id__in=managers)

    def filter_collective(self, queryset, name, value):
        teams = Q(unit__kind=UnitKind.TEAM)
        return queryset.filter(unit__isnull=False).filter(teams if value == TEAM else ~teams)


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tên sáng kiến", field_name="title", lookup_expr="icontains")
    school_year = django_filters.ChoiceFilter(label="Năm học", choices=year_choices, empty_label="Tất cả")
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=InitiativeStatus.choices, empty_label="Tất cả")
    scope = django_filters.ChoiceFilter(label="Phạm vi", choices=InitiativeScope.choices, empty_label="Tất cả")
    kind = django_filters.ChoiceFilter(label="Loại", choices=InitiativeKind.choices, empty_label="Tất cả")
    o = django_filters.OrderingFilter(
        fields=(
            ("school_year", "school_year"),
            ("title", "title"),
            ("status", "status"),
            ("decision_date", "decision_date"),
        ),
        field_labels={
            "school_year": "Năm học",
            "title": "Tên",
            "status": "Trạng thái",
            "decision_date": "Ngày công nhận",
        },
        label="Sắp xếp",
    )

    class Meta:
        model = Initiative
        fields = ["q", "school_year", "status", "scope", "kind"]


class PeopleSearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Họ tên", method="filter_q")
    unit = UnitPickerFilter(label="Đơn vị", queryset=None)  # a picker: a Sở user sees ~6,000 units
    o = django_filters.OrderingFilter(
        fields=(("full_name", "full_name"), ("unit__name", "unit"), ("service_start", "service_start")),
        field_labels={"full_name": "Họ tên", "unit__name": "Đơn vị", "service_start": "Ngày vào ngành"},
        label="Sắp xếp",
    )

    class Meta:
        model = Person
        fields = ["q", "unit"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = units

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_key_q("search_key", value))  # without diacritics, like the search page
