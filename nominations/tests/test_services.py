import inspect

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import engine
from conftest import table_rows
from core.exceptions import ServiceError, StaleObjectError
from nominations import services
from nominations.enums import DossierStatus, RoundKind
from nominations.models import Attachment, Dossier, Nomination
from nominations.tests.conftest import PNG, YEAR, pdf_bytes


def add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Hoàn thành xuất sắc.", **kwargs)


# --- dossiers -------------------------------------------------------------------------------------


def test_dossier_create_by_secretary_goes_to_the_parent_until_routes_say_otherwise(dossier, tree, personas):
    assert (dossier.unit, dossier.receiving_unit, dossier.status, dossier.created_by) == (
        tree["school_a1"],
        tree["office_a"],
        DossierStatus.DRAFT,
        personas["secretary_a1"],
    )


def test_dossier_create_double_click_returns_the_same_draft(dossier, tree, personas):
    again = services.dossier_create(
        by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=YEAR
    )
    assert (again.pk, Dossier.objects.count()) == (dossier.pk, 1)


@pytest.mark.parametrize("persona", ["secretary_a2", "council_a1", "reviewer_a", "outsider"])
def test_dossier_create_refused_without_file_on_the_unit(tree, personas, persona):
    with pytest.raises(PermissionDenied):
        services.dossier_create(
            by=personas[persona], unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=YEAR
        )
    assert Dossier.objects.count() == 0


def test_dossier_create_campaign_round_needs_a_campaign(tree, personas):
    with pytest.raises(ServiceError, match="phải chọn phong trào"):
        services.dossier_create(
            by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=RoundKind.CAMPAIGN, school_year=YEAR
        )


def test_dossier_update_stale_version_is_refused_and_changes_nothing(dossier, personas):
    services.dossier_update(by=personas["secretary_a1"], dossier=dossier, version=dossier.version, title="Lần 1")
    with pytest.raises(StaleObjectError):
        services.dossier_update(by=personas["head_a1"], dossier=dossier, version=dossier.version, title="Lần 2")
    dossier.refresh_from_db()
    assert (dossier.title, dossier.version) == ("Lần 1", 2)


# --- nominations ----------------------------------------------------------------------------------


def test_nomination_add_stores_the_engine_verdict(dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    assert (nomination.verdict, nomination.reasons[0]["status"], nomination.checked_at is not None) == (
        "eligible",
        "met",
        True,
    )


def test_nomination_add_twice_returns_the_first(dossier, teacher, personas):
    first = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    second = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    assert (second.pk, Nomination.objects.count()) == (first.pk, 1)


def test_nomination_add_person_of_another_school_is_refused_without_a_name(dossier, personas, person_factory, tree):
    stranger = person_factory(tree["school_a2"], full_name="Lê Văn Người Ngoài")
    with pytest.raises(ServiceError) as refused:
        add(dossier, personas["secretary_a1"], "LDTT", person=stranger)
    assert (str(refused.value), Nomination.objects.count()) == (services.NOT_FOUND_PERSON, 0)


def test_nomination_add_team_of_the_school_as_a_collective(dossier, personas, tree):
    nomination = add(dossier, personas["secretary_a1"], "TTLDTT", unit=tree["team_a1"])
    assert (nomination.unit, nomination.person, nomination.is_collective) == (tree["team_a1"], None, True)


def test_nomination_add_sibling_school_as_a_collective_is_refused(dossier, personas, tree):
    with pytest.raises(ServiceError, match="Tập thể không thuộc đơn vị này"):
        add(dossier, personas["secretary_a1"], "TTLDTT", unit=tree["school_a2"])


def test_nomination_add_collective_title_for_a_person_is_refused(dossier, teacher, personas):
    with pytest.raises(ServiceError, match="không dành cho cá nhân"):
        add(dossier, personas["secretary_a1"], "TTLDXS", person=teacher)


def test_nomination_add_unknown_award_is_refused(dossier, teacher, personas):
    with pytest.raises(ServiceError, match="Không có danh hiệu/hình thức mã «XYZ»"):
        add(dossier, personas["secretary_a1"], "XYZ", person=teacher)


def test_nomination_add_refused_to_the_sibling_secretary_and_changes_nothing(dossier, teacher, actors):
    before = table_rows(Nomination, Dossier)
    with pytest.raises(PermissionDenied):
        add(dossier, actors["secretary_a2"], "LDTT", person=teacher)
    assert table_rows(Nomination, Dossier) == before


def test_nomination_add_after_sending_is_refused(dossier, teacher, personas):
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SENT)
    with pytest.raises(ServiceError, match="Đã gửi cấp trên"):
        add(dossier, personas["secretary_a1"], "LDTT", person=teacher)


@pytest.mark.skipif(
    "pending" not in inspect.signature(engine.check_codes).parameters,
    reason="awards.engine.check_codes takes no `pending` keyword yet",
)
def test_cstdcs_next_to_the_same_persons_ldtt_is_pending_not_missing(dossier, teacher, personas):
    add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    cstdcs = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    ldtt_reasons = [r["status"] for r in cstdcs.reasons if "LĐTT" in r["text"]]
    assert ldtt_reasons == ["review"]


