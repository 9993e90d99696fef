import datetime

from django import forms

from core.forms import DateInput, PortalForm, VersionField

from .enums import InitiativeKind, InitiativeScope
from .filters import year_choices
from .schoolyear import current_school_year


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
    authors = forms.ModelMultipleChoiceField(
        label="Tác giả", queryset=None, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    version = VersionField()

    def __init__(self, *args, people=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authors"].queryset = people
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


class RevokeForm(PortalForm):
    submit_label = "Thu hồi"
    whole_decision = forms.BooleanField(
        label="Thu hồi mọi khen thưởng của cùng quyết định", required=False, initial=True
    )
    revocation_number = forms.CharField(label="Số quyết định thu hồi", max_length=64)
    revocation_date = forms.DateField(label="Ngày quyết định thu hồi", widget=DateInput())
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))
