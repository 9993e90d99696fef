from django.utils.functional import LazyObject, empty

from .rules import roles_of

SESSION_KEY = "active_unit_role_id"


def _resolved(user):
    """The account behind `request.user` once it has been read: Django's and django-otp's lazy wrappers (one inside
    the other) forward every attribute read through Python code, about a hundred times a page."""
    while isinstance(user, LazyObject):
        wrapped = user._wrapped
        if wrapped is empty:
            return None
        user = wrapped
    return user


class ActiveRoleMiddleware:
    """Puts the user's active role (the unit they work for now) on the request.

    Visibility is the union of all the user's roles; the active role only sets
    the default unit of pages such as "Đơn vị của tôi" and of new filings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_role = None
        if request.user.is_authenticated:
            roles = roles_of(request.user)
            wanted = request.session.get(SESSION_KEY)
            request.active_role = next((r for r in roles if r.pk == wanted), roles[0] if roles else None)
        # Read above (is_authenticated): the same object, without the wrappers' cost on every later read.
        user = _resolved(request.user)
        if user is not None:
            request.user = user
        return self.get_response(request)
