"""Every write of the nominations app (keyword-only, `by` checked through the permission kernel).

`by=None` is the system itself (demo seeding, commands). Status changes go
through `workflows.py` (`dossier_transition`, `nomination_transition`), never here.
"""

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from awards.engine import award_type_in_force
from awards.fit import AUTHORITY_RANK, award_fit_problem
from awards.models import AwardType
from awards.routing import RouteStatus, routes_for
from campaigns.enums import CampaignStatus, RegistrationStatus
from campaigns.models import Registration
from campaigns.selectors import may_register
from campaigns.services import offered_codes
from core import workflow
from core.exceptions import ServiceError
from core.models import version_check_and_bump
from core.text import nfc
from core.uploads import check_evidence, safe_name, size_label  # noqa: F401 - size_label re-exported
from units.enums import UnitKind
from units.models import Person, Unit
from units.rules import Cap, people_acted_on, require

from .checks import round_pending, verdicts_refresh
from .enums import DossierStatus, NominationStatus, Procedure, RoundKind
from .models import ATTACHMENT_EXTENSIONS, Attachment, Dossier, Nomination

NOT_FOUND_PERSON = "Có người không thuộc đơn vị này hoặc không tìm thấy."
NOT_FOUND_COLLECTIVE = "Tập thể không thuộc đơn vị này hoặc không tìm thấy."
OVERRIDE_REASON_MAX_LENGTH = 2000


# --- routing -------------------------------------------------------------------------------------


def receiving_unit_for(unit: Unit, codes, on_date: datetime.date | None = None) -> Unit | None:
    """The unit a dossier of `unit` proposing `codes` goes to: the next unit of the awards' routes.

    Of the routed awards, the next hop nearest the proposing unit (the deepest) appraises first; when no
    award is routed (none yet, all decided by the unit's own head, or no route configured) the parent unit.
    """
    hops = []
    for r in routes_for(unit, list(dict.fromkeys(codes)), on_date) if codes else []:
        if r.status == RouteStatus.ROUTED and len(r.chain) > 1:
            hops.append(r.chain[1])
    if hops:
        return max(hops, key=lambda u: (u.depth, -u.pk))
    return unit.parent


def _refresh_receiving_unit(dossier: Dossier) -> None:
    codes = list(dossier.nominations.values_list("award_type__code", flat=True))
    receiving = receiving_unit_for(dossier.unit, codes)
    if receiving is not None and receiving.pk != dossier.receiving_unit_id:
        dossier.receiving_unit = receiving
        dossier.save(update_fields=["receiving_unit", "updated_at"])


# --- dossiers ------------------------------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *,
    by,
    unit: Unit,
    round_kind: str,
    school_year: int,
    campaign=None,
    procedure: str = Procedure.NORMAL,
    title: str = "",
) -> Dossier:
    """Open a draft dossier of `unit` (FILE on the unit).

    A draft of the same unit, round, school year, campaign and procedure already open is returned instead
    of a second one (a double click files once). Side effects: the dossier's history row.
    """
    require(by, Cap.FILE, unit)
    if unit.kind == UnitKind.TEAM:
        raise ServiceError("Tổ chuyên môn không lập hồ sơ riêng; hồ sơ do trường lập, đề nghị tập thể tổ trong đó.")
    if round_kind not in RoundKind.values:
        raise ServiceError("Đợt xét không hợp lệ.")
    if procedure not in Procedure.values:
        raise ServiceError("Thủ tục không hợp lệ.")
    if not (2000 <= int(school_year) <= 2100):
        raise ServiceError("Năm học không hợp lệ.")
    if round_kind == RoundKind.CAMPAIGN:
        if campaign is None:
            raise ServiceError("Hồ sơ theo phong trào phải chọn phong trào.")
        if campaign.status != CampaignStatus.LAUNCHED or not may_register(campaign, unit):
            raise ServiceError("Phong trào chưa phát động, đã kết thúc hoặc không áp dụng cho đơn vị này.")
    elif campaign is not None:
        raise ServiceError("Chỉ hồ sơ theo phong trào mới gắn với một phong trào.")
    Unit.objects.select_for_update().get(pk=unit.pk)  # one draft at a time per unit, even on a double click
    existing = Dossier.objects.filter(
        unit=unit,
        round_kind=round_kind,
        school_year=school_year,
        campaign=campaign,
        procedure=procedure,
        status=DossierStatus.DRAFT,
    ).first()
    if existing is not None:
        return existing
    return Dossier.objects.create(
        unit=unit,
        round_kind=round_kind,
        school_year=school_year,
        campaign=campaign,
        procedure=procedure,
        title=nfc(title)[:500],
        receiving_unit=unit.parent,
        created_by=by,
    )


