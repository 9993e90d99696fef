"""Public notice (công khai) of a proposed list, and the objections (ý kiến phản ánh) sent about it.

Who may do what (units.rules kernel):

- **publish and withdraw** a notice for a unit: FILE or APPRAISE on that unit. A school (its secretary,
  head or administrator, FILE) publishes the nominations of its own dossiers; a Phòng or Sở (its reviewers
  or head, APPRAISE) publishes the nominations of the dossiers it received. Each may only pick nominations
  it holds the matching capability for (`publishable_nominations`).
- **read** a notice and its objections: READ on the publishing unit (404 otherwise). The sender's name and
  contact are shown only to those who may resolve.
- **resolve or dismiss** an objection: APPRAISE on the publishing unit (its head, its reviewers). A
  secretary publishes the list but does not judge what is said about it.

The public page (no login) shows, for each nominee, only the name, the unit and the proposed award
(ND 13/2023: personal data kept to the minimum). Anyone may send an objection about one nominee while the
notice is open; a hidden honeypot field and a per-address rate limit (Django's cache) keep robots out.

Parameters (settings, with their defaults; the length of a công khai is not fixed by a verified rule,
LAW.md (c) "Công khai" [U]):

- `NOMINATION_NOTICE_DAYS` (10): the number of days a notice stays up unless the publisher says otherwise;
- `NOMINATION_OBJECTION_RATE_LIMIT` (5) objections per `NOMINATION_OBJECTION_RATE_WINDOW` (3600 s) per
  client address and notice, counted in Django's cache (`CACHE_URL`; shared by all web workers only with
  a shared backend such as Redis) under a keyed hash of the address (`TRUSTED_PROXY_COUNT`: how the
  address is read behind a proxy).
"""

import datetime
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.exceptions import ServiceError
from core.text import nfc
from notifications.services import notify, users_with_roles
from units.enums import Role, UnitKind
from units.models import Unit
from units.rules import Cap, can, is_superuser, scope_q, unit_ids_with
from units.selectors import valid_pk

from .enums import RECEIVED_STATES, NominationStatus
from .models import Nomination, Objection, ObjectionStatus, PublicNotice
from .rowload import RowLoader

DEFAULT_NOTICE_DAYS = 10
MAX_NOTICE_DAYS = 90
DEFAULT_RATE_LIMIT = 5
DEFAULT_RATE_WINDOW = 3600
OBJECTION_MIN_CHARS = 10
OBJECTION_MAX_CHARS = 4000
SENDER_MAX_CHARS = 200
RESOLUTION_MAX_CHARS = 4000
# Nominations already refused are not put on a proposed list.
NOT_PUBLISHED_STATES = (NominationStatus.NOT_ACCEPTED, NominationStatus.NOT_AWARDED)
# Who is told of a new objection: the people of the publishing unit who may resolve it.
NOTIFIED_ROLES = (Role.HEAD, Role.REVIEWER)

NOT_OPEN = "Thông báo đã hết thời gian công khai."
NOT_ON_LIST = "Không tìm thấy người được đề nghị trong danh sách công khai."
TOO_MANY = "Bạn đã gửi quá nhiều ý kiến trong thời gian ngắn. Vui lòng thử lại sau."


def notice_days() -> int:
    """Setting NOMINATION_NOTICE_DAYS; default 10 (unverified: no stored rule fixes the length)."""
    return int(getattr(settings, "NOMINATION_NOTICE_DAYS", DEFAULT_NOTICE_DAYS))


