"""Every write to units, people and roles.

Services are keyword-only, run in a transaction, validate, and save only the
fields they change. Each takes `by` (the acting user, or None for the system:
demo seeding, management commands, tasks) and checks its capability with the
kernel (`units.rules.require`): PermissionDenied (403) otherwise. History rows
written inside name `by` (`core.audit.audited`). Side effects (none yet) are queued with on_commit.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.audit import audited
from core.exceptions import ServiceError
from core.models import version_check_and_bump
from core.text import fold, nfc

from .enums import Role, UnitKind
from .models import EmulationBlock, Person, PersonTransfer, Unit, UnitRole
from .rules import PATH_FIELDS, Cap, forget_roles, require, require_superuser
from .search_keys import person_search_key
from .signals import account_mail
from .validation import person_name_check, person_text_check, typed_date_check

logger = logging.getLogger(__name__)
User = get_user_model()

UNIT_TEXT_FIELDS = (
    "name",
    "short_name",
    "locality",
    "document_code",
    "parent_body_name",
    "head_title",
    "email",
    "phone",
)
UNIT_FIELDS = UNIT_TEXT_FIELDS + ("school_level", "head", "active_from", "active_to")


def validate_unit(kind: str, school_level: str, parent: Unit | None) -> None:
    if kind == UnitKind.SCHOOL and not school_level:
        raise ServiceError("Trường học phải có cấp học.")
    if kind != UnitKind.SCHOOL and school_level:
        raise ServiceError("Chỉ trường học mới có cấp học.")
    if kind == UnitKind.TEAM and (parent is None or parent.kind != UnitKind.SCHOOL):
        raise ServiceError("Tổ chuyên môn phải thuộc một trường học.")


@audited
@transaction.atomic
def unit_create(*, name: str, kind: str, by, parent: Unit | None = None, school_level: str = "", **fields) -> Unit:
    """Create a unit under `parent` and give it its materialised path.

    `by` must hold ADMINISTER on `parent`; a unit without a parent (a new root) is for superusers only.
    """
    if parent is None:
        require_superuser(by)
    else:
        require(by, Cap.ADMINISTER, parent)
    validate_unit(kind, school_level, parent)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    for key in UNIT_TEXT_FIELDS:
        if key in fields:
            fields[key] = nfc(fields[key])
    # The path needs the primary key; a unique temporary value keeps the constraint happy.
    unit = Unit(name=nfc(name), kind=kind, parent=parent, school_level=school_level, **fields)
    unit.path = f"tmp-{datetime.datetime.now().timestamp()}-{id(unit)}"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@audited
@transaction.atomic
def unit_update(*, unit: Unit, by, expected_version: int | None = None, **fields) -> Unit:
    """Change a unit's descriptive fields. Refuses a stale form. `by` must hold EDIT_UNIT on the unit."""
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    require(by, Cap.EDIT_UNIT, locked)
    version_check_and_bump(locked, expected_version)
    changed = []
    for key, value in fields.items():
        if key not in UNIT_FIELDS:
            raise TypeError(f"unknown unit field: {key}")
        if key in UNIT_TEXT_FIELDS:
            value = nfc(value)
        if getattr(locked, key) != value:
            setattr(locked, key, value)
            changed.append(key)
    validate_unit(locked.kind, locked.school_level, locked.parent)
    locked.save(update_fields=changed + ["version", "updated_at"])
    return locked


@audited
@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit, by) -> Unit:
    """Re-attach a unit (and its subtree) elsewhere, e.g. a school from a Phòng to a UBND xã.

    One UPDATE rewrites the paths of the whole subtree. The old parent stays in
    the unit's history (django-simple-history). `by` must hold ADMINISTER on the
    unit and on its new parent.
    """
    require(by, Cap.ADMINISTER, unit)
    require(by, Cap.ADMINISTER, new_parent)
    if new_parent.path.startswith(unit.path):
        raise ServiceError("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_shift = new_parent.depth + 1 - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    # The people of the subtree carry their unit's path (Person.unit_path): one UPDATE moves them too; so does
    # every other column registered in PATH_FIELDS by the apps above (a dossier's paths, its nominations').
    columns = sorted({(model._meta.label, model, column) for (model, _), column in PATH_FIELDS.items()})
    for _, model, column in columns:
        model._base_manager.filter(**{f"{column}__startswith": old_path}).update(
            **{column: Concat(Value(new_path), Substr(column, len(old_path) + 1))}
        )
    unit.refresh_from_db()
    unit.parent = new_parent
    unit.save(update_fields=["parent", "updated_at"])
    return unit


PERSON_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "position",
    "is_manager",
    "service_start",
    "phone",
    "email",
    "is_active",
)


def _clean_person_fields(fields: dict) -> dict:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    for key in ("full_name", "position", "phone", "email"):
        if key in fields:
            fields[key] = nfc(fields[key])
    if "full_name" in fields:
        person_name_check(fields["full_name"])
    person_text_check(fields)
    dob, start = fields.get("date_of_birth"), fields.get("service_start")
    typed_date_check(dob, label="Ngày sinh")
    typed_date_check(start, label="Ngày vào ngành")
    if dob and start and start < dob:
        raise ServiceError("Ngày vào ngành không thể trước ngày sinh.")
    return fields


