"""Public notice (công khai): publishing, the public page's privacy and dates, objections and their resolution."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ServiceError
from nominations import notice as notices
from nominations import services
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Dossier, Nomination, Objection, ObjectionStatus, PublicNotice
from nominations.tests.conftest import pdf_bytes
from notifications.models import Notification

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(monkeypatch):
    """Freeze "today" for the notice module and the services (dates are compared with localdate)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def private_teacher(person_factory, tree):
    """A teacher of A1's team with every private field filled, so the public page can be searched for them."""
    return person_factory(
        tree["team_a1"],
        full_name="Lê Thị Riêng Tư",
        date_of_birth=datetime.date(1987, 3, 9),
        phone="0912345678",
        email="rieng.tu@example.vn",
        position="Tổ trưởng chuyên môn",
    )


@pytest.fixture
def nomination(media, dossier, private_teacher, personas):
    row = services.nomination_add(
        by=personas["secretary_a1"],
        dossier=dossier,
        award_code="LDTT",
        person=private_teacher,
        summary="Tóm tắt thành tích nội bộ: dạy giỏi cấp huyện.",
    )
    services.attachment_add(
        by=personas["secretary_a1"], nomination=row, upload=SimpleUploadedFile("bang-diem-rieng.pdf", pdf_bytes())
    )
    return row


def publish(by, unit, rows, *, starts_on=TODAY, days=10):
    return notices.notice_publish(
        by=by, unit=unit, title="Danh sách đề nghị năm học 2025-2026", nominations=rows, starts_on=starts_on, days=days
    )


@pytest.fixture
def notice(today, nomination, personas, tree):
    return publish(personas["secretary_a1"], tree["school_a1"], [nomination])


def public_url(notice):
    return reverse("nominations:notice_public", args=[notice.token])


def objection_body(nomination, **extra):
    return {"nomination": str(nomination.pk), "content": "Người này chưa đủ thành tích như đã nêu.", **extra}


# --- publishing ------------------------------------------------------------------------------------


def test_notice_publish_school_secretary_sets_period_and_list(notice, nomination, tree):
    assert (notice.unit, notice.starts_on, notice.ends_on) == (tree["school_a1"], TODAY, datetime.date(2026, 6, 10))
    assert list(notice.nominations.all()) == [nomination]


def test_notice_publish_default_days_is_the_setting(today, nomination, personas, tree, settings):
    settings.NOMINATION_NOTICE_DAYS = 7
    notice = notices.notice_publish(
        by=personas["head_a1"], unit=tree["school_a1"], title="Công khai", nominations=[nomination], starts_on=TODAY
    )
    assert notice.ends_on == datetime.date(2026, 6, 7)


@pytest.mark.parametrize("persona", ["council_a1", "secretary_a2", "outsider", "reviewer_a"])
def test_notice_publish_refused_personas_change_nothing(today, nomination, personas, tree, persona):
    # A council member may not FILE; another school's secretary holds nothing on A1; the Phòng reviewer
    # appraises the Phòng, not the school (and the dossier was not sent to it).
    with pytest.raises(PermissionDenied):
        publish(personas[persona], tree["school_a1"], [nomination])
    assert PublicNotice.objects.count() == 0


def test_notice_publish_office_only_what_it_received(today, nomination, dossier, personas, tree):
    # Not sent yet: the Phòng may publish for itself but not pick the school's draft nomination.
    with pytest.raises(ServiceError):
        publish(personas["reviewer_a"], tree["office_a"], [nomination])
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_a"])

    notice = publish(personas["reviewer_a"], tree["office_a"], [nomination])

    assert list(notice.nominations.all()) == [nomination]
    with pytest.raises(PermissionDenied):  # Phòng B's reviewer: not its unit
        publish(personas["reviewer_b"], tree["office_a"], [nomination])


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"starts_on": TODAY - datetime.timedelta(days=1)}, "không được trước hôm nay"),
        ({"days": 0}, "từ 1 đến 90"),
        ({"days": 91}, "từ 1 đến 90"),
        ({"rows": []}, "Chọn ít nhất một"),
    ],
)
def test_notice_publish_bad_input_refused(today, nomination, personas, tree, changes, message):
    kwargs = {"starts_on": TODAY, "days": 10, "rows": [nomination], **changes}
    rows = kwargs.pop("rows")
    with pytest.raises(ServiceError, match=message):
        publish(personas["secretary_a1"], tree["school_a1"], rows, **kwargs)
    assert PublicNotice.objects.count() == 0


def test_notice_publish_refused_nomination_is_not_published(today, nomination, personas, tree):
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.NOT_ACCEPTED)
    with pytest.raises(ServiceError, match="không thuộc danh sách"):
        publish(personas["secretary_a1"], tree["school_a1"], [nomination])


