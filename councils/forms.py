from django import forms
from django.contrib.auth import get_user_model

from .enums import AttendanceStatus, Choice, Denominator, MemberRole


class CouncilForm(forms.Form):
    name = forms.CharField(label="Tên Hội đồng", max_length=255)
    period_start = forms.DateField(label="Nhiệm kỳ từ ngày", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    period_end = forms.DateField(label="Đến ngày", input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class MemberForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập của thành viên", max_length=150)
    role = forms.ChoiceField(label="Vai trò", choices=MemberRole.choices)
    title = forms.CharField(label="Chức vụ", max_length=255, required=False)
    counting_committee = forms.BooleanField(label="Thành viên Ban kiểm phiếu", required=False)

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError("Không có tài khoản với tên đăng nhập này.")
        return user


class RulesForm(forms.Form):
    """The standing rules; the service parses the shares (2/3, 0,9, 90%) and refuses bad ones."""

    quorum = forms.CharField(
        label="Tỷ lệ họp tối thiểu (trên tổng số thành viên)", max_length=16, help_text="Ví dụ: 2/3"
    )
    approval = forms.CharField(label="Tỷ lệ đồng ý để thông qua", max_length=16, help_text="Ví dụ: 1/2, 70%, 0,9")
    strict = forms.BooleanField(label="Phải trên tỷ lệ (bằng tỷ lệ chưa đủ)", required=False)
    denominator = forms.ChoiceField(label="Tính tỷ lệ đồng ý trên", choices=Denominator.choices)
    allow_abstention = forms.BooleanField(label="Cho phép ý kiến «không biểu quyết»", required=False)
    rules_basis = forms.CharField(label="Căn cứ quy chế", max_length=500, required=False)

    @classmethod
    def initial_for(cls, council) -> dict:
        return {
            "quorum": f"{council.quorum_numerator}/{council.quorum_denominator}",
            "approval": f"{council.approval_numerator}/{council.approval_denominator}",
            "strict": council.approval_strict,
            "denominator": council.denominator,
            "allow_abstention": council.allow_abstention,
            "rules_basis": council.rules_basis,
        }


class MeetingEndForm(forms.Form):
    end_time = forms.TimeField(label="Giờ kết thúc")


class MeetingForm(forms.Form):
    date = forms.DateField(label="Ngày họp", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    start_time = forms.TimeField(label="Giờ bắt đầu")
    place = forms.CharField(label="Địa điểm", max_length=255)
    chair = forms.TypedChoiceField(label="Chủ trì", coerce=int)
    secretary = forms.TypedChoiceField(label="Thư ký", coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, str(m)) for m in members]
        self.fields["chair"].choices = choices
        self.fields["secretary"].choices = choices


class AttendanceForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Điểm danh", choices=AttendanceStatus.choices)
    reason = forms.CharField(label="Lý do vắng", max_length=500, required=False)


class PaperCountForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    issued = forms.IntegerField(label="Phiếu phát ra", min_value=0, max_value=1000)
    votes_for = forms.IntegerField(label="Đồng ý", min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label="Không đồng ý", min_value=0, max_value=1000)
    votes_abstain = forms.IntegerField(label="Không biểu quyết", min_value=0, max_value=1000, initial=0)
    invalid = forms.IntegerField(label="Không hợp lệ", min_value=0, max_value=1000, initial=0)


def ballot_choices(allow_abstention: bool):
    return [(c.value, c.label) for c in Choice if allow_abstention or c != Choice.ABSTAIN]
