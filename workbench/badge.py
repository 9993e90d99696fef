"""The navigation's counter of to-dos: the total of the active role's list, remembered per request and, for a
few minutes, beside the session.

Computing the list costs up to a dozen queries; doing it on every page would put them on every page's budget
(query counts are tested page by page). So the home page, which computes the list anyway, stores its total on
the request (the counter of that page) and beside the session for `BADGE_SECONDS` (a session companion,
core/sessions.py: with sessions in Redis it comes with the session's own read, no round trip of its own); other
pages of the session read it there and show no counter when it has expired, until the next visit of the home page
(where login lands). The total is stored with the account and role it counts for and shown only to them: a
switched role or another account behind the session shows no counter.
"""

from core.sessions import companion, set_companion

from .todos import Todo, total

BADGE_SECONDS = 300
COMPANION = "todo_total"
_REQUEST_ATTR = "_workbench_total"


def _owner(request) -> tuple | None:
    """Whose list the counter counts: the account and its active role (a superuser without a role has a list too:
    todos.superuser_todos); None when there is no list."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    role = getattr(request, "active_role", None)
    if role is None:
        return (user.pk, "superuser") if user.is_superuser else None
    return (user.pk, role.pk)


def remember(request, todos: list[Todo]) -> int:
    """Called by the home page with the list it shows: the counter of this request and of the next pages."""
    value = total(todos)
    setattr(request, _REQUEST_ATTR, value)
    owner = _owner(request)
    if owner is not None:
        set_companion(request.session, COMPANION, (*owner, value), BADGE_SECONDS)
    return value


def badge_total(request) -> int | None:
    """The counter for the navigation: this request's list if computed, else the remembered one (or None)."""
    if hasattr(request, _REQUEST_ATTR):
        return getattr(request, _REQUEST_ATTR)
    value = None
    owner = _owner(request)
    if owner is not None:
        stored = companion(request.session, COMPANION)
        if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == owner:
            value = stored[2]
    setattr(request, _REQUEST_ATTR, value)
    return value
