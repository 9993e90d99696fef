from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import PortalPasswordChangeForm
from core import views as core_views
from units import views as unit_views
from units.forms import PortalAuthenticationForm, PortalPasswordResetForm
from workbench import views as workbench_views

admin.site.site_header = "Quản trị Cổng thi đua – khen thưởng"
admin.site.site_title = "Quản trị Cổng TĐKT"

urlpatterns = [
    path("", workbench_views.home, name="home"),
    path("bang-dieu-khien/", include("workbench.urls")),
    path("vai-tro/", unit_views.switch_role, name="switch_role"),
    path("healthz", core_views.healthz, name="healthz"),
    # Django's login view with the portal's own Vietnamese messages (units.forms.PortalAuthenticationForm).
    path(
        "tai-khoan/login/",
        auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    # «Quên mật khẩu» also reaches accounts invited without a password (Django's own view, portal form).
    path(
        "tai-khoan/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PortalPasswordResetForm),
        name="password_reset",
    ),
    # Django's password change with the rules on the page (accounts.forms.PortalPasswordChangeForm).
    path(
        "tai-khoan/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=PortalPasswordChangeForm),
        name="password_change",
    ),
    path("tai-khoan/", include("accounts.urls")),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("don-vi/", include("units.urls")),
    path("khen-thuong/", include("awards.urls")),
    path("phong-trao/", include("campaigns.urls")),
    path("ho-so-de-nghi/", include("nominations.urls")),
    path("hoi-dong/", include("councils.urls")),
    path("tim-kiem/", include("search.urls")),
    path("van-ban/", include("documents.urls")),
    path("bao-cao/", include("reports.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("nhat-ky/", include("audit.urls")),
    path("quan-tri/", admin.site.urls),
]

# The database unreachable or the disk full: a Vietnamese 503 page with Retry-After, not the 500 (core/errors.py).
handler500 = "core.errors.server_error"
