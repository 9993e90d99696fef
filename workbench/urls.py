from django.urls import path

from . import views_dashboard

app_name = "workbench"

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
]
