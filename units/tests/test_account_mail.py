"""Account mail (invitation, «Quên mật khẩu») leaves through the notifications outbox, never inside the request."""

import ast
import datetime
import pathlib
import re
from smtplib import SMTPException
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.enums import MailStatus
from notifications.models import OutgoingMail
from notifications.services import outbox_sweep
from units.services import unit_role_grant_by_username

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def test_password_reset_with_smtp_down_succeeds_and_the_outbox_sends_it_later(
    client, db, django_capture_on_commit_callbacks
):
    get_user_model().objects.create_user(username="lan", password="matkhau-cu-123", email="lan@truong.edu.vn")
    mail.outbox.clear()
    smtp_down = mock.patch(LOCMEM_SEND, side_effect=SMTPException("421 máy chủ thư ngừng phục vụ"))
    with smtp_down as smtp, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "lan@truong.edu.vn"})
    assert smtp.call_count == 1  # tried once (eager worker), after the outbox row was written
    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    row = OutgoingMail.objects.get()
    assert (row.to, row.status, row.reference, row.last_error) == (
        "lan@truong.edu.vn",
        MailStatus.PENDING,
        f"password_reset:{get_user_model().objects.get().pk}",
        "SMTPException: 421 máy chủ thư ngừng phục vụ",
    )
    assert mail.outbox == []

    assert outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=30)) == 1  # SMTP is back

    row.refresh_from_db()
    assert row.status == MailStatus.SENT
    assert [(m.to, "Đặt lại mật khẩu" in m.subject) for m in mail.outbox] == [(["lan@truong.edu.vn"], True)]
    link = re.search(r"http://testserver(/tai-khoan/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    assert "Đặt mật khẩu mới" in client.get(form_url).content.decode()  # the delayed link still works


def test_password_reset_for_an_unknown_address_queues_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "khong-co@truong.edu.vn"})
    assert response.status_code == 302
    assert OutgoingMail.objects.count() == 0


def test_invitation_rolled_back_with_the_account_leaves_no_mail(personas, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            unit_role_grant_by_username(
                username="thuky-moi",
                unit=tree["school_a1"],
                role="secretary",
                email="moi@truong.edu.vn",
                base_url="http://testserver",
                by=personas["admin_dept"],
            )
            assert OutgoingMail.objects.filter(reference__startswith="account_invitation:").count() == 1
            raise RuntimeError

    assert OutgoingMail.objects.count() == 0
    assert mail.outbox == []


def test_units_imports_no_other_portal_app():
    """units is the bottom of the app graph: its mail goes out through a signal, not an import of notifications."""
    others = {"notifications", "campaigns", "awards", "nominations", "audit"}
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in others]
    assert offenders == []


def test_outbox_admin_never_shows_a_password_link_and_is_for_superusers_only(client, db):
    User = get_user_model()
    user = User.objects.create_user(username="lan", password="matkhau-cu-123", email="lan@truong.edu.vn")
    client.post(reverse("password_reset"), {"email": "lan@truong.edu.vn"})
    row = OutgoingMail.objects.get()
    assert "/tai-khoan/reset/" in row.body
    staff = User.objects.create_user(username="vanhanh", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    url = reverse("admin:notifications_outgoingmail_change", args=[row.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(User.objects.create_superuser(username="sieu", password="x", email="s@x.vn"))
    response = client.get(url)
    assert response.status_code == 200
    assert "/tai-khoan/reset/" not in response.content.decode()
    assert user.email in response.content.decode()
