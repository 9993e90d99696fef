"""The apps' own fixtures, reused: a launched Phòng A campaign (campaigns), a draft dossier of school A1 with
an eligible teacher (nominations), a Phòng A council with a meeting and two nominations (councils)."""

import pytest
from django.core.cache import cache

from campaigns.tests.conftest import awards, office_campaign  # noqa: F401 - fixtures
from councils.tests.conftest import board  # noqa: F401 - fixture
from nominations.tests.conftest import dossier, teacher  # noqa: F401 - fixtures
from units.rules import roles_of


@pytest.fixture(autouse=True)
def _clean_cache():
    # The navigation's counter is remembered in the cache by account and role id, which tests reuse.
    cache.clear()
    yield
    cache.clear()


def role_of(user):
    """The role the user works in by default (the middleware's first role)."""
    return roles_of(user)[0]
