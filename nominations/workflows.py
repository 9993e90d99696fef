"""The two workflows of nominations, kept apart, as data for `core.workflow`.

Dossier (hồ sơ), moved by the proposing unit and then by the receiving unit:

    draft / returned ──Trình thủ trưởng (secretary: FILE, not SIGN)──▶ awaiting_head
    awaiting_head ──Trả lại thư ký (head: SIGN, reason)──▶ draft
    draft / awaiting_head ──Gửi cấp trên (head: SIGN; complete; deadline open)──▶ sent
    returned ──Gửi lại cấp trên (head: SIGN; complete; deadline open)──▶ sent
    sent ──Tiếp nhận, thẩm định (receiving unit: APPRAISE)──▶ under_appraisal
    sent / under_appraisal ──Trả lại hồ sơ (APPRAISE, reason)──▶ returned
    under_appraisal ──Hoàn tất thẩm định (APPRAISE; every nomination has an opinion)──▶ appraised
    appraised ──Đã trình cấp trên (APPRAISE; some nomination forwarded, none waiting)──▶ forwarded
    appraised ──Đã có quyết định (APPRAISE; none forwarded, none waiting)──▶ decided

Nomination (đề nghị), one state per nomination, so one can be returned while the others go on; the
receiving unit acts while the dossier is under appraisal (appraised too, for the final steps):

    proposed / accepted / not_accepted ──Trả lại để bổ sung (reason)──▶ returned
    returned ──Gửi lại đề nghị (proposing unit: FILE; complete)──▶ proposed
    proposed / not_accepted ──Chấp nhận (eligible, or overridden by a reviewer)──▶ accepted
    proposed / accepted ──Không chấp nhận (reason)──▶ not_accepted
    accepted ──Đưa ra Hội đồng──▶ passed_to_council ──Hội đồng thông qua──▶ approved_by_council
    passed_to_council ──Hội đồng không thông qua (reason)──▶ not_accepted
    accepted / approved_by_council ──Trình cấp trên──▶ forwarded
    accepted / approved_by_council ──Được khen thưởng / Không được khen thưởng──▶ awarded / not_awarded
    forwarded ──… (theo quyết định của cấp trên) (APPRAISE on the dossier of a nomination higher in the
        roll-up chain with that outcome)──▶ awarded / not_awarded

Who may act comes from the permission kernel only (FILE, SIGN on the proposing unit; APPRAISE on the
receiving unit). Each step notifies who acts next. Registered at start-up (`NominationsConfig.ready`).
"""

from django.utils import timezone

from campaigns.enums import DeadlineAction
from campaigns.services import deadline_ensure_open
from campaigns.services.deadlines import record_completions
from core import workflow
from core.exceptions import ServiceError
from core.workflow import COMMENT_OPTIONAL, COMMENT_REQUIRED, Context, Transition, Workflow
from notifications.services import notify, users_with_roles
from units.enums import Role
from units.rules import Cap, can

from . import checks
from .enums import DossierStatus as D
from .enums import NominationStatus as N
from .models import Attachment, Dossier, Nomination

WAITING = (N.ACCEPTED, N.PASSED_TO_COUNCIL, N.APPROVED_BY_COUNCIL)


# --- who may (kernel predicates) ----------------------------------------------------------------


def may_send_to_head(user, dossier) -> bool:
    """Those who prepare the unit's filings but do not sign for it (its secretary; an administrator helping)."""
    return can(user, Cap.FILE, dossier.unit) and not can(user, Cap.SIGN, dossier.unit)


def may_sign(user, dossier) -> bool:
    return can(user, Cap.SIGN, dossier.unit)


def may_appraise(user, dossier) -> bool:
    return dossier.receiving_unit_id is not None and can(user, Cap.APPRAISE, dossier.receiving_unit)


def may_appraise_nomination(user, nomination) -> bool:
    dossier = nomination.dossier
    return dossier.status == D.UNDER_APPRAISAL and may_appraise(user, dossier)


def may_decide_nomination(user, nomination) -> bool:
    dossier = nomination.dossier
    return dossier.status in (D.UNDER_APPRAISAL, D.APPRAISED) and may_appraise(user, dossier)


