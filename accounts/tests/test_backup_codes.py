"""Backup codes for a lost phone: made at TOTP enrolment, shown once, each good for one login, stored only as
keyed digests, replaced as a set. Real codes and real django-otp devices; nothing mocked."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.services import BACKUP_CODES_COUNT, ENROLMENT_KEY, backup_code_digest, backup_codes_generate

from .test_otp import HOME, SETUP, VERIFY, code, log_in

pytestmark = pytest.mark.django_db

CODES = reverse("accounts:backup_codes")
CODE_RE = re.compile(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


def enrol_and_read_codes(client) -> list[str]:
    client.get(SETUP)
    key = client.session[ENROLMENT_KEY]
    response = client.post(SETUP, {"token": code(key), "next": reverse("accounts:login_activity")})
    assert response.status_code == 302 and response.url.startswith(CODES)
    page = client.get(response.url).content.decode()
    codes = CODE_RE.findall(page)
    assert 'href="/tai-khoan/hoat-dong-dang-nhap/"' in page  # «tiếp tục» to where enrolment was going
    return codes


def test_enrolment_shows_ten_codes_once_and_stores_only_digests(personas):
    client = log_in("alice")

    codes = enrol_and_read_codes(client)

    assert len(codes) == BACKUP_CODES_COUNT == len(set(codes))
    stored = set(StaticToken.objects.filter(device__user=personas["secretary_a1"]).values_list("token", flat=True))
    assert stored == {backup_code_digest(personas["secretary_a1"], c) for c in codes}
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    again = client.get(CODES).content.decode()
    assert CODE_RE.findall(again) == []
    assert "còn <strong>10</strong> trên 10 mã" in again


def test_a_backup_code_logs_in_once_whatever_its_spelling(personas):
    codes = enrol_and_read_codes(log_in("alice"))
    first = codes[0]

    client = log_in("alice")
    assert client.get(HOME).url.startswith(VERIFY)
    typed = " " + first.upper().replace("-", " - ") + " "
    response = client.post(VERIFY, {"token": typed}, follow=True)

    assert response.redirect_chain[-1][0] == HOME
    assert "còn 9 mã" in response.content.decode()
    assert client.get(HOME).status_code == 200

    again = log_in("alice")
    refused = again.post(VERIFY, {"token": first})
    assert refused.status_code == 200
    assert "Mã dự phòng không đúng hoặc đã được dùng." in refused.content.decode()
    assert again.get(HOME).url.startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=personas["secretary_a1"]).count() == 9


def test_a_code_of_another_account_does_not_log_in(personas):
    alice_codes = enrol_and_read_codes(log_in("alice"))
    enrol_and_read_codes(log_in("chi"))

    client = log_in("chi")
    response = client.post(VERIFY, {"token": alice_codes[0]})

    assert response.status_code == 200
    assert client.get(HOME).url.startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=personas["secretary_a1"]).count() == 10


def test_a_new_set_replaces_the_old_codes(personas):
    client = log_in("alice")
    old = enrol_and_read_codes(client)

    response = client.post(CODES, follow=True)
    new = CODE_RE.findall(response.content.decode())

    assert len(new) == 10 and not set(new) & set(old)
    refused = log_in("alice").post(VERIFY, {"token": old[1]})
    assert "Mã dự phòng không đúng hoặc đã được dùng." in refused.content.decode()
    # django-otp now throttles the device for a second after the wrong code: as a moment later, unslept.
    StaticDevice.objects.filter(user=personas["secretary_a1"]).update(throttling_failure_timestamp=None)
    assert log_in("alice").post(VERIFY, {"token": new[1]}).status_code == 302


def test_malformed_input_is_told_apart_from_a_wrong_code(personas):
    enrol_and_read_codes(log_in("alice"))
    client = log_in("alice")

    response = client.post(VERIFY, {"token": "abc"})

    assert "mã dự phòng gồm 10 chữ và số" in response.content.decode()
    assert StaticToken.objects.filter(device__user=personas["secretary_a1"]).count() == 10


def test_without_totp_there_are_no_backup_codes(personas):
    client = log_in("chi")

    response = client.get(CODES)
    posted = client.post(CODES)

    assert response.url == SETUP and posted.url == SETUP
    assert StaticToken.objects.count() == 0


def test_the_activity_page_counts_the_remaining_codes(personas):
    client = log_in("alice")
    enrol_and_read_codes(client)
    backup_codes_generate(user=personas["secretary_a1"])

    page = client.get(reverse("accounts:login_activity")).content.decode()

    assert "còn 10 mã" in page and 'href="/tai-khoan/xac-thuc-hai-buoc/ma-du-phong/"' in page