def school_of(unit: Unit) -> Unit:
    """The unit whose staff list a person belongs to: a team's school, else the unit itself."""
    return unit.parent if unit.kind == UnitKind.TEAM and unit.parent_id else unit


@audited
@transaction.atomic
def person_create(*, unit: Unit, full_name: str, gender: str, by, **fields) -> Person:
    """Add a person. Refuses a second person with the same name and date of birth in the same
    school (teams included), which is also what a double click on "Lưu" would create. Names are
    compared folded (search_key): "Duong Thi Quyen" is the "Dương Thị Quyên" born the same day.
    `by` must hold MANAGE_PEOPLE on `unit`."""
    require(by, Cap.MANAGE_PEOPLE, unit)
    fields = _clean_person_fields({"full_name": full_name, "gender": gender, **fields})
    person = Person(unit=unit, **fields)
    person.name_key = fold(person.full_name)
    person.search_key = person_search_key(person.full_name)
    scope = school_of(unit)
    Unit.objects.select_for_update().filter(pk=scope.pk).first()  # serialise concurrent adds to one school
    # The school and its teams only: a Phòng's own staff list does not include the schools below it.
    twin = Person.objects.filter(
        Q(unit=scope) | Q(unit__parent=scope, unit__kind=UnitKind.TEAM),
        search_key=person.search_key,
        date_of_birth=person.date_of_birth,
    ).exists()
    if twin:
        # Names only what the caller typed and the unit it adds to, never another record.
        born = f" sinh ngày {person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else ""
        raise ServiceError(
            f"Đã có {person.full_name}{born} trong {scope.name} (họ tên so sánh không kể dấu và chữ hoa); "
            "không tạo trùng."
        )
    person.save()
    return person


@audited
@transaction.atomic
def person_update(*, person: Person, by, expected_version: int | None = None, **fields) -> Person:
    """Change a person's record. Refuses a stale form (someone saved in between).
    `by` must hold MANAGE_PEOPLE on the person's unit."""
    locked = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    require(by, Cap.MANAGE_PEOPLE, locked.unit)
    version_check_and_bump(locked, expected_version)
    fields = _clean_person_fields(dict(fields))
    merged_dob = fields.get("date_of_birth", locked.date_of_birth)
    merged_start = fields.get("service_start", locked.service_start)
    if merged_dob and merged_start and merged_start < merged_dob:
        raise ServiceError("Ngày vào ngành không thể trước ngày sinh.")
    changed = [key for key, value in fields.items() if getattr(locked, key) != value]
    for key in changed:
        setattr(locked, key, fields[key])
    if "full_name" in changed:
        locked.name_key = fold(locked.full_name)
        changed.append("name_key")
    locked.save(update_fields=changed + ["version", "updated_at"])
    if "full_name" in changed and locked.user_id:
        _account_name_set(locked.user, locked.full_name)
    return locked


@audited
@transaction.atomic
def person_transfer(
    *, person: Person, to_unit: Unit, effective_date: datetime.date, by, note: str = ""
) -> PersonTransfer:
    """Move a person to another unit. Their awards and evaluations stay attached to them.
    `by` must hold MANAGE_PEOPLE on both the person's unit and `to_unit`."""
    locked = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    require(by, Cap.MANAGE_PEOPLE, locked.unit)
    require(by, Cap.MANAGE_PEOPLE, to_unit)
    if locked.unit_id == to_unit.pk:
        raise ServiceError("Cá nhân đã thuộc đơn vị này.")
    typed_date_check(effective_date, label="Ngày điều chuyển", born=locked.date_of_birth)
    transfer = PersonTransfer.objects.create(
        person=locked,
        from_unit_id=locked.unit_id,
        to_unit=to_unit,
        effective_date=effective_date,
        note=nfc(note),
        created_by=by,
    )
    locked.unit = to_unit
    locked.save(update_fields=["unit", "updated_at"])
    return transfer


@audited
@transaction.atomic
def unit_role_grant(*, user, unit: Unit, role: str, by) -> UnitRole:
    """Give `user` a role on `unit` (a repeat is a no-op). `by` must hold ADMINISTER on `unit`."""
    require(by, Cap.ADMINISTER, unit)
    if role not in Role.values:
        raise ServiceError("Vai trò không hợp lệ.")
    unit_role, _ = UnitRole.objects.get_or_create(user=user, unit=unit, role=role)
    forget_roles(user)
    return unit_role


