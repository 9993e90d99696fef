"""Login throttling (django-axes): a username is locked from one address after AXES_FAILURE_LIMIT failures."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.lockout import client_ip

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
PASSWORD = "matkhau-thu-123"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def lock(client, username="alice"):
    for _ in range(5):
        response = attempt(client, username, "sai-mat-khau")
    return response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_username_from_that_address_with_a_vietnamese_page(personas, settings):
    settings.PORTAL_HELP_LINE = "Liên hệ: quản trị cổng của Sở, 0243 000 000."
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(4):
        assert attempt(client, "alice", "sai-mat-khau").status_code == 200

    response = attempt(client, "alice", "sai-mat-khau")

    body = response.content.decode()
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in body
    assert "Hãy thử lại sau" in body
    assert "Liên hệ: quản trị cổng của Sở, 0243 000 000." in body
    assert "Account locked" not in body and "try again" not in body


def test_the_page_says_when_the_lock_ends(personas):
    client = Client(REMOTE_ADDR="203.0.113.5")
    lock(client)
    last = AccessAttempt.objects.get(username="alice").attempt_time
    until = (last + datetime.timedelta(minutes=15)).astimezone(datetime.timezone(datetime.timedelta(hours=7)))

    body = attempt(client, "alice", "sai-mat-khau").content.decode()

    assert f"{until:%H:%M} ngày {until:%d/%m/%Y}" in body


def test_the_right_password_is_refused_while_locked(personas):
    client = Client(REMOTE_ADDR="203.0.113.5")
    lock(client)

    response = attempt(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_another_user_and_another_address_are_not_locked(personas):
    lock(Client(REMOTE_ADDR="203.0.113.5"))

    same_address = Client(REMOTE_ADDR="203.0.113.5")
    other_address = Client(REMOTE_ADDR="198.51.100.9")
    assert attempt(same_address, "bao", PASSWORD).status_code == 302
    assert logged_in(same_address)
    assert attempt(other_address, "alice", PASSWORD).status_code == 302
    assert logged_in(other_address)


def test_the_cool_off_ends_the_lock(personas):
    client = Client(REMOTE_ADDR="203.0.113.5")
    lock(client)
    # Travel 16 minutes ahead: the counted failures are as old as that.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16))

    response = attempt(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_login_resets_the_counter(personas):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(4):
        attempt(client, "alice", "sai-mat-khau")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert attempt(client, "alice", "sai-mat-khau").status_code == 200
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_the_address_is_read_behind_the_trusted_proxy(personas, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        proxy.post(LOGIN, {"username": "alice", "password": "x"}, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.1")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"]
    # Another client behind the same proxy is another address: not locked.
    other = proxy.post(LOGIN, {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302


def test_client_ip_falls_back_to_remote_addr_for_a_forged_non_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="192.0.2.4")) == "192.0.2.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None


def test_axes_reset_unlocks(personas):
    from django.core.management import call_command

    client = Client(REMOTE_ADDR="203.0.113.5")
    lock(client)

    call_command("axes_reset_username", "alice", stdout=open("/dev/null", "w"))

    assert attempt(client, "alice", PASSWORD).status_code == 302
