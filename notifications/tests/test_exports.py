""" "Xuất Excel" of one's own notifications (core.exports): only the user's, filtered like the page."""

import pytest
from django.urls import reverse

from core.tests.export_helpers import cells, column, export_of, page_values, preamble
from notifications.models import Notification

FORMULA = '=HYPERLINK("http://x","A")'


def test_notification_export_is_the_filtered_page_and_only_ones_own(client, personas):
    Notification.objects.create(user=personas["secretary_a1"], message="Hồ sơ đã được duyệt")
    Notification.objects.create(user=personas["secretary_a1"], message="Đăng ký bị trả lại")
    Notification.objects.create(user=personas["secretary_a2"], message="Hồ sơ của trường bạn")
    client.force_login(personas["secretary_a1"])
    url = reverse("notifications:list")
    response = export_of(client, url, "q=hồ sơ")
    assert column(response, "Nội dung") == ["Hồ sơ đã được duyệt"]
    assert column(response, "Nội dung") == page_values(client, url, "q=hồ sơ", lambda n: n.message)
    assert preamble(response)[1] == "Bộ lọc: Nội dung: hồ sơ"


def test_notification_export_formula_message_stays_text(client, personas):
    Notification.objects.create(user=personas["head_a1"], message=FORMULA)
    client.force_login(personas["head_a1"])
    [message] = cells(export_of(client, reverse("notifications:list")), "Nội dung")
    assert (message.value, message.data_type) == (FORMULA, "s")


@pytest.mark.parametrize("count", [1, 40])
def test_notification_export_query_count_constant(client, personas, count, django_assert_max_num_queries):
    Notification.objects.bulk_create(Notification(user=personas["head_a1"], message=f"Tin {n}") for n in range(count))
    client.force_login(personas["head_a1"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("notifications:list"))
    assert len(column(response, "Nội dung")) == count