@audited
@transaction.atomic
def unit_role_grant_by_username(
    *, username: str, unit: Unit, role: str, by, full_name: str = "", email: str = "", base_url: str = ""
) -> UnitRole:
    """Grant a role to an existing account, or create the account first (it needs an e-mail then).

    A new account has no usable password. Side effect: with `base_url` (the portal's address, for the
    link), an invitation mail with a link to set the password is queued (`account_invitation_queue`);
    "Quên mật khẩu" also reaches such an account later. `by` must hold ADMINISTER on `unit` (which
    also allows the new account).
    """
    require(by, Cap.ADMINISTER, unit)
    user = User.objects.filter(username=username).first()
    if user is None:
        if not email:
            raise ServiceError("Tài khoản mới cần thư điện tử để người dùng tự đặt mật khẩu.")
        user = _account_create(username=username, password=None, full_name=full_name, email=email)
        if base_url:
            account_invitation_queue(user=user, base_url=base_url)
    return unit_role_grant(user=user, unit=unit, role=role, by=by)


def account_invitation_link(*, user, base_url: str) -> str:
    """The first-login link: Django's password-reset token (valid PASSWORD_RESET_TIMEOUT, spent once the
    password is set) on the Vietnamese "Đặt mật khẩu" page."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return base_url.rstrip("/") + path


def account_invitation_queue(*, user, base_url: str) -> None:
    """Queue the invitation of a new account to set its password. Call inside the transaction that
    creates the account.

    Side effect: the `units.signals.account_mail` signal; the notifications app writes the mail to its
    outbox (sent after commit by the worker, never inside the request). Units imports no other app.
    """
    body = render_to_string(
        "registration/account_invitation_email.txt",
        {
            "user": user,
            "link": account_invitation_link(user=user, base_url=base_url),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )
    account_mail_request(
        user=user,
        subject="Mời đăng nhập Cổng thi đua – khen thưởng",
        body=body,
        reference=f"account_invitation:{user.pk}",
    )


def account_mail_request(*, user, subject: str, body: str, reference: str) -> None:
    """Ask for one e-mail to `user` (its address) through the `account_mail` signal.

    A receiver failing raises here, so the caller's transaction rolls back rather than
    commit an account whose mail was lost; with no receiver connected the mail is logged as dropped.
    """
    if not account_mail.has_listeners():
        logger.error("No receiver for units.signals.account_mail: mail %s to user %s dropped", reference, user.pk)
        return
    account_mail.send(sender=User, user=user, to=user.email, subject=subject, body=body, reference=reference)


@audited
@transaction.atomic
def unit_role_revoke(*, unit_role: UnitRole, by) -> None:
    """Take a role back. `by` must hold ADMINISTER on the role's unit."""
    require(by, Cap.ADMINISTER, unit_role.unit)
    user = unit_role.user
    unit_role.delete()
    forget_roles(user)


@audited
@transaction.atomic
def user_create(
    *, username: str, password: str | None, by, full_name: str = "", email: str = "", person: Person | None = None
):
    """Create a login account, optionally linked to a person record. An account on its own belongs to no
    unit: superusers only (administrators of a unit create accounts by granting a role,
    `unit_role_grant_by_username`)."""
    require_superuser(by)
    return _account_create(username=username, password=password, full_name=full_name, email=email, person=person)


def _account_create(*, username: str, password: str | None, full_name: str = "", email: str = "", person=None):
    if User.objects.filter(username=username).exists():
        raise ServiceError(f"Tên đăng nhập {username} đã tồn tại.")
    # An account linked to a person carries the person's name: the header shows it without a query.
    first, _, last = nfc(full_name or (person.full_name if person is not None else "")).rpartition(" ")
    user = User.objects.create_user(username=username, password=password, email=email, first_name=first, last_name=last)
    if person is not None:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return user


def _account_name_set(user, full_name: str) -> None:
    """The account's name follows its person's record (the header shows the account's name)."""
    first, _, last = nfc(full_name).rpartition(" ")
    if (user.first_name, user.last_name) != (first, last):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])


def _check_block_members(owner: Unit, members) -> None:
    outside = [m for m in members if not m.path.startswith(owner.path)]
    if outside:
        # Count, never name: a submitted id may be a unit the organiser cannot see.
        raise ServiceError(
            f"Có {len(outside)} đơn vị thành viên không thuộc phạm vi quản lý của đơn vị tổ chức; hãy chọn lại."
        )


# Blocks are organised by the head or an administrator of the owner: EDIT_UNIT is the capability both hold.


@audited
@transaction.atomic
def block_create(*, name: str, owner: Unit, members, by, school_year: int | None = None) -> EmulationBlock:
    """An emulation block of units of `owner`'s subtree. `by` must hold EDIT_UNIT on `owner`."""
    require(by, Cap.EDIT_UNIT, owner)
    members = list(members)
    _check_block_members(owner, members)
    block = EmulationBlock.objects.create(name=nfc(name), owner=owner, school_year=school_year)
    block.members.set(members)
    return block


@audited
@transaction.atomic
def block_update(*, block: EmulationBlock, name: str, members, by, school_year: int | None = None) -> EmulationBlock:
    """Rename a block, change its year or members. `by` must hold EDIT_UNIT on the block's owner."""
    require(by, Cap.EDIT_UNIT, block.owner)
    members = list(members)
    _check_block_members(block.owner, members)
    block.name, block.school_year = nfc(name), school_year
    block.save(update_fields=["name", "school_year", "updated_at"])
    block.members.set(members)
    return block
