from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_home, name="home"),
    path("don-vi/<int:unit_pk>/tong-hop.xlsx", views.unit_summary_xlsx, name="unit_summary_xlsx"),
    path("don-vi/<int:unit_pk>/thong-ke-tdkt.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
]
