"""Forms of the public notice (công khai) pages; they validate and hand `cleaned_data` to `notice.py`."""

from django import forms
from django.utils import timezone

from core.forms import DateInput, PortalForm

from . import notice as notice_services
from .models import ObjectionStatus


class NominationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.candidate_name} – {notice_services.public_unit_name(obj)} – {obj.award_type.name}"


class NoticePublishForm(PortalForm):
    submit_label = "Công khai"

    title = forms.CharField(label="Tiêu đề", max_length=500)
    starts_on = forms.DateField(label="Công khai từ ngày", widget=DateInput())
    days = forms.IntegerField(label="Số ngày công khai", min_value=1, max_value=notice_services.MAX_NOTICE_DAYS)
    nominations = NominationChoice(
        label="Các đề nghị được công khai", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = notice_services.publishable_nominations(user, unit)
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["days"].initial = notice_services.notice_days()
        self.fields["days"].help_text = (
            f"Mặc định {notice_services.notice_days()} ngày (tham số NOMINATION_NOTICE_DAYS; "
            "chưa có quy định được xác minh về thời hạn công khai)."
        )
        self.fields["title"].initial = f"Danh sách đề nghị khen thưởng của {unit.name}"


class ObjectionForm(forms.Form):
    """The public form under each nominee. `website` is the honeypot: hidden by CSS, left empty by people."""

    nomination = forms.CharField(widget=forms.HiddenInput)
    content = forms.CharField(
        label="Nội dung phản ánh",
        min_length=notice_services.OBJECTION_MIN_CHARS,
        max_length=notice_services.OBJECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Phải ghi nội dung phản ánh.",
            "min_length": f"Nội dung phản ánh phải có ít nhất {notice_services.OBJECTION_MIN_CHARS} ký tự.",
            "max_length": f"Nội dung phản ánh tối đa {notice_services.OBJECTION_MAX_CHARS} ký tự.",
        },
    )
    sender_name = forms.CharField(
        label="Họ tên (không bắt buộc)", max_length=notice_services.SENDER_MAX_CHARS, required=False
    )
    sender_contact = forms.CharField(
        label="Điện thoại hoặc thư điện tử (không bắt buộc)",
        max_length=notice_services.SENDER_MAX_CHARS,
        required=False,
    )
    website = forms.CharField(
        label="Để trống ô này",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class ObjectionResolveForm(PortalForm):
    submit_label = "Ghi kết quả"

    status = forms.ChoiceField(
        label="Kết luận",
        choices=[c for c in ObjectionStatus.choices if c[0] != ObjectionStatus.OPEN],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label="Kết quả xử lý",
        max_length=notice_services.RESOLUTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
