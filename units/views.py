import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.excel import ImportRejected, xlsx_response
from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import PAGE_SIZE, CappedPaginator, paginate

from . import exports, selectors, services, staff_rows
from .enums import Role, UnitKind
from .filters import PersonFilter, UnitFilter
from .forms import (
    EmulationBlockForm,
    PeopleImportForm,
    PersonForm,
    PersonTransferForm,
    UnitCreateForm,
    UnitForm,
    UnitMoveForm,
    UnitRoleGrantForm,
)
from .importing import people_export, people_import, people_template
from .middleware import SESSION_KEY
from .models import Unit
from .pickers import PICKER_LIMIT, SCOPES, picker_rows
from .rules import Cap, can_edit_unit, can_manage_people, can_manage_structure, has_role_on, roles_of, scope_q
from .view_rules import (
    BLOCK_MANAGE,
    BLOCK_READ,
    LIST_IN_SCOPE,
    OWN_ACCOUNT,
    PERSON_MANAGE,
    PERSON_READ,
    SIGNED_IN,
    UNIT_ADMINISTER,
    UNIT_EDIT,
    UNIT_MANAGE_PEOPLE,
    UNIT_READ,
)


def _version(obj) -> int:
    return obj.version


def _expected(form) -> int | None:
    """The integer version the form was loaded with (core.models.Versioned); a tampered value is stale."""
    raw = form.cleaned_data.get("version")
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() else 0  # "²" is a digit to isdigit(), no int


@require_POST
@view_rule(OWN_ACCOUNT)
def switch_role(request):
    wanted = request.POST.get("role")
    role = next((r for r in roles_of(request.user) if str(r.pk) == wanted), None)
    if role is None:
        raise Http404
    request.session[SESSION_KEY] = role.pk
    messages.success(request, f"Đã chuyển sang làm việc với vai trò {role.get_role_display()} – {role.unit}.")
    return redirect("home")


@view_rule(LIST_IN_SCOPE)
def unit_list(request):
    units = selectors.unit_list(request.user)
    unit_filter = UnitFilter(request.GET, queryset=units)
    if wants_export(request):
        rows = exports.unit_list_rows(request.user, unit_filter.qs)
        return export_response(request, spec=exports.UNIT_LIST, queryset=rows, filterset=unit_filter)
    page = paginate(request, unit_filter.qs)
    # Indent relative to the user's highest unit, so every user's tree starts at the left margin.
    top = min((r.unit.depth for r in roles_of(request.user)), default=0)
    return render(request, "units/unit_list.html", {"filter": unit_filter, "page": page, "rel_depth": -top})


@view_rule(UNIT_READ)
def unit_detail(request, pk):
    unit = selectors.unit_get_visible(request.user, pk)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "children": selectors.unit_children(request.user, unit),
            "people_count": selectors.unit_people(request.user, unit).count(),
            "can_edit": can_edit_unit(request.user, unit),
            "can_manage_roles": can_manage_structure(request.user, unit),
            "can_manage_people": can_manage_people(request.user, unit),
        },
    )