def may_record_outcome_above(user, nomination, outcome: str) -> bool:
    """A level below learns the outcome: `user` may APPRAISE the dossier of a nomination higher in the
    roll-up chain (one that has `nomination` as its source, or the source of one that has) which already
    has `outcome` (awarded / not awarded). One query per level of the route."""
    level, seen = [nomination.pk], {nomination.pk}
    for _ in range(10):  # a route has a handful of levels; a cap stops a corrupt cycle
        uppers = [
            n
            for n in Nomination.objects.filter(source_id__in=level).select_related("dossier__receiving_unit")
            if n.pk not in seen
        ]
        if not uppers:
            return False
        if any(n.status == outcome and may_appraise(user, n.dossier) for n in uppers):
            return True
        level = [n.pk for n in uppers]
        seen.update(level)
    return False


def may_mark_awarded_below(user, nomination) -> bool:
    return may_record_outcome_above(user, nomination, N.AWARDED)


def may_mark_not_awarded_below(user, nomination) -> bool:
    return may_record_outcome_above(user, nomination, N.NOT_AWARDED)


def may_resubmit(user, nomination) -> bool:
    dossier = nomination.dossier
    return dossier.status in (D.SENT, D.UNDER_APPRAISAL) and can(user, Cap.FILE, dossier.unit)


# --- guards -------------------------------------------------------------------------------------


def _travelling(dossier) -> list[Nomination]:
    """The nominations that go with a send: all but those the level above already refused."""
    return list(
        dossier.nominations.exclude(status=N.NOT_ACCEPTED).select_related(
            "person", "unit", "award_type", "overridden_by"
        )
    )


def ready_to_send(ctx: Context) -> str | None:
    """The engine is asked again (facts may have changed since filing), then the completeness checklist."""
    dossier = ctx.obj
    nominations = _travelling(dossier)
    checks.verdicts_refresh(nominations, year=dossier.school_year, on_date=ctx.today)  # all of them: pending
    counts = attachment_counts([n.pk for n in nominations])
    problems = checks.dossier_problems(dossier, nominations, counts)
    return checks.refusal_text(problems) if problems else None


def deadline_open(ctx: Context) -> str | None:
    dossier = ctx.obj
    if dossier.campaign_id is None:
        return None
    try:
        deadline_ensure_open(
            campaign=dossier.campaign, unit=dossier.unit, action=DeadlineAction.NOMINATE, today=ctx.today
        )
    except ServiceError as exc:
        return str(exc)
    return None


def every_nomination_has_an_opinion(ctx: Context) -> str | None:
    left = ctx.obj.nominations.filter(status__in=(N.PROPOSED, N.RETURNED)).count()
    if left:
        return f"Còn {left} đề nghị chưa có ý kiến thẩm định (chấp nhận, không chấp nhận hoặc trả lại)."
    return None


def nothing_waiting(ctx: Context) -> str | None:
    left = ctx.obj.nominations.filter(status__in=WAITING).count()
    if left:
        return f"Còn {left} đề nghị đã chấp nhận chưa có kết quả (trình cấp trên hoặc khen thưởng)."
    return None


def some_forwarded(ctx: Context) -> str | None:
    if not ctx.obj.nominations.filter(status=N.FORWARDED).exists():
        return "Không có đề nghị nào được trình cấp trên."
    return None


def none_forwarded(ctx: Context) -> str | None:
    if ctx.obj.nominations.filter(status=N.FORWARDED).exists():
        return "Có đề nghị đã trình cấp trên: hồ sơ chuyển sang «Đã trình cấp trên»."
    return None


def eligible_or_overridden(ctx: Context) -> str | None:
    nomination = ctx.obj
    if nomination.verdict == checks.Verdict.NOT_ELIGIBLE and not nomination.is_overridden:
        return (
            "Đề nghị không đủ điều kiện theo kiểm tra tự động; phải ghi ý kiến vượt điều kiện "
            "(tiêu chuẩn, căn cứ pháp lý áp dụng và lý do) trước khi chấp nhận."
        )
    return None


def nomination_complete(ctx: Context) -> str | None:
    nomination = ctx.obj
    travelling = _travelling(nomination.dossier)
    same = [n for n in travelling if (n.person_id, n.unit_id) == (nomination.person_id, nomination.unit_id)]
    checks.verdicts_refresh(
        same, year=nomination.dossier.school_year, on_date=ctx.today, pending=checks.round_pending(travelling)
    )
    nomination.refresh_from_db()
    problems = checks.nomination_problems(
        nomination,
        procedure=nomination.dossier.procedure,
        attachment_count=Attachment.objects.filter(nomination=nomination).count(),
    )
    return "Đề nghị chưa đủ để gửi lại: " + "; ".join(problems) + "." if problems else None


