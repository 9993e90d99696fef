from django.urls import path

from . import views, views_numbering, views_signing, views_verify

app_name = "documents"

urlpatterns = [
    path("<slug:kind>/<int:object_id>/tao/", views.document_request, name="request"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/tai-ve/", views.document_download, name="download"),
    path("cap-so/<slug:kind>/<int:object_id>/", views_numbering.number_allocate, name="number_allocate"),
    path("<int:pk>/ky-so/", views_signing.document_sign, name="sign"),
    path("<int:pk>/ban-quet/", views_signing.scan_upload, name="scan_upload"),
    path("ban-quet/<int:pk>/tai-ve/", views_signing.scan_download, name="scan_download"),
    path("xac-thuc/", views_verify.verify_lookup, name="verify_lookup"),
    path("xac-thuc/<str:code>/", views_verify.verify, name="verify"),
]
