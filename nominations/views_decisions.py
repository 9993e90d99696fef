"""Decision pages (quyết định khen thưởng): list, record from a dossier, detail, revoke, Excel and JSON.

Thin views: a selector finds the object (404 outside), the one predicate of `decisions.py` decides who
may act (403 inside without it), and one service writes.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from awards.enums import AwardCategory
from core.excel import xlsx_response
from core.exceptions import ServiceError
from core.forms import DateInput, PortalForm
from core.rules import view_rule
from core.views import paginate
from units.rules import Cap, can
from units.view_rules import DECISION_ACT, DECISION_READ, LIST_IN_SCOPE

from . import decisions, exchange, selectors

GRANT, REFUSE = "cap", "khong"
OUTCOMES = [("", "Chưa quyết định"), (GRANT, "Được khen thưởng"), (REFUSE, "Không được khen thưởng")]


class DecisionForm(PortalForm):
    submit_label = "Ghi quyết định"

    number = forms.CharField(label="Số quyết định", max_length=64, help_text="Ví dụ: 125/QĐ-UBND")
    date = forms.DateField(label="Ngày quyết định", widget=DateInput())
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255)
    signer = forms.CharField(label="Người ký", max_length=255)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=255, required=False)
    excerpt = forms.CharField(label="Trích yếu", max_length=500, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for n in candidates:
            self.fields[f"ket_qua_{n.pk}"] = forms.ChoiceField(
                label=n.candidate_name, choices=OUTCOMES, required=False, widget=forms.RadioSelect
            )
            self.fields[f"ly_do_{n.pk}"] = forms.CharField(label="Lý do", max_length=1000, required=False)

    def rows(self):
        """Each candidate with its two fields, danh hiệu and hình thức apart (the template's table)."""
        for n in self.candidates:
            is_title = n.award_type.category == AwardCategory.TITLE
            yield {
                "n": n,
                "title": n.award_type.name if is_title else "",
                "form": "" if is_title else n.award_type.name,
                "outcome": self[f"ket_qua_{n.pk}"],
                "reason": self[f"ly_do_{n.pk}"],
            }

    def outcomes(self) -> tuple[list, dict]:
        granted, refused = [], {}
        for n in self.candidates:
            choice = self.cleaned_data.get(f"ket_qua_{n.pk}")
            if choice == GRANT:
                granted.append(n)
            elif choice == REFUSE:
                refused[n] = self.cleaned_data.get(f"ly_do_{n.pk}", "")
        return granted, refused


class RevokeForm(PortalForm):
    submit_label = "Ghi quyết định thu hồi"

    number = forms.CharField(label="Số quyết định thu hồi", max_length=64)
    date = forms.DateField(label="Ngày quyết định thu hồi", widget=DateInput())
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    reason = forms.CharField(label="Lý do thu hồi", widget=forms.Textarea(attrs={"rows": 3}))


def _filters(request) -> dict:
    filters = {}
    year = request.GET.get("nam_hoc", "")
    if year.isascii() and year.isdigit() and len(year) == 4:
        filters["school_year"] = int(year)
    query = request.GET.get("q", "").strip()
    if query:
        filters["q"] = query[:100]
    return filters


@view_rule(LIST_IN_SCOPE)
def decision_list(request):
    filters = _filters(request)
    rows = decisions.decisions_visible_to(request.user, filters)
    return render(request, "nominations/decision_list.html", {"page": paginate(request, rows), "filters": filters})


@view_rule(DECISION_ACT)
def decision_create(request, pk):
    """Record a decision about the nominations of one dossier the user's unit received."""
    dossier = selectors.dossier_get_visible(request.user, pk)
    if dossier.receiving_unit_id is None or not can(request.user, Cap.APPRAISE, dossier.receiving_unit):
        raise PermissionDenied
    candidates = decisions.decision_candidates(dossier)
    initial = {"issuer": dossier.receiving_unit.name}
    form = DecisionForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        granted, refused = form.outcomes()
        try:
            decision = decisions.decision_record(
                by=request.user,
                deciding_unit=dossier.receiving_unit,
                number=data["number"],
                date=data["date"],
                signer=data["signer"],
                signer_title=data["signer_title"],
                issuer=data["issuer"],
                excerpt=data["excerpt"],
                school_year=dossier.school_year,
                granted=granted,
                not_granted=refused,
                today=timezone.localdate(),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi {decision}.")
            return redirect(decision)
    return render(
        request,
        "nominations/decision_form.html",
        {
            "form": form,
            "dossier": dossier,
            "may_record": decisions.may_record_decision(request.user, dossier),
        },
    )


@view_rule(DECISION_READ)
def decision_detail(request, pk):
    decision = decisions.decision_get_visible(request.user, pk)
    lines = decisions.decision_lines(request.user, decision)
    return render(
        request,
        "nominations/decision_detail.html",
        {
            "decision": decision,
            "granted": [line for line in lines if line.granted],
            "refused": [line for line in lines if not line.granted],
            "may_revoke": decisions.may_revoke_decision(request.user, decision),
            # The printed decision names everyone: only for readers of the whole list (documents panel).
            "reads_whole": decisions.reads_whole_decision(request.user, decision),
        },
    )


@view_rule(DECISION_ACT)
def decision_revoke(request, pk):
    decision = decisions.decision_get_visible(request.user, pk)
    if not can(request.user, Cap.APPRAISE, decision.deciding_unit):
        raise PermissionDenied
    form = RevokeForm(request.POST or None, initial={"issuer": decision.issuer})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decisions.decision_revoke_nominations(
                by=request.user,
                decision=decision,
                number=data["number"],
                date=data["date"],
                reason=data["reason"],
                issuer=data["issuer"],
                today=timezone.localdate(),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi quyết định thu hồi; các khen thưởng của quyết định không còn được tính.")
            return redirect(decision)
    title = f"Thu hồi {decision}"
    return render(request, "form.html", {"form": form, "title": title, "back": decision})


@view_rule(DECISION_READ)
def decision_export(request, pk, fmt):
    """The decision's metadata and the lines the user may see, as .xlsx or JSON (a download)."""
    decision = decisions.decision_get_visible(request.user, pk)
    lines = decisions.decision_lines(request.user, decision)
    if fmt == "xlsx":
        response = xlsx_response(exchange.decision_xlsx(decision, lines), exchange.export_filename(decision, "xlsx"))
    else:
        response = HttpResponse(exchange.decision_json(decision, lines), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exchange.export_filename(decision, "json")}"'
    response["Cache-Control"] = "private, no-store"
    return response
