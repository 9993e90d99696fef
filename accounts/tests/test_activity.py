"""«Hoạt động đăng nhập gần đây»: the user's own login attempts, and their purge after N days."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginEvent
from accounts.selectors import browser_label
from accounts.tasks import purge_login_events

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-123"
URL = reverse("accounts:login_activity")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def test_the_page_lists_own_successes_and_failures_with_time_ip_and_browser(personas):
    Client(REMOTE_ADDR="198.51.100.4").post(reverse("login"), {"username": "alice", "password": "sai"})
    Client(REMOTE_ADDR="198.51.100.9").post(reverse("login"), {"username": "bao", "password": PASSWORD})
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=CHROME)
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    body = client.get(URL).content.decode()

    rows = body.split('id="login-activity"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 3  # the header and alice's two attempts; not bao's login
    assert "203.0.113.5" in rows and "198.51.100.4" in rows and "198.51.100.9" not in rows
    assert "Chrome 131 – Windows" in rows
    assert "Thành công" in rows and "Sai mật khẩu hoặc bị từ chối" in rows
    now = timezone.localtime()
    assert f"{now:%d/%m/%Y}" in rows


def test_the_header_menu_links_to_the_page(personas):
    client = Client()
    client.force_login(personas["secretary_a1"])

    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_a_failure_for_an_unknown_username_belongs_to_no_one(personas):
    Client().post(reverse("login"), {"username": "khong-ton-tai", "password": "x"})

    assert LoginEvent.objects.count() == 0


def test_the_page_costs_the_same_queries_for_one_and_many_events(personas, django_assert_max_num_queries):
    client = Client()
    client.force_login(personas["secretary_a1"])
    client.get(URL)
    with django_assert_max_num_queries(12) as one:
        client.get(URL)
    LoginEvent.objects.bulk_create(
        [LoginEvent(user=personas["secretary_a1"], at=timezone.now(), succeeded=False) for _ in range(30)]
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(URL)


def test_old_events_are_purged_after_the_retention(personas, settings):
    settings.LOGIN_EVENT_RETENTION_DAYS = 90
    user = personas["secretary_a1"]
    now = timezone.now()
    LoginEvent.objects.bulk_create(
        [
            LoginEvent(user=user, at=now - datetime.timedelta(days=91), succeeded=True),
            LoginEvent(user=user, at=now - datetime.timedelta(days=89), succeeded=True),
        ]
    )

    assert purge_login_events.delay().get() == 1
    assert [e.at for e in LoginEvent.objects.all()] == [now - datetime.timedelta(days=89)]


def test_the_purge_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["accounts-purge-login-events"]["task"] == "accounts.purge_login_events"


@pytest.mark.parametrize(
    "agent,label",
    [
        (CHROME, "Chrome 131 – Windows"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 – Linux"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17 – iPhone",
        ),
        ("", "Không rõ"),
        ("x" * 80, "x" * 60 + "…"),
    ],
)
def test_browser_label(agent, label):
    assert browser_label(agent) == label
