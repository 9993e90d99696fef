"""Forms of the documents app: they read the upload and hand bytes to a service (which checks everything)."""

from django import forms

from core.forms import PortalForm


class _UploadForm(PortalForm):
    """Reads the uploaded file into memory up to `limit` bytes (one byte more says it is too large)."""

    def read(self, field: str, limit: int) -> bytes:
        upload = self.cleaned_data.get(field)
        if upload is None:
            return b""
        data = upload.read(limit + 1)
        upload.close()
        return data


class SignForm(_UploadForm):
    submit_label = "Ký số"

    p12 = forms.FileField(
        label="Tệp chứng thư số (.p12, .pfx)",
        help_text="Tệp và mật khẩu chỉ dùng cho lần ký này, không được lưu lại.",
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    passphrase = forms.CharField(
        label="Mật khẩu của tệp chứng thư số",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ScanForm(_UploadForm):
    submit_label = "Tải lên bản quét"

    file = forms.FileField(
        label="Bản quét văn bản đã ký (PDF màu, từ 200 dpi)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class VerifyUploadForm(_UploadForm):
    submit_label = "So khớp tệp"

    file = forms.FileField(
        label="Tệp PDF cần đối chiếu",
        help_text="Tệp chỉ dùng để tính mã băm và so khớp, không được lưu lại.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