# --- fields and effects -------------------------------------------------------------------------


def attachment_counts(ids) -> dict[int, int]:
    from .services import attachment_counts as counts

    return counts(ids)


def decision_fields(ctx: Context) -> dict:
    """The decision (and the award record it wrote) an outcome comes with, when recorded by a decision
    (`nominations.decisions.decision_record`); none when a reviewer records the outcome alone."""
    return {name: ctx.params[name] for name in ("decision", "award_record") if ctx.params.get(name) is not None}


def sent_fields(ctx: Context) -> dict:
    from .services import receiving_unit_for

    codes = list(ctx.obj.nominations.values_list("award_type__code", flat=True))
    receiving = receiving_unit_for(ctx.obj.unit, codes, ctx.today) or ctx.obj.receiving_unit
    return {"sent_at": timezone.now(), "receiving_unit": receiving}


def _users(unit_id, roles) -> list:
    if unit_id is None:
        return []
    return users_with_roles([unit_id], roles).get(unit_id, [])


def _dossier_name(dossier) -> str:
    round_label = f"{dossier.get_round_kind_display()} {dossier.school_year_label}"
    return f"hồ sơ đề nghị khen thưởng của {dossier.unit.name} ({round_label})"


IN_APP, BY_MAIL = "trong cổng", "trong cổng và thư điện tử"
PROPOSING = "thủ trưởng, thư ký đơn vị đề nghị"
RECEIVING = "thủ trưởng, chuyên viên đơn vị tiếp nhận"


def notifies(who: str):
    """Mark an effect as the notification of a transition: `who` is shown in the generated table's
    "thông báo" column (docs/nominations_workflows.md); every transition has at least one."""

    def mark(effect):
        effect.notifies = who
        return effect

    return mark


def _tell_proposing_unit(name: str, what: str, *, email: bool = False, subject: str = ""):
    """An effect telling the proposing unit's head and secretaries what the level above did (dossier or
    nomination), with the reviewer's comment when there is one."""

    @notifies(f"{PROPOSING} ({BY_MAIL if email else IN_APP})")
    def effect(ctx: Context) -> None:
        obj = ctx.obj
        if isinstance(obj, Nomination):
            dossier = obj.dossier
            subject_text = f"Đề nghị «{obj.award_type.name}» của {obj.candidate_name}"
        else:
            dossier = obj
            label = _dossier_name(obj)
            subject_text = label[0].upper() + label[1:]
        comment = f": {ctx.comment}" if ctx.comment else "."
        notify(
            users=_users(dossier.unit_id, {Role.HEAD, Role.SECRETARY}),
            message=f"{subject_text} – {what}{comment}",
            url=obj.get_absolute_url(),
            email=email,
            subject=subject,
        )

    effect.__name__ = effect.__qualname__ = name
    return effect


notify_unit_appraisal_started = _tell_proposing_unit(
    "notify_unit_appraisal_started", "cấp trên đã tiếp nhận để thẩm định"
)
notify_unit_dossier_forwarded = _tell_proposing_unit(
    "notify_unit_dossier_forwarded", "cấp trên đã trình các đề nghị lên cấp có thẩm quyền"
)
notify_unit_dossier_decided = _tell_proposing_unit(
    "notify_unit_dossier_decided",
    "đã có kết quả khen thưởng",
    email=True,
    subject="Hồ sơ đề nghị khen thưởng đã có kết quả",
)
notify_unit_accepted = _tell_proposing_unit("notify_unit_accepted", "cấp trên chấp nhận")
notify_unit_not_accepted = _tell_proposing_unit(
    "notify_unit_not_accepted",
    "cấp trên không chấp nhận",
    email=True,
    subject="Đề nghị khen thưởng không được chấp nhận",
)
notify_unit_council_approved = _tell_proposing_unit("notify_unit_council_approved", "Hội đồng TĐKT thông qua")
notify_unit_council_rejected = _tell_proposing_unit(
    "notify_unit_council_rejected",
    "Hội đồng TĐKT không thông qua",
    email=True,
    subject="Đề nghị khen thưởng không được Hội đồng TĐKT thông qua",
)
notify_unit_forwarded = _tell_proposing_unit("notify_unit_forwarded", "đã được trình cấp trên")
notify_unit_awarded = _tell_proposing_unit(
    "notify_unit_awarded", "được khen thưởng", email=True, subject="Đề nghị khen thưởng đã có kết quả"
)
notify_unit_not_awarded = _tell_proposing_unit(
    "notify_unit_not_awarded", "không được khen thưởng", email=True, subject="Đề nghị khen thưởng đã có kết quả"
)