def test_notice_withdraw_by_publisher_repeat_is_success_and_others_refused(notice, personas):
    with pytest.raises(PermissionDenied):
        notices.notice_withdraw(by=personas["council_a1"], notice=notice)
    first = notices.notice_withdraw(by=personas["head_a1"], notice=notice)
    again = notices.notice_withdraw(by=personas["secretary_a1"], notice=notice)
    assert first.withdrawn_at is not None and again.withdrawn_at == first.withdrawn_at


# --- pages for signed-in users ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("secretary_a1", {"create": 200, "detail": 200, "withdraw": 302}),
        ("head_a1", {"create": 200, "detail": 200, "withdraw": 302}),
        ("council_a1", {"create": 403, "detail": 200, "withdraw": 403}),
        ("reviewer_a", {"create": 403, "detail": 200, "withdraw": 403}),
        ("secretary_a2", {"create": 404, "detail": 404, "withdraw": 404}),
        ("reviewer_b", {"create": 404, "detail": 404, "withdraw": 404}),
        ("outsider", {"create": 404, "detail": 404, "withdraw": 404}),
    ],
)
def test_notice_pages_by_persona(client, notice, personas, tree, persona, expected):
    client.force_login(personas[persona])
    observed = {
        "create": client.get(reverse("nominations:notice_create", args=[tree["school_a1"].pk])).status_code,
        "detail": client.get(reverse("nominations:notice_detail", args=[notice.pk])).status_code,
        "withdraw": client.post(reverse("nominations:notice_withdraw", args=[notice.pk])).status_code,
    }
    assert observed == expected
    notice.refresh_from_db()
    assert (notice.withdrawn_at is not None) == (expected["withdraw"] == 302)


def test_notice_create_page_publishes(client, today, nomination, personas, tree):
    client.force_login(personas["secretary_a1"])
    response = client.post(
        reverse("nominations:notice_create", args=[tree["school_a1"].pk]),
        {"title": "Công khai cuối năm", "starts_on": "01/06/2026", "days": "5", "nominations": [nomination.pk]},
    )
    notice = PublicNotice.objects.get()
    assert response.status_code == 302
    assert (notice.title, notice.ends_on) == ("Công khai cuối năm", datetime.date(2026, 6, 5))


# --- the public page -------------------------------------------------------------------------------


def test_public_page_shows_only_name_unit_award(notice, nomination, private_teacher):
    response = Client().get(public_url(notice))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lê Thị Riêng Tư" in body and "Trường Tiểu học A1" in body and nomination.award_type.name in body
    dob = private_teacher.date_of_birth
    private = [
        dob.strftime("%d/%m/%Y"),
        dob.isoformat(),
        f"{dob.day}/{dob.month}/{dob.year}",
        dob.strftime("%d-%m-%Y"),
        "1987",
        "0912345678",
        "rieng.tu@example.vn",
        "Tổ trưởng chuyên môn",
        "Tổ khối 1",  # the team stands behind its school
        "bang-diem-rieng",
        "Tóm tắt thành tích nội bộ",
        "dạy giỏi",
        nomination.get_status_display(),
    ]
    assert [value for value in private if value in body] == []
    assert 'class="navbar' not in body and "Đăng xuất" not in body


def test_public_page_needs_no_login_and_unknown_token_is_404(notice):
    anonymous = Client()
    assert anonymous.get(public_url(notice)).status_code == 200
    response = anonymous.get(reverse("nominations:notice_public", args=["0" * 32]))
    assert response.status_code == 404
    assert "Lê Thị Riêng Tư" not in response.content.decode()


@pytest.mark.parametrize(
    "day,status,text",
    [
        (TODAY - datetime.timedelta(days=1), 404, "Không tìm thấy trang"),  # not yet open
        (TODAY, 200, "Lê Thị Riêng Tư"),
        (datetime.date(2026, 6, 10), 200, "Lê Thị Riêng Tư"),  # the last day is included
        (datetime.date(2026, 6, 11), 404, "đã hết thời gian công khai"),
    ],
)
def test_public_page_only_between_its_dates(notice, monkeypatch, day, status, text):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    response = Client().get(public_url(notice))
    assert (response.status_code, text in response.content.decode()) == (status, True)
    if status == 404:
        assert "Lê Thị Riêng Tư" not in response.content.decode()


def test_public_page_withdrawn_is_404(notice, personas):
    notices.notice_withdraw(by=personas["secretary_a1"], notice=notice)
    response = Client().get(public_url(notice))
    assert response.status_code == 404
    assert "Lê Thị Riêng Tư" not in response.content.decode()


