import pytest
from django.db import connection

from core.db import analyze
from units.enums import UnitKind
from units.models import Unit


@pytest.mark.django_db
def test_analyze_refreshes_row_estimate_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE statistics exist only on PostgreSQL")
    before = Unit.objects.count()
    Unit.objects.bulk_create([Unit(name=f"Trường {i}", kind=UnitKind.SCHOOL, path=f"/h4/{i}/") for i in range(300)])
    analyze(Unit, Unit)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Unit._meta.db_table])
        (reltuples,) = cursor.fetchone()
    assert reltuples == before + 300


@pytest.mark.django_db
def test_analyze_is_a_noop_without_models():
    analyze()


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit():
    """A statement estimated past jit_above_cost would pay 15-25 ms of JIT compilation on every request."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
