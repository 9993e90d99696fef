"""Pages of the achievement report (read, edit, refresh from the history) and of the Excel list import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.excel import ImportRejected, xlsx_response
from core.exceptions import ServiceError
from core.rules import view_rule
from units.rules import Cap, can
from units.view_rules import DOSSIER_FILE, DOSSIER_READ, SIGNED_IN

from . import importing, selectors
from . import report as report_module
from .forms_report import NominationsImportForm, RefreshForm, ReportForm


def _may_edit(user, nomination) -> bool:
    return can(user, Cap.FILE, nomination.dossier.unit) and report_module.report_editable(nomination)


@view_rule(DOSSIER_READ)
def report_detail(request, pk):
    """The report as the reviewers read it; the proposing unit also finds its edit and refresh buttons here."""
    nomination = selectors.nomination_get_visible(request.user, pk)
    report = report_module.report_of(nomination)
    profile = report.profile if report else {}
    return render(
        request,
        "nominations/report_detail.html",
        {
            "nomination": nomination,
            "report": report,
            "profile_rows": [(f.label, profile.get(f.key, "")) for f in report_module.profile_fields(nomination)],
            "section_rows": [
                (f.label, getattr(report, f.key, "") if report else "")
                for f in report_module.section_fields(nomination)
            ],
            "initiatives": list(nomination.initiatives.order_by("-school_year", "title")),
            "required": report_module.report_required(nomination, nomination.dossier.procedure),
            "missing": report_module.report_missing(nomination, procedure=nomination.dossier.procedure),
            "may_edit": _may_edit(request.user, nomination),
        },
    )


@view_rule(DOSSIER_FILE)
def report_edit(request, pk):
    nomination = selectors.nomination_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, nomination.dossier.unit):
        raise PermissionDenied
    report = report_module.report_of(nomination)
    form = ReportForm(request.POST or None, nomination=nomination, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            report_module.report_update(by=request.user, nomination=nomination, **form.service_kwargs())
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu báo cáo thành tích.")
            return redirect("nominations:report_detail", pk=nomination.pk)
    return render(
        request,
        "nominations/report_edit.html",
        {"form": form, "nomination": nomination, "report": report, "may_edit": _may_edit(request.user, nomination)},
    )


@require_POST
@view_rule(DOSSIER_FILE)
def report_refresh(request, pk):
    """ "Làm mới từ dữ liệu": fills empty fields; when a filled field differs, asks before overwriting it."""
    nomination = selectors.nomination_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, nomination.dossier.unit):
        raise PermissionDenied
    form = RefreshForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        result = report_module.report_refresh(
            by=request.user,
            nomination=nomination,
            version=data.get("version") or None,
            overwrite=bool(data.get("overwrite")),
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("nominations:report_detail", pk=nomination.pk)
    if result.conflicts:
        return render(request, "nominations/report_refresh_confirm.html", {"nomination": nomination, "result": result})
    filled = ", ".join(result.filled).lower() if result.filled else "không có mục nào cần điền thêm"
    messages.success(request, f"Đã làm mới báo cáo thành tích từ dữ liệu: {filled}.")
    return redirect("nominations:report_detail", pk=nomination.pk)


@view_rule(DOSSIER_FILE)
def import_upload(request, pk):
    dossier = selectors.dossier_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, dossier.unit):
        raise PermissionDenied
    form = NominationsImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.nominations_import(by=request.user, dossier=dossier, upload=form.cleaned_data["file"])
        except ImportRejected as exc:
            rejected = exc
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Đã nhập {result.created} đề nghị mới; {result.existing} đề nghị đã có trong hồ sơ."
            )
            return redirect(dossier)
    return render(request, "nominations/import_upload.html", {"form": form, "dossier": dossier, "rejected": rejected})


@view_rule(SIGNED_IN)
def import_template(request):
    return xlsx_response(importing.nominations_template(), "mau-danh-sach-de-nghi-khen-thuong.xlsx")