@view_rule(UNIT_EDIT)
def unit_edit(request, pk):
    unit = selectors.unit_get_visible(request.user, pk)
    if not can_edit_unit(request.user, unit):
        raise PermissionDenied
    form = UnitForm(
        request.POST or None,
        initial={
            **{f: getattr(unit, f) for f in UnitForm.base_fields if f != "version"},
            "version": _version(unit),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.unit_update(by=request.user, unit=unit, expected_version=_expected(form), **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu thông tin đơn vị.")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "form.html", {"form": form, "title": f"Sửa thông tin {unit.name}", "back": unit})


@view_rule(LIST_IN_SCOPE)
def person_list(request):
    people = selectors.people_visible_to(request.user)
    person_filter = PersonFilter(request.GET, queryset=people, units=selectors.units_visible_to(request.user))
    if wants_export(request):
        rows = person_filter.qs.select_related("unit")
        return export_response(request, spec=exports.PERSON_LIST, queryset=rows, filterset=person_filter)
    page = _staff_page(request, person_filter.qs)
    context = {
        "filter": person_filter,
        "filter_form": staff_rows.filter_form_html(person_filter, request.GET),
        "page": page,
        "rows": staff_rows.staff_rows_html(page.object_list),
        "manage_unit": _staff_list_unit(request, person_filter),
    }
    return render(request, "units/person_list.html", context)


# The columns the staff list shows, read as values() with the unit's names in the same query: no model
# instances of people and units for a page of 25 (the ORM's Python was a third of the page). The rows are
# written by units.staff_rows.
STAFF_LIST_COLUMNS = (
    "pk", "full_name", "is_manager", "gender", "date_of_birth", "position", "service_start", "is_active",
    "unit__name", "unit__short_name",
)  # fmt: skip


class StaffRow(dict):
    """A row of the staff list: its columns by key or as attributes (`row.pk`)."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _staff_page(request, people):
    """The page of the staff list, its rows as StaffRow. The first page is read with one row more than it shows:
    a list that fits on it (a school's, a filtered one) is then counted from its rows, without the paginator's
    COUNT; a longer one, or any other page, is counted on the people alone (without the columns shown)."""
    paginator = CappedPaginator(people, PAGE_SIZE, cap=settings.PAGINATION_COUNT_CAP)
    number = request.GET.get("page")
    if number not in (None, "", "1"):
        page = paginator.get_page(number)
        page.object_list = [StaffRow(row) for row in page.object_list.values(*STAFF_LIST_COLUMNS)]
        return page
    rows = [StaffRow(row) for row in people.values(*STAFF_LIST_COLUMNS)[: PAGE_SIZE + 1]]
    if len(rows) <= PAGE_SIZE:
        paginator.count = len(rows)  # the whole list (the paginator's count is a cached property)
    page = paginator.get_page(1)
    page.object_list = rows[:PAGE_SIZE]
    return page


def _staff_list_unit(request, person_filter) -> Unit | None:
    """The unit that «Thêm cá nhân» and «Nhập từ Excel» on the staff list act on: the unit filtered on,
    else the active role's unit; only one whose people the user manages (else no buttons)."""
    chosen = person_filter.form.cleaned_data.get("unit") if person_filter.form.is_valid() else None
    active = getattr(request, "active_role", None)
    for unit in (chosen, active.unit if active else None):
        if unit is not None and can_manage_people(request.user, unit):
            return unit
    return None


@view_rule(PERSON_READ)
def person_detail(request, pk):
    person = selectors.person_get_visible(request.user, pk)
    return render(
        request,
        "units/person_detail.html",
        {
            "person": person,
            "transfers": selectors.person_transfers(person),
            "can_manage": can_manage_people(request.user, person.unit),
            "today": datetime.date.today(),
        },
    )


def _person_initial(person):
    fields = [f for f in PersonForm.base_fields if f not in ("version", "team")]
    team = person.unit_id if person.unit.kind == UnitKind.TEAM else None
    return {**{f: getattr(person, f) for f in fields}, "team": team, "version": _version(person)}


def _person_data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version", "team")}


@view_rule(UNIT_MANAGE_PEOPLE)
def person_create(request, unit_pk):
    unit = selectors.unit_get_visible(request.user, unit_pk)
    if not can_manage_people(request.user, unit):
        raise PermissionDenied
    initial = {"is_active": True, "team": unit.pk if unit.kind == UnitKind.TEAM else None}
    form = PersonForm(request.POST or None, initial=initial, teams=selectors.school_teams(request.user, unit))
    if request.method == "POST" and form.is_valid():
        # The team chosen, else the school (also when the form was opened from a team's page).
        target = form.cleaned_data.get("team") or services.school_of(unit)
        if "team" not in form.fields:
            target = unit
        if not can_manage_people(request.user, target):
            raise PermissionDenied
        try:
            person = services.person_create(by=request.user, unit=target, **_person_data(form))
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã thêm {person.full_name}.")
            return redirect("units:person_detail", pk=person.pk)
    return render(request, "form.html", {"form": form, "title": f"Thêm cá nhân vào {unit.name}", "back": unit})


@view_rule(PERSON_MANAGE)
def person_edit(request, pk):
    person = selectors.person_get_visible(request.user, pk)
    if not can_manage_people(request.user, person.unit):
        raise PermissionDenied
    teams = selectors.school_teams(request.user, person.unit)
    form = PersonForm(request.POST or None, initial=_person_initial(person), teams=teams)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data.get("team") or services.school_of(person.unit)
        try:
            with transaction.atomic():
                services.person_update(
                    by=request.user, person=person, expected_version=_expected(form), **_person_data(form)
                )
                if "team" in form.fields and target.pk != person.unit_id:
                    # Another team of the same school: a move like any other, kept in the transfer history.
                    services.person_transfer(
                        person=person,
                        to_unit=target,
                        effective_date=datetime.date.today(),
                        note="Đổi tổ trong trường",
                        by=request.user,
                    )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu.")
            return redirect("units:person_detail", pk=person.pk)
    return render(request, "form.html", {"form": form, "title": f"Sửa thông tin {person.full_name}", "back": person})


@view_rule(PERSON_MANAGE)
def person_transfer(request, pk):
    person = selectors.person_get_visible(request.user, pk)
    if not can_manage_people(request.user, person.unit):
        raise PermissionDenied
    targets = selectors.units_visible_to(request.user).exclude(pk=person.unit_id).order_by("path")
    form = PersonTransferForm(request.POST or None, units=targets, initial={"effective_date": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["to_unit"]
        if not can_manage_people(request.user, target):
            raise PermissionDenied
        try:
            services.person_transfer(
                person=person,
                to_unit=target,
                effective_date=form.cleaned_data["effective_date"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã điều chuyển {person.full_name} đến {target.name}.")
            return redirect("units:person_detail", pk=person.pk)
    return render(request, "form.html", {"form": form, "title": f"Điều chuyển {person.full_name}", "back": person})


@view_rule(UNIT_MANAGE_PEOPLE)
def people_import_view(request, unit_pk):
    unit = selectors.unit_get_visible(request.user, unit_pk)
    if not can_manage_people(request.user, unit):
        raise PermissionDenied
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            result = people_import(unit=unit, upload=form.cleaned_data["file"], by=request.user)
        except ImportRejected as exc:
            rejected = exc
        else:
            messages.success(
                request,
                f"Đã nhập: {result.created} người mới, {result.updated} người cập nhật, "
                f"{result.unchanged} người không đổi.",
            )
            return redirect("units:detail", pk=unit.pk)
    teams = selectors.school_teams(request.user, unit)
    context = {"form": form, "unit": unit, "rejected": rejected, "teams": teams}
    return render(request, "units/people_import.html", context)


@view_rule(SIGNED_IN)
def people_template_view(request):
    return xlsx_response(people_template(), "mau-danh-sach-can-bo.xlsx")


@view_rule(UNIT_READ)
def people_export_view(request, unit_pk):
    unit = selectors.unit_get_visible(request.user, unit_pk)
    return xlsx_response(people_export(user=request.user, unit=unit), f"danh-sach-can-bo-{unit.pk}.xlsx")


@view_rule(LIST_IN_SCOPE)
def block_list(request):
    blocks = selectors.blocks_visible_to(request.user).order_by("name")
    if wants_export(request):
        return export_response(request, spec=exports.BLOCK_LIST, queryset=blocks)
    page = paginate(request, blocks)
    return render(request, "units/block_list.html", {"page": page})


@view_rule(BLOCK_READ)
def block_detail(request, pk):
    block = selectors.block_get_visible(request.user, pk)
    members = block.members.select_related("parent").order_by("path")
    can_edit = can_manage_structure(request.user, block.owner) or has_role_on(request.user, block.owner, {Role.HEAD})
    # Not "block": inside {% block %} Django's own `block` variable would hide it.
    context = {"emulation_block": block, "members": members, "can_edit": can_edit}
    return render(request, "units/block_detail.html", context)


def _block_owners(user):
    """Units the user heads or administers (has_role_on {ADMINISTRATOR, HEAD}: exactly EDIT_UNIT's reach),
    as a queryset: a Sở administrator's thousands are searched by the picker, not listed."""
    return selectors.units_visible_to(user).filter(scope_q(user, Cap.EDIT_UNIT)).exclude(kind=UnitKind.TEAM)


@view_rule(BLOCK_MANAGE)
def block_create(request):
    owner_qs = _block_owners(request.user)
    if not owner_qs.exists():
        raise PermissionDenied
    members = selectors.units_visible_to(request.user).exclude(kind=UnitKind.TEAM).order_by("path")
    form = EmulationBlockForm(request.POST or None, owners=owner_qs, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            block = services.block_create(by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã tạo {block.name}.")
            return redirect("units:block_detail", pk=block.pk)
    return render(request, "form.html", {"form": form, "title": "Tạo khối/cụm thi đua"})


@view_rule(BLOCK_MANAGE)
def block_edit(request, pk):
    block = selectors.block_get_visible(request.user, pk)
    if not has_role_on(request.user, block.owner, {Role.ADMINISTRATOR, Role.HEAD}):
        raise PermissionDenied
    members = selectors.units_visible_to(request.user).exclude(kind=UnitKind.TEAM).order_by("path")
    form = EmulationBlockForm(
        request.POST or None,
        owners=Unit.objects.filter(pk=block.owner_id),
        members=members,
        initial={
            "name": block.name,
            "owner": block.owner_id,
            "school_year": block.school_year,
            "members": list(block.members.all()),
        },
    )
    form.fields["owner"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "owner"}
        try:
            services.block_update(by=request.user, block=block, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu khối thi đua.")
            return redirect("units:block_detail", pk=block.pk)
    return render(request, "form.html", {"form": form, "title": f"Sửa {block.name}", "back": block})


@view_rule(UNIT_ADMINISTER)
def unit_role_list(request, pk):
    unit = selectors.unit_get_visible(request.user, pk)
    if not can_manage_structure(request.user, unit):
        raise PermissionDenied
    form = UnitRoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            granted = services.unit_role_grant_by_username(
                by=request.user, unit=unit, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã cấp vai trò {granted.get_role_display()} cho {granted.user.username}.")
            return redirect("units:roles", pk=unit.pk)
    return render(request, "units/unit_roles.html", {"unit": unit, "roles": selectors.unit_roles(unit), "form": form})


@require_POST
@view_rule(UNIT_ADMINISTER)
def unit_role_revoke(request, pk, role_pk):
    unit = selectors.unit_get_visible(request.user, pk)
    if not can_manage_structure(request.user, unit):
        raise PermissionDenied
    unit_role = get_object_or_404(selectors.unit_roles(unit), pk=role_pk)
    services.unit_role_revoke(by=request.user, unit_role=unit_role)
    messages.success(request, f"Đã thu hồi vai trò {unit_role.get_role_display()} của {unit_role.user.username}.")
    return redirect("units:roles", pk=unit.pk)


@view_rule(UNIT_ADMINISTER)
def unit_child_create(request, pk):
    parent = selectors.unit_get_visible(request.user, pk)
    if not can_manage_structure(request.user, parent):
        raise PermissionDenied
    form = UnitCreateForm(
        request.POST or None,
        initial={
            "kind": UnitKind.SCHOOL if parent.kind != UnitKind.SCHOOL else UnitKind.TEAM,
            "locality": parent.locality,
            "parent_body_name": parent.name.upper(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k in ("name", "kind")}
        try:
            child = services.unit_create(by=request.user, parent=parent, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã thêm {child.name}.")
            return redirect("units:detail", pk=child.pk)
    return render(
        request, "form.html", {"form": form, "title": f"Thêm đơn vị trực thuộc {parent.name}", "back": parent}
    )


@view_rule(UNIT_ADMINISTER)
def unit_move(request, pk):
    unit = selectors.unit_get_visible(request.user, pk)
    if unit.parent_id is None or not can_manage_structure(request.user, unit):
        raise PermissionDenied
    # can_manage_structure on each unit is ADMINISTER's scope: one queryset the picker searches.
    parents = (
        selectors.units_visible_to(request.user)
        .filter(scope_q(request.user, Cap.ADMINISTER))
        .exclude(path__startswith=unit.path)
        .exclude(pk=unit.parent_id)
        .exclude(kind=UnitKind.TEAM)
    )
    form = UnitMoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(by=request.user, unit=unit, new_parent=form.cleaned_data["new_parent"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã chuyển {unit.name} về {form.cleaned_data['new_parent'].name}.")
            return redirect("units:detail", pk=unit.pk)
    return render(
        request, "form.html", {"form": form, "title": f"Chuyển {unit.name} sang đơn vị cấp trên khác", "back": unit}
    )


@view_rule(LIST_IN_SCOPE)
def unit_picker(request):
    """The suggestions of a picker (units/pickers.py): at most PICKER_LIMIT rows of the named scope (built
    through the kernel for this user) matching `q` without diacritics, of `kinds`, inside `within` (a unit
    the user may READ, else 404); an HTML fragment for the listbox."""
    scope = request.GET.get("scope", "unit:read")
    if scope not in SCOPES:
        raise Http404
    within = None
    if request.GET.get("within"):
        within = selectors.unit_get_visible(request.user, selectors.valid_pk(request.GET["within"]))
    query = request.GET.get("q", "")[:100]
    kinds = [k for k in request.GET.get("kinds", "").split(",") if k in UnitKind.values]
    rows = picker_rows(request.user, scope=scope, query=query, kinds=kinds, within=within)
    label = SCOPES[scope].kind.label
    context = {
        "results": [(row.pk, label(row)) for row in rows[:PICKER_LIMIT]],
        "more": len(rows) > PICKER_LIMIT,
        "limit": PICKER_LIMIT,
        "query": query,
        "noun": SCOPES[scope].kind.noun,
    }
    return render(request, "units/picker_results.html", context)
