from django.urls import path

from . import views

app_name = "councils"
urlpatterns = [
    path("", views.council_list, name="council_list"),
    path("lap-moi/<int:unit_pk>/", views.council_create, name="council_create"),
    path("<int:pk>/", views.council_detail, name="council_detail"),
    path("<int:pk>/thanh-vien/", views.member_add, name="member_add"),
    path("<int:pk>/quy-tac/", views.council_rules, name="council_rules"),
    path("thanh-vien/<int:pk>/bot/", views.member_remove, name="member_remove"),
    path("<int:pk>/phien-hop/", views.meeting_create, name="meeting_create"),
    path("phien-hop/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("phien-hop/<int:pk>/diem-danh/", views.meeting_attendance, name="meeting_attendance"),
    path("phien-hop/<int:pk>/noi-dung/", views.meeting_agenda, name="meeting_agenda"),
    path("phien-hop/<int:pk>/vong-moi/", views.round_create, name="round_create"),
    path("phien-hop/<int:pk>/ket-thuc/", views.meeting_end, name="meeting_end"),
    path("vong/<int:pk>/", views.round_detail, name="round_detail"),
    path("vong/<int:pk>/thao-tac/", views.round_transition, name="round_transition"),
    path("vong/<int:pk>/tien-do/", views.round_progress, name="round_progress"),
    path("vong/<int:pk>/phieu/", views.ballot, name="ballot"),
    path("vong/<int:pk>/bien-nhan/", views.receipt, name="receipt"),
    path("vong/<int:pk>/phieu-giay/", views.paper_count, name="paper_count"),
    path("phieu-giay/<int:pk>/xac-nhan/", views.paper_confirm, name="paper_confirm"),
]
