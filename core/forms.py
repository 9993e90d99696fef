from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class PortalForm(forms.Form):
    """Base form: crispy helper with a Vietnamese submit button."""

    submit_label = "Lưu"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", **(attrs or {})}, format="%d/%m/%Y")


class VersionField(forms.CharField):
    """Hidden copy of the object's integer `version` (core.models.Versioned).

    A stale form never overwrites a newer save.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
