from django.contrib import admin

from .models import AccountStatusChange, LoginEvent


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """A superuser reads anyone's login activity here; users see only their own (accounts:login_activity)."""

    list_display = ("user", "at", "succeeded", "ip_address", "user_agent")
    list_filter = ("succeeded",)
    search_fields = ("user__username", "ip_address")
    date_hierarchy = "at"
    readonly_fields = ("user", "at", "succeeded", "ip_address", "user_agent")
    exclude = ("session_key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AccountStatusChange)
class AccountStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("user", "active", "unit", "by", "at", "sessions_ended")
    readonly_fields = ("user", "active", "unit", "by", "at", "sessions_ended")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
