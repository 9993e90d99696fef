from functools import cache

from .models import Person
from .rules import roles_of


def active_role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def header_name() -> str:
        """The person's name in the header, not the login: the linked Person's, else the account's.
        A callable, so a response that never renders the header makes no query for it."""
        person_name = Person.objects.filter(user=user).values_list("full_name", flat=True).first()
        return person_name or user.get_full_name() or user.username

    return {
        "active_role": getattr(request, "active_role", None),
        "user_roles": roles_of(user),
        "header_name": header_name,
    }
