import re

from django.core import mail
from django.urls import reverse

from units.forms import PortalAuthenticationForm
from units.services import user_create


def test_login_page_is_vietnamese(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in body and "Quên mật khẩu?" in body
    assert 'lang="vi"' in body


def test_wrong_password_message_is_vietnamese(client, db):
    user_create(by=None, username="lan", password="matkhau-dung-123")
    response = client.post(reverse("login"), {"username": "lan", "password": "sai"})
    assert response.status_code == 200
    # The portal's own sentence (units.forms.PortalAuthenticationForm), not Django's stock translation.
    assert response.context["form"].non_field_errors() == [PortalAuthenticationForm.error_messages["invalid_login"]]
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "mật khẩu chính xác" not in response.content.decode()


def test_logout_needs_post_and_ends_session(client, db):
    user = user_create(by=None, username="lan", password="matkhau-dung-123")
    client.force_login(user)
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, db):
    user = user_create(by=None, username="lan", password="matkhau-cu-123")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "matkhau-cu-123", "new_password1": "Hoa-sen-moi-2025", "new_password2": "Hoa-sen-moi-2025"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hoa-sen-moi-2025")


def test_password_reset_sends_vietnamese_mail_and_link_works(client, db, django_capture_on_commit_callbacks):
    user = user_create(by=None, username="lan", password="matkhau-cu-123", email="lan@truong.edu.vn")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post(reverse("password_reset"), {"email": "lan@truong.edu.vn"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Hoa-sen-moi-2025", "new_password2": "Hoa-sen-moi-2025"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hoa-sen-moi-2025")


def test_date_format_is_dd_mm_yyyy(client, personas, person_factory, tree):
    import datetime

    person = person_factory(date_of_birth=datetime.date(1985, 3, 5))
    client.force_login(personas["secretary_a1"])
    body = client.get(reverse("units:person_detail", kwargs={"pk": person.pk})).content.decode()
    assert "05/03/1985" in body


# --- first login of an account created from the roles page --------------------------------------------------


def _grant_new_account(client, personas, tree, django_capture_on_commit_callbacks):
    client.force_login(personas["admin_dept"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("units:roles", kwargs={"pk": tree["school_a1"].pk}),
            {"username": "thuky-moi", "full_name": "Đỗ Thị Mới", "email": "moi@truong.edu.vn", "role": "secretary"},
        )
    assert response.status_code == 302
    client.logout()


def test_new_account_gets_an_invitation_and_sets_its_password(
    client, personas, tree, django_capture_on_commit_callbacks
):
    _grant_new_account(client, personas, tree, django_capture_on_commit_callbacks)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["moi@truong.edu.vn"], "Mời đăng nhập Cổng thi đua – khen thưởng")
    ]
    link = re.search(r"http://testserver(/tai-khoan/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    assert "Đặt mật khẩu mới" in client.get(form_url).content.decode()
    client.post(form_url, {"new_password1": "Hoa-sen-moi-2025", "new_password2": "Hoa-sen-moi-2025"})
    # Through the login page (django-axes checks every login against its request).
    signed_in = client.post(reverse("login"), {"username": "thuky-moi", "password": "Hoa-sen-moi-2025"})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    # The link is spent once the password is set.
    client.logout()
    assert "Đường dẫn không còn hiệu lực" in client.get(link, follow=True).content.decode()


def test_password_reset_reaches_an_account_that_never_had_a_password(
    client, personas, tree, django_capture_on_commit_callbacks
):
    _grant_new_account(client, personas, tree, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "MOI@truong.edu.vn"})
    assert [m.to for m in mail.outbox] == [["moi@truong.edu.vn"]]
    assert "/tai-khoan/reset/" in mail.outbox[0].body
