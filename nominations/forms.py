"""Forms of the nomination pages: they validate input and hand `cleaned_data` to one service."""

from django import forms

from awards.models import AwardType, in_force_q
from awards.schoolyear import current_school_year
from campaigns.enums import CampaignStatus
from campaigns.selectors import campaigns_visible_to
from core.forms import DateInput, PortalForm, VersionField
from core.uploads import check_evidence, clean_upload
from units.enums import UnitKind
from units.models import Unit
from units.pickers import NOT_TEAMS, UnitPickerField
from units.rules import Cap, people_in_scope, scope_q

from .enums import Procedure, RoundKind


class DossierCreateForm(PortalForm):
    submit_label = "Tạo hồ sơ"

    # A picker: a Sở administrator files for any of ~1,500 schools (units/pickers.py).
    unit = UnitPickerField(label="Đơn vị đề nghị", queryset=Unit.objects.none(), scope="unit:file", kinds=NOT_TEAMS)
    round_kind = forms.ChoiceField(label="Đợt xét", choices=RoundKind.choices)
    school_year = forms.IntegerField(
        label="Năm học (năm bắt đầu)", min_value=2000, max_value=2100, help_text="Ví dụ 2024 là năm học 2024-2025."
    )
    campaign = forms.ModelChoiceField(label="Phong trào (khi xét theo phong trào)", queryset=None, required=False)
    procedure = forms.ChoiceField(label="Thủ tục", choices=Procedure.choices, initial=Procedure.NORMAL)
    title = forms.CharField(label="Trích yếu", max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.filter(scope_q(user, Cap.FILE)).exclude(kind=UnitKind.TEAM).order_by("path")
        )
        self.fields["campaign"].queryset = campaigns_visible_to(user).filter(status=CampaignStatus.LAUNCHED)
        self.fields["school_year"].initial = current_school_year() - 1


class DossierEditForm(PortalForm):
    title = forms.CharField(label="Trích yếu", max_length=500, required=False)
    procedure = forms.ChoiceField(label="Thủ tục", choices=Procedure.choices)
    submission_number = forms.CharField(label="Số tờ trình", max_length=64, required=False)
    submission_date = forms.DateField(label="Ngày tờ trình", widget=DateInput(), required=False)
    submission_signer = forms.CharField(label="Người ký tờ trình", max_length=255, required=False)
    summary = forms.CharField(
        label="Tóm tắt thành tích của hồ sơ (thủ tục đơn giản)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    version = VersionField()


class NominationAddForm(PortalForm):
    submit_label = "Thêm đề nghị"

    # Selects, not pickers: one unit's own staff and its teams (a school: tens of rows), never a subtree.
    person = forms.ModelChoiceField(label="Cá nhân", queryset=None, required=False)
    collective = forms.ModelChoiceField(label="hoặc tập thể", queryset=None, required=False)
    award = forms.ModelChoiceField(label="Danh hiệu / hình thức đề nghị", queryset=None, to_field_name="code")
    summary = forms.CharField(label="Tóm tắt thành tích", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, user, dossier, today, **kwargs):
        super().__init__(*args, **kwargs)
        unit = dossier.unit
        self.fields["person"].queryset = (
            people_in_scope(user, unit, Cap.FILE, active_only=True)
            .filter(unit__in=Unit.objects.filter(pk=unit.pk) | Unit.objects.filter(parent=unit, kind=UnitKind.TEAM))
            .order_by("name_key", "pk")
        )
        self.fields["collective"].queryset = (
            Unit.objects.filter(pk=unit.pk) | Unit.objects.filter(parent=unit, kind=UnitKind.TEAM)
        ).order_by("path")
        self.fields["award"].queryset = AwardType.objects.filter(in_force_q(today)).order_by("rank", "code")

    def clean(self):
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("collective")):
            raise forms.ValidationError("Chọn một cá nhân hoặc một tập thể.")
        return data


class NominationEditForm(PortalForm):
    summary = forms.CharField(label="Tóm tắt thành tích", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    version = VersionField()


class OverrideForm(PortalForm):
    submit_label = "Ghi ý kiến"

    criterion = forms.CharField(label="Tiêu chuẩn, căn cứ pháp lý áp dụng", max_length=500)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = VersionField()


class AttachmentForm(PortalForm):
    submit_label = "Tải lên"

    file = forms.FileField(label="Tệp minh chứng (PDF, JPEG, PNG)")
    description = forms.CharField(label="Mô tả", max_length=255, required=False)

    def clean_file(self):
        return clean_upload(self.cleaned_data["file"], check_evidence)


class FromRegistrationForm(forms.Form):
    award = forms.CharField(required=False)
