"""Forms of the achievement report and of the list import; they validate input and hand it to one service."""

from django import forms

from core.exceptions import ServiceError
from core.forms import PortalForm, VersionField
from core.uploads import check_workbook, clean_upload

from . import report as report_module


class ReportForm(PortalForm):
    """Section I as one field per profile key, sections II and III as text, the linked initiatives."""

    submit_label = "Lưu báo cáo thành tích"

    version = VersionField()

    def __init__(self, *args, nomination, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        profile = report.profile if report else {}
        for f in report_module.profile_fields(nomination):
            self.fields[f"profile_{f.key}"] = forms.CharField(
                label=f.label, required=False, max_length=500, initial=profile.get(f.key, "")
            )
        for f in report_module.section_fields(nomination):
            self.fields[f.key] = forms.CharField(
                label=f.label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=getattr(report, f.key, "") if report else "",
            )
        self.fields["awards_received"] = forms.CharField(
            label="Các hình thức đã được khen thưởng",
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Mỗi dòng: Năm học | Danh hiệu, hình thức | Số, ngày quyết định | Cơ quan ban hành.",
            initial=report_module.awards_received_text(report.awards_received) if report else "",
        )
        self.fields["initiatives"] = forms.ModelMultipleChoiceField(
            label="Sáng kiến, đề tài làm căn cứ đề nghị",
            queryset=report_module.initiative_choices(nomination),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[i.pk for i in nomination.initiatives.all()],
        )
        self.fields["initiatives"].label_from_instance = report_module.initiative_line
        self.fields["version"].initial = report.version if report else 1
        self.nomination = nomination

    def clean_awards_received(self):
        try:
            return report_module.parse_awards_received(self.cleaned_data["awards_received"])
        except ServiceError as exc:
            raise forms.ValidationError(str(exc)) from None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        profile = {f.key: data[f"profile_{f.key}"] for f in report_module.profile_fields(self.nomination)}
        sections = {f.key: data[f.key] for f in report_module.section_fields(self.nomination)}
        return {
            "version": data["version"] or None,
            "profile": profile,
            "awards_received": data["awards_received"],
            "initiative_ids": [i.pk for i in data["initiatives"]],
            **sections,
        }


class RefreshForm(forms.Form):
    version = VersionField()
    overwrite = forms.BooleanField(required=False)


class NominationsImportForm(PortalForm):
    submit_label = "Nhập danh sách"
    file = forms.FileField(label="Tệp Excel (.xlsx) theo mẫu")

    def clean_file(self):
        return clean_upload(self.cleaned_data["file"], check_workbook)
