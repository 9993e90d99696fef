"""Personas and shared fixtures.

A small tree, enough to tell the own unit from the parent, a sibling and an
outsider:

    Sở (dept)
    ├── Phòng A (office_a)
    │   ├── Trường A1 (school_a1) ── Tổ A1 (team_a1)
    │   └── Trường A2 (school_a2)
    └── Phòng B (office_b)
        └── Trường B1 (school_b1)
"""

import datetime
import inspect

import pytest
from django.core.exceptions import PermissionDenied

from config.celery import app as celery_app
from core.tests import hypothesis_profiles
from units.enums import Gender, Role, SchoolLevel, UnitKind
from units.services import person_create, unit_create, unit_role_grant, user_create

hypothesis_profiles.load()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated data (the award catalog, routes) it flushes; the tests on
    the seeded demo run one after the other, where the first of them was (after pytest-django's order).

    pytest-django runs transactional tests last; each one's teardown empties the tables. Without
    `serialized_rollback=True` the next one starts without the catalog, and a flush that re-creates the
    content types makes the next serialized restore collide with them: so all of them, or none.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True (see conftest.py)"
            )
    demo = [item for item in items if "seeded_demo" in getattr(item, "fixturenames", ())]
    if demo:
        first = items.index(demo[0])
        rest = [item for item in items if "seeded_demo" not in getattr(item, "fixturenames", ())]
        items[:] = rest[:first] + demo + rest[first:]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 costs a quarter of a second per user on these machines.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process in tests, except those marked `worker` that go through the real worker."""
    eager = "worker" not in request.keywords
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def tree(db):
    dept = unit_create(by=None, name="Sở GD&ĐT Thử", kind=UnitKind.DEPARTMENT, document_code="SGDĐT")
    office_a = unit_create(by=None, name="Phòng GD&ĐT A", kind=UnitKind.OFFICE, parent=dept)
    office_b = unit_create(by=None, name="Phòng GD&ĐT B", kind=UnitKind.OFFICE, parent=dept)
    school_a1 = unit_create(
        by=None, name="Trường Tiểu học A1", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=office_a
    )
    school_a2 = unit_create(
        by=None, name="Trường Mầm non A2", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRESCHOOL, parent=office_a
    )
    school_b1 = unit_create(
        by=None, name="Trường THCS B1", kind=UnitKind.SCHOOL, school_level=SchoolLevel.LOWER_SECONDARY, parent=office_b
    )
    team_a1 = unit_create(by=None, name="Tổ khối 1", kind=UnitKind.TEAM, parent=school_a1)
    return {
        "dept": dept,
        "office_a": office_a,
        "office_b": office_b,
        "school_a1": school_a1,
        "school_a2": school_a2,
        "school_b1": school_b1,
        "team_a1": team_a1,
    }


def make_user(username, unit=None, role=None):
    user = user_create(by=None, username=username, password="matkhau-thu-123")
    if unit is not None:
        unit_role_grant(by=None, user=user, unit=unit, role=role)
    return user


@pytest.fixture
def personas(tree):
    """Alice is secretary of school A1; Bao heads A1; Chi reviews for Phòng A; Dung is the Sở
    administrator; Em is secretary of sibling school A2; Giang reviews for Phòng B; Hoa has no role."""
    return {
        "secretary_a1": make_user("alice", tree["school_a1"], Role.SECRETARY),
        "head_a1": make_user("bao", tree["school_a1"], Role.HEAD),
        "council_a1": make_user("cuong", tree["school_a1"], Role.COUNCIL_MEMBER),
        "reviewer_a": make_user("chi", tree["office_a"], Role.REVIEWER),
        "admin_dept": make_user("dung", tree["dept"], Role.ADMINISTRATOR),
        "secretary_a2": make_user("em", tree["school_a2"], Role.SECRETARY),
        "reviewer_b": make_user("giang", tree["office_b"], Role.REVIEWER),
        "outsider": make_user("hoa"),
        # Khánh is the TĐKT secretary of Phòng A: reads and manages the Phòng's own staff, not its schools'.
        "secretary_office_a": make_user("khanh", tree["office_a"], Role.SECRETARY),
    }


# Digits are refused in a person's name (units.validation), so the factory spells its counter in given
# names, alternating two lists so that no word repeats: 1 -> "Bình", 10 -> "Bảo An", 112 -> "Bình Bảo Chi".
_NAME_DIGITS = (
    ("An", "Bình", "Chi", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"),
    ("Anh", "Bảo", "Cúc", "Duyên", "Hạnh", "Hương", "Lâm", "Loan", "Mai", "Nhung"),
)


def person_name_for(n: int) -> str:
    digits = str(n)
    words = [_NAME_DIGITS[(len(digits) - 1 - i) % 2][int(d)] for i, d in enumerate(digits)]
    return "Nguyễn Thị Thử " + " ".join(words)


@pytest.fixture
def person_factory(tree):
    counter = {"n": 0}

    def make(unit=None, **fields):
        counter["n"] += 1
        defaults = {
            "full_name": person_name_for(counter["n"]),
            "gender": Gender.FEMALE,
            "date_of_birth": datetime.date(1985, 1, 1) + datetime.timedelta(days=counter["n"]),
            "service_start": datetime.date(2008, 9, 1),
            "position": "Giáo viên",
        }
        defaults.update(fields)
        return person_create(by=None, unit=unit or tree["school_a1"], **defaults)

    return make


# --- services that check `by`: who acts, and proof that a refusal changed nothing ----------------

# For each capability a service requires on School A1: the persona who holds it there, one holding the
# same kind of role on the sibling School A2, and one inside A1 whose role does not grant it.
ACTORS = {
    "manage_people": ("secretary_a1", "secretary_a2", "council_a1"),
    "file": ("secretary_a1", "secretary_a2", "council_a1"),
    "edit_unit": ("head_a1", "head_a2", "council_a1"),
    "administer": ("admin_a1", "admin_a2", "head_a1"),
    "oversee": ("reviewer_a", "reviewer_b", "head_a1"),
    "superuser": ("superuser", "admin_dept", "head_a1"),
}


@pytest.fixture
def school_nomination(tree, personas, person_factory):
    """One nomination («Trần Thị Một», LDTT) in a year-end dossier of school A1, which has a place and a code for
    its documents: what the upload and fault tests attach evidence to."""
    from nominations import services as nomination_services
    from nominations.enums import RoundKind

    school = tree["school_a1"]
    school.locality, school.document_code = "Gia Lâm", "THA1"
    school.save()
    dossier = nomination_services.dossier_create(
        by=personas["secretary_a1"], unit=school, round_kind=RoundKind.YEAR_END, school_year=2025
    )
    return nomination_services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=person_factory(school, full_name="Trần Thị Một")
    )


@pytest.fixture
def actors(personas, tree):
    """The personas plus those the ACTORS table needs: school administrators of A1 and A2, A2's head, a superuser."""
    superuser = make_user("quan-tri-he-thong")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    return {
        **personas,
        "admin_a1": make_user("an", tree["school_a1"], Role.ADMINISTRATOR),
        "admin_a2": make_user("binh", tree["school_a2"], Role.ADMINISTRATOR),
        "head_a2": make_user("dao", tree["school_a2"], Role.HEAD),
        "superuser": superuser,
    }


