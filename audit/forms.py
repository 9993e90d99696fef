from django import forms

from units.pickers import UNIT, UnitPickerField, register_scope

from .registry import AUDITED_MODELS
from .selectors import audit_units

AUDIT_SCOPE = register_scope("unit:audit", UNIT, audit_units)


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(
        label="Loại dữ liệu",
        required=False,
        choices=[("", "Tất cả")] + [(entry.key, entry.label) for entry in AUDITED_MODELS],
    )
    user = forms.CharField(label="Người thay đổi", required=False, max_length=150)
    date_from = forms.DateField(label="Từ ngày", required=False)
    date_to = forms.DateField(label="Đến ngày", required=False)
    # A picker: a Sở administrator audits thousands of units (units/pickers.py); the suggestions are the
    # units it may audit (selectors.audit_units), the same queryset the view hands the field.
    unit = UnitPickerField(label="Đơn vị", required=False, scope=AUDIT_SCOPE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
