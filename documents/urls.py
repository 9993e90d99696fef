from django.urls import path

from . import views, views_verify

app_name = "documents"

urlpatterns = [
    path("<slug:kind>/<int:object_id>/tao/", views.document_request, name="request"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/tai-ve/", views.document_download, name="download"),
    path("xac-thuc/", views_verify.verify_lookup, name="verify_lookup"),
    path("xac-thuc/<str:code>/", views_verify.verify, name="verify"),
]
