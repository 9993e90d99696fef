"""Council pages: thin views that find the object through a selector (404 outside) and call one service.

The vote view is wrapped in `sensitive_post_parameters()`: Django's error reports replace every POST
value of that request with stars, and no view here logs a request body.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core import workflow
from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import paginate
from units.models import Unit
from units.rules import Cap, unit_ids_with, unit_scope_q
from units.selectors import valid_pk
from units.view_rules import (
    COUNCIL_CHAIR,
    COUNCIL_COUNT,
    COUNCIL_MANAGE,
    COUNCIL_READ,
    COUNCIL_VOTE,
    LIST_IN_SCOPE,
)

from . import exports, revote, selectors, services
from .enums import AttendanceStatus, MemberRole, RoundStatus
from .forms import (
    AttendanceForm,
    CouncilForm,
    MeetingEndForm,
    MeetingForm,
    MemberForm,
    PaperCountForm,
    RulesForm,
    ballot_choices,
)
from .models import AgendaItem, CouncilMember, PaperCount
from .rules import is_meeting_chair, may_count, may_run_meetings, may_set_up, seat_of

RECEIPT_SESSION_KEY = "councils_receipt"
_MEMBER_ROLES = dict(MemberRole.choices)
_ATTENDANCE_STATUSES = dict(AttendanceStatus.choices)


def _refuse(message_or_exc, request, back):
    """A refused action: the Vietnamese message on a page of its own (nothing changed), with a way back."""
    return render(request, "councils/refused.html", {"message": str(message_or_exc), "back": back})


@view_rule(LIST_IN_SCOPE)
def council_list(request):
    councils = selectors.councils_visible_to(request.user).order_by("unit__path", "-period_start")
    if wants_export(request):
        return export_response(request, spec=exports.COUNCIL_LIST, queryset=councils)
    page = paginate(request, councils)
    ids = unit_ids_with(request.user, Cap.SIGN) + unit_ids_with(request.user, Cap.ADMINISTER)
    set_up_units = Unit.objects.filter(pk__in=ids).order_by("path")
    return render(request, "councils/council_list.html", {"page": page, "set_up_units": set_up_units})


@view_rule(COUNCIL_MANAGE)
def council_create(request, unit_pk):
    unit = get_object_or_404(Unit.objects.filter(unit_scope_q(request.user)), pk=unit_pk)
    if not may_set_up(request.user, unit):
        raise PermissionDenied
    form = CouncilForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(by=request.user, unit=unit, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lập Hội đồng.")
            return redirect(council)
    return render(request, "councils/council_form.html", {"form": form, "unit": unit})


@view_rule(COUNCIL_READ)
def council_detail(request, pk):
    council = selectors.council_for(request.user, pk)
    can_manage = may_run_meetings(request.user, council)
    context = {
        "council": council,
        "members": list(council.members.all()),
        "meetings": list(council.meetings.order_by("-date", "-start_time")),
        "can_set_up": may_set_up(request.user, council),
        "can_manage": can_manage,
        "member_form": MemberForm(),
        "meeting_form": MeetingForm(members=council.members.all()),
        "rules_history": selectors.council_rules_history(council),
    }
    return render(request, "councils/council_detail.html", context)


@view_rule(COUNCIL_MANAGE)
@require_POST
def member_add(request, pk):
    council = selectors.council_for(request.user, pk)
    if not may_set_up(request.user, council):
        raise PermissionDenied
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _refuse("; ".join(e for errs in form.errors.values() for e in errs), request, council)
    try:
        services.council_member_add(
            by=request.user,
            council=council,
            user=form.cleaned_data["username"],
            role=form.cleaned_data["role"],
            counting_committee=form.cleaned_data["counting_committee"],
            title=form.cleaned_data["title"],
        )
    except ServiceError as exc:
        return _refuse(exc, request, council)
    messages.success(request, "Đã thêm thành viên Hội đồng.")
    return redirect(council)


@view_rule(COUNCIL_MANAGE)
def council_rules(request, pk):
    """Change the standing rules (the service refuses while a round is open); the change is in the history."""
    council = selectors.council_for(request.user, pk)
    if not may_set_up(request.user, council):
        raise PermissionDenied
    form = RulesForm(request.POST if request.method == "POST" else None, initial=RulesForm.initial_for(council))
    if request.method == "POST" and form.is_valid():
        try:
            services.council_rules_update(by=request.user, council=council, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã cập nhật quy tắc biểu quyết của Hội đồng.")
            return redirect(council)
    return render(request, "councils/council_rules.html", {"form": form, "council": council})


@view_rule(COUNCIL_MANAGE)
@require_POST
def member_remove(request, pk):
    member = get_object_or_404(
        CouncilMember.objects.filter(unit_scope_q(request.user, "council__unit")).select_related("council"), pk=pk
    )
    council = member.council
    if not may_set_up(request.user, council):
        raise PermissionDenied
    try:
        services.council_member_remove(by=request.user, member=member)
    except ServiceError as exc:
        return _refuse(exc, request, council)
    messages.success(request, f"Đã bớt {member.full_name} khỏi Hội đồng.")
    return redirect(council)


@view_rule(COUNCIL_MANAGE)
@require_POST
def meeting_create(request, pk):
    council = selectors.council_for(request.user, pk)
    if not may_run_meetings(request.user, council):
        raise PermissionDenied
    members = {m.pk: m for m in council.members.all()}
    form = MeetingForm(request.POST, members=members.values())
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return _refuse(f"Dữ liệu phiên họp không hợp lệ: {errors}", request, council)
    data = form.cleaned_data
    try:
        meeting = services.meeting_create(
            by=request.user,
            council=council,
            date=data["date"],
            start_time=data["start_time"],
            place=data["place"],
            chair=members[data["chair"]],
            secretary=members[data["secretary"]],
        )
    except ServiceError as exc:
        return _refuse(exc, request, council)
    messages.success(request, "Đã lên lịch phiên họp.")
    return redirect(meeting)


def _agenda_html(items: list[dict], recused: dict, objections: dict, names: dict, show_text: bool) -> str:
    """The meeting's agenda as the `<li>` rows of its list (whom, which award, which unit's dossier, the open
    objections, who is recused and why), written here instead of by a template loop: the same HTML, escaped alike.
    Empty without items (the template then says so)."""
    objections_template = None
    parts = []
    for item in items:
        parts.append(
            format_html('<li>{} <span class="text-muted small">({})</span>\n', item["title"], item["dossier_unit"])
        )
        texts = objections.get(item["nomination_id"])
        if texts:
            objections_template = objections_template or get_template("councils/objections.html")
            parts.append(objections_template.render({"texts": texts, "show_text": show_text}))
        parts.append("\n")
        recusals = recused.get(item["id"])
        if recusals:
            parts.append('<div class="small text-muted">Không tham gia biểu quyết: ')
            parts.append("; ".join(format_html("{} ({})", names.get(m, ""), reason.lower()) for m, reason in recusals))
            parts.append("</div>")
        parts.append("</li>\n")
    return mark_safe("".join(parts))  # nosec B308, B703: every text through format_html or the template, the rest ours


@view_rule(COUNCIL_READ)
def meeting_detail(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    council = meeting.council
    # The seats read once with their marks at this meeting: may_run_meetings, _runs_meeting and the documents
    # panel find the user's in them, the attendance table and the warnings are made from them.
    seats = selectors.seats_with_attendance(meeting)
    can_manage = may_run_meetings(request.user, council)
    is_chair = is_meeting_chair(request.user, meeting)
    items = selectors.agenda_rows(meeting)
    recused, objections, rounds = selectors.meeting_notes(meeting)
    names = {m.pk: m.full_name for m in seats}
    attendance = selectors.marked_attendance(meeting, seats)
    for a in attendance:  # (labels as get_role_display / get_status_display give them)
        role = _MEMBER_ROLES.get(a.member.role, a.member.role)
        a.member_cell = format_html('{} <span class="text-muted small">{}</span>', a.member.full_name, role)
        a.status_label = _ATTENDANCE_STATUSES.get(a.status, a.status)
    warnings = []
    if can_manage or is_chair:
        # Counted on the rows above (attendance, recusals, agenda) in one pass: no query of their own.
        marks = {a.member_id: a.status for a in attendance}
        warnings = services.voters_warnings(
            marks, {k: {m for m, _ in v} for k, v in recused.items()}, [(i["id"], i["nominee"]) for i in items]
        )
    # The objections' text is for the chair and the secretary; other members see the count only.
    show_objection_text = _runs_meeting(request.user, meeting)
    context = {
        "meeting": meeting,
        "council": council,
        "attendance": attendance,
        "items": items,
        "agenda_html": _agenda_html(items, recused, objections, names, show_objection_text),
        "rounds": rounds,
        "can_manage": can_manage,
        "is_chair": is_chair,
        "show_objection_text": show_objection_text,
        "candidates": list(services.agenda_candidates(meeting)) if can_manage else [],
        # The chair of the meeting may be a plain member: warned as well as those who run the meetings.
        "warnings": warnings,
        "attendance_choices": AttendanceForm.base_fields["status"].choices,
    }
    return render(request, "councils/meeting_detail.html", context)


@view_rule(COUNCIL_MANAGE)
@require_POST
def meeting_attendance(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    if not may_run_meetings(request.user, meeting.council):
        raise PermissionDenied
    form = AttendanceForm(request.POST)
    member = None
    if form.is_valid():
        member = meeting.council.members.filter(pk=form.cleaned_data["member"]).first()
    if member is None:
        return _refuse("Dữ liệu điểm danh không hợp lệ.", request, meeting)
    try:
        services.attendance_set(
            by=request.user,
            meeting=meeting,
            member=member,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as exc:
        return _refuse(exc, request, meeting)
    messages.success(request, f"Đã điểm danh {member.full_name}.")
    return redirect(meeting)


@view_rule(COUNCIL_MANAGE)
@require_POST
def meeting_agenda(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    if not may_run_meetings(request.user, meeting.council):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("nomination") if v.isascii() and v.isdigit() and len(v) < 19]
    try:
        services.agenda_add(by=request.user, meeting=meeting, nomination_ids=ids)
    except ServiceError as exc:
        return _refuse(exc, request, meeting)
    messages.success(request, "Đã đưa đề nghị vào nội dung bình xét.")
    return redirect(meeting)


@view_rule(COUNCIL_CHAIR)
@require_POST
def meeting_end(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    if not is_meeting_chair(request.user, meeting):
        raise PermissionDenied
    form = MeetingEndForm(request.POST)
    if not form.is_valid():
        return _refuse("Vui lòng nhập giờ kết thúc (giờ:phút).", request, meeting)
    try:
        services.meeting_end(by=request.user, meeting=meeting, end_time=form.cleaned_data["end_time"])
    except ServiceError as exc:
        return _refuse(exc, request, meeting)
    messages.success(request, "Đã kết thúc phiên họp.")
    return redirect(meeting)


@view_rule(COUNCIL_CHAIR)
@require_POST
def round_create(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    if not is_meeting_chair(request.user, meeting):
        raise PermissionDenied
    earlier = request.POST.get("revote_of", "")
    try:
        if earlier:
            # A re-vote round over the items a published round sent back (a tie, or over the places).
            earlier_round = get_object_or_404(meeting.rounds, pk=valid_pk(earlier or "0"))
            round_ = revote.round_revote(by=request.user, round_=earlier_round)
        else:
            round_ = services.round_create(by=request.user, meeting=meeting)
    except ServiceError as exc:
        return _refuse(exc, request, meeting)
    return redirect(round_)


def _runs_meeting(user, meeting) -> bool:
    """The meeting's chair or secretary (they see the text of open objections, never the sender)."""
    seat = seat_of(user, meeting.council)
    return seat is not None and seat.pk in (meeting.chair_id, meeting.secretary_id)


