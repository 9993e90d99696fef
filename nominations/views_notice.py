"""Public notice (công khai) pages: publish, read, withdraw, the objections, and the public page without login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import paginate
from units.rules import units_in_scope
from units.selectors import valid_pk
from units.view_rules import LIST_IN_SCOPE, NOTICE_PUBLIC, NOTICE_PUBLISH, NOTICE_READ, OBJECTION_RESOLVE

from . import exports
from . import notice as services
from .forms_notice import NoticePublishForm, ObjectionForm, ObjectionResolveForm
from .models import ObjectionStatus


def _unit_filter(request) -> dict:
    value = request.GET.get("don_vi", "")
    return {"unit": int(value)} if value.isascii() and value.isdigit() and len(value) < 10 else {}


@view_rule(LIST_IN_SCOPE)
def notice_list(request):
    filters = _unit_filter(request)
    notices = services.notices_visible_to(request.user, filters)
    if wants_export(request):
        filters_text = exports.unit_filter_text(filters)
        return export_response(request, spec=exports.NOTICE_LIST, queryset=notices, filters=filters_text)
    return render(
        request,
        "nominations/notice_list.html",
        {
            "page": paginate(request, notices),
            "publishing_units": services.publishing_units(request.user),
        },
    )


@view_rule(NOTICE_PUBLISH)
def notice_create(request, unit_pk):
    unit = get_object_or_404(units_in_scope(request.user), pk=valid_pk(unit_pk))
    if not services.may_publish(request.user, unit):
        raise PermissionDenied
    form = NoticePublishForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_publish(
                by=request.user,
                unit=unit,
                title=data["title"],
                nominations=list(data["nominations"]),
                starts_on=data["starts_on"],
                days=data["days"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã công khai danh sách đề nghị.")
            return redirect("nominations:notice_detail", notice.pk)
    return render(request, "form.html", {"form": form, "title": f"Công khai danh sách đề nghị – {unit.name}"})


@view_rule(NOTICE_READ)
def notice_detail(request, pk):
    notice = services.notice_get_visible(request.user, pk)
    objections = list(services.objections_visible_to(request.user, {"notice": notice.pk}))
    return render(
        request,
        "nominations/notice_detail.html",
        {
            "notice": notice,
            "rows": services.notice_rows(notice),
            "objections": objections,
            "is_open": services.notice_is_open(notice),
            "public_url": request.build_absolute_uri(reverse("nominations:notice_public", args=[notice.token])),
            "may_publish": services.may_publish(request.user, notice.unit),
            "may_resolve": services.may_resolve(request.user, notice.unit),
        },
    )


@require_POST
@view_rule(NOTICE_PUBLISH)
def notice_withdraw(request, pk):
    notice = services.notice_get_visible(request.user, pk)
    services.notice_withdraw(by=request.user, notice=notice)
    messages.success(request, "Đã gỡ thông báo công khai.")
    return redirect("nominations:notice_detail", notice.pk)


@view_rule(LIST_IN_SCOPE)
def objection_list(request):
    filters = _unit_filter(request)
    status = request.GET.get("tinh_trang", "")
    if status in ObjectionStatus.values:
        filters["status"] = status
    objections = services.objections_visible_to(request.user, filters)
    if wants_export(request):
        filters_text = exports.objection_filters(filters)
        return export_response(request, spec=exports.OBJECTION_LIST, queryset=objections, filters=filters_text)
    page = paginate(request, objections)
    resolvable = {o.notice.unit_id for o in page if services.may_resolve(request.user, o.notice.unit)}
    return render(
        request,
        "nominations/notice_objections.html",
        {"page": page, "statuses": ObjectionStatus.choices, "filters": filters, "resolvable": resolvable},
    )


@view_rule(OBJECTION_RESOLVE)
def objection_resolve(request, pk):
    objection = services.objection_get_visible(request.user, pk)
    if not services.may_resolve(request.user, objection.notice.unit):
        raise PermissionDenied
    form = ObjectionResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_resolve(
                by=request.user,
                objection=objection,
                status=form.cleaned_data["status"],
                resolution=form.cleaned_data["resolution"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi kết quả xử lý ý kiến phản ánh.")
            return redirect("nominations:notice_detail", objection.notice_id)
    nomination = objection.nomination
    return render(
        request,
        "nominations/notice_resolve.html",
        {
            "form": form,
            "objection": objection,
            "title": f"Xử lý ý kiến phản ánh: «{nomination.award_type.name}» – {nomination.candidate_name}",
        },
    )


@login_not_required
@view_rule(NOTICE_PUBLIC)
def notice_public(request, token):
    """The public page: an open notice only; anything else is a plain 404 (an ended one says so)."""
    notice = services.notice_get_public(token)
    if notice is None or notice.withdrawn_at is not None or not services.notice_is_open(notice):
        ended = notice is not None and notice.withdrawn_at is None and notice.starts_on <= services.today()
        return render(request, "nominations/notice_public_closed.html", {"ended": ended}, status=404)
    rows = services.public_rows(notice)
    failed_row, form = None, None
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        failed_row = request.POST.get("nomination", "")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.objection_submit(
                    notice=notice,
                    nomination_id=data["nomination"],
                    content=data["content"],
                    sender_name=data["sender_name"],
                    sender_contact=data["sender_contact"],
                    client=services.client_key(services.client_address(request.META)),
                    honeypot=data["website"],
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Đã nhận ý kiến phản ánh của bạn. Xin cảm ơn.")
                return redirect("nominations:notice_public", notice.token)
    for row in rows:
        if form is not None and str(row["id"]) == failed_row:
            form.auto_id = f"id_{row['id']}_%s"
            row["form"] = form
        else:
            row["form"] = ObjectionForm(initial={"nomination": row["id"]}, auto_id=f"id_{row['id']}_%s")
    general_error = form is not None and not any("form" in r and r["form"] is form for r in rows)
    return render(
        request,
        "nominations/notice_public.html",
        {"notice": notice, "rows": rows, "error_form": form if general_error else None},
    )
