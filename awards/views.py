import datetime
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.excel import ImportRejected, xlsx_response
from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import paginate
from units import selectors as unit_selectors
from units.view_rules import (
    LIST_IN_SCOPE,
    PERSON_MANAGE,
    PERSON_READ,
    SIGNED_IN,
    UNIT_ADMINISTER,
    UNIT_EVALUATIONS,
    UNIT_MANAGE_PEOPLE,
    UNIT_READ,
    UNIT_SIGN,
)

from . import engine, exports, importing, selectors, services
from .enums import RecipientKind
from .filters import CatalogFilter, InitiativeFilter, PeopleSearchFilter, RecordFilter
from .forms import (
    RATING_CHOICES,
    RATING_FIELD_PREFIX,
    CheckForm,
    ConfirmForm,
    DecisionForm,
    DisciplineForm,
    EvaluationGridForm,
    GridYearForm,
    ImportForm,
    InitiativeForm,
    PeriodEndForm,
    RecogniseForm,
    RevokeForm,
    ServicePeriodForm,
)
from .rules import (
    can_import_history,
    can_manage_initiatives,
    can_recognise_initiatives,
    can_revoke,
    can_view_evaluations,
)
from .schoolyear import current_school_year, school_year_label

IMPORT_KINDS = {
    "khen-thuong": (
        "Nhập lịch sử khen thưởng",
        importing.records_import,
        importing.records_template,
        "mau-nhap-khen-thuong.xlsx",
    ),
    "danh-gia": (
        "Nhập kết quả đánh giá, xếp loại",
        importing.evaluations_import,
        importing.evaluations_template,
        "mau-nhap-xep-loai.xlsx",
    ),
}


# --- catalog -------------------------------------------------------------------------------------


@view_rule(SIGNED_IN)
def catalog_list(request):
    catalog_filter = CatalogFilter(request.GET, queryset=selectors.catalog())
    if wants_export(request):
        return export_response(request, spec=exports.CATALOG_LIST, queryset=catalog_filter.qs, filterset=catalog_filter)
    page = paginate(request, catalog_filter.qs)
    return render(request, "awards/catalog_list.html", {"filter": catalog_filter, "page": page})


@view_rule(SIGNED_IN)
def catalog_detail(request, pk):
    award_type = selectors.award_type_get(pk)
    return render(
        request,
        "awards/catalog_detail.html",
        {
            "award_type": award_type,
            "versions": selectors.award_type_versions(award_type),
            "rules": selectors.award_rules_of(award_type.code),
            "today": datetime.date.today(),
        },
    )


# --- people and their history ---------------------------------------------------------------------


@view_rule(LIST_IN_SCOPE)
def people_search(request):
    people = unit_selectors.people_visible_to(request.user).order_by("full_name", "id")
    people_filter = PeopleSearchFilter(
        request.GET, queryset=people, units=unit_selectors.units_visible_to(request.user).order_by("path")
    )
    if wants_export(request):
        return export_response(request, spec=exports.PEOPLE_SEARCH, queryset=people_filter.qs, filterset=people_filter)
    page = paginate(request, people_filter.qs)
    return render(request, "awards/people_search.html", {"filter": people_filter, "page": page})


@view_rule(PERSON_READ)
def person_history(request, pk):
    person = selectors.person_get_visible(request.user, pk)
    year = current_school_year()
    today = datetime.date.today()
    history = selectors.person_history(person)
    # The rows read once: the outlook's facts and the award table take the history's, its codes the catalog's.
    catalog = engine.catalog_on(today)
    outlook = engine.check_codes(
        person,
        catalog.codes_for(RecipientKind.INDIVIDUAL),
        year,
        on_date=today,
        known_records=history["records"],
        known=history["known"],
        catalog=catalog,
    )
    return render(
        request,
        "awards/person_history.html",
        {
            "person": person,
            "history": history,
            "award_table": selectors.person_award_table(person, history["records"]),
            "outlook": outlook,
            "can_manage": can_import_history(request.user, person.unit),
            "year_label": school_year_label(year),
        },
    )


