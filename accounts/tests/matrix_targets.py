"""The accounts objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

The account to disable is the councils targets' member seated for the matrix (an account of no persona,
with a council_member role at the reference school only), so that disabling it changes no persona's
session. An empty POST body disables (accounts.views.account_set_active).
"""

from django.contrib.auth import get_user_model

from councils.tests.matrix_targets import REMOVABLE_USERNAME
from units.models import UnitRole


def account_targets(ids: dict) -> dict:
    account = get_user_model().objects.get(username=REMOVABLE_USERNAME)
    assert set(UnitRole.objects.filter(user=account).values_list("unit_id", flat=True)) == {ids["school"]}
    return {"role_account": account.pk}