def _results_rows(round_):
    items = {
        str(i.pk): i
        for i in AgendaItem.objects.filter(pk__in=[int(k) for k in round_.results]).select_related(
            "nomination__person", "nomination__unit", "nomination__award_type"
        )
    }
    rows = []
    for key, result in round_.results.items():
        num, den = (int(x) for x in result["share_for"].split("/"))
        rows.append(
            {
                "item": items[key],
                **result,
                "percent": f"{100 * num / den:.1f}".replace(".", ","),
                "outcome": revote.outcome_of(result),
                "outcome_label": revote.OUTCOME_LABELS[revote.outcome_of(result)],
                "note": result.get("note", ""),
            }
        )
    rows.sort(key=lambda r: (r["item"].position, r["item"].pk))
    return rows


@view_rule(COUNCIL_READ)
def round_detail(request, pk):
    round_ = selectors.round_for(request.user, pk)
    council = round_.meeting.council
    is_chair = is_meeting_chair(request.user, round_.meeting)
    closed = round_.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED)
    counter = may_count(request.user, council)
    seat = seat_of(request.user, council)
    voted, entitled = services.progress(round_)
    context = {
        "round": round_,
        "meeting": round_.meeting,
        "is_chair": is_chair,
        "actions": workflow.available_actions(round_, request.user) if is_chair else [],
        "history": workflow.history(round_),
        "may_vote": services.may_vote(request.user, round_),
        "voted": voted,
        "entitled": entitled,
        "closed": closed,
        "results": _results_rows(round_) if closed else [],
        "revote_pending": is_chair and revote.revote_pending(round_),
        "receipts": selectors.receipt_codes(round_) if closed else [],
        "voters": selectors.voters_of(round_) if is_chair or closed else [],
        "counter": counter,
        "seat": seat,
        "paper_counts": list(
            PaperCount.objects.filter(round=round_).select_related(
                "item__nomination__person", "item__nomination__unit", "entered_by", "confirmed_by"
            )
        )
        if counter or closed
        else [],
        "paper_items": services.round_items(round_)
        if counter and round_.status in (RoundStatus.OPEN, RoundStatus.CLOSED)
        else [],
    }
    return render(request, "councils/round_detail.html", context)