def rate_limit() -> tuple[int, int]:
    """(objections, seconds): settings NOMINATION_OBJECTION_RATE_LIMIT and NOMINATION_OBJECTION_RATE_WINDOW."""
    return (
        int(getattr(settings, "NOMINATION_OBJECTION_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
        int(getattr(settings, "NOMINATION_OBJECTION_RATE_WINDOW", DEFAULT_RATE_WINDOW)),
    )


def _text(value: str | None) -> str:
    """NFC and trimmed, keeping the line breaks of a longer text (core.text.nfc joins lines)."""
    return unicodedata.normalize("NFC", value or "").strip()


def client_address(meta) -> str:
    """The client's address of a request (`request.META`): behind TRUSTED_PROXY_COUNT proxies that each append
    to X-Forwarded-For, the entry the outermost trusted one wrote (entries before it are the client's to
    forge); else REMOTE_ADDR."""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return meta.get("REMOTE_ADDR", "")


def client_key(address: str) -> str:
    """A keyed hash of the client's address: the cache never holds the address itself."""
    return salted_hmac("nominations.notice.client", address or "").hexdigest()[:32]


# --- who may ---------------------------------------------------------------------------------------


def may_publish(user, unit: Unit) -> bool:
    return can(user, Cap.FILE, unit) or can(user, Cap.APPRAISE, unit)


def may_resolve(user, unit: Unit) -> bool:
    return can(user, Cap.APPRAISE, unit)


def publishing_units(user) -> QuerySet[Unit]:
    """The units the user acts *as* (a role granted on them) with FILE or APPRAISE, not teams: the "Công khai
    mới" links. A Sở administrator files for every school below but publishes, as a rule, for its own unit."""
    if not user.is_authenticated:
        return Unit.objects.none()
    ids = set(unit_ids_with(user, Cap.FILE)) | set(unit_ids_with(user, Cap.APPRAISE))
    return Unit.objects.filter(pk__in=ids).exclude(kind=UnitKind.TEAM).order_by("path")


# What a notice's rows show of each nominee, read by key after the page's nominations.
NOMINEES = ("person__unit__parent", "unit__parent", "dossier__unit")


def publishable_nominations(by, unit: Unit) -> QuerySet[Nomination]:
    """Nominations `by` may put on a notice of `unit`: those of the unit's own dossiers (FILE on it) and
    those of the dossiers it received (APPRAISE on it), not refused. `by=None` is the system: both."""
    # On the nomination's own copies of its dossier's paths and status (Nomination.dossier_unit_path,
    # receiving_unit_path, dossier_status): no join to the dossiers or units_unit, whose row estimates go wrong
    # under stale statistics; the nominees and their units are read by key (prefetch), as in `notice_rows`.
    query = Q(pk__in=[])
    if by is None or can(by, Cap.FILE, unit):
        query |= Q(dossier_unit_path=unit.path)
    if by is None or can(by, Cap.APPRAISE, unit):
        query |= Q(receiving_unit_path=unit.path, dossier_status__in=RECEIVED_STATES)
    return (
        Nomination.objects.filter(query)
        .exclude(status__in=NOT_PUBLISHED_STATES)
        .select_related("award_type")
        .prefetch_related(*NOMINEES)
        .order_by("dossier_unit_path", "award_type__rank", "id")
    )


# --- services --------------------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *, by, unit: Unit, title: str, nominations, starts_on: datetime.date, days: int | None = None
) -> PublicNotice:
    """Publish a proposed list of `unit` from `starts_on` for `days` days (default `notice_days()`).

    Refuses (nothing saved) a user without FILE or APPRAISE on the unit (403), an empty title, a start
    before today, a length outside 1–90 days, no nomination, or one the user may not publish for this unit.
    Side effects: the notice and its list; history row."""
    if by is not None and not may_publish(by, unit):
        raise PermissionDenied
    title = nfc(title or "")
    if not title:
        raise ServiceError("Phải ghi tiêu đề của thông báo công khai.")
    if len(title) > 500:
        raise ServiceError("Tiêu đề tối đa 500 ký tự.")
    if starts_on is None or starts_on < timezone.localdate():
        raise ServiceError("Ngày bắt đầu công khai không được trước hôm nay.")
    days = notice_days() if days is None else days
    if not 1 <= int(days) <= MAX_NOTICE_DAYS:
        raise ServiceError(f"Số ngày công khai phải từ 1 đến {MAX_NOTICE_DAYS}.")
    ids = {valid_pk(getattr(n, "pk", n)) for n in nominations}
    if not ids:
        raise ServiceError("Chọn ít nhất một đề nghị để công khai.")
    rows = list(publishable_nominations(by, unit).filter(pk__in=ids))
    if len(rows) != len(ids):
        raise ServiceError("Có đề nghị không thuộc danh sách đơn vị được công khai hoặc không tìm thấy.")
    notice = PublicNotice.objects.create(
        unit=unit,
        title=title,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=int(days) - 1),
        created_by=by,
    )
    notice.nominations.set(rows)
    return notice


