"""Tasks through a real Celery worker on Redis (started by .ci/run).

The worker reads the test database (test_portal), so these tests commit their
rows (`transaction=True`) before sending a task. Without REDIS_URL there is no
worker to talk to and the tests are skipped; .ci/run always sets it.
"""

import pytest
from celery.result import EagerResult
from django.conf import settings

from config.celery import app as celery_app
from units.enums import UnitKind
from units.services import person_update, unit_create
from units.tasks import count_active_people

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL is not set: no Redis broker and no real Celery worker (run .ci/run for these tests)",
    ),
]

RESULT_TIMEOUT = 30  # seconds; the first task also pays for the worker's first database connection


def test_settings_use_redis_when_redis_url_is_set():
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert settings.CELERY_RESULT_BACKEND == settings.REDIS_URL
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert celery_app.conf.broker_url.startswith("redis://")


def test_worker_answers_ping():
    replies = celery_app.control.ping(timeout=5)
    assert replies, "no Celery worker answered the ping; start one (see .ci/run)"
    assert all(reply == {"ok": "pong"} for answer in replies for reply in answer.values())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_count_active_people_through_worker_matches_database(tree, personas, person_factory):
    school = tree["school_a1"]
    for _ in range(3):
        person_factory(unit=school)
    person_factory(unit=tree["team_a1"])  # subtree counts
    gone = person_factory(unit=school)
    person_update(by=None, person=gone, is_active=False)
    person_factory(unit=tree["school_a2"])  # sibling does not

    result = count_active_people.delay(unit_id=school.pk, user_id=personas["head_a1"].pk)

    assert not isinstance(result, EagerResult), "the task ran in-process instead of on the worker"
    assert result.get(timeout=RESULT_TIMEOUT) == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_count_active_people_through_worker_missing_unit_is_none():
    unit = unit_create(by=None, name="Sở GD&ĐT Tạm", kind=UnitKind.DEPARTMENT)
    missing_id = unit.pk + 1000

    result = count_active_people.delay(unit_id=missing_id, user_id=0)

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=RESULT_TIMEOUT) is None
