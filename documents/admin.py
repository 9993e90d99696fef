from django.contrib import admin

from units.admin import SuperuserOnlyAdmin

from .models import GeneratedDocument, NumberSeries


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Read-only: rows are written by the render task; the admin is for following and diagnosing renders."""

    list_display = (
        "id",
        "kind",
        "variant",
        "file_format",
        "object_id",
        "status",
        "attempts",
        "duration_ms",
        "built_at",
    )
    list_filter = ("kind", "status", "file_format")
    search_fields = ("verification_code", "number", "title")
    readonly_fields = [f.name for f in GeneratedDocument._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NumberSeries)
class NumberSeriesAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("unit", "council", "year", "last_number")
    list_filter = ("year",)
    readonly_fields = ("unit", "council", "year")
