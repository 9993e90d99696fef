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
    """The 6-digit code of the app. With `backup=True` (the login's second step) also a backup code: ten
    letters and digits, dashes and spaces ignored."""

    token = forms.CharField(
        label="Mã xác thực (6 chữ số)",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Hãy nhập mã 6 chữ số từ ứng dụng xác thực."},
    )

    def __init__(self, *args, backup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup = backup
        if backup:
            self.fields["token"].label = "Mã xác thực (6 chữ số) hoặc mã dự phòng"

    def clean_token(self):
        from .services import BACKUP_ALPHABET, BACKUP_CODE_LENGTH, backup_code_normalise

        token = "".join(self.cleaned_data["token"].split())
        if token.isascii() and token.isdigit():
            return token
        code = backup_code_normalise(token)
        if self.backup and len(code) == BACKUP_CODE_LENGTH and all(ch in BACKUP_ALPHABET for ch in code):
            return code
        if self.backup:
            raise forms.ValidationError("Mã xác thực gồm 6 chữ số; mã dự phòng gồm 10 chữ và số (ví dụ abcde-23456).")
        raise forms.ValidationError("Mã xác thực chỉ gồm chữ số.")

    def is_backup_code(self) -> bool:
        return not self.cleaned_data["token"].isdigit()
