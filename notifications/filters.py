import django_filters
from django import forms

from .models import Notification

YES_NO = forms.Select(choices=[("", "Tất cả"), ("true", "Có"), ("false", "Không")])


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label="Chưa đọc", field_name="read_at", lookup_expr="isnull", widget=YES_NO)
    q = django_filters.CharFilter(label="Nội dung", field_name="message", lookup_expr="icontains")
    o = django_filters.OrderingFilter(
        fields=(("created_at", "created_at"),),
        field_labels={"created_at": "Thời gian"},
        label="Sắp xếp",
        empty_label="Mặc định",
    )

    class Meta:
        model = Notification
        fields = ["unread", "q"]