@notifies(f"thủ trưởng đơn vị tiếp nhận ({IN_APP}); {PROPOSING} ({IN_APP})")
def notify_appraised(ctx: Context) -> None:
    """The receiving unit's head signs what comes next (the tờ trình upward or the decision); the
    proposing unit learns the appraisal is over."""
    d = ctx.obj
    notify(
        users=_users(d.receiving_unit_id, {Role.HEAD}),
        message=f"Đã hoàn tất thẩm định {_dossier_name(d)}; đề nghị trình cấp trên hoặc ghi kết quả khen thưởng.",
        url=d.get_absolute_url(),
    )
    notify(
        users=_users(d.unit_id, {Role.HEAD, Role.SECRETARY}),
        message=f"Cấp trên đã hoàn tất thẩm định {_dossier_name(d)}.",
        url=d.get_absolute_url(),
    )


@notifies(f"thành viên Hội đồng TĐKT, thủ trưởng đơn vị tiếp nhận ({IN_APP})")
def notify_council(ctx: Context) -> None:
    n = ctx.obj
    d = n.dossier
    notify(
        users=_users(d.receiving_unit_id, {Role.COUNCIL_MEMBER, Role.HEAD}),
        message=f"Đề nghị «{n.award_type.name}» của {n.candidate_name} ({d.unit.name}) được đưa ra Hội đồng TĐKT.",
        url=n.get_absolute_url(),
    )


@notifies(f"thủ trưởng đơn vị đề nghị ({IN_APP})")
def notify_head(ctx: Context) -> None:
    d = ctx.obj
    notify(
        users=_users(d.unit_id, {Role.HEAD}),
        message=f"Trình thủ trưởng duyệt {_dossier_name(d)}.",
        url=d.get_absolute_url(),
    )


@notifies(f"thư ký đơn vị đề nghị ({IN_APP})")
def notify_secretaries_sent_back(ctx: Context) -> None:
    d = ctx.obj
    notify(
        users=_users(d.unit_id, {Role.SECRETARY}),
        message=f"Thủ trưởng đã trả lại {_dossier_name(d)}: {ctx.comment}",
        url=d.get_absolute_url(),
    )


def resubmit_returned(ctx: Context) -> None:
    """Nominations returned for correction travel again with the dossier."""
    for nomination in ctx.obj.nominations.filter(status=N.RETURNED):
        workflow.transition(nomination, "resubmit", by=ctx.by, version=None, today=ctx.today, with_dossier=True)


def record_completion(ctx: Context) -> None:
    d = ctx.obj
    if d.campaign_id:
        record_completions(campaign=d.campaign, unit=d.unit, action=DeadlineAction.NOMINATE, by=ctx.by)


@notifies(f"{RECEIVING} ({BY_MAIL})")
def notify_receivers(ctx: Context) -> None:
    d = ctx.obj
    notify(
        users=_users(d.receiving_unit_id, {Role.HEAD, Role.REVIEWER}),
        message=f"{d.unit.name} đã gửi {_dossier_name(d)}; đề nghị tiếp nhận, thẩm định.",
        url=d.get_absolute_url(),
        email=True,
        subject="Hồ sơ đề nghị khen thưởng mới",
    )


@notifies(f"{PROPOSING} ({BY_MAIL})")
def notify_unit_returned(ctx: Context) -> None:
    d = ctx.obj
    notify(
        users=_users(d.unit_id, {Role.HEAD, Role.SECRETARY}),
        message=f"Cấp trên đã trả lại {_dossier_name(d)}: {ctx.comment}",
        url=d.get_absolute_url(),
        email=True,
        subject="Hồ sơ đề nghị khen thưởng được trả lại",
    )


@notifies(f"{PROPOSING} ({BY_MAIL})")
def notify_nomination_returned(ctx: Context) -> None:
    n = ctx.obj
    d = n.dossier
    if ctx.params.get("bulk"):
        return  # a staged list (nominations/bulk.py) notifies the unit once for all its rows
    notify(
        users=_users(d.unit_id, {Role.HEAD, Role.SECRETARY}),
        message=f"Cấp trên trả lại đề nghị «{n.award_type.name}» của {n.candidate_name} để bổ sung: {ctx.comment}",
        url=n.get_absolute_url(),
        email=True,
        subject="Đề nghị khen thưởng được trả lại",
    )


