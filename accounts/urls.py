from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("hoat-dong-dang-nhap/", views.login_activity, name="login_activity"),
    path("xac-thuc-hai-buoc/", views.otp_setup, name="otp_setup"),
    path("xac-thuc-hai-buoc/ma-qr.svg", views.otp_qr, name="otp_qr"),
    path("xac-thuc-hai-buoc/nhap-ma/", views.otp_verify, name="otp_verify"),
    path("xac-thuc-hai-buoc/ma-du-phong/", views.backup_codes, name="backup_codes"),
    path("don-vi/<int:pk>/tai-khoan/<int:user_pk>/trang-thai/", views.account_set_active, name="set_active"),
]
