"""Password change keeps this session and ends the others; disabling an account ends all of its sessions."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import AccountStatusChange
from units.enums import Role
from units.services import unit_role_grant, user_create

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-123"
HOME = reverse("home")


def logged_in_client(username, address="203.0.113.5"):
    client = Client(REMOTE_ADDR=address)
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_password_change_page_states_the_rules_in_vietnamese(personas):
    client = logged_in_client("alice")

    body = client.get(reverse("password_change")).content.decode()

    assert "Mật khẩu của bạn phải chứa ít nhất 8 ký tự." in body
    assert "Mật khẩu của bạn không được hoàn toàn bằng số." in body


def test_a_too_short_password_is_refused_in_vietnamese(personas):
    client = logged_in_client("alice")

    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "ab1", "new_password2": "ab1"}
    )

    assert response.status_code == 200
    assert "Mật khẩu này quá ngắn: cần ít nhất 8 ký tự." in response.content.decode()


def test_password_change_ends_every_other_session_and_keeps_this_one(personas):
    here = logged_in_client("alice")
    elsewhere = logged_in_client("alice", address="198.51.100.7")
    assert elsewhere.get(HOME).status_code == 200

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hoa-sen-nang-2025", "new_password2": "Hoa-sen-nang-2025"},
    )

    assert response.status_code == 302
    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME).url.startswith(reverse("login"))


def roles_page_admin(tree):
    admin = user_create(by=None, username="quantri-a1", password=PASSWORD)
    unit_role_grant(by=None, user=admin, unit=tree["school_a1"], role=Role.ADMINISTRATOR)
    return admin


def disable_url(tree, user):
    return reverse("accounts:set_active", kwargs={"pk": tree["school_a1"].pk, "user_pk": user.pk})


def test_disabling_an_account_ends_its_sessions_at_once_and_is_audited(tree, personas):
    roles_page_admin(tree)
    victim = logged_in_client("alice")
    phone = logged_in_client("alice", address="198.51.100.7")
    admin = logged_in_client("quantri-a1", address="192.0.2.1")

    response = admin.post(disable_url(tree, personas["secretary_a1"]))

    assert response.status_code == 302
    assert get_user_model().objects.get(username="alice").is_active is False
    assert victim.get(HOME).url.startswith(reverse("login"))
    assert phone.get(HOME).url.startswith(reverse("login"))
    change = AccountStatusChange.objects.get()
    assert (change.user.username, change.active, change.sessions_ended, change.by.username) == (
        "alice",
        False,
        2,
        "quantri-a1",
    )
    assert change.history.get().history_user.username == "quantri-a1"
    # The unit's auditors see it on the audit trail.
    assert "Khoá tài khoản alice" in logged_in_client("bao").get(reverse("audit:list")).content.decode()


def test_a_disabled_account_cannot_log_in(tree, personas):
    roles_page_admin(tree)
    admin = logged_in_client("quantri-a1", address="192.0.2.1")
    admin.post(disable_url(tree, personas["secretary_a1"]))

    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert "Tài khoản này đã bị khóa" in response.content.decode() or "không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_enabling_again(tree, personas):
    roles_page_admin(tree)
    admin = logged_in_client("quantri-a1", address="192.0.2.1")
    admin.post(disable_url(tree, personas["secretary_a1"]))

    admin.post(disable_url(tree, personas["secretary_a1"]), {"active": "1"})

    assert get_user_model().objects.get(username="alice").is_active is True
    assert logged_in_client("alice").get(HOME).status_code == 200


def test_a_school_administrator_cannot_disable_someone_with_a_role_above(tree, personas):
    roles_page_admin(tree)
    reviewer = personas["reviewer_a"]
    unit_role_grant(by=None, user=reviewer, unit=tree["school_a1"], role=Role.COUNCIL_MEMBER)
    admin = logged_in_client("quantri-a1", address="192.0.2.1")

    assert admin.post(disable_url(tree, reviewer)).status_code == 403
    assert admin.post(disable_url(tree, personas["secretary_a2"])).status_code == 404
    assert get_user_model().objects.filter(is_active=False).count() == 0


def test_no_one_without_administer_may_disable(tree, personas):
    head = logged_in_client("bao")
    sibling_secretary = logged_in_client("em")

    assert head.post(disable_url(tree, personas["secretary_a1"])).status_code == 403
    assert sibling_secretary.post(disable_url(tree, personas["secretary_a1"])).status_code == 404
    assert get_user_model().objects.get(username="alice").is_active is True
