from django import template

from audit.selectors import may_audit

register = template.Library()


@register.simple_tag(takes_context=True)
def can_audit(context) -> bool:
    """Whether the signed-in user may open "Nhật ký thay đổi" (roles are cached per request)."""
    request = context.get("request")
    return bool(request and request.user.is_authenticated and may_audit(request.user))
