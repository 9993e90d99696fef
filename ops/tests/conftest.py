"""Session fixtures of the fault tests: each throwaway service starts once (ops/tests/faults.py)."""

import pytest
from django.db import connection

from ops.tests.faults import PostgresCluster, RedisServer, manage, portal_env


@pytest.fixture(scope="session")
def faults_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="session")
def _redis_server(faults_dir):
    server = RedisServer(faults_dir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_redis(_redis_server):
    """Our own redis-server, running and empty at the start of each test (a test may have stopped it)."""
    _redis_server.start()
    yield _redis_server
    _redis_server.start()


@pytest.fixture(scope="session")
def private_postgres(django_db_setup, django_db_blocker):
    """Our own PostgreSQL cluster with the portal's migrated schema and data in its `portal` database: a copy
    of pytest's test database when that is PostgreSQL (pg_dump | pg_restore, a few seconds), else migrated
    (a minute). The tests using it are marked django_db so that they run before the transactional tests,
    which empty the test database as they end."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        cluster.createdb("portal")
        with django_db_blocker.unblock():
            if connection.vendor == "postgresql":
                cluster.restore_from(connection.settings_dict)
            # A test database kept with --reuse-db after transactional tests has lost its migrated rows.
            if connection.vendor != "postgresql" or not cluster.sql("SELECT count(*) FROM awards_awardtype")[0][0]:
                cluster.sql("DROP DATABASE portal", name="postgres")
                cluster.createdb("portal")
                env = portal_env(DATABASE_URL=cluster.url(), SECRET_KEY="x" * 60)
                manage("migrate", "--noinput", "-v", "0", env=env)
        yield cluster
    finally:
        cluster.destroy()
