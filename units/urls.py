from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/sua/", views.unit_edit, name="edit"),
    path("<int:pk>/vai-tro/", views.unit_role_list, name="roles"),
    path("<int:pk>/them-don-vi/", views.unit_child_create, name="child_create"),
    path("<int:pk>/chuyen/", views.unit_move, name="move"),
    path("<int:pk>/vai-tro/<int:role_pk>/thu-hoi/", views.unit_role_revoke, name="role_revoke"),
    path("<int:unit_pk>/ca-nhan/them/", views.person_create, name="person_create"),
    path("<int:unit_pk>/ca-nhan/nhap/", views.people_import_view, name="people_import"),
    path("<int:unit_pk>/ca-nhan/xuat/", views.people_export_view, name="people_export"),
    path("chon-don-vi/", views.unit_picker, name="picker"),
    path("ca-nhan/", views.person_list, name="person_list"),
    path("ca-nhan/mau-nhap.xlsx", views.people_template_view, name="people_template"),
    path("ca-nhan/<int:pk>/", views.person_detail, name="person_detail"),
    path("ca-nhan/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("ca-nhan/<int:pk>/dieu-chuyen/", views.person_transfer, name="person_transfer"),
    path("khoi-thi-dua/", views.block_list, name="block_list"),
    path("khoi-thi-dua/tao/", views.block_create, name="block_create"),
    path("khoi-thi-dua/<int:pk>/", views.block_detail, name="block_detail"),
    path("khoi-thi-dua/<int:pk>/sua/", views.block_edit, name="block_edit"),
]
