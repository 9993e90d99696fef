"""Expired sessions are cleared by the nightly beat task (nothing else removes them)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from units.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_the_nightly_task_deletes_expired_sessions_and_keeps_live_ones(client, personas):
    client.force_login(personas["secretary_a1"])  # a live session
    live = set(Session.objects.values_list("session_key", flat=True))
    Session.objects.create(
        session_key="het-han-" + "x" * 24, session_data="", expire_date=timezone.now() - datetime.timedelta(days=1)
    )

    clear_expired_sessions.apply()

    assert set(Session.objects.values_list("session_key", flat=True)) == live != set()
    assert client.get("/").status_code == 200  # still signed in


def test_the_task_is_scheduled_nightly_by_beat():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "units.clear_expired_sessions"]
    assert len(entries) == 1 and entries[0]["schedule"].hour == {3}
