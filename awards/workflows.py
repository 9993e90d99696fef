"""The initiative workflow (sáng kiến), as data for `core.workflow`.

    registered ──Công nhận──▶ recognised
    registered ──Không công nhận──▶ not_recognised ──Công nhận──▶ recognised

Recognition is recorded by the head of the unit or an administrator
(`rules.can_recognise_initiatives`, from the kernel); the recognition fields
(scope, decision number and date, issuer) are parameters of the action, checked
by guards and written in the same UPDATE as the state, so who recorded it and
when are kept in `core.TransitionLog`. Registered at start-up (`AwardsConfig.ready`).
"""

import datetime

from core.exceptions import ServiceError
from core.text import nfc
from core.workflow import Context, Transition, Workflow
from units.validation import typed_date_check

from . import rules
from .enums import InitiativeScope, InitiativeStatus
from .models import Initiative
from .schoolyear import school_year_bounds

I = InitiativeStatus  # noqa: E741 - the table reads better with a one-letter alias


def may_recognise(user, initiative) -> bool:
    return rules.can_recognise_initiatives(user, initiative.unit)


def recognition_complete(ctx: Context) -> str | None:
    params = ctx.params
    if params.get("scope") not in InitiativeScope.values:
        return "Phải chọn phạm vi công nhận."
    decision_date: datetime.date | None = params.get("decision_date")
    if not nfc(params.get("decision_number") or "") or decision_date is None:
        return "Phải ghi số và ngày quyết định công nhận."
    if decision_date < school_year_bounds(ctx.obj.school_year)[0]:
        return "Ngày quyết định công nhận trước khi năm học đăng ký bắt đầu."
    births = [born for born in ctx.obj.authors.values_list("date_of_birth", flat=True) if born]
    try:
        typed_date_check(decision_date, label="Ngày quyết định công nhận", born=max(births, default=None))
    except ServiceError as exc:
        return str(exc)
    return None


def recognition_fields(ctx: Context) -> dict:
    params = ctx.params
    return {
        "scope": params["scope"],
        "decision_number": nfc(params["decision_number"]),
        "decision_date": params["decision_date"],
        "issuer": nfc(params.get("issuer") or ""),
    }


def no_recognition_fields(ctx: Context) -> dict:
    return {"scope": "", "decision_number": "", "decision_date": None, "issuer": ""}


INITIATIVE_WORKFLOW = Workflow(
    name="initiative",
    model=Initiative,
    states=InitiativeStatus,
    noun="sáng kiến",
    transitions=(
        Transition(
            action="recognise",
            label="Công nhận",
            sources=(I.REGISTERED, I.NOT_RECOGNISED),
            target=I.RECOGNISED,
            allowed=may_recognise,
            refusal="Chỉ thủ trưởng hoặc quản trị của đơn vị mới ghi kết quả công nhận sáng kiến.",
            guards=(recognition_complete,),
            fields=recognition_fields,
            style="success",
            done="Đã ghi kết quả công nhận sáng kiến.",
        ),
        Transition(
            action="not_recognise",
            label="Không công nhận",
            sources=(I.REGISTERED,),
            target=I.NOT_RECOGNISED,
            allowed=may_recognise,
            refusal="Chỉ thủ trưởng hoặc quản trị của đơn vị mới ghi kết quả công nhận sáng kiến.",
            fields=no_recognition_fields,
            style="secondary",
            done="Đã ghi kết quả: sáng kiến không được công nhận.",
        ),
    ),
)
