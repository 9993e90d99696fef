"""Councils (Hội đồng TĐKT), their meetings and the secret ballot.

Secrecy is designed down to the tables (docs/ballot_secrecy.md):

- `VoterRoll` says *who* cast a ballot sheet in a round, `Ballot` says *what* was chosen on each
  agenda item; nothing joins them. Neither has a timestamp, a user link or an auto-increment id
  (random UUID keys), and at the close the ballot rows are rewritten in random order with new ids,
  so neither the key order nor the physical order recalls the order of casting.
- `ReceiptCode` holds the random codes handed to voters, with no link to them.
- The three tables are left out of the admin, django-simple-history and the audit app.

Statuses of a round change only through `workflows.py` (core.workflow); every other write goes
through `services.py`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, Versioned

from .enums import AttendanceStatus, Choice, Denominator, MeetingStatus, MemberRole, RoundStatus


class Council(TimeStampedModel):
    """The Hội đồng Thi đua – Khen thưởng of a unit for a period, with its standing rules.

    The standing rules start from the award catalog's "*" council-vote rule (awards AwardRule, kind
    council_vote); a title with its own catalog rule (CSTĐCS, CSTĐ tỉnh …) keeps that rule's approval
    share and denominator. Every change is kept by django-simple-history.
    """

    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="councils")
    name = models.CharField("tên Hội đồng", max_length=255)
    period_start = models.DateField("từ ngày")
    period_end = models.DateField("đến ngày")
    # Fractions kept as two integers: a share is never a float (2/3 is not 0.6667).
    quorum_numerator = models.PositiveSmallIntegerField("tỷ lệ họp tối thiểu (tử số)", default=2)
    quorum_denominator = models.PositiveSmallIntegerField("tỷ lệ họp tối thiểu (mẫu số)", default=3)
    approval_numerator = models.PositiveSmallIntegerField("tỷ lệ đồng ý (tử số)", default=1)
    approval_denominator = models.PositiveSmallIntegerField("tỷ lệ đồng ý (mẫu số)", default=2)
    approval_strict = models.BooleanField("phải trên tỷ lệ (không tính bằng)", default=True)
    denominator = models.CharField(
        "tính tỷ lệ trên", max_length=16, choices=Denominator.choices, default=Denominator.TOTAL
    )
    allow_abstention = models.BooleanField("cho phép không biểu quyết", default=False)
    rules_basis = models.CharField("căn cứ quy chế", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Hội đồng Thi đua – Khen thưởng"
        verbose_name_plural = "Hội đồng Thi đua – Khen thưởng"
        ordering = ["-period_start", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("councils:council_detail", args=[self.pk])


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, verbose_name="Hội đồng", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản", on_delete=models.PROTECT, related_name="council_seats"
    )
    full_name = models.CharField("họ và tên", max_length=255)
    title = models.CharField("chức vụ", max_length=255, blank=True)
    role = models.CharField("vai trò trong Hội đồng", max_length=16, choices=MemberRole.choices)
    counting_committee = models.BooleanField("thành viên Ban kiểm phiếu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "thành viên Hội đồng"
        verbose_name_plural = "thành viên Hội đồng"
        ordering = ["council", "role", "full_name", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "user"], name="council_member_unique")]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class Meeting(TimeStampedModel):
    """A phiên họp bình xét of a council."""

    council = models.ForeignKey(Council, verbose_name="Hội đồng", on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField("ngày họp")
    start_time = models.TimeField("giờ bắt đầu")
    end_time = models.TimeField("giờ kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255)
    chair = models.ForeignKey(CouncilMember, verbose_name="chủ trì", on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(CouncilMember, verbose_name="thư ký", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("trạng thái", max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phiên họp bình xét"
        verbose_name_plural = "phiên họp bình xét"
        ordering = ["-date", "-start_time", "id"]

    def __str__(self):
        return f"Phiên họp ngày {self.date:%d/%m/%Y} – {self.council}"

    def get_absolute_url(self):
        return reverse("councils:meeting_detail", args=[self.pk])


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField("điểm danh", max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField("lý do vắng", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")]

    def __str__(self):
        return f"{self.member.full_name}: {self.get_status_display()}"


class AgendaItem(models.Model):
    """A nomination passed to the council (PASSED_TO_COUNCIL, received by the council's unit), on a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    nomination = models.ForeignKey(
        "nominations.Nomination", verbose_name="đề nghị", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "nội dung bình xét"
        verbose_name_plural = "nội dung bình xét"
        ordering = ["meeting", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "nomination"], name="agenda_item_unique")]

    def __str__(self):
        return f"Nội dung {self.position} – {self.meeting}"


