"""Django admin for system administrators (superusers) only.

The tree and people are changed through the same services as in the portal:
a new unit gets its path and depth (`unit_create`), a parent change moves the
subtree (`unit_move`), and a person's name key is derived on save. Unit
administrators manage their units from the portal, not here.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ServiceError

from . import services
from .forms import PersonAdminForm, PersonDatesModelForm
from .models import EmulationBlock, Person, PersonTransfer, Unit, UnitRole


class SuperuserOnlyAdmin:
    """Staff who are not superusers see nothing of the tree, people and roles in the admin."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", *(f for f in services.UNIT_FIELDS if f != "name")]

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        try:
            services.validate_unit(data.get("kind", ""), data.get("school_level", ""), parent)
        except ServiceError as exc:
            raise forms.ValidationError(str(exc)) from None
        unit = self.instance
        if unit.pk and parent is not None and parent.path.startswith(unit.path):
            self.add_error("parent", "Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")
        if unit.pk and unit.parent_id is not None and parent is None:
            self.add_error(
                "parent", "Không bỏ được đơn vị cấp trên của một đơn vị đã có; hãy chọn đơn vị cấp trên mới."
            )
        return data


@admin.register(Unit)
class UnitAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    form = UnitAdminForm
    list_display = ("name", "kind", "school_level", "parent", "path")
    list_filter = ("kind", "school_level")
    search_fields = ("name", "short_name")
    readonly_fields = ("path", "depth")
    raw_id_fields = ("parent", "head")

    def save_model(self, request, obj, form, change):
        if not change:
            skip = {"name", "school_level"}
            fields = {k: v for k, v in form.cleaned_data.items() if k in services.UNIT_FIELDS and k not in skip}
            created = services.unit_create(
                by=request.user,
                name=obj.name,
                kind=obj.kind,
                parent=obj.parent,
                school_level=obj.school_level,
                **fields,
            )
            # The admin goes on with `obj` (log entry, redirect): make it the saved row.
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            obj._state.adding, obj._state.db = False, created._state.db
            return
        new_parent = obj.parent
        moved = "parent" in form.changed_data
        if moved:
            obj.parent_id = form.initial.get("parent")
        super().save_model(request, obj, form, change)
        if moved:
            services.unit_move(by=request.user, unit=obj, new_parent=new_parent)


@admin.register(Person)
class PersonAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    form = PersonAdminForm
    list_display = ("full_name", "unit", "position", "is_manager", "is_active")
    list_filter = ("is_manager", "is_active", "gender")
    search_fields = ("full_name",)
    raw_id_fields = ("unit", "user")
    readonly_fields = ("name_key",)


@admin.register(UnitRole)
class UnitRoleAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    raw_id_fields = ("user", "unit")


@admin.register(EmulationBlock)
class EmulationBlockAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "owner", "school_year")
    filter_horizontal = ("members",)


class PersonTransferAdminForm(PersonDatesModelForm):
    person_dates = {"effective_date": ("Ngày điều chuyển", False)}


@admin.register(PersonTransfer)
class PersonTransferAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    form = PersonTransferAdminForm
    list_display = ("person", "from_unit", "to_unit", "effective_date")
    raw_id_fields = ("person", "from_unit", "to_unit", "created_by")
