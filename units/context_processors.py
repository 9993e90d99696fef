from .rules import roles_of


def active_role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"active_role": getattr(request, "active_role", None), "user_roles": roles_of(user)}
