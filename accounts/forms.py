from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's password change with the rules listed on the page itself (password_rules in the template)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules are listed above the form (registration/password_change_form.html), not under a field.
        self.fields["new_password1"].help_text = ""
        for field in self.fields.values():
            field.error_messages["required"] = f"Hãy nhập {str(field.label).lower()}."

    def rules(self) -> list[str]:
        """The configured validators' own help texts (AUTH_PASSWORD_VALIDATORS), in Vietnamese."""
        return [str(text) for text in password_validators_help_texts()]


class TOTPCodeForm(forms.Form):
    token = forms.CharField(
        label="Mã xác thực (6 chữ số)",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Hãy nhập mã 6 chữ số từ ứng dụng xác thực."},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit()):
            raise forms.ValidationError("Mã xác thực chỉ gồm chữ số.")
        return token