# --- objections ------------------------------------------------------------------------------------


def test_objection_stored_tied_to_nominee_and_head_notified(notice, nomination, personas):
    client = Client(enforce_csrf_checks=True)
    page = client.get(public_url(notice))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    response = client.post(
        public_url(notice), objection_body(nomination, sender_name="Phụ huynh", csrfmiddlewaretoken=token)
    )

    objection = Objection.objects.get()
    assert response.status_code == 302
    assert (objection.notice, objection.nomination, objection.sender_name, objection.status) == (
        notice,
        nomination,
        "Phụ huynh",
        ObjectionStatus.OPEN,
    )
    # A school has no reviewer: its head is told; the secretary (who published) is not asked to judge.
    assert list(Notification.objects.values_list("user__username", flat=True)) == [personas["head_a1"].username]


def test_objection_without_csrf_token_refused(notice, nomination):
    response = Client(enforce_csrf_checks=True).post(public_url(notice), objection_body(nomination))
    assert response.status_code == 403
    assert Objection.objects.count() == 0


@pytest.mark.parametrize(
    "content,message",
    [("", "Phải ghi nội dung"), ("Quá ngắn", "ít nhất 10"), ("x" * 4001, "tối đa 4000")],
)
def test_objection_bad_content_refused_with_message(notice, nomination, content, message):
    response = Client().post(public_url(notice), objection_body(nomination, content=content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Objection.objects.count() == 0


def test_objection_about_someone_not_on_the_list_refused(notice, person_factory, dossier, personas, tree):
    other = services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=person_factory(tree["school_a1"])
    )
    response = Client().post(public_url(notice), objection_body(other))
    assert notices.NOT_ON_LIST in response.content.decode()
    assert Objection.objects.count() == 0


def test_objection_honeypot_looks_accepted_but_is_not_stored(notice, nomination):
    response = Client().post(public_url(notice), objection_body(nomination, website="http://spam.example"))
    assert response.status_code == 302
    assert Objection.objects.count() == 0
    assert Notification.objects.count() == 0


def test_objection_rate_limit_per_address_and_notice(notice, nomination, settings, personas, tree):
    settings.NOMINATION_OBJECTION_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.post(public_url(notice), objection_body(nomination)).status_code for _ in range(3)]
    refused = client.post(public_url(notice), objection_body(nomination))

    assert statuses == [302, 302, 200]
    assert notices.TOO_MANY in refused.content.decode()
    assert Objection.objects.count() == 2
    # Another address is not held back by the first one's count.
    assert Client(REMOTE_ADDR="203.0.113.8").post(public_url(notice), objection_body(nomination)).status_code == 302
    # The cache counts under a keyed hash of the address.
    assert cache.get(f"nominations:objection:{notice.pk}:{notices.client_key('203.0.113.7')}") == 2