@transaction.atomic
def notice_withdraw(*, by, notice: PublicNotice) -> PublicNotice:
    """Take a notice down (FILE or APPRAISE on its unit, else 403). A repeat is a success.
    Side effects: `withdrawn_at`; history row. Objections already sent are kept."""
    locked = PublicNotice.objects.select_for_update(of=("self",)).select_related("unit").get(pk=notice.pk)
    if by is not None and not may_publish(by, locked.unit):
        raise PermissionDenied
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at", "updated_at"])
    return locked


def _count_attempt(notice: PublicNotice, client: str) -> None:
    """Refuse when the client already sent the limit to this notice within the window; else count one."""
    limit, window = rate_limit()
    key = f"nominations:objection:{notice.pk}:{client}"
    if cache.get(key, 0) >= limit:
        raise ServiceError(TOO_MANY)
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)


@transaction.atomic
def objection_submit(
    *,
    notice: PublicNotice,
    nomination_id,
    content: str,
    sender_name: str = "",
    sender_contact: str = "",
    client: str,
    honeypot: str = "",
    today: datetime.date | None = None,
) -> Objection | None:
    """An objection sent from the public page (no account: `client` is `client_key` of the address).

    Refuses (nothing saved) a closed notice, a nominee not on it, content shorter than 10 or longer than 4000
    characters, a name or contact over 200, and a client over the rate limit. A filled honeypot counts
    against the limit and looks accepted, but nothing is stored (returns None).
    Side effects: the objection (history row); in-app and e-mail notice to the publishing unit's head
    and reviewers."""
    if not notice_is_open(notice, today):
        raise ServiceError(NOT_OPEN)
    try:
        pk = valid_pk(nomination_id)
    except Http404:
        raise ServiceError(NOT_ON_LIST) from None
    nomination = notice.nominations.select_related("person", "unit", "award_type").filter(pk=pk).first()
    if nomination is None:
        raise ServiceError(NOT_ON_LIST)
    content = _text(content)
    sender_name, sender_contact = nfc(sender_name or ""), nfc(sender_contact or "")
    if len(content) < OBJECTION_MIN_CHARS:
        raise ServiceError(f"Nội dung phản ánh phải có ít nhất {OBJECTION_MIN_CHARS} ký tự.")
    if len(content) > OBJECTION_MAX_CHARS:
        raise ServiceError(f"Nội dung phản ánh tối đa {OBJECTION_MAX_CHARS} ký tự.")
    if len(sender_name) > SENDER_MAX_CHARS or len(sender_contact) > SENDER_MAX_CHARS:
        raise ServiceError(f"Họ tên và thông tin liên hệ tối đa {SENDER_MAX_CHARS} ký tự.")
    _count_attempt(notice, client)
    if honeypot:
        return None
    objection = Objection.objects.create(
        notice=notice,
        nomination=nomination,
        content=content,
        sender_name=sender_name,
        sender_contact=sender_contact,
    )
    recipients = users_with_roles([notice.unit_id], NOTIFIED_ROLES).get(notice.unit_id, [])
    if recipients:
        notify(
            users=recipients,
            message=(
                f"Có ý kiến phản ánh mới về đề nghị «{nomination.award_type.name}» – {nomination.candidate_name} "
                f"trong thông báo công khai «{notice.title}»."
            ),
            url=reverse("nominations:notice_detail", args=[notice.pk]),
            email=True,
            subject="Ý kiến phản ánh về danh sách công khai",
        )
    return objection


@transaction.atomic
def objection_resolve(*, by, objection: Objection, status: str, resolution: str) -> Objection:
    """Close an open objection as resolved or dismissed with the result (APPRAISE on the notice's unit, 403).

    Refuses (nothing saved) another status, an empty or over-long result, and an objection already closed
    (the second of two reviewers is told). Side effects: who and when on the row; history row (audit)."""
    locked = Objection.objects.select_for_update(of=("self",)).select_related("notice__unit").get(pk=objection.pk)
    if by is not None and not may_resolve(by, locked.notice.unit):
        raise PermissionDenied
    if status not in (ObjectionStatus.RESOLVED, ObjectionStatus.DISMISSED):
        raise ServiceError("Chọn «Đã xử lý» hoặc «Không có cơ sở».")
    resolution = _text(resolution)
    if not resolution:
        raise ServiceError("Phải ghi kết quả xử lý.")
    if len(resolution) > RESOLUTION_MAX_CHARS:
        raise ServiceError(f"Kết quả xử lý tối đa {RESOLUTION_MAX_CHARS} ký tự.")
    if locked.status != ObjectionStatus.OPEN:
        raise ServiceError("Ý kiến này đã được xử lý trước đó.")
    locked.status = status
    locked.resolution = resolution
    locked.resolved_by = by
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"])
    return locked


