"""What every request pays (issue 14): the bare page's queries, and the header and menu it renders.

The bare page (bench/urls.py: base.html logged in, through every middleware and context processor) is the floor
of every page's CPU; its query count is pinned here. The menu of each kind of account is compared byte for byte
with the one the templates rendered before they were merged (fixtures/menu_before.json, written from the old
templates): the merge must not change a byte.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from notifications.services import notify
from units.enums import Role
from units.services import unit_role_grant

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

BARE = "/__bench/bare/"
FIXTURE = Path(__file__).parent / "fixtures" / "menu_before.json"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _nav(html: str) -> str:
    nav = html[html.index("<nav") : html.index("</nav>") + len("</nav>")]
    nav = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', nav)
    # Role ids differ from one database to the next: numbered by their order on the page.
    ids: dict[str, str] = {}
    return re.sub(r'<option value="(\d+)"', lambda m: f'<option value="r{ids.setdefault(m[1], str(len(ids)))}"', nav)


@pytest.fixture
def accounts(personas, tree):
    superuser = make_user("quan-tri-he-thong")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    two_roles = make_user("hai-vai", tree["school_a1"], Role.SECRETARY)
    unit_role_grant(by=None, user=two_roles, unit=tree["office_a"], role=Role.REVIEWER)
    notify(users=[personas["head_a1"], two_roles], message="Có hồ sơ mới")
    # The to-do counter the home page remembered (workbench/badge.py) for the head of A1.
    head = personas["head_a1"]
    cache.set(f"workbench:total:{head.pk}:{head.unit_roles.get().pk}", 3, 300)
    return {**personas, "superuser": superuser, "two_roles": two_roles}


def _menus(client, accounts) -> dict[str, str]:
    menus = {}
    for name in sorted(accounts):
        client.force_login(accounts[name])
        menus[name] = _nav(client.get(BARE).content.decode())
        client.logout()
    return menus


def test_every_accounts_menu_is_the_same_bytes_as_before(client, accounts):
    menus = _menus(client, accounts)
    if os.environ.get("WRITE_MENU_FIXTURE"):
        FIXTURE.write_text(json.dumps(menus, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    before = json.loads(FIXTURE.read_text(encoding="utf-8"))

    assert menus.keys() == before.keys()
    for name in menus:
        assert menus[name] == before[name], name
