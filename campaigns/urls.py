from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("them/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/sua/", views.campaign_edit, name="edit"),
    path("<int:pk>/phat-dong/", views.campaign_launch, name="launch"),
    path("<int:pk>/phat-dong/xac-nhan/", views.campaign_launch_confirm, name="launch_confirm"),
    path("<int:pk>/dot/them/", views.phase_create, name="phase_create"),
    path("dot/<int:pk>/sua/", views.phase_edit, name="phase_edit"),
    path("<int:pk>/khen-thuong/them/", views.award_add, name="award_add"),
    path("khen-thuong/<int:pk>/bo/", views.award_remove, name="award_remove"),
    path("<int:pk>/han/them/", views.deadline_add, name="deadline_add"),
    path("han/<int:pk>/xoa/", views.deadline_remove, name="deadline_remove"),
    path("han/<int:pk>/mo-lai/", views.deadline_extend, name="deadline_extend"),
    path("han/<int:pk>/da-gui/<int:unit_pk>/", views.deadline_complete, name="deadline_complete"),
    path("<int:pk>/dang-ky/<int:unit_pk>/", views.registration_edit, name="registration_edit"),
    path("<int:pk>/dang-ky/<int:unit_pk>/kiem-tra/", views.registration_line_check, name="registration_line_check"),
    path("dang-ky/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("dang-ky/<int:pk>/chuyen/", views.registration_transition, name="registration_transition"),
    path("<int:pk>/tong-hop/", views.registration_overview, name="registration_overview"),
    path("<int:pk>/tong-hop/xuat.xlsx", views.registration_export, name="registration_export"),
    path("giao-uoc/", views.compact_list, name="compact_list"),
    path("giao-uoc/them/", views.compact_create, name="compact_create"),
    path("giao-uoc/<int:pk>/", views.compact_detail, name="compact_detail"),
    path("lich/", views.calendar, name="calendar"),
]