@view_rule(COUNCIL_CHAIR)
@require_POST
def round_transition(request, pk):
    round_ = selectors.round_for(request.user, pk)
    if not is_meeting_chair(request.user, round_.meeting):
        raise PermissionDenied
    try:
        done, message = workflow.transition_from_post(request, round_)
    except workflow.NotAllowedError:
        raise PermissionDenied from None
    if not done:
        return _refuse(message, request, round_)
    messages.success(request, message)
    return redirect(round_)


@view_rule(COUNCIL_CHAIR)
def round_progress(request, pk):
    """The chair's live count (htmx polls it): how many have voted, never what."""
    round_ = selectors.round_for(request.user, pk)
    if not is_meeting_chair(request.user, round_.meeting):
        raise PermissionDenied
    voted, entitled = services.progress(round_)
    response = render(request, "councils/round_progress.html", {"round": round_, "voted": voted, "entitled": entitled})
    add_never_cache_headers(response)
    return response


@view_rule(COUNCIL_VOTE)
@sensitive_post_parameters()
def ballot(request, pk):
    """The member's ballot sheet: one choice per agenda item; the receipt code is shown once in the answer."""
    round_ = selectors.round_for(request.user, pk)
    seat = selectors.seat_for(request.user, round_.meeting.council)
    if seat is None:
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        # A complete sheet goes straight to the service, which checks everything again under its lock (open,
        # entitled, not yet cast, the sheet's items): a cast reads the round, the seat and nothing per item.
        ids = services.sheet_item_ids(round_, seat)
        choices = {i: v for i in ids if (v := request.POST.get(f"item-{i}", ""))}
        if len(choices) != len(ids):
            error = "Vui lòng chọn ý kiến cho mọi đề nghị trong phiếu."
        else:
            try:
                code = services.ballot_cast(by=request.user, round_=round_, choices=choices)
            except ServiceError as exc:
                error = str(exc)
            else:
                # Post/redirect/get: the code waits in the session for the one page that shows it, then is gone.
                # It is linked to no ballot, so the session (which names the member) learns no choice.
                request.session[RECEIPT_SESSION_KEY] = {"round": round_.pk, "code": code}
                return redirect("councils:receipt", pk=round_.pk)
    if not services.may_vote(request.user, round_):  # (a refused POST too: voted meanwhile, round closed …)
        messages.info(request, "Bạn không có phiếu để bỏ trong vòng này (đã bỏ phiếu, vắng mặt, hoặc vòng không mở).")
        return redirect(round_)
    items = services.ballot_items(round_, seat)
    objections = selectors.open_objections(i.nomination_id for i in items)
    for item in items:
        item.objections = objections.get(item.nomination_id, [])
    options = ballot_choices(round_.rules.get("allow_abstention", False))
    context = {
        "round": round_,
        "items": items,
        "options": options,
        "error": error,
        # The objections' text is for the chair and the secretary (who run the meeting); members see the count.
        "show_objection_text": seat.pk in (round_.meeting.chair_id, round_.meeting.secretary_id),
    }
    response = render(request, "councils/ballot.html", context)
    add_never_cache_headers(response)
    return response