def test_withdrawing_the_ldtt_re_checks_the_cstdcs_of_the_same_person(dossier, teacher, personas):
    ldtt = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    cstdcs = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    checked = Nomination.objects.get(pk=cstdcs.pk).checked_at
    services.nomination_delete(by=personas["secretary_a1"], nomination=ldtt)
    assert Nomination.objects.get(pk=cstdcs.pk).checked_at > checked


def test_nomination_update_stale_version_is_refused(dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    loaded = nomination.version
    services.nomination_update(by=personas["head_a1"], nomination=nomination, version=loaded, summary="Của thủ trưởng")
    with pytest.raises(StaleObjectError):
        services.nomination_update(
            by=personas["secretary_a1"], nomination=nomination, version=loaded, summary="Của thư ký"
        )
    assert Nomination.objects.get(pk=nomination.pk).summary == "Của thủ trưởng"


# --- override -------------------------------------------------------------------------------------


def test_override_by_the_receiving_reviewer_is_kept_with_who(dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    services.nomination_override(
        by=personas["reviewer_a"],
        nomination=nomination,
        version=nomination.version,
        criterion="Luật Thi đua, khen thưởng 2022, Điều 23",
        reason="Đã có quyết định LĐTT, chưa nhập vào cổng.",
    )
    nomination.refresh_from_db()
    assert (nomination.overridden_by, nomination.override_criterion, nomination.is_overridden) == (
        personas["reviewer_a"],
        "Luật Thi đua, khen thưởng 2022, Điều 23",
        True,
    )


@pytest.mark.parametrize("persona", ["secretary_a1", "head_a1", "reviewer_b"])
def test_override_refused_outside_the_receiving_unit(dossier, teacher, personas, persona):
    nomination = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    with pytest.raises(PermissionDenied):
        services.nomination_override(
            by=personas[persona], nomination=nomination, version=None, criterion="Điều 23", reason="Lý do"
        )
    assert Nomination.objects.get(pk=nomination.pk).overridden_by is None


def test_override_without_a_reason_is_refused(dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    with pytest.raises(ServiceError, match="Phải ghi tiêu chuẩn"):
        services.nomination_override(
            by=personas["reviewer_a"], nomination=nomination, version=None, criterion="Điều 23", reason="  "
        )


# --- attachments ----------------------------------------------------------------------------------


def test_attachment_pdf_is_stored_under_a_generated_name_in_the_dossier_prefix(media, dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    upload = SimpleUploadedFile("../../Bằng khen\x00 năm 2025.pdf", pdf_bytes(), content_type="text/html")
    attachment = services.attachment_add(by=personas["secretary_a1"], nomination=nomination, upload=upload)
    name = attachment.file.name
    assert (name.startswith(f"nominations/{dossier.pk}/"), name.endswith(".pdf"), "Bằng" in name) == (
        True,
        True,
        False,
    )
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Bằng khen năm 2025.pdf",
        "application/pdf",
        len(pdf_bytes()),
    )
    assert (media / name).read_bytes() == pdf_bytes()


def test_attachment_lying_about_its_type_is_refused(media, dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    upload = SimpleUploadedFile("bang-khen.pdf", PNG, content_type="application/pdf")
    with pytest.raises(ServiceError) as refused:
        services.attachment_add(by=personas["secretary_a1"], nomination=nomination, upload=upload)
    assert str(refused.value) == (
        "Tệp «bang-khen.pdf» có đuôi .pdf nhưng nội dung là PNG; hãy đặt đúng đuôi tệp rồi tải lên lại."
    )
    assert (Attachment.objects.count(), list(media.rglob("*.*"))) == (0, [])


def test_attachment_of_another_kind_is_refused(media, dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    upload = SimpleUploadedFile("thanh-tich.docx", b"PK\x03\x04" + b"0" * 50)
    with pytest.raises(ServiceError, match="không phải PDF, JPEG hoặc PNG"):
        services.attachment_add(by=personas["secretary_a1"], nomination=nomination, upload=upload)
    assert Attachment.objects.count() == 0


def test_attachment_over_the_size_limit_is_refused(media, settings, dossier, teacher, personas):
    settings.NOMINATION_ATTACHMENT_MAX_BYTES = 100
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    with pytest.raises(ServiceError, match="Tệp quá lớn"):
        services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes(101))
        )
    assert Attachment.objects.count() == 0


def test_attachment_refused_to_the_phong_reviewer(media, dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            by=personas["reviewer_a"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes())
        )


def test_override_by_the_system_is_refused(dossier, teacher, personas):
    nomination = add(dossier, personas["secretary_a1"], "CSTDCS", person=teacher)
    with pytest.raises(ServiceError, match="phải do một chuyên viên"):
        services.nomination_override(by=None, nomination=nomination, version=None, criterion="Điều 23", reason="Lý do")