def _check(request, candidate, recipient, template_context, rows=None):
    """`rows`: a person's `selectors.person_rows`, read only when a check is asked for (the engine then reads
    none of them again)."""
    today = datetime.date.today()
    # The catalog read once: the form's choices and, for a check on today, the engine's catalog and rules.
    catalog = engine.catalog_on(today)
    form = CheckForm(request.GET if "award" in request.GET else None, award_choices=catalog.choices_for(recipient))
    result, error = None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        on_date = data["on_date"] or today
        known = rows(candidate) if rows else {}
        try:
            result = engine.check_eligibility(
                candidate,
                data["award"],
                data["year"],
                on_date=on_date,
                catalog=catalog if on_date == today else None,
                known_records=known.get("records"),
                known=known.get("known"),
            )
        except ServiceError as exc:
            error = str(exc)
    return render(request, "awards/check.html", {**template_context, "form": form, "result": result, "error": error})


@view_rule(PERSON_READ)
def person_check(request, pk):
    person = selectors.person_get_visible(request.user, pk)
    return _check(
        request,
        person,
        RecipientKind.INDIVIDUAL,
        {"person": person, "title": f"Kiểm tra điều kiện – {person.full_name}"},
        rows=selectors.person_rows,
    )


# --- units ----------------------------------------------------------------------------------------------


@view_rule(UNIT_READ)
def unit_history(request, pk):
    unit = unit_selectors.unit_get_visible(request.user, pk)
    year = current_school_year()
    today = datetime.date.today()
    record_filter = RecordFilter(
        request.GET,
        queryset=selectors.records_in_scope(request.user, unit),
        award_choices=selectors.award_choices(on_date=today),
    )
    page = paginate(request, selectors.record_page_ids(record_filter.qs))  # the page's ids, then its rows by key
    page.object_list = selectors.record_page_rows(record_filter.qs, page.object_list)
    return render(
        request,
        "awards/unit_history.html",
        {
            "unit": unit,
            "history": selectors.unit_history(request.user, unit),
            "quota": engine.quota_usage(unit, year, on_date=today),
            "outlook": engine.check_codes(unit, selectors.collective_codes_in_force(today), year, on_date=today),
            "year_label": school_year_label(year),
            "filter": record_filter,
            "page": page,
            "can_import": can_import_history(request.user, unit),
            "can_view_evaluations": can_view_evaluations(request.user, unit),
            "can_revoke": can_revoke(request.user, unit),
        },
    )


@view_rule(UNIT_READ)
def unit_records_export(request, pk):
    unit = unit_selectors.unit_get_visible(request.user, pk)
    record_filter = RecordFilter(
        request.GET,
        queryset=selectors.records_in_scope(request.user, unit),
        award_choices=selectors.award_choices(on_date=datetime.date.today()),
    )
    return xlsx_response(importing.records_export(record_filter.qs), f"khen-thuong-don-vi-{unit.pk}.xlsx")


@view_rule(UNIT_READ)
def unit_check(request, pk):
    unit = unit_selectors.unit_get_visible(request.user, pk)
    return _check(request, unit, RecipientKind.COLLECTIVE, {"unit": unit, "title": f"Kiểm tra điều kiện – {unit.name}"})