class Recusal(models.Model):
    """A member who may not vote on an agenda item: the nominee, or a nominee of the member's own unit."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField("lý do", max_length=255)

    class Meta:
        verbose_name = "thành viên không tham gia biểu quyết"
        verbose_name_plural = "thành viên không tham gia biểu quyết"
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="recusal_unique")]

    def __str__(self):
        return f"{self.member.full_name}: {self.reason}"


class Round(Versioned):
    """One round of secret ballot over the meeting's agenda (status through workflows.ROUND_WORKFLOW)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField("vòng")
    status = models.CharField("trạng thái", max_length=16, choices=RoundStatus.choices, default=RoundStatus.CREATED)
    # Frozen at the opening: the rules of each agenda item and the members entitled to an electronic sheet.
    rules = models.JSONField("quy tắc biểu quyết (cố định khi mở)", default=dict, blank=True)
    entitled_member_ids = models.JSONField("thành viên được bỏ phiếu (cố định khi mở)", default=list, blank=True)
    opened_at = models.DateTimeField("mở lúc", null=True, blank=True)
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    ballots_sha256 = models.CharField("SHA-256 của các phiếu (sắp xếp)", max_length=64, blank=True)
    # Per agenda item id: issued, returned, valid, for, against, abstain, denominator, passed … (at the close).
    results = models.JSONField("kết quả", default=dict, blank=True)

    class Meta:
        verbose_name = "vòng bỏ phiếu"
        verbose_name_plural = "vòng bỏ phiếu"
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="round_number_unique")]

    def __str__(self):
        return f"Vòng {self.number} – {self.meeting}"

    def get_absolute_url(self):
        return reverse("councils:round_detail", args=[self.pk])


# --- the ballot box: no timestamps, no user links, no ordered keys; never in admin, history or audit ---------


class VoterRoll(models.Model):
    """Who has cast a sheet in a round. UNIQUE(round, member) refuses a second cast. No time column."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="voter_roll_unique")]

    def __str__(self):
        return "Đã bỏ phiếu"


class Ballot(models.Model):
    """One choice on one agenda item, of nobody: random id, no user, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)

    def __str__(self):  # never the choice: a stray repr must not reveal it
        return "Phiếu"


class ReceiptCode(models.Model):
    """A random code handed to a voter once, proving inclusion only (listed sorted after the close)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="receipt_code_unique")]

    def __str__(self):
        return self.code


class PaperCount(models.Model):
    """Totals of the paper and written ballots of one agenda item in a round, never per named member.

    Entered by the secretary (or a member of the counting committee), they count only once a
    *different* member of the counting committee confirms them.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="paper_counts")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    issued = models.PositiveSmallIntegerField("phiếu phát ra")
    votes_for = models.PositiveSmallIntegerField("đồng ý")
    votes_against = models.PositiveSmallIntegerField("không đồng ý")
    votes_abstain = models.PositiveSmallIntegerField("không biểu quyết", default=0)
    invalid = models.PositiveSmallIntegerField("phiếu không hợp lệ", default=0)
    entered_by = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("nhập lúc", auto_now_add=True)
    confirmed_by = models.ForeignKey(CouncilMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kết quả phiếu giấy, phiếu gửi bằng văn bản"
        verbose_name_plural = "kết quả phiếu giấy, phiếu gửi bằng văn bản"
        constraints = [models.UniqueConstraint(fields=["round", "item"], name="paper_count_unique")]

    def __str__(self):
        return f"Phiếu giấy – {self.round}"

    @property
    def returned(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain + self.invalid


class CastRecord(models.Model):
    """The audit trail's "member X voted in round R" (issue 10): one row per cast sheet, written by `ballot_cast`.

    It says who and in which round, nothing else: no choice, no ballot id, no receipt code. Its history row
    (the audit app shows it) has the time of the cast, which orders the *voters*, as watching the room would;
    it cannot order the ballots, which carry no time, no user and random ids, and are reshuffled at the close.
    """

    round = models.ForeignKey(Round, verbose_name="vòng bỏ phiếu", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(CouncilMember, verbose_name="thành viên", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ghi nhận đã bỏ phiếu"
        verbose_name_plural = "ghi nhận đã bỏ phiếu"
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="cast_record_unique")]

    def __str__(self):
        return f"{self.member.full_name} đã bỏ phiếu – vòng {self.round.number}"
