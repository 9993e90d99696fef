from django.contrib import admin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Read-only view of the outbox for operators (docs/operations.md, "SMTP down"), superusers only.

    The body is never shown: an invitation or «Quên mật khẩu» mail carries a link that sets the
    account's password until it is used or expires (PASSWORD_RESET_TIMEOUT).
    """

    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "reference"]
    exclude = ["body"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields if f.name != "body"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
