from django.urls import path

from . import views, views_routes

app_name = "awards"

urlpatterns = [
    path("", views.catalog_list, name="catalog"),
    path("danh-muc/<int:pk>/", views.catalog_detail, name="catalog_detail"),
    path("tra-cuu/", views.people_search, name="people_search"),
    path("ca-nhan/<int:pk>/", views.person_history, name="person_history"),
    path("ca-nhan/<int:pk>/kiem-tra/", views.person_check, name="person_check"),
    path("don-vi/<int:pk>/", views.unit_history, name="unit_history"),
    path("don-vi/<int:pk>/kiem-tra/", views.unit_check, name="unit_check"),
    path("don-vi/<int:pk>/khen-thuong.xlsx", views.unit_records_export, name="unit_records_export"),
    path("don-vi/<int:unit_pk>/sang-kien/", views.initiative_list, name="initiative_list"),
    path("don-vi/<int:unit_pk>/sang-kien/them/", views.initiative_create, name="initiative_create"),
    path("don-vi/<int:unit_pk>/nhap/<slug:kind>/", views.history_import, name="history_import"),
    path("don-vi/<int:unit_pk>/xep-loai/", views.evaluation_grid, name="evaluation_grid"),
    path("don-vi/<int:unit_pk>/quyet-dinh/them/", views.decision_create, name="decision_create"),
    path("ca-nhan/<int:person_pk>/ky-luat/them/", views.discipline_create, name="discipline_create"),
    path("ky-luat/<int:pk>/ket-thuc/", views.discipline_end, name="discipline_end"),
    path("ky-luat/<int:pk>/xoa/", views.discipline_delete, name="discipline_delete"),
    path("ca-nhan/<int:person_pk>/qua-trinh/them/", views.service_period_create, name="service_period_create"),
    path("qua-trinh/<int:pk>/xoa/", views.service_period_delete, name="service_period_delete"),
    path("mau-nhap/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("sang-kien/", views.initiative_home, name="initiative_home"),
    path("sang-kien/<int:pk>/sua/", views.initiative_edit, name="initiative_edit"),
    path("sang-kien/<int:pk>/cong-nhan/", views.initiative_recognise, name="initiative_recognise"),
    path("ho-so/<int:pk>/thu-hoi/", views.record_revoke, name="record_revoke"),
    path("don-vi/<int:pk>/tuyen-trinh/", views_routes.route_list, name="route_list"),
    path("don-vi/<int:pk>/tuyen-trinh/them/", views_routes.route_create, name="route_create"),
    path("tuyen-trinh/<int:pk>/ket-thuc/", views_routes.route_end, name="route_end"),
    path("tuyen-trinh/<int:pk>/thay-the/", views_routes.route_supersede, name="route_supersede"),
]
