from django import forms

from core.forms import DateInput, PortalForm, VersionField
from units.enums import UnitKind
from units.models import Unit
from units.pickers import NOT_TEAMS, UNIT, UnitMultiplePickerField, UnitPickerField, register_scope
from units.selectors import blocks_visible_to

from . import rules
from .enums import CampaignKind, DeadlineAction, ObjectGroup, PeriodKind, ReachKind


def compact_units(user):
    """Members of the emulation blocks whose compacts `user` manages (as the compact form's queryset)."""
    blocks = [b.pk for b in blocks_visible_to(user) if rules.can_manage_compact(user, b)]
    return Unit.objects.filter(blocks__in=blocks).distinct()


COMPACT_UNITS = register_scope("unit:compact", UNIT, compact_units)
LEVEL_CHOICES = [("", "—")] + [(k.value, k.label) for k in UnitKind if k != UnitKind.TEAM]


class CampaignForm(PortalForm):
    name = forms.CharField(label="Tên phong trào / trích yếu kế hoạch", max_length=500)
    kind = forms.ChoiceField(label="Loại phong trào", choices=CampaignKind.choices)
    # A select: the units the user holds a filing role on (rules.launchable_unit_ids), a handful per user
    # (a superuser, who may launch for any unit, gets the long list: an administration tool).
    launched_by = forms.ModelChoiceField(label="Đơn vị phát động", queryset=None)
    reach = forms.ChoiceField(label="Phạm vi", choices=ReachKind.choices)
    # A picker: a Sở campaign may pick among thousands of units (units/pickers.py).
    reach_units = UnitMultiplePickerField(
        label="Đơn vị được chọn (khi phạm vi là các đơn vị được chọn)", required=False, kinds=NOT_TEAMS
    )
    # A select: the emulation blocks the user sees (tens, not thousands).
    reach_blocks = forms.ModelMultipleChoiceField(
        label="Khối/cụm thi đua (khi phạm vi là khối/cụm)", queryset=None, required=False
    )
    period_kind = forms.ChoiceField(
        label="Thời gian thi đua tính theo",
        choices=PeriodKind.choices,
        initial=PeriodKind.SCHOOL_YEAR,
        widget=forms.RadioSelect,
        required=False,  # left out: a school year, as before calendar years existed
    )
    school_year = forms.IntegerField(
        label="Năm học (năm bắt đầu)",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Khi tính theo năm học: ví dụ 2025 cho năm học 2025-2026",
    )
    calendar_year = forms.IntegerField(
        label="Năm",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Khi tính theo năm: ví dụ 2024 (để trống ngày thì thời gian thi đua là 01/01 – 31/12)",
    )
    period_start = forms.DateField(label="Thời gian thi đua từ ngày", widget=DateInput(), required=False)
    period_end = forms.DateField(label="Đến ngày", widget=DateInput(), required=False)
    document_number = forms.CharField(label="Số kế hoạch", max_length=32, required=False)
    document_symbol = forms.CharField(label="Ký hiệu (ví dụ KH-PGDĐT)", max_length=64, required=False)
    issued_on = forms.DateField(label="Ngày ban hành", widget=DateInput(), required=False)
    place = forms.CharField(label="Địa danh", max_length=100, required=False)
    object_groups = forms.MultipleChoiceField(
        label="Đối tượng thi đua",
        choices=ObjectGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    objects_collective = forms.CharField(
        label="Đối tượng – tập thể",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Ví dụ: Phòng Giáo dục và Đào tạo, các cơ sở giáo dục mầm non, giáo dục phổ thông",
    )
    objects_individual = forms.CharField(
        label="Đối tượng – cá nhân",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Ví dụ: cán bộ quản lý giáo dục, giáo viên, nhân viên, người lao động và học sinh",
    )
    legal_bases = forms.CharField(
        label="Căn cứ (mỗi dòng một căn cứ)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Dấu «;» hoặc «.» cuối dòng không cần gõ: kế hoạch tự thêm.",
    )
    purposes = forms.CharField(label="Mục đích", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    requirements = forms.CharField(label="Yêu cầu", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = VersionField()

    def __init__(self, *args, launchers=None, units=None, blocks=None, editing=False, within=None, **kwargs):
        """`within`: the launching unit of a campaign being edited, whose subtree `units` is and the picker searches."""
        super().__init__(*args, **kwargs)
        self.fields["launched_by"].queryset = launchers
        self.fields["reach_units"].queryset = units
        self.fields["reach_units"].widget.within = within
        self.fields["reach_blocks"].queryset = blocks
        if editing:
            self.fields["launched_by"].disabled = True
        for group in ObjectGroup:
            self.fields[f"criteria_{group.value}"] = forms.CharField(
                label=f"Tiêu chí – {group.label}", widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
        self.order_fields(list(self.fields))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "Ngày kết thúc phải sau ngày bắt đầu.")
        if data.get("period_kind") == PeriodKind.CALENDAR_YEAR:
            year = data.get("calendar_year")
            if not year:
                self.add_error("calendar_year", "Cần ghi năm của phong trào (ví dụ 2024).")
            else:
                for name in ("period_start", "period_end"):
                    day = data.get(name)
                    if day and day.year != year:
                        self.add_error(name, f"Thời gian thi đua phải nằm trong năm {year}.")
        elif not data.get("school_year") and not start:
            self.add_error("school_year", "Cần ghi năm học hoặc thời gian thi đua.")
        if data.get("reach") == ReachKind.UNITS and not data.get("reach_units"):
            self.add_error("reach_units", "Chọn ít nhất một đơn vị.")
        if data.get("reach") == ReachKind.BLOCKS and not data.get("reach_blocks"):
            self.add_error("reach_blocks", "Chọn ít nhất một khối/cụm thi đua.")
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("launched_by", None)
        data["legal_bases"] = [line for line in data.pop("legal_bases", "").splitlines() if line.strip()]
        data["criteria"] = {group.value: data.pop(f"criteria_{group.value}", "") for group in ObjectGroup}
        data["period_kind"] = data.get("period_kind") or PeriodKind.SCHOOL_YEAR
        return data


class PhaseForm(PortalForm):
    number = forms.IntegerField(label="Đợt số", min_value=1, max_value=50)
    name = forms.CharField(label="Tên đợt", max_length=255, required=False)
    theme = forms.CharField(label="Chủ đề / nội dung", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    start = forms.DateField(label="Từ ngày", widget=DateInput())
    end = forms.DateField(label="Đến ngày", widget=DateInput())
    version = VersionField()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")
        return data


class CampaignAwardForm(PortalForm):
    submit_label = "Thêm"
    award_type = forms.ModelChoiceField(label="Danh hiệu / hình thức khen thưởng", queryset=None)
    cap = forms.IntegerField(
        label="Số lượng tối đa – tập thể, cá nhân (để trống nếu không giới hạn)", min_value=1, required=False
    )
    cap_collective = forms.IntegerField(
        label="Số lượng tối đa cho tập thể",
        min_value=1,
        required=False,
        help_text="Chỉ ghi khi kế hoạch chia riêng, ví dụ «không quá 5 tập thể và 10 cá nhân»",
    )
    cap_individual = forms.IntegerField(label="Số lượng tối đa cho cá nhân", min_value=1, required=False)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, award_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = award_types


class DeadlineForm(PortalForm):
    submit_label = "Thêm hạn chót"
    action = forms.ChoiceField(label="Việc phải làm", choices=DeadlineAction.choices)
    unit_kind = forms.ChoiceField(label="Cấp thực hiện", choices=LEVEL_CHOICES, required=False)
    # A picker over the units the user reads; the view's queryset (the campaign's reach) decides.
    unit = UnitPickerField(label="Hoặc một đơn vị cụ thể", required=False, kinds=NOT_TEAMS)
    due_date = forms.DateField(label="Hạn chót", widget=DateInput())
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if bool(data.get("unit_kind")) == bool(data.get("unit")):
            raise forms.ValidationError("Chọn hoặc cấp thực hiện, hoặc một đơn vị cụ thể (chỉ một trong hai).")
        return data


class ExtensionForm(PortalForm):
    submit_label = "Mở lại hạn"
    # A picker over the units the user oversees; the view's queryset (where the deadline applies) decides.
    unit = UnitPickerField(label="Đơn vị", scope="unit:oversee")
    until = forms.DateField(label="Gia hạn đến ngày", widget=DateInput())
    reason = forms.CharField(label="Lý do", max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AwardChoiceField(forms.TypedChoiceField):
    """A select over award types read once: a form with a row per person makes no query per row."""

    def __init__(self, *, awards: dict, **kwargs):
        self.awards = awards
        self.checks: dict = {}  # person id -> LineCheck, set by the view
        self.comments: dict = {}  # person id -> comment of the level above
        choices = [("", "—")] + [(str(pk), award.name) for pk, award in awards.items()]
        super().__init__(choices=choices, coerce=lambda value: awards[int(value)], empty_value=None, **kwargs)

    def prepare_value(self, value):
        return str(getattr(value, "pk", value)) if value not in (None, "") else ""


class RegistrationForm(PortalForm):
    """The unit's collective target (and its explanation); one row per team (collective title, commendation,
    explanation);
    one row per active person (title, commendation, initiative title, explanation), grouped by team.

    `choices` are the awards on offer that fit each kind of line (the view filters them with
    `awards.fit`); `groups` are `selectors.registration_groups`, so STT follows Vietnamese order.
    """

    submit_label = "Lưu bản đăng ký"
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = VersionField()

    def __init__(self, *args, groups, choices, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.groups = list(groups)
        self.people = [person for group in self.groups for person in group.people]
        self.teams = list(teams)
        awards = {key: {a.pk: a for a in queryset} for key, queryset in choices.items()}
        self.awards = awards
        self.checks: dict = {}  # person id -> LineCheck, set by the view
        self.comments: dict = {}  # person id -> comment of the level above
        self.fields["collective_title"] = AwardChoiceField(
            label="Danh hiệu tập thể đăng ký", awards=awards["collective_title"], required=False
        )
        self.fields["collective_commendation"] = AwardChoiceField(
            label="Hình thức khen thưởng tập thể đăng ký", awards=awards["collective_commendation"], required=False
        )
        self.fields["collective_explanation"] = forms.CharField(
            label="Giải trình của dòng tập thể", max_length=2000, required=False
        )
        self.fields["collective_explanation"].widget.attrs["class"] = "form-control form-control-sm"
        for team in self.teams:
            self.fields[f"team_title_{team.pk}"] = AwardChoiceField(
                label="Danh hiệu tập thể", awards=awards["collective_title"], required=False
            )
            self.fields[f"team_commendation_{team.pk}"] = AwardChoiceField(
                label="Hình thức khen thưởng tập thể", awards=awards["collective_commendation"], required=False
            )
            self.fields[f"team_explanation_{team.pk}"] = forms.CharField(
                label="Giải trình", max_length=2000, required=False
            )
            for key in ("team_title", "team_commendation"):
                self.fields[f"{key}_{team.pk}"].widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"team_explanation_{team.pk}"].widget.attrs["class"] = "form-control form-control-sm"
        for person in self.people:
            self.fields[f"title_{person.pk}"] = AwardChoiceField(
                label="Danh hiệu", awards=awards["title"], required=False
            )
            self.fields[f"commendation_{person.pk}"] = AwardChoiceField(
                label="Hình thức khen thưởng", awards=awards["commendation"], required=False
            )
            self.fields[f"initiative_{person.pk}"] = forms.CharField(
                label="Tên sáng kiến", max_length=500, required=False
            )
            self.fields[f"explanation_{person.pk}"] = forms.CharField(
                label="Giải trình", max_length=2000, required=False
            )
            for key in ("title", "commendation", "initiative", "explanation"):
                self.fields[f"{key}_{person.pk}"].widget.attrs["class"] = (
                    "form-select form-select-sm" if key in ("title", "commendation") else "form-control form-control-sm"
                )

    def team_rows(self):
        for index, team in enumerate(self.teams, start=1):
            yield {
                "index": index,
                "team": team,
                "title": self[f"team_title_{team.pk}"],
                "commendation": self[f"team_commendation_{team.pk}"],
                "explanation": self[f"team_explanation_{team.pk}"],
            }

    def row(self, person, index=None):
        return {
            "index": index,
            "person": person,
            "title": self[f"title_{person.pk}"],
            "commendation": self[f"commendation_{person.pk}"],
            "initiative": self[f"initiative_{person.pk}"],
            "explanation": self[f"explanation_{person.pk}"],
            "check": self.checks.get(person.pk),
            "comment": self.comments.get(person.pk, ""),
        }

    def grouped_rows(self):
        index = 0
        for group in self.groups:
            rows = []
            for person in group.people:
                index += 1
                rows.append(self.row(person, index))
            yield group, rows

    def rows(self):
        for _group, rows in self.grouped_rows():
            yield from rows


class CompactForm(PortalForm):
    block = forms.ModelChoiceField(label="Khối/cụm thi đua", queryset=None)
    title = forms.CharField(label="Tên giao ước", max_length=500)
    text = forms.CharField(label="Nội dung giao ước", widget=forms.Textarea(attrs={"rows": 6}))
    signed_on = forms.DateField(label="Ngày ký", widget=DateInput())
    # A picker over the members of the blocks whose compacts the user manages (a block may hold hundreds).
    units = UnitMultiplePickerField(label="Đơn vị ký", scope=COMPACT_UNITS)
    campaign = forms.ModelChoiceField(label="Thuộc phong trào", queryset=None, required=False)

    def __init__(self, *args, blocks=None, units=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks
        self.fields["units"].queryset = units
        self.fields["campaign"].queryset = campaigns
