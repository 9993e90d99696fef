from .badge import badge_total


def todo_badge(request):
    """`todo_total` for the navigation: a callable, so only a template that shows it reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_total": lambda: badge_total(request)}