def test_objection_rate_limit_reads_the_address_the_proxy_appended(notice, nomination, settings):
    settings.NOMINATION_OBJECTION_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = proxy.post(public_url(notice), objection_body(nomination), HTTP_X_FORWARDED_FOR="198.51.100.1")
    # A forged first entry does not make a new client: the proxy's own (last) entry counts.
    forged = proxy.post(public_url(notice), objection_body(nomination), HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.1")
    other = proxy.post(public_url(notice), objection_body(nomination), HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert [first.status_code, forged.status_code, other.status_code] == [302, 200, 302]
    assert Objection.objects.count() == 2


def test_objection_refused_when_notice_closed(notice, nomination, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2026, 6, 11))
    with pytest.raises(ServiceError, match="hết thời gian"):
        notices.objection_submit(
            notice=notice, nomination_id=nomination.pk, content="Nội dung đủ dài để gửi.", client="k"
        )
    assert Objection.objects.count() == 0


# --- resolution ------------------------------------------------------------------------------------


@pytest.fixture
def objection(notice, nomination):
    return notices.objection_submit(
        notice=notice,
        nomination_id=nomination.pk,
        content="Người này chưa đủ thành tích.",
        sender_name="Người gửi kín",
        sender_contact="0987000111",
        client="k",
    )


@pytest.mark.parametrize("persona", ["secretary_a1", "council_a1", "reviewer_a", "secretary_a2", "outsider"])
def test_objection_resolve_refused_personas(objection, personas, persona):
    with pytest.raises(PermissionDenied):
        notices.objection_resolve(
            by=personas[persona], objection=objection, status=ObjectionStatus.DISMISSED, resolution="Không có cơ sở."
        )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_objection_resolve_by_head_is_audited_and_not_twice(objection, personas):
    head = personas["head_a1"]
    resolved = notices.objection_resolve(
        by=head, objection=objection, status=ObjectionStatus.RESOLVED, resolution="Đã xác minh, giữ đề nghị."
    )
    assert (resolved.status, resolved.resolved_by, resolved.resolution) == (
        ObjectionStatus.RESOLVED,
        head,
        "Đã xác minh, giữ đề nghị.",
    )
    assert objection.history.count() == 2
    with pytest.raises(ServiceError, match="đã được xử lý"):
        notices.objection_resolve(by=head, objection=objection, status=ObjectionStatus.DISMISSED, resolution="Lại.")


@pytest.mark.parametrize("status,resolution", [(ObjectionStatus.OPEN, "Ghi chú."), (ObjectionStatus.RESOLVED, "  ")])
def test_objection_resolve_bad_input_refused(objection, personas, status, resolution):
    with pytest.raises(ServiceError):
        notices.objection_resolve(by=personas["head_a1"], objection=objection, status=status, resolution=resolution)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


@pytest.mark.parametrize(
    "persona,expected",
    [("head_a1", 200), ("secretary_a1", 403), ("reviewer_a", 403), ("secretary_a2", 404), ("outsider", 404)],
)
def test_objection_resolve_page_by_persona(client, objection, personas, persona, expected):
    client.force_login(personas[persona])
    assert client.get(reverse("nominations:objection_resolve", args=[objection.pk])).status_code == expected


def test_objection_resolve_page_records_result(client, objection, personas):
    client.force_login(personas["head_a1"])
    response = client.post(
        reverse("nominations:objection_resolve", args=[objection.pk]),
        {"status": ObjectionStatus.DISMISSED, "resolution": "Không có cơ sở."},
    )
    objection.refresh_from_db()
    assert (response.status_code, objection.status) == (302, ObjectionStatus.DISMISSED)


def test_sender_shown_only_to_who_may_resolve(client, objection, notice, personas):
    url = reverse("nominations:notice_detail", args=[notice.pk])
    client.force_login(personas["head_a1"])
    assert "0987000111" in client.get(url).content.decode()
    client.force_login(personas["secretary_a1"])
    body = client.get(url).content.decode()
    assert "Người này chưa đủ thành tích." in body and "0987000111" not in body and "Người gửi kín" not in body


def test_dossier_page_shows_open_objections_to_the_appraising_level(client, objection, dossier, personas, tree):
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_a"])
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    client.force_login(personas["reviewer_a"])
    body = client.get(url).content.decode()
    assert "1 ý kiến phản ánh chưa xử lý" in body and "Người này chưa đủ thành tích." in body
    client.force_login(personas["secretary_a1"])
    body = client.get(url).content.decode()
    assert "1 ý kiến phản ánh chưa xử lý" in body and "Người này chưa đủ thành tích." not in body

    notices.objection_resolve(
        by=personas["head_a1"], objection=objection, status=ObjectionStatus.DISMISSED, resolution="Không có cơ sở."
    )
    client.force_login(personas["reviewer_a"])
    assert "ý kiến phản ánh chưa xử lý" not in client.get(url).content.decode()


def test_objection_list_scoped_and_filtered(client, objection, personas):
    url = reverse("nominations:objection_list")
    client.force_login(personas["reviewer_a"])
    assert "Người này chưa đủ thành tích." in client.get(url).content.decode()
    assert "Người này chưa đủ thành tích." not in client.get(url, {"tinh_trang": "resolved"}).content.decode()
    client.force_login(personas["secretary_a2"])
    assert "Người này chưa đủ thành tích." not in client.get(url).content.decode()


def test_notice_list_query_count_constant(
    client, today, person_factory, dossier, personas, tree, django_assert_max_num_queries
):
    client.force_login(personas["head_a1"])
    url = reverse("nominations:notice_list")

    def add_notice():
        row = services.nomination_add(
            by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=person_factory(tree["school_a1"])
        )
        publish(personas["secretary_a1"], tree["school_a1"], [row])

    add_notice()
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    for _ in range(3):
        add_notice()
    with django_assert_max_num_queries(12) as many:
        client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_notice_list_offers_publishing_for_the_units_acted_as(client, personas, tree):
    def links(persona):
        client.force_login(personas[persona])
        body = client.get(reverse("nominations:notice_list")).content.decode()
        return re.findall(r"/cong-khai/don-vi/(\d+)/them/", body)

    assert links("head_a1") == [str(tree["school_a1"].pk)]
    assert links("reviewer_a") == [str(tree["office_a"].pk)]
    assert links("admin_dept") == [str(tree["dept"].pk)]  # FILE on every unit below, acts as the Sở
    assert links("council_a1") == []
