"""Staged review of many nominations of one dossier at once (chấp nhận / trả lại / không chấp nhận).

The reviewer stages one action (and a comment where the action asks for one) per nomination, reviews the
list, then applies it with one POST: all or nothing. Each row goes through `core.workflow.transition`
with the version the reviewer saw, so a nomination another reviewer changed meanwhile is reported and
nothing is applied; a second POST of the same list finds every row already done (the engine's repeat
rule) and changes nothing. The proposing unit gets one notification for the whole list.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core import workflow
from core.exceptions import ServiceError
from core.workflow import COMMENT_REQUIRED
from notifications.services import notify
from units.enums import Role
from units.rules import Cap, require

from .enums import DossierStatus
from .models import Dossier, Nomination
from .workflows import NOMINATION_WORKFLOW, _dossier_name, _users

# The actions a reviewer may stage, in the order the form offers them.
BULK_ACTIONS = ("accept", "return", "not_accept")
MAX_ROWS = 500


@dataclass(frozen=True)
class StagedDecision:
    nomination_id: int
    action: str
    comment: str = ""
    version: int | None = None  # the nomination's version when the reviewer loaded the page


@dataclass
class BulkResult:
    applied: list[tuple[Nomination, str]] = field(default_factory=list)  # (nomination, action)
    repeated: int = 0  # rows found already done (a second POST)


class BulkRefused(ServiceError):
    """Nothing was applied; `errors` maps a nomination id to the Vietnamese reason of its row."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__(f"Không áp dụng thao tác nào: {len(errors)} đề nghị không thực hiện được (xem từng dòng).")


def bulk_action_label(action: str) -> str:
    return NOMINATION_WORKFLOW.action_label(action)


def nominations_bulk_check(*, dossier: Dossier, nominations: list[Nomination], items: list[StagedDecision]) -> dict:
    """Problems found without writing: {nomination id: reason}; {"": reason} for the list as a whole.

    Catches what the form can know (an action not offered from the row's state, a missing comment, a row
    given twice, a nomination of another dossier); guards and versions are checked when applying.
    """
    if dossier.status != DossierStatus.UNDER_APPRAISAL:
        return {"": "Chỉ thẩm định hàng loạt được khi hồ sơ đang ở trạng thái «Đang thẩm định»."}
    if not items:
        return {"": "Chưa chọn thao tác cho đề nghị nào."}
    if len(items) > MAX_ROWS:
        return {"": f"Mỗi lần áp dụng tối đa {MAX_ROWS} đề nghị."}
    by_pk = {n.pk: n for n in nominations}
    errors, seen = {}, set()
    for item in items:
        nomination = by_pk.get(item.nomination_id)
        if nomination is None:
            errors[item.nomination_id] = "Đề nghị không thuộc hồ sơ này."
            continue
        if item.nomination_id in seen:
            errors[item.nomination_id] = "Đề nghị được chọn hai lần."
            continue
        seen.add(item.nomination_id)
        if item.action not in BULK_ACTIONS:
            errors[item.nomination_id] = "Thao tác không hợp lệ."
            continue
        t = NOMINATION_WORKFLOW.get(item.action)
        # Already in the action's target state: maybe this reviewer's own list sent twice, which the
        # engine answers as done; otherwise it reports who changed it.
        if nomination.status not in t.sources and nomination.status != t.target:
            errors[item.nomination_id] = (
                f"Không thể «{t.label}»: đề nghị đang ở trạng thái «{nomination.get_status_display()}»."
            )
        elif t.comment == COMMENT_REQUIRED and not item.comment.strip():
            errors[item.nomination_id] = f"Vui lòng ghi {t.comment_label.lower()} khi «{t.label}»."
    return errors


@transaction.atomic
def nominations_bulk_transition(*, dossier: Dossier, by, items: list[StagedDecision], today=None) -> BulkResult:
    """Apply every staged decision of `items` to the dossier's nominations, or none of them.

    `by` must hold APPRAISE on the receiving unit (PermissionDenied otherwise). Refusals: `BulkRefused`
    with one message per row (the check above, then each transition's own refusal: a guard, a stale
    version, an actor who may not), after rolling back the rows already applied.
    Side effects: per applied row the engine's history row; one in-app notification (and e-mail when
    something was returned) to the proposing unit's head and secretaries for the whole list.
    """
    if dossier.receiving_unit_id is None:
        raise PermissionDenied
    require(by, Cap.APPRAISE, dossier.receiving_unit)
    dossier = Dossier.objects.select_related("unit", "receiving_unit").get(pk=dossier.pk)
    nominations = list(dossier.nominations.select_related("person", "unit", "award_type"))
    errors = nominations_bulk_check(dossier=dossier, nominations=nominations, items=items)
    if "" in errors:
        raise ServiceError(errors[""])
    if errors:
        raise BulkRefused(errors)
    by_pk = {n.pk: n for n in nominations}
    result = BulkResult()
    for item in items:
        nomination = by_pk[item.nomination_id]
        nomination.dossier = dossier
        before = nomination.version
        try:
            after = workflow.transition(
                nomination,
                item.action,
                by=by,
                version=item.version,
                comment=item.comment,
                today=today,
                bulk=True,  # the per-row notification is left to the one below
            )
        except ServiceError as exc:
            errors[item.nomination_id] = str(exc)
            continue
        if after.version == before:
            result.repeated += 1
        else:
            result.applied.append((nomination, item.action, item.comment))
    if errors:
        raise BulkRefused(errors)  # leaving the atomic block undoes the rows applied above
    if result.applied:
        _notify_unit(dossier, result.applied)
    result.applied = [(n, action) for n, action, _ in result.applied]
    return result


def _notify_unit(dossier: Dossier, applied) -> None:
    parts = []
    for action in BULK_ACTIONS:
        rows = [(n, comment) for n, a, comment in applied if a == action]
        if not rows:
            continue
        label = bulk_action_label(action).lower()
        if action == "accept":
            parts.append(f"{label} {len(rows)} đề nghị")
        else:
            names = "; ".join(f"«{n.award_type.name}» của {n.candidate_name}: {comment}" for n, comment in rows)
            parts.append(f"{label} {len(rows)} đề nghị ({names})")
    returned = any(a == "return" for _, a, _ in applied)
    message = f"Cấp trên đã thẩm định {_dossier_name(dossier)}: " + "; ".join(parts) + "."
    notify(
        users=_users(dossier.unit_id, {Role.HEAD, Role.SECRETARY}),
        message=message[:1000],
        url=dossier.get_absolute_url(),
        email=returned,
        subject="Kết quả thẩm định đề nghị khen thưởng" if returned else "",
    )
