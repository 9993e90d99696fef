import pytest
from django.urls import reverse

from notifications import services

pytestmark = pytest.mark.django_db


def test_notifications_own_only_and_mark_read(client, personas):
    mine = services.notify(users=[personas["secretary_a1"]], message="Nhắc hạn A", url="/phong-trao/")[0]
    other = services.notify(users=[personas["secretary_a2"]], message="Nhắc hạn B")[0]
    client.force_login(personas["secretary_a1"])

    response = client.get(reverse("notifications:list"))
    read_other = client.post(reverse("notifications:read"), {"id": other.pk})
    read_mine = client.post(reverse("notifications:read"), {"id": mine.pk})

    text = response.content.decode()
    assert "Nhắc hạn A" in text and "Nhắc hạn B" not in text
    assert (read_other.status_code, read_mine.status_code, read_mine["Location"]) == (404, 302, "/phong-trao/")
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


@pytest.mark.parametrize("wanted", ["abc", "1.5", "-1", "１"])
def test_notification_read_non_numeric_id_is_404(client, personas, wanted):
    client.force_login(personas["secretary_a1"])
    assert client.post(reverse("notifications:read"), {"id": wanted}).status_code == 404


def test_notification_read_all_marks_only_own(client, personas):
    services.notify(users=[personas["secretary_a1"], personas["secretary_a2"]], message="Chung")
    client.force_login(personas["secretary_a1"])

    response = client.post(reverse("notifications:read"))

    assert response["Location"] == reverse("notifications:list")
    assert personas["secretary_a1"].notifications.filter(read_at__isnull=True).count() == 0
    assert personas["secretary_a2"].notifications.filter(read_at__isnull=True).count() == 1


def test_outsider_sees_an_empty_list_and_the_unread_badge_counts(client, personas):
    services.notify(users=[personas["secretary_a1"]] * 2 + [personas["head_a1"]], message="Một")
    client.force_login(personas["outsider"])
    assert client.get(reverse("notifications:list")).status_code == 200
    client.force_login(personas["secretary_a1"])
    assert 'aria-label="1 thông báo chưa đọc"' in client.get(reverse("notifications:list")).content.decode()


def test_notification_list_query_count_constant(client, personas, django_assert_max_num_queries):
    user = personas["secretary_a1"]
    client.force_login(user)
    services.notify(users=[user], message="Một")
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:list"))
    for i in range(30):
        services.notify(users=[user], message=f"Thông báo {i}")
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:list"))