@view_rule(UNIT_ADMINISTER)
def record_revoke(request, pk):
    record = selectors.record_get_visible(request.user, pk)
    owner_unit = record.unit or record.person.unit
    if not can_revoke(request.user, owner_unit):
        raise PermissionDenied
    if record.is_revoked:
        messages.info(request, "Khen thưởng này đã bị thu hồi.")
        return redirect("awards:unit_history", pk=owner_unit.pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_revoke(
                decision_number=record.decision_number,
                decision_date=record.decision_date,
                decision_issuer=record.issuer,
                records=None if data["whole_decision"] and record.decision_number else [record],
                revocation_number=data["revocation_number"],
                revocation_date=data["revocation_date"],
                issuer=data["issuer"],
                reason=data["reason"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi quyết định thu hồi; khen thưởng không còn được tính trong mọi lần xét.")
            return redirect("awards:unit_history", pk=owner_unit.pk)
    title = f"Thu hồi {record.award_type.name} năm học {school_year_label(record.school_year)} – {record.recipient}"
    return render(request, "form.html", {"form": form, "title": title, "back": owner_unit})


# --- initiatives ------------------------------------------------------------------------------------------


@view_rule(SIGNED_IN)
def initiative_home(request):
    if request.active_role is None:
        raise Http404
    return redirect("awards:initiative_list", unit_pk=request.active_role.unit_id)


@view_rule(UNIT_READ)
def initiative_list(request, unit_pk):
    unit = unit_selectors.unit_get_visible(request.user, unit_pk)
    initiative_filter = InitiativeFilter(request.GET, queryset=selectors.unit_initiatives(request.user, unit))
    if wants_export(request):
        rows = initiative_filter.qs.select_related("unit")
        return export_response(request, spec=exports.INITIATIVE_LIST, queryset=rows, filterset=initiative_filter)
    page = paginate(request, initiative_filter.qs)
    return render(
        request,
        "awards/initiative_list.html",
        {
            "unit": unit,
            "filter": initiative_filter,
            "page": page,
            "can_manage": can_manage_initiatives(request.user, unit),
            "can_recognise": can_recognise_initiatives(request.user, unit),
        },
    )


@view_rule(UNIT_MANAGE_PEOPLE)
def initiative_create(request, unit_pk):
    unit = unit_selectors.unit_get_visible(request.user, unit_pk)
    if not can_manage_initiatives(request.user, unit):
        raise PermissionDenied
    form = InitiativeForm(
        request.POST or None, people=selectors.initiative_authors_choices(request.user, unit), within=unit
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_register(
                unit=unit,
                school_year=data["school_year"],
                title=data["title"],
                kind=data["kind"],
                subject=data["subject"],
                authors=data["authors"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã đăng ký sáng kiến.")
            return redirect("awards:initiative_list", unit_pk=unit.pk)
    return render(request, "form.html", {"form": form, "title": f"Đăng ký sáng kiến – {unit.name}", "back": unit})


@view_rule(UNIT_MANAGE_PEOPLE)
def initiative_edit(request, pk):
    initiative = selectors.initiative_get_visible(request.user, pk)
    if not can_manage_initiatives(request.user, initiative.unit):
        raise PermissionDenied
    initial = {
        "title": initiative.title,
        "kind": initiative.kind,
        "school_year": initiative.school_year,
        "subject": initiative.subject,
        "authors": list(initiative.authors.all()),
        "version": initiative.version,
    }
    form = InitiativeForm(
        request.POST or None,
        initial=initial,
        people=selectors.initiative_authors_choices(request.user, initiative.unit),
        within=initiative.unit,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_update(
                initiative=initiative,
                title=data["title"],
                kind=data["kind"],
                subject=data["subject"],
                authors=data["authors"],
                expected_version=_version(data["version"]),
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu sáng kiến.")
            return redirect("awards:initiative_list", unit_pk=initiative.unit_id)
    return render(
        request, "form.html", {"form": form, "title": f"Sửa sáng kiến – {initiative.title}", "back": initiative.unit}
    )


@view_rule(UNIT_SIGN)
def initiative_recognise(request, pk):
    initiative = selectors.initiative_get_visible(request.user, pk)
    if not can_recognise_initiatives(request.user, initiative.unit):
        raise PermissionDenied
    form = RecogniseForm(
        request.POST or None,
        initial={"recognised": "1", "issuer": initiative.unit.name, "version": initiative.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_recognise(
                initiative=initiative,
                recognised=data["recognised"],
                scope=data["scope"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                issuer=data["issuer"],
                by=request.user,
                version=_version(data["version"]),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi kết quả công nhận sáng kiến.")
            return redirect("awards:initiative_list", unit_pk=initiative.unit_id)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Công nhận sáng kiến – {initiative.title}", "back": initiative.unit},
    )


# --- imports -------------------------------------------------------------------------------------------------


@view_rule(UNIT_MANAGE_PEOPLE)
def history_import(request, unit_pk, kind):
    if kind not in IMPORT_KINDS:
        raise Http404
    unit = unit_selectors.unit_get_visible(request.user, unit_pk)
    if not can_import_history(request.user, unit):
        raise PermissionDenied
    title, run, _, _ = IMPORT_KINDS[kind]
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            result = run(unit=unit, upload=form.cleaned_data["file"], by=request.user)
        except ImportRejected as exc:
            rejected = exc
        else:
            messages.success(
                request,
                f"Đã nhập: {result.created} dòng mới, {result.updated} dòng cập nhật, {result.unchanged} dòng đã có.",
            )
            return redirect("awards:unit_history", pk=unit.pk)
    return render(
        request,
        "awards/import.html",
        {"form": form, "unit": unit, "rejected": rejected, "title": title, "kind": kind},
    )


@view_rule(SIGNED_IN)
def import_template(request, kind):
    if kind not in IMPORT_KINDS:
        raise Http404
    _, _, build, filename = IMPORT_KINDS[kind]
    return xlsx_response(build(), filename)


# --- entry of ratings, decisions, discipline and service periods -------------------------------------------


@view_rule(UNIT_EVALUATIONS)
def evaluation_grid(request, unit_pk):
    unit = unit_selectors.unit_get_visible(request.user, unit_pk)
    if not can_view_evaluations(request.user, unit):
        raise PermissionDenied
    can_edit = can_import_history(request.user, unit)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    year_form = GridYearForm(request.GET or None, initial={"year": current_school_year()})
    year = year_form.cleaned_data["year"] if year_form.is_valid() else current_school_year()
    form, submitted = None, {}
    if request.method == "POST":
        form = EvaluationGridForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["school_year"]
            try:
                counts = services.task_evaluations_save(
                    unit=unit, school_year=year, ratings=form.cleaned_data["ratings"], by=request.user
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Đã lưu xếp loại năm học {school_year_label(year)}: {counts['created']} mới, "
                    f"{counts['updated']} thay đổi, {counts['deleted']} bỏ xếp loại, {counts['unchanged']} giữ nguyên.",
                )
                return redirect(f"{request.path}?year={year}")
        submitted = {k: v for k, v in request.POST.items() if k.startswith(RATING_FIELD_PREFIX)}
    grid = selectors.evaluation_grid(request.user, unit, year)
    for row in grid["rows"]:
        key = f"{RATING_FIELD_PREFIX}{row['person'].pk}"
        row["field"] = key
        row["value"] = submitted.get(key, row["rating"] or "")
    return render(
        request,
        "awards/evaluation_grid.html",
        {
            "unit": unit,
            "year": year,
            "year_label": school_year_label(year),
            "year_form": year_form,
            "form": form,
            "grid": grid,
            "choices": RATING_CHOICES,
            "can_edit": can_edit,
        },
    )


@view_rule(UNIT_MANAGE_PEOPLE)
def decision_create(request, unit_pk):
    unit = unit_selectors.unit_get_visible(request.user, unit_pk)
    if not can_import_history(request.user, unit):
        raise PermissionDenied
    form = DecisionForm(
        request.POST or None,
        award_choices=selectors.award_code_choices(),
        people=selectors.recipient_people(request.user, unit),
        units=selectors.recipient_units(request.user, unit),
        within=unit,
        initial={"issuer": unit.name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records = services.decision_records_create(
                unit=unit,
                award_code=data["award"],
                school_year=data["school_year"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                issuer=data["issuer"],
                commendation_kind=data["commendation_kind"] or None,
                people=data["people"],
                units=data["units"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi quyết định {data['decision_number']}: {len(records)} khen thưởng.")
            return redirect("awards:unit_history", pk=unit.pk)
    return render(
        request, "form.html", {"form": form, "title": f"Nhập quyết định khen thưởng – {unit.name}", "back": unit}
    )


def _person_managed(request, person_pk):
    person = unit_selectors.person_get_visible(request.user, person_pk)
    if not can_import_history(request.user, person.unit):
        raise PermissionDenied
    return person


def _period_form_page(request, person, form, title, save, done):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("awards:person_history", pk=person.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"{title} – {person.full_name}",
            # form.html links back to `back.get_absolute_url`: here the award history, not the person page.
            "back": SimpleNamespace(get_absolute_url=reverse("awards:person_history", args=[person.pk])),
        },
    )


@view_rule(PERSON_MANAGE)
def discipline_create(request, person_pk):
    person = _person_managed(request, person_pk)
    form = DisciplineForm(request.POST or None)
    return _period_form_page(
        request,
        person,
        form,
        "Ghi kỷ luật / đang xem xét",
        lambda data: services.discipline_period_create(person=person, by=request.user, **data),
        "Đã ghi kỷ luật / trường hợp đang xem xét.",
    )


@view_rule(PERSON_MANAGE)
def discipline_end(request, pk):
    period = selectors.discipline_get_visible(request.user, pk)
    person = _person_managed(request, period.person_id)
    form = PeriodEndForm(request.POST or None, initial={"end": datetime.date.today()})
    return _period_form_page(
        request,
        person,
        form,
        f"Kết thúc «{period.get_kind_display()}» từ {period.start:%d/%m/%Y}",
        lambda data: services.discipline_period_end(period=period, end=data["end"], by=request.user),
        "Đã ghi ngày kết thúc.",
    )


@view_rule(PERSON_MANAGE)
def discipline_delete(request, pk):
    period = selectors.discipline_get_visible(request.user, pk)
    person = _person_managed(request, period.person_id)
    until = f"{period.end:%d/%m/%Y}" if period.end else "nay"
    return _period_form_page(
        request,
        person,
        ConfirmForm(request.POST if request.method == "POST" else None),
        f"Xóa «{period.get_kind_display()}» {period.start:%d/%m/%Y} – {until} (ghi nhầm)",
        lambda data: services.discipline_period_delete(period=period, by=request.user),
        "Đã xóa giai đoạn kỷ luật ghi nhầm.",
    )


@view_rule(PERSON_MANAGE)
def service_period_create(request, person_pk):
    person = _person_managed(request, person_pk)
    form = ServicePeriodForm(request.POST or None)
    return _period_form_page(
        request,
        person,
        form,
        "Ghi quá trình công tác đặc biệt",
        lambda data: services.service_period_create(person=person, by=request.user, **data),
        "Đã ghi quá trình công tác.",
    )


@view_rule(PERSON_MANAGE)
def service_period_delete(request, pk):
    period = selectors.service_period_get_visible(request.user, pk)
    person = _person_managed(request, period.person_id)
    until = f"{period.end:%d/%m/%Y}" if period.end else "nay"
    return _period_form_page(
        request,
        person,
        ConfirmForm(request.POST if request.method == "POST" else None),
        f"Xóa «{period.get_kind_display()}» {period.start:%d/%m/%Y} – {until}",
        lambda data: services.service_period_delete(period=period, by=request.user),
        "Đã xóa quá trình công tác.",
    )


def _version(text: str) -> int | None:
    """The form's hidden version as an int; anything but ASCII digits («²» passes isdigit) is no version."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