@view_rule(COUNCIL_VOTE)
def receipt(request, pk):
    """The receipt code of the sheet just cast, shown once: read from the session and removed from it."""
    round_ = selectors.round_for(request.user, pk)
    held = request.session.get(RECEIPT_SESSION_KEY)
    if not held or held.get("round") != round_.pk:
        return redirect(round_)
    del request.session[RECEIPT_SESSION_KEY]
    response = render(request, "councils/receipt.html", {"round": round_, "code": held["code"]})
    add_never_cache_headers(response)
    return response


@view_rule(COUNCIL_COUNT)
@require_POST
def paper_count(request, pk):
    round_ = selectors.round_for(request.user, pk)
    if not may_count(request.user, round_.meeting.council):
        raise PermissionDenied
    form = PaperCountForm(request.POST)
    item = None
    if form.is_valid():
        item = AgendaItem.objects.filter(meeting=round_.meeting, pk=form.cleaned_data["item"]).first()
    if item is None:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return _refuse(f"Số phiếu không hợp lệ: {errors}", request, round_)
    data = {k: v for k, v in form.cleaned_data.items() if k != "item"}
    try:
        services.paper_count_enter(by=request.user, round_=round_, item=item, **data)
    except ServiceError as exc:
        return _refuse(exc, request, round_)
    messages.success(request, "Đã nhập kết quả phiếu giấy; cần một thành viên Ban kiểm phiếu khác xác nhận.")
    return redirect(round_)


@view_rule(COUNCIL_COUNT)
@require_POST
def paper_confirm(request, pk):
    count = get_object_or_404(
        PaperCount.objects.filter(unit_scope_q(request.user, "round__meeting__council__unit")), pk=pk
    )
    try:
        services.paper_count_confirm(by=request.user, count=count)
    except ServiceError as exc:
        return _refuse(exc, request, count.round)
    messages.success(request, "Đã xác nhận kết quả phiếu giấy.")
    return redirect(count.round)
