import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nominations import services
from nominations.enums import DossierStatus
from nominations.models import Attachment, Dossier, Nomination
from nominations.tests.conftest import PNG, YEAR, pdf_bytes


def client_for(client, user):
    client.force_login(user)
    return client


def add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Hoàn thành xuất sắc.", **kwargs)


@pytest.fixture
def filed(media, dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    attachment = services.attachment_add(
        by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("minh-chung.pdf", pdf_bytes())
    )
    return dossier, nomination, attachment


def urls_of(dossier, nomination, attachment):
    return {
        "dossier_detail": reverse("nominations:dossier_detail", args=[dossier.pk]),
        "dossier_edit": reverse("nominations:dossier_edit", args=[dossier.pk]),
        "nomination_add": reverse("nominations:nomination_add", args=[dossier.pk]),
        "nomination_edit": reverse("nominations:nomination_edit", args=[nomination.pk]),
        "nomination_override": reverse("nominations:nomination_override", args=[nomination.pk]),
        "attachment_upload": reverse("nominations:attachment_upload", args=[nomination.pk]),
        "attachment_download": reverse("nominations:attachment_download", args=[attachment.pk]),
    }


@pytest.mark.parametrize(
    "persona,expected",
    [
        # The school's secretary files; its head reads and signs; the Phòng reviewer reads (subtree) and appraises.
        ("secretary_a1", {"dossier_edit": 200, "nomination_add": 200, "nomination_override": 403}),
        ("head_a1", {"dossier_edit": 200, "nomination_add": 200, "nomination_override": 403}),
        ("reviewer_a", {"dossier_edit": 403, "nomination_add": 403, "nomination_override": 200}),
        ("council_a1", {"dossier_edit": 403, "nomination_add": 403, "nomination_override": 403}),
    ],
)
def test_pages_by_persona_inside(client, filed, personas, persona, expected):
    urls = urls_of(*filed)
    client = client_for(client, personas[persona])
    observed = {name: client.get(url).status_code for name, url in urls.items()}
    reads = {"dossier_detail": 200, "attachment_download": 200}
    files = {"nomination_edit": expected["dossier_edit"], "attachment_upload": expected["dossier_edit"]}
    assert observed == {**reads, **files, **expected}


@pytest.mark.parametrize("persona", ["secretary_a2", "reviewer_b", "outsider", "secretary_office_a"])
def test_every_page_is_not_found_outside_the_scope(client, filed, personas, persona):
    urls = urls_of(*filed)
    client = client_for(client, personas[persona])
    assert {name: client.get(url).status_code for name, url in urls.items()} == {name: 404 for name in urls}


def test_a_sent_dossier_is_in_the_receiving_reviewers_inbox(client, filed, personas):
    dossier, _, _ = filed
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SENT)
    response = client_for(client, personas["reviewer_a"]).get(reverse("nominations:dossier_list") + "?tab=den")
    assert [d.pk for d in response.context["page"]] == [dossier.pk]


def test_a_draft_is_not_in_the_inbox_but_in_the_schools_list(client, filed, personas):
    dossier, _, _ = filed
    inbox = client_for(client, personas["reviewer_a"]).get(reverse("nominations:dossier_list") + "?tab=den")
    mine = client_for(client, personas["secretary_a1"]).get(reverse("nominations:dossier_list"))
    assert ([d.pk for d in inbox.context["page"]], [d.pk for d in mine.context["page"]]) == ([], [dossier.pk])


def test_download_is_an_attachment_with_the_original_name_and_no_sniffing(client, filed, personas):
    _, _, attachment = filed
    response = client_for(client, personas["head_a1"]).get(
        reverse("nominations:attachment_download", args=[attachment.pk])
    )
    body = b"".join(response.streaming_content)
    assert (body, response["Content-Type"], response["X-Content-Type-Options"]) == (
        pdf_bytes(),
        "application/pdf",
        "nosniff",
    )
    assert 'attachment; filename="minh-chung.pdf"' == response["Content-Disposition"]


