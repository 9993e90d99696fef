import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, _unicode_ci_compare
from django.template.loader import render_to_string

from core.exceptions import ServiceError
from core.forms import DateInput, PortalForm, VersionField
from core.uploads import check_workbook, clean_upload

from .enums import Gender, Role, SchoolLevel, UnitKind
from .pickers import NOT_TEAMS, UnitMultiplePickerField, UnitPickerField
from .services import account_mail_request
from .validation import NAME_MAX_LENGTH, person_name_check, typed_date_check


class UnitForm(PortalForm):
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=100, required=False)
    school_level = forms.ChoiceField(label="Cấp học", choices=[("", "—")] + SchoolLevel.choices, required=False)
    locality = forms.CharField(label="Địa danh (ghi trên văn bản)", max_length=100, required=False)
    document_code = forms.CharField(label="Ký hiệu văn bản (ví dụ PGDĐT)", max_length=32, required=False)
    parent_body_name = forms.CharField(label="Cơ quan chủ quản", max_length=255, required=False)
    head_title = forms.CharField(label="Chức danh thủ trưởng", max_length=100, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=32, required=False)
    version = VersionField()


class PersonForm(PortalForm):
    full_name = forms.CharField(label="Họ và tên", max_length=NAME_MAX_LENGTH)
    # No gender chosen in advance: a new record defaulting to one would be saved wrong half the time.
    gender = forms.ChoiceField(
        label="Giới tính",
        choices=[("", "— Chọn giới tính —"), *Gender.choices],
        error_messages={"required": "Hãy chọn giới tính."},
    )
    date_of_birth = forms.DateField(label="Ngày sinh", widget=DateInput(), required=False)
    position = forms.CharField(label="Chức vụ", max_length=100, required=False)
    team = forms.ModelChoiceField(
        label="Tổ",
        queryset=None,
        required=False,
        empty_label="— Không thuộc tổ nào —",
        help_text="Tổ chuyên môn hoặc tổ văn phòng của trường.",
    )
    is_manager = forms.BooleanField(label="Cán bộ quản lý", required=False)
    service_start = forms.DateField(label="Ngày vào ngành", widget=DateInput(), required=False)
    phone = forms.CharField(label="Điện thoại", max_length=32, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    is_active = forms.BooleanField(label="Đang công tác", required=False, initial=True)
    version = VersionField()

    def __init__(self, *args, teams=None, **kwargs):
        """`teams`: the school's teams the user may see (units.selectors.school_teams); none, no «Tổ» field."""
        super().__init__(*args, **kwargs)
        if teams is None or not teams:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        dob, start = data.get("date_of_birth"), data.get("service_start")
        if dob and start and start < dob:
            self.add_error("service_start", "Ngày vào ngành không thể trước ngày sinh.")
        if dob and dob > datetime.date.today():
            self.add_error("date_of_birth", "Ngày sinh không thể ở tương lai.")
        return data


class PersonTransferForm(PortalForm):
    submit_label = "Điều chuyển"
    # Suggests the units whose people the user manages (the view refuses any other with 403).
    to_unit = UnitPickerField(label="Đến đơn vị", scope="unit:manage_people")
    effective_date = forms.DateField(label="Ngày điều chuyển", widget=DateInput())
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units


class PeopleImportForm(PortalForm):
    submit_label = "Nhập danh sách"
    file = forms.FileField(label="Tệp Excel (.xlsx) theo mẫu")

    def clean_file(self):
        return clean_upload(self.cleaned_data["file"], check_workbook)


class UnitRoleGrantForm(PortalForm):
    submit_label = "Cấp vai trò"
    username = forms.SlugField(label="Tên đăng nhập", max_length=150, help_text="Tài khoản chưa có sẽ được tạo mới.")
    full_name = forms.CharField(label="Họ và tên (tài khoản mới)", max_length=150, required=False)
    email = forms.EmailField(
        label="Thư điện tử (tài khoản mới)",
        required=False,
        help_text="Tài khoản mới nhận thư mời có đường dẫn để tự đặt mật khẩu (sau đó dùng «Quên mật khẩu» nếu quên).",
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class EmulationBlockForm(PortalForm):
    name = forms.CharField(label="Tên khối/cụm thi đua", max_length=255)
    owner = UnitPickerField(label="Đơn vị tổ chức", scope="unit:edit_unit", kinds=NOT_TEAMS)
    school_year = forms.IntegerField(
        label="Năm học (năm bắt đầu)",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="2025 là năm học 2025-2026",
    )
    members = UnitMultiplePickerField(label="Đơn vị thành viên", kinds=NOT_TEAMS)

    def __init__(self, *args, owners=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["members"].queryset = members


class UnitCreateForm(PortalForm):
    submit_label = "Thêm đơn vị"
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=100, required=False)
    kind = forms.ChoiceField(label="Loại đơn vị", choices=UnitKind.choices)
    school_level = forms.ChoiceField(label="Cấp học", choices=[("", "—")] + SchoolLevel.choices, required=False)
    locality = forms.CharField(label="Địa danh (ghi trên văn bản)", max_length=100, required=False)
    document_code = forms.CharField(label="Ký hiệu văn bản", max_length=32, required=False)
    parent_body_name = forms.CharField(label="Cơ quan chủ quản", max_length=255, required=False)
    head_title = forms.CharField(label="Chức danh thủ trưởng", max_length=100, required=False)
    active_from = forms.DateField(label="Hoạt động từ ngày", widget=DateInput(), required=False)


class UnitMoveForm(PortalForm):
    submit_label = "Chuyển đơn vị"
    new_parent = UnitPickerField(label="Đơn vị cấp trên mới", scope="unit:administer", kinds=NOT_TEAMS)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class PortalAuthenticationForm(AuthenticationForm):
    """The login form with our own Vietnamese: Django's stock sentences speak of "%(username)s" fields and
    case sensitivity in a translation our users found stiff. Neither message says whether the login exists."""

    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Hãy gõ lại (mật khẩu phân biệt chữ hoa, chữ thường); "
            "nếu quên mật khẩu, chọn «Quên mật khẩu?» bên dưới."
        ),
        "inactive": "Tài khoản này đã bị khóa. Hãy liên hệ quản trị cổng của đơn vị để được mở lại.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        for field in self.fields.values():
            field.error_messages["required"] = f"Hãy nhập {field.label.lower()}."


class PortalPasswordResetForm(PasswordResetForm):
    """«Quên mật khẩu» that also reaches an account which never had a password (created from the roles
    page and invited by mail): Django's form leaves accounts without a usable password out."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """Into the mail outbox (sent by the worker, retried), never through SMTP inside the request."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        user = context["user"]
        account_mail_request(user=user, subject=subject, body=body, reference=f"password_reset:{user.pk}")

    def get_users(self, email):
        model = get_user_model()
        field = model.get_email_field_name()
        users = model._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
        return (u for u in users if _unicode_ci_compare(email, getattr(u, field)))


class PersonDatesModelForm(forms.ModelForm):
    """For the admin, which saves models without the services: the checks of the dates typed about a
    person (units.validation) on the fields named in `person_dates` ({field: (label, future_ok)}),
    against the birth of the row's `person`. Subclasses add checks in `check_person_input`."""

    person_dates: dict[str, tuple[str, bool]] = {}

    def clean(self):
        data = super().clean()
        person = data.get("person") or getattr(self.instance, "person", None)
        born = getattr(person, "date_of_birth", None)
        try:
            for name, (label, future_ok) in self.person_dates.items():
                typed_date_check(data.get(name), label=label, born=born, future_ok=future_ok)
            self.check_person_input(data, born)
        except ServiceError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def check_person_input(self, data: dict, born) -> None:
        """More checks raising ServiceError (a subclass's)."""


class PersonAdminForm(PersonDatesModelForm):
    """The admin's person form: the name and dates checked as `person_create` checks them."""

    person_dates = {"date_of_birth": ("Ngày sinh", False), "service_start": ("Ngày vào ngành", False)}

    def check_person_input(self, data: dict, born) -> None:
        if "full_name" in data:
            person_name_check(data["full_name"])
        dob, start = data.get("date_of_birth"), data.get("service_start")
        if dob and start and start < dob:
            raise ServiceError("Ngày vào ngành không thể trước ngày sinh.")
