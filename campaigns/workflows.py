"""The workflows of campaigns and registrations, as data for `core.workflow`.

Who may act comes from the permission kernel (`units.rules` through
`campaigns.rules`); nothing else changes a campaign's or a registration's
status. Registered at start-up (`CampaignsConfig.ready`).

Registration (đăng ký thi đua), the step offices expect:

    draft / returned ──Trình thủ trưởng (secretary)──▶ awaiting_head
    awaiting_head ──Trả lại thư ký (head, reason)──▶ draft
    draft / awaiting_head / returned ──Gửi cấp trên (head)──▶ submitted
    submitted ──Trả lại đơn vị (level above, reason)──▶ returned

Each step notifies who acts next: the unit's head on "Trình", the heads and
reviewers of the level above on "Gửi", the secretaries (and the head on a
return from above) on a send-back or a return.

Campaign: draft ──Phát động──▶ launched ──Kết thúc──▶ closed.
"""

from django import forms
from django.utils import timezone

from core.exceptions import ServiceError
from core.forms import DateInput
from core.workflow import COMMENT_OPTIONAL, COMMENT_REQUIRED, Context, Transition, Workflow
from units.enums import Role
from units.rules import Cap, can

from . import rules, selectors
from .enums import CampaignStatus, DeadlineAction, RegistrationStatus
from .models import Campaign, Registration
from .services.campaigns import launch_problem
from .services.deadlines import clear_completions, deadline_ensure_open, deadline_extend, record_completions
from .services.notifications import notify, users_with_roles
from .services.registration_checks import registration_send_problem
from .services.registrations import initiatives_register_from

S = RegistrationStatus


# --- who may (kernel predicates on the registering unit) ------------------------------------------


def may_send_to_head(user, registration) -> bool:
    """Those who prepare the unit's filings but do not sign for it (its secretary; an administrator helping)."""
    unit = registration.unit
    return can(user, Cap.FILE, unit) and not can(user, Cap.SIGN, unit)


def may_sign(user, registration) -> bool:
    return rules.can_submit_registration(user, registration.unit)


def may_oversee(user, registration) -> bool:
    return rules.can_oversee(user, registration.unit)


# --- guards ---------------------------------------------------------------------------------------


def has_content(ctx: Context) -> str | None:
    reg = ctx.obj
    if reg.lines.exists() or reg.collective_lines.exists() or reg.collective_title_id:
        return None
    return "Bản đăng ký chưa có nội dung; hãy đăng ký danh hiệu trước khi gửi."


def lines_corrected_or_explained(ctx: Context) -> str | None:
    """Every line that breaks a hard rule is corrected or explained (services/registration_checks.py)."""
    return registration_send_problem(ctx.obj, today=ctx.today)


def deadline_open(ctx: Context) -> str | None:
    try:
        deadline_ensure_open(
            campaign=ctx.obj.campaign, unit=ctx.obj.unit, action=DeadlineAction.REGISTER, today=ctx.today
        )
    except ServiceError as exc:
        return str(exc)
    return None


# --- effects --------------------------------------------------------------------------------------


def _users(unit_id: int, roles) -> list:
    return users_with_roles([unit_id], roles).get(unit_id, [])


def notify_head(ctx: Context) -> None:
    reg = ctx.obj
    notify(
        users=_users(reg.unit_id, {Role.HEAD}),
        message=f"Bản đăng ký thi đua của {reg.unit.name} («{reg.campaign.name}») đang chờ thủ trưởng duyệt.",
        url=reg.get_absolute_url(),
    )


def notify_secretaries_sent_back(ctx: Context) -> None:
    reg = ctx.obj
    notify(
        users=_users(reg.unit_id, {Role.SECRETARY}),
        message=f"Thủ trưởng đã trả lại bản đăng ký thi đua của {reg.unit.name} («{reg.campaign.name}»): {ctx.comment}",
        url=reg.get_absolute_url(),
    )


def submitted_fields(ctx: Context) -> dict:
    return {"submitted_at": timezone.now(), "submitted_by": ctx.by}


def record_submission(ctx: Context) -> None:
    reg = ctx.obj
    record_completions(campaign=reg.campaign, unit=reg.unit, action=DeadlineAction.REGISTER, by=ctx.by)
    initiatives_register_from(registration=reg, by=ctx.by, today=ctx.today)


def notify_overseers(ctx: Context) -> None:
    reg = ctx.obj
    if reg.unit.parent_id:
        notify(
            users=_users(reg.unit.parent_id, {Role.HEAD, Role.REVIEWER}),
            message=f"{reg.unit.name} đã gửi đăng ký thi đua của phong trào «{reg.campaign.name}».",
            url=reg.get_absolute_url(),
        )


def reopen_after_return(ctx: Context) -> None:
    """A return takes the unit out of the completed list and may reopen its deadline until a date."""
    reg = ctx.obj
    clear_completions(campaign=reg.campaign, unit=reg.unit, action=DeadlineAction.REGISTER)
    until = ctx.params.get("reopen_until")
    if until is not None:
        for deadline in selectors.deadlines_for(reg.campaign, reg.unit, DeadlineAction.REGISTER):
            if until > deadline.due_date:
                deadline_extend(
                    deadline=deadline, unit=reg.unit, until=until, by=ctx.by, reason=ctx.comment, today=ctx.today
                )


