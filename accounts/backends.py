"""The account of a signed-in request and its roles, read in one query.

Django's `ModelBackend.get_user` reads the account on every request, and `units.rules.roles_of` then reads its
roles (`UnitRole` with their units): two queries that every page pays. `PortalBackend.get_user` reads the roles
with the account joined to each row (`select_related("user", "unit")`), so one query gives both; an account
without a role (a superuser, an account whose roles were all revoked) takes a second query for the account alone.

Nothing is cached across requests: each request reads the account and its roles from the database, so a revoked
role, a disabled account or a changed password (the session's hash no longer matches) takes effect on the next
request exactly as with `ModelBackend` (accounts/tests/test_sessions.py, core/tests/test_request_cost.py).
Authentication, permissions and `user_can_authenticate` are `ModelBackend`'s.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from units.models import UnitRole
from units.rules import ROLE_ORDER, prime_roles


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        roles = list(UnitRole.objects.filter(user_id=user_id).select_related("user", "unit").order_by(*ROLE_ORDER))
        if roles:
            user = roles[0].user
            for role in roles:
                role.user = user  # one account object, not one per row
        else:
            user_model = get_user_model()
            try:
                user = user_model._default_manager.get(pk=user_id)
            except user_model.DoesNotExist:
                return None
        if not self.user_can_authenticate(user):
            return None
        prime_roles(user, roles)
        return user