# --- selectors -------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def notice_is_open(notice: PublicNotice, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return notice.withdrawn_at is None and notice.starts_on <= today <= notice.ends_on


def _notice_q(user) -> Q:
    return Q() if is_superuser(user) else scope_q(user, Cap.READ, "unit")


def notices_visible_to(user, filters: dict | None = None) -> QuerySet[PublicNotice]:
    """Notices of units the user may READ, with their counts; `filters`: unit (id)."""
    if not user.is_authenticated:
        return PublicNotice.objects.none()
    rows = (
        PublicNotice.objects.filter(_notice_q(user))
        .select_related("unit")
        .annotate(
            nomination_count=Count("nominations", distinct=True),
            open_count=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True),
        )
        .order_by("-starts_on", "-id")
    )
    if (filters or {}).get("unit"):
        rows = rows.filter(unit_id=filters["unit"])
    return rows


def notice_get_visible(user, pk) -> PublicNotice:
    return get_object_or_404(
        PublicNotice.objects.filter(_notice_q(user)).select_related("unit", "created_by"), pk=valid_pk(pk)
    )


def notice_rows(notice: PublicNotice) -> list[Nomination]:
    """The nominees of a notice with their dossier: the nominations (one query), then their people, units and
    dossiers by key (`NOMINEES`, constant in rows), never joined to units_person or units_unit."""
    return list(
        notice.nominations.select_related("award_type")
        .prefetch_related(*NOMINEES)
        .order_by("dossier_unit_path", "award_type__rank", "id")
    )


def objections_visible_to(user, filters: dict | None = None) -> QuerySet[Objection]:
    """Objections of the notices of units the user may READ; `filters`: status, unit (id), notice (id)."""
    if not user.is_authenticated:
        return Objection.objects.none()
    rows = (
        Objection.objects.filter(notice__in=PublicNotice.objects.filter(_notice_q(user)))
        .select_related("notice__unit", "nomination__award_type", "resolved_by")
        .prefetch_related("nomination__person", "nomination__unit")  # by key: no join to units_person
        .order_by("status", "-created_at", "-id")
    )
    filters = filters or {}
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("unit"):
        rows = rows.filter(notice__unit_id=filters["unit"])
    if filters.get("notice"):
        rows = rows.filter(notice_id=filters["notice"])
    return rows


def objection_get_visible(user, pk) -> Objection:
    return get_object_or_404(objections_visible_to(user), pk=valid_pk(pk))


_OBJECTIONS_OF = RowLoader(Objection, "nomination_id")


def open_objections_by_nomination(nomination_ids) -> dict[int, list[Objection]]:
    """nomination id → its open objections, oldest first (one query): the dossier page's badges."""
    result: dict[int, list[Objection]] = {}
    # Every objection of the rows through a statement compiled once (rowload.py; 200 ids through the ORM's
    # lookups were a twentieth of the dossier page), the open ones kept here: a handful per nomination at most.
    rows = [row for row in _OBJECTIONS_OF.load(nomination_ids) if row.status == ObjectionStatus.OPEN]
    for row in sorted(rows, key=lambda row: (row.created_at, row.pk)):
        result.setdefault(row.nomination_id, []).append(row)
    return result


def notice_get_public(token: str) -> PublicNotice | None:
    """The notice of a public address, withdrawn or not; None for an unknown token."""
    if not token or len(token) > 32:
        return None
    return PublicNotice.objects.select_related("unit").filter(token=token).first()


def public_unit_name(nomination: Nomination) -> str:
    """The unit shown beside a nominee on the public page: the person's unit (a team stands for its school),
    or for a collective the unit it belongs to (a team's school; a school stands for itself)."""
    unit = nomination.person.unit if nomination.person_id else nomination.unit
    if unit.kind == UnitKind.TEAM and unit.parent_id:
        unit = unit.parent
    return unit.name


def public_rows(notice: PublicNotice) -> list[dict]:
    """Only what the public page may show of each nominee: id (for the form), name, unit, proposed award."""
    return [
        {"id": n.pk, "name": n.candidate_name, "unit": public_unit_name(n), "award": n.award_type.name}
        for n in notice_rows(notice)
    ]
