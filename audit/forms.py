from django import forms

from .registry import AUDITED_MODELS


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(
        label="Loại dữ liệu",
        required=False,
        choices=[("", "Tất cả")] + [(entry.key, entry.label) for entry in AUDITED_MODELS],
    )
    user = forms.CharField(label="Người thay đổi", required=False, max_length=150)
    date_from = forms.DateField(label="Từ ngày", required=False)
    date_to = forms.DateField(label="Đến ngày", required=False)
    unit = forms.ModelChoiceField(label="Đơn vị", required=False, queryset=None, empty_label="Tất cả đơn vị")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