@notifies(f"{RECEIVING} ({IN_APP}; khi gửi cùng hồ sơ, thông báo của hồ sơ)")
def notify_nomination_resubmitted(ctx: Context) -> None:
    n = ctx.obj
    d = n.dossier
    if ctx.params.get("with_dossier"):
        return  # the dossier's own send notifies once for all
    notify(
        users=_users(d.receiving_unit_id, {Role.HEAD, Role.REVIEWER}),
        message=f"{d.unit.name} đã gửi lại đề nghị «{n.award_type.name}» của {n.candidate_name}.",
        url=n.get_absolute_url(),
    )


# --- the tables ---------------------------------------------------------------------------------

SIGN_REFUSAL = "Chỉ thủ trưởng đơn vị đề nghị mới được thực hiện thao tác này."
APPRAISE_REFUSAL = "Chỉ chuyên viên hoặc thủ trưởng của đơn vị tiếp nhận mới được thẩm định hồ sơ."

DOSSIER_WORKFLOW = Workflow(
    name="dossier",
    model=Dossier,
    states=D,
    noun="hồ sơ",
    transitions=(
        Transition(
            action="send_to_head",
            label="Trình thủ trưởng",
            sources=(D.DRAFT, D.RETURNED),
            target=D.AWAITING_HEAD,
            allowed=may_send_to_head,
            refusal="Chỉ thư ký của đơn vị mới trình hồ sơ lên thủ trưởng.",
            guards=(ready_to_send,),
            effects=(notify_head,),
            comment=COMMENT_OPTIONAL,
            done="Đã trình thủ trưởng đơn vị.",
        ),
        Transition(
            action="send_back",
            label="Trả lại thư ký",
            sources=(D.AWAITING_HEAD,),
            target=D.DRAFT,
            allowed=may_sign,
            refusal=SIGN_REFUSAL,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do trả lại",
            effects=(notify_secretaries_sent_back,),
            style="warning",
            done="Đã trả lại hồ sơ cho thư ký.",
        ),
        Transition(
            action="send",
            label="Gửi cấp trên",
            sources=(D.DRAFT, D.AWAITING_HEAD),
            target=D.SENT,
            allowed=may_sign,
            refusal=SIGN_REFUSAL,
            guards=(ready_to_send, deadline_open),
            fields=sent_fields,
            effects=(resubmit_returned, record_completion, notify_receivers),
            style="success",
            done="Đã gửi hồ sơ lên cấp trên.",
        ),
        Transition(
            action="resend",
            label="Gửi lại cấp trên",
            sources=(D.RETURNED,),
            target=D.SENT,
            allowed=may_sign,
            refusal=SIGN_REFUSAL,
            guards=(ready_to_send, deadline_open),
            fields=sent_fields,
            effects=(resubmit_returned, record_completion, notify_receivers),
            comment=COMMENT_OPTIONAL,
            style="success",
            done="Đã gửi lại hồ sơ lên cấp trên.",
        ),
        Transition(
            action="start_appraisal",
            label="Tiếp nhận, thẩm định",
            sources=(D.SENT,),
            target=D.UNDER_APPRAISAL,
            allowed=may_appraise,
            refusal=APPRAISE_REFUSAL,
            effects=(notify_unit_appraisal_started,),
            done="Đã tiếp nhận hồ sơ để thẩm định.",
        ),
        Transition(
            action="return",
            label="Trả lại hồ sơ",
            sources=(D.SENT, D.UNDER_APPRAISAL),
            target=D.RETURNED,
            allowed=may_appraise,
            refusal=APPRAISE_REFUSAL,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do trả lại",
            effects=(notify_unit_returned,),
            style="warning",
            done="Đã trả lại hồ sơ cho đơn vị đề nghị.",
        ),
        Transition(
            action="appraise",
            label="Hoàn tất thẩm định",
            sources=(D.UNDER_APPRAISAL,),
            target=D.APPRAISED,
            allowed=may_appraise,
            refusal=APPRAISE_REFUSAL,
            guards=(every_nomination_has_an_opinion,),
            effects=(notify_appraised,),
            comment=COMMENT_OPTIONAL,
            style="success",
            done="Đã hoàn tất thẩm định hồ sơ.",
        ),
        Transition(
            action="forward",
            label="Đã trình cấp trên",
            sources=(D.APPRAISED,),
            target=D.FORWARDED,
            allowed=may_appraise,
            refusal=APPRAISE_REFUSAL,
            guards=(some_forwarded, nothing_waiting),
            effects=(notify_unit_dossier_forwarded,),
            done="Hồ sơ đã chuyển sang «Đã trình cấp trên».",
        ),
        Transition(
            action="decide",
            label="Đã có quyết định",
            sources=(D.APPRAISED,),
            target=D.DECIDED,
            allowed=may_appraise,
            refusal=APPRAISE_REFUSAL,
            guards=(none_forwarded, nothing_waiting),
            effects=(notify_unit_dossier_decided,),
            done="Hồ sơ đã chuyển sang «Đã có quyết định».",
        ),
    ),
)

