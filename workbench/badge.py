"""The navigation's counter of to-dos: the total of the active role's list, remembered per request and, for a
few minutes, per account and role.

Computing the list costs up to a dozen queries; doing it on every page would put them on every page's budget
(query counts are tested page by page). So the home page, which computes the list anyway, stores its total on
the request (the counter of that page) and in the cache for `BADGE_SECONDS`; other pages read the cache (no
query) and show no counter when it has expired, until the next visit of the home page (where login lands).
"""

from django.core.cache import cache

from .todos import Todo, total

BADGE_SECONDS = 300
_REQUEST_ATTR = "_workbench_total"


def _key(request) -> str | None:
    role = getattr(request, "active_role", None)
    if role is None:
        user = getattr(request, "user", None)
        # A superuser without a role has a list too (todos.superuser_todos).
        return f"workbench:total:{user.pk}:superuser" if user is not None and user.is_superuser else None
    return f"workbench:total:{request.user.pk}:{role.pk}"


def remember(request, todos: list[Todo]) -> int:
    """Called by the home page with the list it shows: the counter of this request and of the next pages."""
    value = total(todos)
    setattr(request, _REQUEST_ATTR, value)
    key = _key(request)
    if key is not None:
        cache.set(key, value, BADGE_SECONDS)
    return value


def badge_total(request) -> int | None:
    """The counter for the navigation: this request's list if computed, else the remembered one (or None)."""
    if hasattr(request, _REQUEST_ATTR):
        return getattr(request, _REQUEST_ATTR)
    key = _key(request)
    value = cache.get(key) if key is not None else None
    setattr(request, _REQUEST_ATTR, value)
    return value
