from .rules import roles_of


def active_role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "active_role": getattr(request, "active_role", None),
        "user_roles": roles_of(user),
        # The person's name in the header, not the login: an account linked to a person carries the person's
        # name (units.services and migration 0006 keep them alike), so the header costs no query.
        "header_name": user.get_full_name() or user.username,
    }