def notify_unit_returned(ctx: Context) -> None:
    reg = ctx.obj
    notify(
        users=_users(reg.unit_id, {Role.HEAD, Role.SECRETARY}),
        message=f"Cấp trên đã trả lại bản đăng ký thi đua của {reg.unit.name} («{reg.campaign.name}»): {ctx.comment}",
        url=reg.get_absolute_url(),
        email=True,
        subject="Bản đăng ký thi đua được trả lại",
    )


class ReturnForm(forms.Form):
    """The extra parameter of a return: reopen the registration deadline for the unit."""

    reopen_until = forms.DateField(label="Mở lại hạn gửi đến ngày (nếu đã quá hạn)", widget=DateInput(), required=False)


REGISTRATION_WORKFLOW = Workflow(
    name="registration",
    model=Registration,
    states=RegistrationStatus,
    noun="bản đăng ký",
    transitions=(
        Transition(
            action="send_to_head",
            label="Trình thủ trưởng",
            sources=(S.DRAFT, S.RETURNED),
            target=S.AWAITING_HEAD,
            allowed=may_send_to_head,
            refusal="Chỉ thư ký của đơn vị mới trình bản đăng ký lên thủ trưởng.",
            guards=(has_content, lines_corrected_or_explained),
            effects=(notify_head,),
            comment=COMMENT_OPTIONAL,
            done="Đã trình thủ trưởng đơn vị.",
        ),
        Transition(
            action="submit",
            label="Gửi cấp trên",
            sources=(S.DRAFT, S.AWAITING_HEAD, S.RETURNED),
            target=S.SUBMITTED,
            allowed=may_sign,
            refusal="Chỉ thủ trưởng đơn vị mới được gửi bản đăng ký lên cấp trên.",
            guards=(has_content, lines_corrected_or_explained, deadline_open),
            fields=submitted_fields,
            effects=(record_submission, notify_overseers),
            style="success",
            done="Đã gửi bản đăng ký lên cấp trên.",
        ),
        Transition(
            action="send_back",
            label="Trả lại thư ký",
            sources=(S.AWAITING_HEAD,),
            target=S.DRAFT,
            allowed=may_sign,
            refusal="Chỉ thủ trưởng đơn vị mới trả lại bản đăng ký cho thư ký.",
            comment=COMMENT_REQUIRED,
            comment_label="Lý do trả lại",
            effects=(notify_secretaries_sent_back,),
            style="warning",
            done="Đã trả lại bản đăng ký cho thư ký.",
        ),
        Transition(
            action="return",
            label="Trả lại đơn vị",
            sources=(S.SUBMITTED,),
            target=S.RETURNED,
            allowed=may_oversee,
            refusal="Chỉ đơn vị cấp trên mới được trả lại bản đăng ký.",
            comment=COMMENT_REQUIRED,
            comment_label="Lý do trả lại (ý kiến cho từng dòng ghi «Dòng <STT>: …»)",
            form=ReturnForm,
            effects=(reopen_after_return, notify_unit_returned),
            style="warning",
            done="Đã trả lại bản đăng ký cho đơn vị.",
        ),
    ),
)


# --- campaigns ------------------------------------------------------------------------------------


def may_launch(user, campaign) -> bool:
    return rules.can_launch_campaign(user, campaign)


def deadlines_not_passed(ctx: Context) -> str | None:
    """A campaign is not launched with a deadline already past (`services.launch_problem`)."""
    return launch_problem(ctx.obj, today=ctx.today)


def launched_fields(ctx: Context) -> dict:
    return {"launched_at": timezone.now()}


def notify_registrants(ctx: Context) -> None:
    campaign = ctx.obj
    targets = selectors.expected_registrants(campaign).exclude(pk=campaign.launched_by_id).values_list("pk", flat=True)
    recipients = [u for users in users_with_roles(targets, {Role.HEAD, Role.SECRETARY}).values() for u in users]
    notify(
        users=recipients,
        message=f"{campaign.launched_by.name} đã phát động phong trào «{campaign.name}».",
        url=campaign.get_absolute_url(),
    )


CAMPAIGN_WORKFLOW = Workflow(
    name="campaign",
    model=Campaign,
    states=CampaignStatus,
    noun="phong trào",
    transitions=(
        Transition(
            action="launch",
            label="Phát động",
            sources=(CampaignStatus.DRAFT,),
            target=CampaignStatus.LAUNCHED,
            allowed=may_launch,
            refusal="Chỉ thủ trưởng hoặc quản trị của đơn vị phát động mới được phát động phong trào.",
            guards=(deadlines_not_passed,),
            fields=launched_fields,
            effects=(notify_registrants,),
            style="success",
            done="Đã phát động phong trào tới các đơn vị trong phạm vi.",
        ),
        Transition(
            action="close",
            label="Kết thúc phong trào",
            sources=(CampaignStatus.LAUNCHED,),
            target=CampaignStatus.CLOSED,
            allowed=may_launch,
            refusal="Chỉ thủ trưởng hoặc quản trị của đơn vị phát động mới được kết thúc phong trào.",
            comment=COMMENT_OPTIONAL,
            style="secondary",
            done="Đã kết thúc phong trào; các đơn vị không đăng ký thêm được nữa.",
        ),
    ),
)
