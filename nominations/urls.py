from django.urls import path

from . import views, views_decisions, views_inbox, views_notice, views_report, views_rollup

app_name = "nominations"

urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("gui-den/", views_inbox.inbox_view, name="inbox"),
    path("<int:pk>/tham-dinh-hang-loat/", views_inbox.dossier_bulk_review, name="dossier_bulk_review"),
    path("them/", views.dossier_create, name="dossier_create"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/sua/", views.dossier_edit, name="dossier_edit"),
    path("<int:pk>/chuyen/", views.dossier_transition, name="dossier_transition"),
    path("<int:pk>/de-nghi/them/", views.nomination_add, name="nomination_add"),
    path("<int:pk>/de-nghi/tu-dang-ky/", views.nominations_from_registration, name="nominations_from_registration"),
    path("<int:pk>/tong-hop/", views_rollup.dossier_rollup, name="dossier_rollup"),
    path("de-nghi/<int:pk>/qua-trinh/", views_rollup.nomination_path, name="nomination_path"),
    path("de-nghi/<int:pk>/sua/", views.nomination_edit, name="nomination_edit"),
    path("de-nghi/<int:pk>/chuyen/", views.nomination_transition, name="nomination_transition"),
    path("de-nghi/<int:pk>/y-kien/", views.nomination_override, name="nomination_override"),
    path("de-nghi/<int:pk>/minh-chung/", views.attachment_upload, name="attachment_upload"),
    path("minh-chung/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("quyet-dinh/", views_decisions.decision_list, name="decision_list"),
    path("<int:pk>/quyet-dinh/them/", views_decisions.decision_create, name="decision_create"),
    path("quyet-dinh/<int:pk>/", views_decisions.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/thu-hoi/", views_decisions.decision_revoke, name="decision_revoke"),
    path("quyet-dinh/<int:pk>/excel/", views_decisions.decision_export, {"fmt": "xlsx"}, name="decision_xlsx"),
    path("quyet-dinh/<int:pk>/json/", views_decisions.decision_export, {"fmt": "json"}, name="decision_json"),
    path("de-nghi/<int:pk>/bao-cao/", views_report.report_detail, name="report_detail"),
    path("de-nghi/<int:pk>/bao-cao/sua/", views_report.report_edit, name="report_edit"),
    path("de-nghi/<int:pk>/bao-cao/lam-moi/", views_report.report_refresh, name="report_refresh"),
    path("<int:pk>/nhap-excel/", views_report.import_upload, name="import_upload"),
    path("nhap-excel/mau/", views_report.import_template, name="import_template"),
    path("cong-khai/", views_notice.notice_list, name="notice_list"),
    path("cong-khai/don-vi/<int:unit_pk>/them/", views_notice.notice_create, name="notice_create"),
    path("cong-khai/<int:pk>/", views_notice.notice_detail, name="notice_detail"),
    path("cong-khai/<int:pk>/go-xuong/", views_notice.notice_withdraw, name="notice_withdraw"),
    path("phan-anh/", views_notice.objection_list, name="objection_list"),
    path("phan-anh/<int:pk>/xu-ly/", views_notice.objection_resolve, name="objection_resolve"),
    path("cong-khai/xem/<str:token>/", views_notice.notice_public, name="notice_public"),
]