NOMINATION_REFUSAL = (
    "Chỉ chuyên viên hoặc thủ trưởng của đơn vị tiếp nhận, khi hồ sơ đang thẩm định, mới được thao tác."
)

DECIDER_REFUSAL = "Chỉ cấp đã quyết định khen thưởng (đơn vị tiếp nhận đề nghị ở cấp trên) mới ghi kết quả này."

NOMINATION_WORKFLOW = Workflow(
    name="nomination",
    model=Nomination,
    states=N,
    noun="đề nghị",
    transitions=(
        Transition(
            action="return",
            label="Trả lại để bổ sung",
            sources=(N.PROPOSED, N.ACCEPTED, N.NOT_ACCEPTED),
            target=N.RETURNED,
            allowed=may_appraise_nomination,
            refusal=NOMINATION_REFUSAL,
            comment=COMMENT_REQUIRED,
            comment_label="Nội dung cần bổ sung",
            effects=(notify_nomination_returned,),
            style="warning",
            done="Đã trả lại đề nghị để đơn vị bổ sung.",
        ),
        Transition(
            action="resubmit",
            label="Gửi lại đề nghị",
            sources=(N.RETURNED,),
            target=N.PROPOSED,
            allowed=may_resubmit,
            refusal="Chỉ đơn vị đề nghị mới gửi lại đề nghị đã được bổ sung.",
            guards=(nomination_complete,),
            effects=(notify_nomination_resubmitted,),
            done="Đã gửi lại đề nghị.",
        ),
        Transition(
            action="accept",
            label="Chấp nhận",
            sources=(N.PROPOSED, N.NOT_ACCEPTED),
            target=N.ACCEPTED,
            allowed=may_appraise_nomination,
            refusal=NOMINATION_REFUSAL,
            guards=(eligible_or_overridden,),
            effects=(notify_unit_accepted,),
            style="success",
            done="Đã chấp nhận đề nghị.",
        ),
        Transition(
            action="not_accept",
            label="Không chấp nhận",
            sources=(N.PROPOSED, N.ACCEPTED),
            target=N.NOT_ACCEPTED,
            allowed=may_appraise_nomination,
            refusal=NOMINATION_REFUSAL,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do không chấp nhận",
            effects=(notify_unit_not_accepted,),
            style="secondary",
            done="Đã ghi: không chấp nhận đề nghị.",
        ),
        Transition(
            action="pass_to_council",
            label="Đưa ra Hội đồng TĐKT",
            sources=(N.ACCEPTED,),
            target=N.PASSED_TO_COUNCIL,
            allowed=may_appraise_nomination,
            refusal=NOMINATION_REFUSAL,
            effects=(notify_council,),
            style="secondary",
            done="Đã đưa đề nghị ra Hội đồng TĐKT.",
        ),
        Transition(
            action="council_approve",
            label="Hội đồng thông qua",
            sources=(N.PASSED_TO_COUNCIL,),
            target=N.APPROVED_BY_COUNCIL,
            allowed=may_decide_nomination,
            refusal=NOMINATION_REFUSAL,
            comment=COMMENT_OPTIONAL,
            effects=(notify_unit_council_approved,),
            style="success",
            via="phiên họp của Hội đồng TĐKT (kết quả bỏ phiếu được công bố)",
            done="Đã ghi: Hội đồng TĐKT thông qua.",
        ),
        Transition(
            action="council_reject",
            label="Hội đồng không thông qua",
            sources=(N.PASSED_TO_COUNCIL,),
            target=N.NOT_ACCEPTED,
            allowed=may_decide_nomination,
            refusal=NOMINATION_REFUSAL,
            comment=COMMENT_REQUIRED,
            comment_label="Kết quả của Hội đồng",
            effects=(notify_unit_council_rejected,),
            style="secondary",
            via="phiên họp của Hội đồng TĐKT (kết quả bỏ phiếu được công bố)",
            done="Đã ghi: Hội đồng TĐKT không thông qua.",
        ),
        Transition(
            action="forward",
            label="Trình cấp trên",
            sources=(N.ACCEPTED, N.APPROVED_BY_COUNCIL),
            target=N.FORWARDED,
            allowed=may_decide_nomination,
            refusal=NOMINATION_REFUSAL,
            effects=(notify_unit_forwarded,),
            done="Đã ghi: đề nghị được trình cấp trên.",
        ),
        Transition(
            action="award",
            label="Được khen thưởng",
            sources=(N.ACCEPTED, N.APPROVED_BY_COUNCIL),
            target=N.AWARDED,
            allowed=may_decide_nomination,
            refusal=NOMINATION_REFUSAL,
            fields=decision_fields,
            effects=(notify_unit_awarded,),
            style="success",
            via="trang «Ghi quyết định khen thưởng» (nút «Ghi quyết định» của hồ sơ)",
            done="Đã ghi: được khen thưởng.",
        ),
        Transition(
            action="not_award",
            label="Không được khen thưởng",
            sources=(N.ACCEPTED, N.APPROVED_BY_COUNCIL),
            target=N.NOT_AWARDED,
            allowed=may_decide_nomination,
            refusal=NOMINATION_REFUSAL,
            fields=decision_fields,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do",
            effects=(notify_unit_not_awarded,),
            style="secondary",
            done="Đã ghi: không được khen thưởng.",
        ),
        Transition(
            action="award_down",
            label="Được khen thưởng (theo quyết định của cấp trên)",
            sources=(N.FORWARDED,),
            target=N.AWARDED,
            allowed=may_mark_awarded_below,
            refusal=DECIDER_REFUSAL,
            fields=decision_fields,
            effects=(notify_unit_awarded,),
            style="success",
            via="trang «Ghi quyết định khen thưởng» (nút «Ghi quyết định» của hồ sơ)",
            done="Đã ghi: được khen thưởng theo quyết định của cấp trên.",
        ),
        Transition(
            action="not_award_down",
            label="Không được khen thưởng (theo quyết định của cấp trên)",
            sources=(N.FORWARDED,),
            target=N.NOT_AWARDED,
            allowed=may_mark_not_awarded_below,
            refusal=DECIDER_REFUSAL,
            fields=decision_fields,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do",
            effects=(notify_unit_not_awarded,),
            style="secondary",
            via="trang «Ghi quyết định khen thưởng» (nút «Ghi quyết định» của hồ sơ)",
            done="Đã ghi: không được khen thưởng theo quyết định của cấp trên.",
        ),
    ),
)


# The predicates of the nomination workflow that read only the nomination's dossier (with the user): where every
# transition from a state has one of these, the buttons of one nomination in that state are those of every
# nomination of its dossier in that state. (may_record_outcome_above reads the roll-up chain of the nomination.)
_DOSSIER_LEVEL_PREDICATES = frozenset({may_appraise_nomination, may_decide_nomination, may_resubmit})


def nomination_actions(nominations, user) -> dict[int, list[workflow.Action]]:
    """`core.workflow.available_actions` of each nomination, by id: computed once per dossier and state where
    the state's predicates read only the dossier (the rows of a dossier page: 200 nominations, 3 kernel checks
    each, down to one per state), per nomination otherwise."""
    by_state: dict[tuple, list[workflow.Action]] = {}
    actions = {}
    for n in nominations:
        key = (n.dossier_id, n.status)
        if key not in by_state:
            shared = all(
                t.allowed in _DOSSIER_LEVEL_PREDICATES
                for t in NOMINATION_WORKFLOW.transitions
                if n.status in t.sources and not t.via
            )
            if not shared:
                actions[n.pk] = workflow.available_actions(n, user)
                continue
            by_state[key] = workflow.available_actions(n, user)
        actions[n.pk] = by_state[key]
    return actions
