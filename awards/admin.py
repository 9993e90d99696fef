"""Administrators edit the catalog and the rules here; simple_history keeps every change."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from units.forms import PersonDatesModelForm

from .models import (
    AuthorityRoute,
    AuthorityRouteStep,
    AwardRecord,
    AwardRule,
    AwardType,
    DisciplinePeriod,
    Initiative,
    Revocation,
    ServicePeriod,
    TaskEvaluation,
)
from .schoolyear import school_year_check


# The admin saves rows without the services: these forms apply the same checks of dates typed about a person.
class AwardRecordAdminForm(PersonDatesModelForm):
    person_dates = {"decision_date": ("Ngày quyết định", False)}

    def check_person_input(self, data: dict, born) -> None:
        if data.get("school_year") is not None:
            school_year_check(data["school_year"], born=born)


class TaskEvaluationAdminForm(AwardRecordAdminForm):
    person_dates = {}


class DisciplinePeriodAdminForm(PersonDatesModelForm):
    # A sanction's term is fixed by its decision, so its end may be ahead (as in discipline_period_create).
    person_dates = {"start": ("Ngày bắt đầu", False), "end": ("Ngày kết thúc", True)}


class ServicePeriodAdminForm(PersonDatesModelForm):
    person_dates = {"start": ("Ngày bắt đầu", False), "end": ("Ngày kết thúc", False)}


class RevocationAdminForm(PersonDatesModelForm):
    person_dates = {"decision_date": ("Ngày quyết định thu hồi", False)}


@admin.register(AwardType)
class AwardTypeAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "recipient_kind",
        "authority_kind",
        "effective_from",
        "effective_to",
        "is_verified",
    )
    list_filter = ("category", "recipient_kind", "commendation_kind", "authority_kind", "is_verified")
    search_fields = ("code", "name", "short_name")
    ordering = ("rank", "code", "effective_from")


@admin.register(AwardRule)
class AwardRuleAdmin(SimpleHistoryAdmin):
    list_display = ("award_code", "kind", "effective_from", "effective_to", "is_verified", "description")
    list_filter = ("kind", "is_verified", "award_code")
    search_fields = ("award_code", "description", "legal_basis")
    ordering = ("award_code", "kind", "effective_from")


@admin.register(AwardRecord)
class AwardRecordAdmin(admin.ModelAdmin):
    form = AwardRecordAdminForm
    list_display = (
        "award_type",
        "person",
        "unit",
        "school_year",
        "decision_number",
        "decision_date",
        "source",
        "revocation",
    )
    list_filter = ("source", "commendation_kind", "school_year", "award_type__code")
    search_fields = ("person__full_name", "unit__name", "decision_number")
    raw_id_fields = ("person", "unit", "award_type", "revocation", "created_by")


@admin.register(Revocation)
class RevocationAdmin(admin.ModelAdmin):
    form = RevocationAdminForm
    list_display = ("decision_number", "decision_date", "issuer", "reason")
    search_fields = ("decision_number", "reason")


@admin.register(TaskEvaluation)
class TaskEvaluationAdmin(admin.ModelAdmin):
    form = TaskEvaluationAdminForm
    list_display = ("person", "school_year", "rating", "source")
    list_filter = ("school_year", "rating")
    search_fields = ("person__full_name",)
    raw_id_fields = ("person",)


@admin.register(DisciplinePeriod)
class DisciplinePeriodAdmin(admin.ModelAdmin):
    form = DisciplinePeriodAdminForm
    list_display = ("person", "kind", "start", "end")
    list_filter = ("kind",)
    search_fields = ("person__full_name",)
    raw_id_fields = ("person",)


@admin.register(ServicePeriod)
class ServicePeriodAdmin(admin.ModelAdmin):
    form = ServicePeriodAdminForm
    list_display = ("person", "kind", "start", "end", "place")
    list_filter = ("kind",)
    search_fields = ("person__full_name",)
    raw_id_fields = ("person",)


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "school_year", "status", "scope", "decision_number")
    list_filter = ("status", "scope", "school_year", "kind")
    search_fields = ("title",)
    raw_id_fields = ("unit", "authors", "created_by")


class AuthorityRouteStepInline(admin.TabularInline):
    model = AuthorityRouteStep
    extra = 1
    autocomplete_fields = ("unit",)


@admin.register(AuthorityRoute)
class AuthorityRouteAdmin(SimpleHistoryAdmin):
    """Superusers only; unit administrators use the portal page (Tuyến trình khen thưởng)."""

    list_display = ("unit", "authority_kind", "decider", "effective_from", "effective_to", "is_verified")
    list_filter = ("authority_kind", "is_verified")
    search_fields = ("unit__name", "decider__name", "legal_basis")
    autocomplete_fields = ("unit", "decider")
    readonly_fields = ("created_by",)
    inlines = [AuthorityRouteStepInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
