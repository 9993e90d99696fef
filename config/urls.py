from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from units import views as unit_views

admin.site.site_header = "Quản trị Cổng thi đua – khen thưởng"
admin.site.site_title = "Quản trị Cổng TĐKT"

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("vai-tro/", unit_views.switch_role, name="switch_role"),
    path("healthz", core_views.healthz, name="healthz"),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("don-vi/", include("units.urls")),
    path("khen-thuong/", include("awards.urls")),
    path("phong-trao/", include("campaigns.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("nhat-ky/", include("audit.urls")),
    path("quan-tri/", admin.site.urls),
]