def table_rows(*models) -> dict:
    """Every row of `models` and the size of their history tables: equal before and after a refused call."""
    rows = {}
    for model in models:
        rows[model._meta.label] = list(model.objects.order_by("pk").values())
        if hasattr(model, "history"):
            rows[f"{model._meta.label} history"] = model.history.count()
    return rows


def service_permission_tests(cases: dict, models: tuple, service_of):
    """The three tests of an app's table of services that check `by` (bind them to `test_…` names).

    `cases` maps a name to (capability key of ACTORS, act(world, by)); the app's `world` fixture builds
    what the acts need; `models` are compared before and after; `service_of(name)` finds the function.
    """

    @pytest.mark.parametrize("case", cases)
    def holder_succeeds(case, world, actors):
        cap, act = cases[case]
        before = table_rows(*models)
        act(world, actors[ACTORS[cap][0]])
        assert table_rows(*models) != before

    @pytest.mark.parametrize("who", [1, 2], ids=["sibling_school", "inside_without_the_right"])
    @pytest.mark.parametrize("case", cases)
    def others_refused_and_nothing_changes(case, who, world, actors):
        cap, act = cases[case]
        before = table_rows(*models)
        with pytest.raises(PermissionDenied):
            act(world, actors[ACTORS[cap][who]])
        assert table_rows(*models) == before

    @pytest.mark.parametrize("name", sorted({name.split(":")[0] for name in cases}))
    def by_is_a_keyword_without_default(name):
        parameter = inspect.signature(service_of(name)).parameters["by"]
        assert (parameter.kind, parameter.default) == (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.empty)

    return holder_succeeds, others_refused_and_nothing_changes, by_is_a_keyword_without_default


# --- the seeded demo province, shared by the slow walks (the permission matrix, the CSP crawl) -------------------
#
# Seeding the demo costs tens of seconds; the walks only read it (each test's own writes, and the targets it adds,
# are rolled back with the test's transaction). So it is seeded once, inside a transaction opened around every
# test that asks for `seeded_demo`, and rolled back right after the last of them: those tests run one after the
# other (pytest_collection_modifyitems above), and no other test ever sees the demo.

_DEMO: dict = {}


@pytest.fixture(scope="session")
def _seeded_demo_session(django_db_setup, django_db_blocker):
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    # The same settings the tests themselves run with: fast hashes; evidence files in memory, in one storage that
    # lives as long as the demo (the targets' and the demo's files must be found by the download pages).
    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}},
    )
    with django_db_blocker.unblock():
        overrides.enable()
        atomic = transaction.atomic()
        atomic.__enter__()
        _DEMO.update(atomic=atomic, overrides=overrides, blocker=django_db_blocker)
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            call_command("seed_demo", stdout=io.StringIO())
        except BaseException:
            _close_demo()
            raise
        finally:
            celery_app.conf.task_always_eager = eager
    yield
    _close_demo()


def _close_demo() -> None:
    """Roll the demo back and restore the settings (after the last test that uses it, or at the session's end)."""
    if not _DEMO:
        return
    from django.db import transaction

    state = dict(_DEMO)
    _DEMO.clear()
    with state["blocker"].unblock():
        transaction.set_rollback(True)
        state["atomic"].__exit__(None, None, None)
        state["overrides"].disable()


@pytest.fixture
def seeded_demo(_seeded_demo_session, db):
    """The demo province (`manage.py seed_demo`), seeded once for all the tests that ask for it; each test runs in
    its own savepoint, so it starts from the demo as seeded. The cache is emptied first: ids are the same from one
    test to the next, and nothing computed in an earlier test (and rolled back since) may be read again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if _DEMO and (nextitem is None or "seeded_demo" not in getattr(nextitem, "fixturenames", ())):
        _close_demo()
    return result