def test_upload_lying_about_its_type_shows_the_message_and_stores_nothing(client, filed, personas):
    _, nomination, _ = filed
    response = client_for(client, personas["secretary_a1"]).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"file": SimpleUploadedFile("anh.jpg", PNG)},
    )
    assert (response.status_code, Attachment.objects.count()) == (200, 1)
    assert "có đuôi .jpg nhưng nội dung là PNG" in response.content.decode()


def test_create_dossier_through_the_page(client, tree, personas):
    response = client_for(client, personas["secretary_a1"]).post(
        reverse("nominations:dossier_create"),
        {"unit": tree["school_a1"].pk, "round_kind": "year_end", "school_year": YEAR, "procedure": "normal"},
    )
    dossier = Dossier.objects.get()
    assert (response.status_code, response["Location"], dossier.created_by) == (
        302,
        dossier.get_absolute_url(),
        personas["secretary_a1"],
    )


def test_create_dossier_for_another_school_is_refused_by_the_form(client, tree, personas):
    response = client_for(client, personas["secretary_a1"]).post(
        reverse("nominations:dossier_create"),
        {"unit": tree["school_a2"].pk, "round_kind": "year_end", "school_year": YEAR, "procedure": "normal"},
    )
    assert (response.status_code, Dossier.objects.count()) == (200, 0)


def test_transition_posted_by_the_head_sends_and_by_the_reviewer_is_forbidden(client, filed, personas):
    dossier, _, _ = filed
    services.dossier_update(
        by=personas["secretary_a1"],
        dossier=dossier,
        version=None,
        submission_number="1/TTr",
        submission_date=dossier.created_at.date(),
        submission_signer="Hiệu trưởng",
    )
    dossier.refresh_from_db()
    url = reverse("nominations:dossier_transition", args=[dossier.pk])
    forbidden = client_for(client, personas["reviewer_a"]).post(url, {"transition": "send", "version": dossier.version})
    sent = client_for(client, personas["head_a1"]).post(url, {"transition": "send", "version": dossier.version})
    assert (forbidden.status_code, sent.status_code, Dossier.objects.get().status) == (403, 302, DossierStatus.SENT)


def test_detail_shows_verdict_reasons_and_buttons(client, filed, personas):
    dossier, _, _ = filed
    html = client_for(client, personas["secretary_a1"]).get(dossier.get_absolute_url()).content.decode()
    assert (
        "Đủ điều kiện" in html,
        "Xếp loại năm học 2025-2026: HTXS." in html,
        'data-action="send_to_head"' in html,
    ) == (
        True,
        True,
        True,
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_detail_query_count_is_the_same_for_one_and_many_nominations(client, filed, personas, person_factory, tree):
    dossier, _, _ = filed
    client = client_for(client, personas["reviewer_a"])
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL)
    one = _queries(client, dossier.get_absolute_url())
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
    for i in range(6):
        person = person_factory(tree["team_a1"] if i % 2 else tree["school_a1"])
        nomination = add(dossier, personas["secretary_a1"], "LDTT", person=person)
        services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes())
        )
    add(dossier, personas["secretary_a1"], "TTLDTT", unit=tree["team_a1"])
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL)
    many = _queries(client, dossier.get_absolute_url())
    assert (Nomination.objects.count(), many) == (8, one)


def test_a_superuser_sees_a_draft(client, filed, django_user_model):
    dossier, _, _ = filed
    root = django_user_model.objects.create_superuser("goc", password="matkhau-thu-123")
    assert client_for(client, root).get(dossier.get_absolute_url()).status_code == 200


def test_inbox_query_count_is_the_same_for_one_and_many_dossiers(client, tree, personas):
    def sent_dossier(unit, year):
        created = services.dossier_create(by=None, unit=unit, round_kind="year_end", school_year=year)
        Dossier.objects.filter(pk=created.pk).update(status=DossierStatus.SENT)

    client = client_for(client, personas["reviewer_a"])
    url = reverse("nominations:dossier_list") + "?tab=den"
    sent_dossier(tree["school_a1"], 2020)
    one = _queries(client, url)
    for year in range(2021, 2027):
        sent_dossier(tree["school_a1"], year)
        sent_dossier(tree["school_a2"], year)
    many = _queries(client, url)
    page = client.get(url).context["page"]
    assert (len(page), many) == (13, one)
