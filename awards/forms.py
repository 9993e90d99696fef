import datetime

from django import forms

from core.forms import DateInput, PortalForm, VersionField
from core.uploads import check_workbook, clean_upload
from units.pickers import (
    PERSON,
    UNIT,
    PersonMultiplePickerField,
    UnitMultiplePickerField,
    UnitPickerField,
    register_scope,
)
from units.rules import Cap, people_in_scope

from .enums import (
    RATING_SHORT,
    AuthorityKind,
    CommendationKind,
    DisciplineKind,
    InitiativeKind,
    InitiativeScope,
    ServicePeriodKind,
)
from .filters import year_choices
from .schoolyear import current_school_year
from .selectors import route_unit_choices

# Pickers (units/pickers.py), not lists: a Sở user manages ~60,000 people and administers thousands of units.
# Active people the user manages: the authors and recipients a form may name (within the form's unit).
ACTIVE_MANAGED_PEOPLE = register_scope(
    "person:manage_people_active", PERSON, lambda user: people_in_scope(user, cap=Cap.MANAGE_PEOPLE, active_only=True)
)
# The public offices and the units the user administers (selectors.route_unit_choices).
ROUTE_UNITS = register_scope("unit:route", UNIT, route_unit_choices)


class CheckForm(PortalForm):
    """The eligibility check: an award, a school year and the date whose rules apply."""

    submit_label = "Kiểm tra"
    award = forms.ChoiceField(label="Danh hiệu / hình thức")
    year = forms.TypedChoiceField(label="Năm học xét", coerce=int, choices=year_choices)
    on_date = forms.DateField(
        label="Áp dụng quy định có hiệu lực ngày", widget=DateInput(), required=False, help_text="Để trống: hôm nay"
    )

    def __init__(self, *args, award_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices
        self.helper.form_method = "get"
        self.fields["year"].initial = current_school_year()


class InitiativeForm(PortalForm):
    title = forms.CharField(label="Tên sáng kiến / đề tài", max_length=500)
    kind = forms.ChoiceField(label="Loại", choices=InitiativeKind.choices)
    school_year = forms.TypedChoiceField(label="Năm học", coerce=int, choices=year_choices)
    subject = forms.CharField(label="Lĩnh vực / môn", max_length=100, required=False)
    authors = PersonMultiplePickerField(label="Tác giả", scope=ACTIVE_MANAGED_PEOPLE)
    version = VersionField()

    def __init__(self, *args, people=None, editing=False, within=None, **kwargs):
        """`within`: the initiative's unit, whose subtree the picker searches (as `people` is)."""
        super().__init__(*args, **kwargs)
        self.fields["authors"].queryset = people
        self.fields["authors"].widget.within = within
        self.fields["school_year"].initial = current_school_year()
        if editing:
            self.fields["school_year"].disabled = True


class RecogniseForm(PortalForm):
    submit_label = "Ghi kết quả"
    recognised = forms.TypedChoiceField(
        label="Kết quả",
        choices=[("1", "Được công nhận"), ("0", "Không được công nhận")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    scope = forms.ChoiceField(label="Phạm vi công nhận", choices=[("", "—")] + InitiativeScope.choices, required=False)
    decision_number = forms.CharField(label="Số quyết định công nhận", max_length=64, required=False)
    decision_date = forms.DateField(label="Ngày quyết định", widget=DateInput(), required=False)
    issuer = forms.CharField(label="Cơ quan công nhận", max_length=255, required=False)
    version = VersionField()

    def clean(self):
        data = super().clean()
        if data.get("recognised"):
            if not data.get("scope"):
                self.add_error("scope", "Phải chọn phạm vi công nhận.")
            if not data.get("decision_number"):
                self.add_error("decision_number", "Phải ghi số quyết định.")
            if not data.get("decision_date"):
                self.add_error("decision_date", "Phải ghi ngày quyết định.")
        if data.get("decision_date") and data["decision_date"] > datetime.date.today():
            self.add_error("decision_date", "Ngày quyết định không thể ở tương lai.")
        return data


class ImportForm(PortalForm):
    submit_label = "Nhập dữ liệu"
    file = forms.FileField(label="Tệp Excel (.xlsx) theo mẫu")

    def clean_file(self):
        return clean_upload(self.cleaned_data["file"], check_workbook)


class RevokeForm(PortalForm):
    submit_label = "Thu hồi"
    whole_decision = forms.BooleanField(
        label="Thu hồi mọi khen thưởng của cùng quyết định", required=False, initial=True
    )
    revocation_number = forms.CharField(label="Số quyết định thu hồi", max_length=64)
    revocation_date = forms.DateField(label="Ngày quyết định thu hồi", widget=DateInput())
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))


# --- entry of the data the engine reads ------------------------------------------------------------

RATING_FIELD_PREFIX = "rating_"
RATING_CHOICES = [("", "(chưa đánh giá)")] + [(value, short) for value, short in RATING_SHORT.items()]


class GridYearForm(PortalForm):
    """Which school year the rating grid shows (GET)."""

    submit_label = "Xem"
    year = forms.TypedChoiceField(label="Năm học", coerce=int, choices=year_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"


class EvaluationGridForm(PortalForm):
    """The rating grid (POST): a school year and one `rating_<person id>` select per row.

    Rows are read from the submitted keys, not from the people shown, so that a row that is not
    the unit's reaches the service and is refused there instead of being silently dropped.
    """

    school_year = forms.TypedChoiceField(label="Năm học", coerce=int, choices=year_choices)

    def clean(self):
        data = super().clean()
        ratings, bad = {}, False
        allowed = {value for value, _ in RATING_CHOICES}
        for key in self.data:
            if not key.startswith(RATING_FIELD_PREFIX):
                continue
            pid, value = key[len(RATING_FIELD_PREFIX) :], self.data.get(key, "")
            # At most 18 digits: an id the database's integer can hold (a longer one would be a 500, not a refusal).
            if not (pid.isascii() and pid.isdigit()) or len(pid) > 18 or value not in allowed:
                bad = True
                continue
            ratings[int(pid)] = value or None
        if bad:
            raise forms.ValidationError("Dữ liệu xếp loại không hợp lệ; vui lòng tải lại trang và nhập lại.")
        if not ratings:
            raise forms.ValidationError("Không có dòng nào để lưu.")
        data["ratings"] = ratings
        return data


class DecisionForm(PortalForm):
    """One award decision entered by hand, with its recipients ticked."""

    submit_label = "Lưu quyết định"
    decision_number = forms.CharField(label="Số quyết định", max_length=64)
    decision_date = forms.DateField(label="Ngày quyết định", widget=DateInput())
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    school_year = forms.TypedChoiceField(label="Năm học", coerce=int, choices=year_choices)
    award = forms.ChoiceField(
        label="Danh hiệu / hình thức",
        help_text="Theo danh mục có hiệu lực vào ngày quyết định.",
    )
    commendation_kind = forms.ChoiceField(
        label="Khen thưởng theo",
        choices=[("", "Theo danh mục")] + CommendationKind.choices,
        required=False,
        help_text="Khen đột xuất, chuyên đề không được tính làm căn cứ khen theo công trạng.",
    )
    people = PersonMultiplePickerField(label="Cá nhân được khen thưởng", required=False, scope=ACTIVE_MANAGED_PEOPLE)
    units = UnitMultiplePickerField(label="Tập thể được khen thưởng", required=False, scope="unit:manage_people")

    def __init__(self, *args, award_choices=(), people=None, units=None, within=None, **kwargs):
        """`within`: the unit the decision is entered for, whose subtree the pickers search."""
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [("", "—")] + list(award_choices)
        self.fields["people"].queryset = people
        self.fields["units"].queryset = units
        for name in ("people", "units"):
            self.fields[name].widget.within = within
        self.fields["school_year"].initial = current_school_year()

    def clean_decision_date(self):
        day = self.cleaned_data["decision_date"]
        if day > datetime.date.today():
            raise forms.ValidationError("Ngày quyết định không thể ở tương lai.")
        return day

    def clean(self):
        data = super().clean()
        if not data.get("people") and not data.get("units"):
            raise forms.ValidationError("Phải chọn ít nhất một cá nhân hoặc tập thể được khen thưởng.")
        return data


def _check_dates(form, data):
    if data.get("start") and data.get("end") and data["end"] < data["start"]:
        form.add_error("end", "Ngày kết thúc không thể trước ngày bắt đầu.")


class DisciplineForm(PortalForm):
    kind = forms.ChoiceField(
        label="Hình thức",
        choices=DisciplineKind.choices,
        help_text="«Đang xem xét kỷ luật, thanh tra, điều tra» chặn mọi đề nghị khen thưởng cho đến khi kết thúc.",
    )
    start = forms.DateField(label="Từ ngày", widget=DateInput())
    end = forms.DateField(label="Đến ngày", widget=DateInput(), required=False, help_text="Để trống khi chưa kết thúc")
    note = forms.CharField(label="Ghi chú (số quyết định, lý do)", max_length=255, required=False)

    def clean(self):
        data = super().clean()
        _check_dates(self, data)
        return data


class PeriodEndForm(PortalForm):
    submit_label = "Kết thúc"
    end = forms.DateField(label="Ngày kết thúc", widget=DateInput())


class ServicePeriodForm(PortalForm):
    kind = forms.ChoiceField(label="Loại", choices=ServicePeriodKind.choices)
    start = forms.DateField(label="Từ ngày", widget=DateInput())
    end = forms.DateField(
        label="Đến ngày", widget=DateInput(), required=False, help_text="Để trống khi vẫn đang tiếp diễn"
    )
    place = forms.CharField(label="Nơi công tác", max_length=255, required=False)

    def clean(self):
        data = super().clean()
        _check_dates(self, data)
        return data


class ConfirmForm(PortalForm):
    submit_label = "Xóa"


class _RouteStepsForm(PortalForm):
    """The decider and up to three units a nomination passes through, in order."""

    decider = UnitPickerField(label="Cơ quan quyết định", scope=ROUTE_UNITS)
    via_1 = UnitPickerField(label="Chuyển qua (1)", required=False, scope=ROUTE_UNITS)
    via_2 = UnitPickerField(label="Chuyển qua (2)", required=False, scope=ROUTE_UNITS)
    via_3 = UnitPickerField(label="Chuyển qua (3)", required=False, scope=ROUTE_UNITS)
    legal_basis = forms.CharField(label="Căn cứ pháp lý", max_length=500, required=False)
    is_verified = forms.BooleanField(label="Đã đối chiếu văn bản", required=False, initial=True)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("decider", "via_1", "via_2", "via_3"):
            self.fields[name].queryset = units

    @property
    def via(self):
        return [self.cleaned_data[n] for n in ("via_1", "via_2", "via_3") if self.cleaned_data.get(n)]


class AuthorityRouteForm(_RouteStepsForm):
    authority_kind = forms.ChoiceField(label="Thẩm quyền quyết định (theo danh mục)", choices=AuthorityKind.choices)
    effective_from = forms.DateField(label="Hiệu lực từ ngày", widget=DateInput())
    effective_to = forms.DateField(label="Hiệu lực đến ngày", widget=DateInput(), required=False)
    field_order = ["authority_kind", "decider", "via_1", "via_2", "via_3", "effective_from", "effective_to"]


class AuthorityRouteSupersedeForm(_RouteStepsForm):
    submit_label = "Thay thế"
    effective_from = forms.DateField(
        label="Tuyến mới hiệu lực từ ngày", widget=DateInput(), help_text="Tuyến cũ kết thúc ngày hôm trước"
    )
    field_order = ["effective_from", "decider", "via_1", "via_2", "via_3"]


class AuthorityRouteEndForm(PortalForm):
    submit_label = "Kết thúc"
    effective_to = forms.DateField(label="Áp dụng đến hết ngày", widget=DateInput())
