"""TOTP (django-otp): enrolment with a real code computed from the key, the code asked at login, and
OTP_REQUIRED_ROLES sending an account of such a role to enrolment. No mock of the check."""

import pytest
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import ENROLMENT_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-123"
HOME = reverse("home")
SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")


def log_in(username):
    client = Client(REMOTE_ADDR="203.0.113.5")
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code(key_hex: str) -> str:
    """The code an authenticator app shows now for this key (RFC 6238, 30-second steps, 6 digits)."""
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def enrol(client) -> str:
    page = client.get(SETUP)
    assert page.status_code == 200
    key = client.session[ENROLMENT_KEY]
    response = client.post(SETUP, {"token": code(key)})
    assert response.status_code == 302
    return key


def test_enrolment_shows_a_qr_code_as_an_image_and_confirms_with_a_real_code(personas):
    client = log_in("alice")
    page = client.get(SETUP).content.decode()
    qr = client.get(reverse("accounts:otp_qr"))

    assert 'src="/tai-khoan/xac-thuc-hai-buoc/ma-qr.svg"' in page
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") and b"<script" not in qr.content
    assert TOTPDevice.objects.count() == 0  # showing the page saves nothing

    enrol(client)

    device = TOTPDevice.objects.get(user=personas["secretary_a1"])
    assert device.confirmed is True


def test_a_wrong_code_does_not_enrol(personas):
    client = log_in("alice")
    client.get(SETUP)
    key = client.session[ENROLMENT_KEY]
    wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"token": wrong})

    assert response.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in response.content.decode()
    assert TOTPDevice.objects.count() == 0


def test_once_enrolled_the_login_asks_for_the_code(personas):
    key = enrol(log_in("alice"))
    # The code used for enrolment cannot be used again: wait for the next step rather than reuse it.
    client = log_in("alice")

    assert client.get(HOME).url.startswith(VERIFY)
    assert client.get(reverse("accounts:login_activity") + "?a=1&b=2").url == VERIFY + (
        "?next=%2Ftai-khoan%2Fhoat-dong-dang-nhap%2F%3Fa%3D1%26b%3D2"
    )

    wrong = client.post(VERIFY, {"token": "000000" if code(key) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert client.get(HOME).status_code == 302

    # Travel past the enrolment's step (its code may not serve twice) and the throttle django-otp sets after
    # a wrong code (a growing delay): as after a minute, without sleeping.
    device = TOTPDevice.objects.get()
    device.last_t = -1
    device.throttling_failure_timestamp = None
    device.save(update_fields=["last_t", "throttling_failure_timestamp"])
    right = client.post(VERIFY, {"token": code(key), "next": reverse("accounts:login_activity")})

    assert right.status_code == 302
    assert right.url == reverse("accounts:login_activity")
    assert client.get(HOME).status_code == 200
    assert "Đang bật" in client.get(reverse("accounts:login_activity")).content.decode()


def test_the_same_code_cannot_be_used_twice(personas):
    key = enrol(log_in("alice"))
    client = log_in("alice")

    response = client.post(VERIFY, {"token": code(key)})  # the step the enrolment already used

    assert response.status_code == 200
    assert client.get(HOME).url.startswith(VERIFY)


def test_without_enrolment_and_without_required_roles_nothing_is_asked(personas):
    assert log_in("chi").get(HOME).status_code == 200


def test_required_roles_send_an_account_without_totp_to_enrolment(personas, settings):
    settings.OTP_REQUIRED_ROLES = ["reviewer", "council_member", "administrator"]

    reviewer = log_in("chi")
    secretary = log_in("alice")

    assert reviewer.get(HOME).url.startswith(SETUP)
    assert secretary.get(HOME).status_code == 200
    enrol(reviewer)
    assert reviewer.get(HOME).status_code == 200


def test_an_unknown_required_role_refuses_to_start(settings):
    settings.OTP_REQUIRED_ROLES = ["reviewr"]

    assert [e.id for e in run_checks() if e.id.startswith("accounts.")] == ["accounts.E001"]


def test_logout_stays_reachable_while_a_code_is_owed(personas):
    enrol(log_in("alice"))
    client = log_in("alice")

    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
