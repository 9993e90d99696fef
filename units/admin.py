from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EmulationBlock, Person, PersonTransfer, Unit, UnitRole


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "school_level", "parent", "path")
    list_filter = ("kind", "school_level")
    search_fields = ("name", "short_name")
    readonly_fields = ("path", "depth")
    raw_id_fields = ("parent", "head")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "unit", "position", "is_manager", "is_active")
    list_filter = ("is_manager", "is_active", "gender")
    search_fields = ("full_name",)
    raw_id_fields = ("unit", "user")
    readonly_fields = ("name_key",)


@admin.register(UnitRole)
class UnitRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    raw_id_fields = ("user", "unit")


@admin.register(EmulationBlock)
class EmulationBlockAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "school_year")
    filter_horizontal = ("members",)


@admin.register(PersonTransfer)
class PersonTransferAdmin(admin.ModelAdmin):
    list_display = ("person", "from_unit", "to_unit", "effective_date")
    raw_id_fields = ("person", "from_unit", "to_unit", "created_by")