DOSSIER_FIELDS = ("title", "summary", "procedure", "submission_number", "submission_date", "submission_signer")


@transaction.atomic
def dossier_update(*, by, dossier: Dossier, version: int | None, **changes) -> Dossier:
    """Change the tờ trình data, the title, the summary or the procedure of an editable dossier (FILE).

    Refuses a stale form. Saves only the fields given. Side effects: the dossier's history row.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("unit").get(pk=dossier.pk)
    require(by, Cap.FILE, locked.unit)
    unknown = set(changes) - set(DOSSIER_FIELDS)
    if unknown:
        raise TypeError(f"unknown dossier fields: {sorted(unknown)}")
    if not locked.is_editable:
        raise ServiceError(f"Hồ sơ đang ở trạng thái «{locked.get_status_display()}», không sửa được.")
    if "procedure" in changes and changes["procedure"] not in Procedure.values:
        raise ServiceError("Thủ tục không hợp lệ.")
    date = changes.get("submission_date")
    if date is not None and date > timezone.localdate():
        raise ServiceError("Ngày tờ trình không được sau ngày hôm nay.")
    version_check_and_bump(locked, version)
    changed = ["version", "updated_at"]
    for name, value in changes.items():
        if isinstance(value, str):
            value = nfc(value)
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    locked.save(update_fields=changed)
    return locked


# --- nominations ---------------------------------------------------------------------------------


def _lock_editable(dossier: Dossier, by) -> Dossier:
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("unit", "campaign").get(pk=dossier.pk)
    require(by, Cap.FILE, locked.unit)
    if not locked.is_editable:
        raise ServiceError(
            f"Hồ sơ đang ở trạng thái «{locked.get_status_display()}»: không thêm hoặc sửa đề nghị được."
        )
    return locked


def _check_person(by, dossier: Dossier, person: Person) -> None:
    """The person belongs to the proposing unit or one of its teams, is active, and `by` may file for them."""
    own = person.unit_id == dossier.unit_id or (
        person.unit.kind == UnitKind.TEAM and person.unit.parent_id == dossier.unit_id
    )
    if not own or not person.is_active or not people_acted_on(by, dossier.unit, Cap.FILE).filter(pk=person.pk).exists():
        raise ServiceError(NOT_FOUND_PERSON)


def _check_collective(dossier: Dossier, unit: Unit) -> None:
    if unit.pk != dossier.unit_id and not (unit.kind == UnitKind.TEAM and unit.parent_id == dossier.unit_id):
        raise ServiceError(NOT_FOUND_COLLECTIVE)


def _award_for(dossier: Dossier, award_code: str, *, collective: bool, offered) -> AwardType:
    award = award_type_in_force(award_code, timezone.localdate())
    # Nominations follow the route to any authority: only the kind of recipient is checked here, not the
    # registration's ceiling (awards.fit), which is about what a unit aims at when the year starts.
    problem = award_fit_problem(
        award,
        collective=collective,
        unit_kind=dossier.unit.kind,
        ceiling={dossier.unit.kind: max(AUTHORITY_RANK.values())},
    )
    if problem:
        raise ServiceError(problem)
    if offered is not None and award.code not in offered:
        raise ServiceError(f"«{award.name}» không có trong các hình thức khen thưởng của phong trào.")
    return award


def _after_change(dossier: Dossier, candidates) -> None:
    """Re-run the engine for the candidates touched and for the dossier's collectives (their members' and
    their own pending codes changed), with everything the dossier proposes handed in as pending."""
    from .enums import NominationStatus as N

    person_ids = {c.pk for c in candidates if isinstance(c, Person)}
    proposed = list(
        dossier.nominations.exclude(status__in=(N.NOT_ACCEPTED, N.NOT_AWARDED)).select_related(
            "person", "unit", "award_type"
        )
    )
    touched = [n for n in proposed if n.unit_id is not None or n.person_id in person_ids]
    verdicts_refresh(touched, year=dossier.school_year, pending=round_pending(proposed))
    _refresh_receiving_unit(dossier)


@transaction.atomic
def nomination_add(
    *, by, dossier: Dossier, award_code: str, person: Person | None = None, unit: Unit | None = None, summary: str = ""
) -> Nomination:
    """Propose `award_code` for a person or a collective (the unit or one of its teams) in an editable dossier.

    Refuses a candidate outside the proposing unit (unnamed), an award not for that kind of recipient, not
    in force or not offered by the dossier's campaign. The same award for the same candidate is returned, not
    added twice. Side effects: the engine's verdict stored on the candidate's nominations of the dossier,
    the dossier's receiving unit brought in line with the routes, history rows.
    """
    locked = _lock_editable(dossier, by)
    if (person is None) == (unit is None):
        raise ServiceError("Chọn một cá nhân hoặc một tập thể.")
    if person is not None:
        _check_person(by, locked, person)
    else:
        _check_collective(locked, unit)
    offered = offered_codes(locked.campaign) if locked.campaign_id else None
    award = _award_for(locked, award_code, collective=unit is not None, offered=offered)
    same = Nomination.objects.filter(dossier=locked, award_type__code=award.code)
    existing = (same.filter(person=person) if person is not None else same.filter(unit=unit)).first()
    if existing is not None:
        return existing
    nomination = Nomination.objects.create(
        dossier=locked, person=person, unit=unit, award_type=award, summary=nfc(summary)
    )
    _after_change(locked, [person or unit])
    nomination.refresh_from_db()
    return nomination


@transaction.atomic
def nomination_update(*, by, nomination: Nomination, version: int | None, summary: str) -> Nomination:
    """Change the achievement summary (FILE on the proposing unit), while the dossier is editable or the
    nomination was returned for correction. Refuses a stale form. Side effects: history row."""
    locked = Nomination.objects.select_for_update(of=("self",)).select_related("dossier__unit").get(pk=nomination.pk)
    require(by, Cap.FILE, locked.dossier.unit)
    if not (locked.dossier.is_editable or locked.status == NominationStatus.RETURNED):
        raise ServiceError("Đề nghị đã gửi cấp trên; chỉ sửa được khi hồ sơ hoặc đề nghị bị trả lại.")
    version_check_and_bump(locked, version)
    locked.summary = nfc(summary)
    locked.save(update_fields=["summary", "version", "updated_at"])
    return locked


@transaction.atomic
def nomination_delete(*, by, nomination: Nomination) -> None:
    """Withdraw a nomination from an editable dossier (FILE). Side effects: verdicts of the candidate's
    other nominations recomputed (their pending codes changed)."""
    dossier = _lock_editable(nomination.dossier, by)
    candidate = nomination.person or nomination.unit
    Nomination.objects.filter(pk=nomination.pk, dossier=dossier).delete()
    _after_change(dossier, [candidate])


@transaction.atomic
def nominations_from_registration(*, by, dossier: Dossier, award_codes=None) -> list[Nomination]:
    """One click: nominate everyone registered in the dossier's campaign, from the unit's submitted registration.

    People lines give their title and commendation; team lines and the unit's own targets give collective
    nominations. `award_codes` keeps only those awards. Lines already nominated are skipped, so a second
    click adds nothing; lines that do not fit (recipient kind, not offered, not in force) are skipped too.
    Returns the nominations created. Side effects: verdicts of the candidates, receiving unit, history rows.
    """
    locked = _lock_editable(dossier, by)
    if locked.campaign_id is None:
        raise ServiceError("Hồ sơ không gắn với phong trào nào nên không lấy được danh sách đăng ký.")
    registration = Registration.objects.filter(
        campaign=locked.campaign, unit=locked.unit, status=RegistrationStatus.SUBMITTED
    ).first()
    if registration is None:
        raise ServiceError("Đơn vị chưa gửi bản đăng ký thi đua của phong trào này.")
    wanted = set(award_codes) if award_codes else None
    offered = offered_codes(locked.campaign)
    allowed_people = set(people_acted_on(by, locked.unit, Cap.FILE).values_list("pk", flat=True))
    pairs = []  # (person, unit, award)
    for line in registration.lines.select_related("person__unit", "title", "commendation"):
        if line.person_id not in allowed_people or not line.person.is_active:
            continue
        pairs += [(line.person, None, a) for a in (line.title, line.commendation) if a is not None]
    for line in registration.collective_lines.select_related("team", "title", "commendation"):
        pairs += [(None, line.team, a) for a in (line.title, line.commendation) if a is not None]
    pairs += [
        (None, locked.unit, a)
        for a in (registration.collective_title, registration.collective_commendation)
        if a is not None
    ]
    existing = {
        (p, u, code) for p, u, code in locked.nominations.values_list("person_id", "unit_id", "award_type__code")
    }
    fitting = {}  # (code, collective) -> the award, or None when it does not fit
    created = []
    for person, unit, registered in pairs:
        code = registered.code
        key = (getattr(person, "pk", None), getattr(unit, "pk", None), code)
        if key in existing or (wanted is not None and code not in wanted):
            continue
        kind = (code, unit is not None)
        if kind not in fitting:
            try:
                fitting[kind] = _award_for(locked, code, collective=unit is not None, offered=offered)
            except ServiceError:
                fitting[kind] = None
        if fitting[kind] is None:
            continue
        existing.add(key)
        created.append(Nomination(dossier=locked, person=person, unit=unit, award_type=fitting[kind]))
    Nomination.objects.bulk_create(created)
    if created:
        # bulk_create writes no history rows: write them, as every other write of an audited model does.
        saved = list(
            locked.nominations.filter(pk__in=[n.pk for n in created]).select_related("person", "unit", "award_type")
        )
        Nomination.history.bulk_history_create(saved, default_user=by, default_date=timezone.now())
        _after_change(locked, [n.person or n.unit for n in saved])
    return list(locked.nominations.filter(pk__in=[n.pk for n in created]).select_related("award_type"))


@transaction.atomic
def nomination_override(*, by, nomination: Nomination, version: int | None, criterion: str, reason: str) -> Nomination:
    """A reviewer of the receiving level (APPRAISE there) lets a nomination the engine found not eligible travel,
    naming the legal criterion relied on and the reason. Refuses a stale form, an empty criterion or reason,
    and the system itself (`by=None`): an override is always someone's.
    Side effects: who and when are kept on the row; history row."""
    if by is None:
        raise ServiceError("Ý kiến vượt điều kiện phải do một chuyên viên của cấp tiếp nhận ghi.")
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("dossier__receiving_unit")
        .get(pk=nomination.pk)
    )
    receiving = locked.dossier.receiving_unit
    if receiving is None:
        raise ServiceError("Hồ sơ chưa có đơn vị tiếp nhận.")
    require(by, Cap.APPRAISE, receiving)
    if locked.status not in (NominationStatus.PROPOSED, NominationStatus.RETURNED):
        raise ServiceError("Chỉ ghi ý kiến cho đề nghị chưa được thẩm định xong.")
    criterion, reason = nfc(criterion), nfc(reason)
    if not criterion or not reason:
        raise ServiceError("Phải ghi tiêu chuẩn, căn cứ pháp lý áp dụng và lý do.")
    if len(criterion) > 500 or len(reason) > OVERRIDE_REASON_MAX_LENGTH:
        limit = f"{OVERRIDE_REASON_MAX_LENGTH:,}".replace(",", ".")
        raise ServiceError(f"Tiêu chuẩn, căn cứ pháp lý ghi tối đa 500 ký tự; lý do tối đa {limit} ký tự.")
    version_check_and_bump(locked, version)
    locked.override_criterion = criterion
    locked.override_reason = reason
    locked.overridden_by = by
    locked.overridden_at = timezone.now()
    locked.save(
        update_fields=[
            "override_criterion",
            "override_reason",
            "overridden_by",
            "overridden_at",
            "version",
            "updated_at",
        ]
    )
    return locked


# --- attachments ---------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, by, nomination: Nomination, upload, description: str = "") -> Attachment:
    """Attach an evidence file (PDF, JPEG or PNG, checked by content) to a nomination still open to the unit.

    Refuses (core.uploads.check_evidence) an empty or too large file, a content of another kind, a name whose
    extension says another kind than the content (a file lying about its type), and a PDF that does not open,
    is encrypted, or carries JavaScript or an embedded file. Stored through Django's storage under a generated
    name in the dossier's prefix. The same file (name, size, bytes) sent again to the same nomination returns
    the first attachment (a double click). A failed save removes the stored file. Side effects: the file in
    storage, history row.
    """
    locked = Nomination.objects.select_for_update(of=("self",)).select_related("dossier__unit").get(pk=nomination.pk)
    require(by, Cap.FILE, locked.dossier.unit)
    if not (locked.dossier.is_editable or locked.status == NominationStatus.RETURNED):
        raise ServiceError("Đề nghị đã gửi cấp trên; chỉ thêm minh chứng khi hồ sơ hoặc đề nghị bị trả lại.")
    detected = check_evidence(upload)
    size = upload.size
    original = safe_name(getattr(upload, "name", ""), default="tep-dinh-kem")
    same = _same_attachment(locked, original, size, upload)
    if same is not None:
        return same  # a double click uploads once
    attachment = Attachment(
        nomination=locked,
        original_name=original,
        content_type=detected,
        size=size,
        description=nfc(description)[:255],
        uploaded_by=by,
    )
    attachment.file.save(ATTACHMENT_EXTENSIONS[detected], upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except BaseException:
        # No row, no file. A rollback of an enclosing transaction after this point leaves the file:
        # `manage.py nominations_clean_orphans` (nominations/orphans.py) removes it later.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def _same_attachment(nomination: Nomination, original: str, size: int, upload) -> Attachment | None:
    """An attachment of the nomination with the same name, size and bytes as `upload` (a second click)."""
    for existing in Attachment.objects.filter(nomination=nomination, original_name=original, size=size):
        try:
            with existing.file.open("rb") as stored:
                same = _same_bytes(stored, upload)
        except FileNotFoundError:
            continue
        if same:
            return existing
    return None


def _same_bytes(stored, upload) -> bool:
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if stored.read(len(chunk)) != chunk:
                return False
        return stored.read(1) == b""
    finally:
        upload.seek(0)


@transaction.atomic
def attachment_delete(*, by, attachment: Attachment) -> None:
    """Remove an evidence file while the nomination is open to the unit (FILE). Side effects: the stored
    file is deleted after the commit, unless another row still points at it (a roll-up's copy, rollup.py)."""
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("dossier__unit")
        .get(pk=attachment.nomination_id)
    )
    require(by, Cap.FILE, locked.dossier.unit)
    if not (locked.dossier.is_editable or locked.status == NominationStatus.RETURNED):
        raise ServiceError("Đề nghị đã gửi cấp trên; không xoá minh chứng được.")
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if not Attachment.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))


# --- transitions ---------------------------------------------------------------------------------


def dossier_transition(*, by, dossier: Dossier, action: str, version: int | None, comment: str = "", **params):
    """Apply one action of the dossier workflow (workflows.DOSSIER_WORKFLOW); see core.workflow.transition."""
    return workflow.transition(dossier, action, by=by, version=version, comment=comment, **params)


def nomination_transition(*, by, nomination: Nomination, action: str, version: int | None, comment: str = ""):
    """Apply one action of the nomination workflow (workflows.NOMINATION_WORKFLOW)."""
    return workflow.transition(nomination, action, by=by, version=version, comment=comment)


def attachment_counts(nomination_ids) -> dict[int, int]:
    return dict(
        Attachment.objects.filter(nomination_id__in=list(nomination_ids))
        .values_list("nomination_id")
        .annotate(n=Count("id"))
        .values_list("nomination_id", "n")
    )


def may_open_dossier(user) -> bool:
    """Whether the user files for some unit (not a team): the "Tạo hồ sơ" page and button."""
    from units.rules import scope_q

    if not user.is_authenticated:
        return False
    return Unit.objects.filter(scope_q(user, Cap.FILE)).exclude(kind=UnitKind.TEAM).exists()
