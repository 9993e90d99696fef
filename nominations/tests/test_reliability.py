"""Correctness under pressure: two reviewers at once, double clicks, the deadline and its reopening, the
override, attachments that lie, who is told after each transition, orphan files, malformed POSTs."""

import datetime
import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from awards.engine import award_type_in_force
from awards.enums import TaskRating
from awards.models import TaskEvaluation
from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, DeadlineAction
from campaigns.services import CollectiveLineInput, LineInput
from conftest import make_user, table_rows
from core.exceptions import ServiceError, StaleObjectError
from core.models import TransitionLog
from core.workflow import workflow_for
from nominations import checks, orphans, services
from nominations.enums import DossierStatus as D
from nominations.enums import NominationStatus as N
from nominations.enums import RoundKind
from nominations.models import Attachment, Dossier, Nomination
from nominations.tests import workflow_targets
from nominations.tests.conftest import PNG, YEAR, fill_submission, pdf_bytes
from notifications.models import Notification, OutgoingMail
from units.enums import Role, UnitKind

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
STALE_NOMINATION = (
    "Đề nghị đã được người khác cập nhật sau khi bạn mở trang (hiện ở trạng thái «Chấp nhận»). "
    "Vui lòng tải lại trang rồi thao tác lại."
)


def add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Hoàn thành xuất sắc.", **kwargs)


def act(obj, action, by, comment="", version=None):
    if isinstance(obj, Dossier):
        return services.dossier_transition(by=by, dossier=obj, action=action, version=version, comment=comment)
    return services.nomination_transition(by=by, nomination=obj, action=action, version=version, comment=comment)


def snapshot():
    """Every row a refused or repeated request could have written."""
    return table_rows(Dossier, Nomination, Attachment, TransitionLog, Notification, OutgoingMail)


def logged_in(client, user):
    """A fresh browser for `user`: no messages left over from an earlier request."""
    fresh = Client()
    fresh.force_login(user)
    return fresh


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file())


@pytest.fixture
def ready(dossier, teacher, personas):
    """A complete draft of school A1: the teacher's LĐTT (eligible), the tờ trình filled."""
    nomination = add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(dossier, personas["secretary_a1"])
    return Dossier.objects.get(pk=dossier.pk), Nomination.objects.get(pk=nomination.pk)


@pytest.fixture
def appraising(ready, personas):
    """The same dossier sent by the head and taken up by the Phòng reviewer."""
    dossier, nomination = ready
    act(dossier, "send", personas["head_a1"])
    act(Dossier.objects.get(pk=dossier.pk), "start_appraisal", personas["reviewer_a"])
    return Dossier.objects.get(pk=dossier.pk), Nomination.objects.get(pk=nomination.pk)


@pytest.fixture
def second_reviewer(tree):
    return make_user("chi-hai", tree["office_a"], Role.REVIEWER)


# --- two reviewers at once ------------------------------------------------------------------------


def test_two_reviewers_on_one_nomination_the_second_is_told_and_changes_nothing(appraising, personas, second_reviewer):
    _, nomination = appraising
    loaded = nomination.version
    act(nomination, "accept", personas["reviewer_a"], version=loaded)
    before = snapshot()
    with pytest.raises(StaleObjectError) as refused:
        act(nomination, "not_accept", second_reviewer, comment="Không đạt.", version=loaded)
    assert (str(refused.value), snapshot()) == (STALE_NOMINATION, before)


def test_two_reviewers_on_one_dossier_the_second_is_told_and_changes_nothing(ready, personas, second_reviewer):
    dossier, _ = ready
    act(dossier, "send", personas["head_a1"])
    loaded = Dossier.objects.get(pk=dossier.pk).version
    act(Dossier.objects.get(pk=dossier.pk), "start_appraisal", personas["reviewer_a"], version=loaded)
    before = snapshot()
    with pytest.raises(StaleObjectError, match=r"^Hồ sơ đã được người khác cập nhật .*«Đang thẩm định»"):
        act(Dossier.objects.get(pk=dossier.pk), "return", second_reviewer, comment="Thiếu.", version=loaded)
    assert snapshot() == before


def test_two_reviewers_through_the_page_the_second_sees_the_message(client, appraising, personas, second_reviewer):
    _, nomination = appraising
    url = reverse("nominations:nomination_transition", args=[nomination.pk])
    body = {"version": str(nomination.version)}
    first = logged_in(client, personas["reviewer_a"]).post(url, {**body, "transition": "accept"})
    before = snapshot()
    second = logged_in(client, second_reviewer).post(url, {**body, "transition": "not_accept", "comment": "Không đạt."})
    assert (first.status_code, second.status_code, flashed(second)) == (302, 302, [STALE_NOMINATION])
    assert (snapshot(), Nomination.objects.get(pk=nomination.pk).status) == (before, N.ACCEPTED)


def _race(calls):
    """Run the callables in two threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            with transaction.atomic():
                call()
            outcomes[i] = "ok"
        except ServiceError as exc:
            outcomes[i] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_at_the_same_moment_on_postgresql_one_wins(appraising, personas, second_reviewer):
    _, nomination = appraising
    version = nomination.version
    outcomes = _race(
        [
            lambda: act(nomination, "accept", personas["reviewer_a"], version=version),
            lambda: act(nomination, "not_accept", second_reviewer, comment="Không đạt.", version=version),
        ]
    )
    winner = outcomes.index("ok")
    assert outcomes[1 - winner].startswith("Đề nghị đã được người khác cập nhật")
    logs = TransitionLog.objects.filter(workflow="nomination", object_id=nomination.pk)
    assert (logs.count(), Nomination.objects.get(pk=nomination.pk).status) == (1, [N.ACCEPTED, N.NOT_ACCEPTED][winner])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_at_the_same_moment_on_postgresql_sends_once(ready, personas):
    dossier, _ = ready
    version = dossier.version
    outcomes = _race([lambda: act(dossier, "send", personas["head_a1"], version=version)] * 2)
    assert outcomes == ["ok", "ok"]
    assert (
        TransitionLog.objects.filter(workflow="dossier", action="send").count(),
        Notification.objects.filter(user=personas["reviewer_a"]).count(),
    ) == (1, 1)


# --- double clicks --------------------------------------------------------------------------------


def test_double_click_on_send_sends_once(client, ready, personas):
    dossier, _ = ready
    url = reverse("nominations:dossier_transition", args=[dossier.pk])
    body = {"transition": "send", "version": str(dossier.version)}
    head = logged_in(client, personas["head_a1"])
    first = head.post(url, body)
    after_first = snapshot()
    second = head.post(url, body)
    # The same browser: the second answer repeats the first's success, on top of the first's message.
    assert (first.status_code, second.status_code, flashed(second)[-1]) == (302, 302, "Đã gửi hồ sơ lên cấp trên.")
    assert (snapshot(), Dossier.objects.get(pk=dossier.pk).status) == (after_first, D.SENT)


def test_double_click_on_accept_accepts_once(client, appraising, personas):
    _, nomination = appraising
    url = reverse("nominations:nomination_transition", args=[nomination.pk])
    body = {"transition": "accept", "version": str(nomination.version)}
    reviewer = logged_in(client, personas["reviewer_a"])
    reviewer.post(url, body)
    after_first = snapshot()
    second = reviewer.post(url, body)
    assert (second.status_code, flashed(second)[-1], snapshot()) == (302, "Đã chấp nhận đề nghị.", after_first)


def test_double_click_on_upload_stores_one_file(client, media, ready, personas):
    _, nomination = ready
    url = reverse("nominations:attachment_upload", args=[nomination.pk])
    secretary = logged_in(client, personas["secretary_a1"])
    first = secretary.post(url, {"file": SimpleUploadedFile("bang-khen.pdf", pdf_bytes())})
    after_first = (snapshot(), stored_files(media))
    second = secretary.post(url, {"file": SimpleUploadedFile("bang-khen.pdf", pdf_bytes())})
    assert (first.status_code, second.status_code) == (302, 302)
    assert ((snapshot(), stored_files(media)), len(after_first[1])) == (after_first, 1)


def test_a_different_file_with_the_same_name_is_a_second_attachment(media, ready, personas):
    _, nomination = ready
    secretary = personas["secretary_a1"]
    services.attachment_add(by=secretary, nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes()))
    other = pdf_bytes(fill="1")  # same name, same size, other bytes
    services.attachment_add(by=secretary, nomination=nomination, upload=SimpleUploadedFile("a.pdf", other))
    assert (Attachment.objects.count(), len(stored_files(media))) == (2, 2)


# --- campaigns: the deadline, its reopening, the one click ---------------------------------------


@pytest.fixture
def campaign(tree, personas):
    """A Phòng A campaign whose nominations were due on 18/05/2026 (passed)."""
    campaign = campaign_services.campaign_create(
        launched_by=tree["office_a"],
        name="Phong trào đổi mới sáng tạo",
        kind=CampaignKind.THEMATIC,
        school_year=YEAR,
        by=personas["secretary_office_a"],
    )
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.NOMINATE,
        unit_kind=UnitKind.SCHOOL,
        due_date=datetime.date(2026, 5, 18),
    )
    # Launched before its deadline (a past deadline refuses the launch).
    return campaign_services.campaign_launch(
        campaign=campaign, by=personas["admin_dept"], today=datetime.date(2026, 5, 1)
    )


@pytest.fixture
def campaign_dossier(campaign, teacher, personas, tree):
    dossier = services.dossier_create(
        by=personas["secretary_a1"],
        unit=tree["school_a1"],
        round_kind=RoundKind.CAMPAIGN,
        school_year=YEAR,
        campaign=campaign,
    )
    return dossier


def reopen(campaign, unit, by, days=3):
    return campaign_services.deadline_extend(
        deadline=campaign.deadlines.get(),
        unit=unit,
        until=datetime.date.today() + datetime.timedelta(days=days),
        by=by,
        reason="Trường bổ sung hồ sơ.",
    )


def test_send_after_the_deadline_is_refused_on_the_page_and_changes_nothing(
    client, campaign_dossier, teacher, personas
):
    add(campaign_dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(campaign_dossier, personas["secretary_a1"])
    dossier = Dossier.objects.get(pk=campaign_dossier.pk)
    before = snapshot()
    response = logged_in(client, personas["head_a1"]).post(
        reverse("nominations:dossier_transition", args=[dossier.pk]),
        {"transition": "send", "version": str(dossier.version)},
    )
    assert (response.status_code, snapshot()) == (302, before)
    assert flashed(response) == [
        "Đã quá hạn «Gửi hồ sơ đề nghị khen thưởng» của phong trào «Phong trào đổi mới sáng tạo» "
        "(hạn chót 18/05/2026). Không thể gửi; đề nghị đơn vị cấp trên mở lại hạn cho đơn vị."
    ]


def test_a_reopening_for_another_school_does_not_reopen_this_one(campaign, campaign_dossier, teacher, personas, tree):
    add(campaign_dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(campaign_dossier, personas["secretary_a1"])
    reopen(campaign, tree["school_a2"], personas["reviewer_a"])
    with pytest.raises(ServiceError, match="Đã quá hạn"):
        act(Dossier.objects.get(pk=campaign_dossier.pk), "send", personas["head_a1"])
    assert Dossier.objects.get(pk=campaign_dossier.pk).status == D.DRAFT


@pytest.mark.parametrize("persona", ["reviewer_b", "head_a1", "secretary_a1"])
def test_only_the_level_above_reopens_the_deadline(campaign, personas, tree, persona):
    with pytest.raises(PermissionDenied):
        reopen(campaign, tree["school_a1"], personas[persona])
    assert campaign.deadlines.get().extensions.count() == 0


def test_the_reopening_by_the_level_above_lets_the_school_send(campaign, campaign_dossier, teacher, personas, tree):
    add(campaign_dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(campaign_dossier, personas["secretary_a1"])
    reopen(campaign, tree["school_a1"], personas["reviewer_a"])
    sent = act(Dossier.objects.get(pk=campaign_dossier.pk), "send", personas["head_a1"])
    assert sent.status == D.SENT


def test_a_reopening_that_ran_out_refuses_again(campaign, campaign_dossier, teacher, personas, tree):
    add(campaign_dossier, personas["secretary_a1"], "LDTT", person=teacher)
    fill_submission(campaign_dossier, personas["secretary_a1"])
    reopen(campaign, tree["school_a1"], personas["reviewer_a"], days=2)
    later = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ServiceError, match="Đã quá hạn"):
        services.dossier_transition(
            by=personas["head_a1"],
            dossier=Dossier.objects.get(pk=campaign_dossier.pk),
            action="send",
            version=None,
            today=later,
        )


def test_double_click_on_nominations_from_registration_adds_once(client, campaign_dossier, teacher, personas, tree):
    today = datetime.date.today()
    registration = campaign_services.registration_save(
        campaign=campaign_dossier.campaign,
        unit=tree["school_a1"],
        by=personas["secretary_a1"],
        lines=[LineInput(person=teacher, title=award_type_in_force("LDTT", today))],
        collective_lines=[CollectiveLineInput(team=tree["team_a1"], title=award_type_in_force("TTLDTT", today))],
    )
    type(registration).objects.filter(pk=registration.pk).update(status="submitted")
    url = reverse("nominations:nominations_from_registration", args=[campaign_dossier.pk])
    secretary = logged_in(client, personas["secretary_a1"])
    first = secretary.post(url, {"award": ""})
    after_first = snapshot()
    second = secretary.post(url, {"award": ""})
    assert (flashed(first)[-1], flashed(second)[-1]) == (
        "Đã thêm 2 đề nghị từ danh sách đăng ký thi đua.",
        "Đã thêm 0 đề nghị từ danh sách đăng ký thi đua.",
    )
    assert (snapshot(), Nomination.objects.count()) == (after_first, 2)


# --- the override ---------------------------------------------------------------------------------


@pytest.fixture
def not_eligible(appraising, teacher):
    """After the send, the teacher's evaluation of the year is corrected to «hoàn thành nhiệm vụ»: the
    re-check finds the LĐTT not eligible while the reviewer appraises it."""
    _, nomination = appraising
    TaskEvaluation.objects.filter(person=teacher, school_year=YEAR).update(rating=TaskRating.COMPLETE)
    checks.verdicts_refresh([nomination], year=YEAR)
    nomination = Nomination.objects.get(pk=nomination.pk)
    assert nomination.verdict == checks.Verdict.NOT_ELIGIBLE
    return nomination


def override(nomination, by, criterion="Luật Thi đua, khen thưởng 2022, Điều 24", reason="Đánh giá đang khiếu nại."):
    return services.nomination_override(
        by=by, nomination=nomination, version=nomination.version, criterion=criterion, reason=reason
    )


def test_accept_of_a_not_eligible_nomination_is_refused_until_the_override(not_eligible, personas):
    reviewer = personas["reviewer_a"]
    before = snapshot()
    with pytest.raises(ServiceError, match="phải ghi ý kiến vượt điều kiện"):
        act(not_eligible, "accept", reviewer)
    assert snapshot() == before
    override(not_eligible, reviewer)
    assert act(Nomination.objects.get(pk=not_eligible.pk), "accept", reviewer).status == N.ACCEPTED


@pytest.mark.parametrize(
    "criterion,reason",
    [("", "Lý do"), ("Điều 24", ""), ("   ", "\n"), ("Điều 24", "x" * (services.OVERRIDE_REASON_MAX_LENGTH + 1))],
    ids=["no_criterion", "no_reason", "blank", "reason_too_long"],
)
def test_override_without_criterion_or_reason_is_refused_and_changes_nothing(not_eligible, personas, criterion, reason):
    before = snapshot()
    with pytest.raises(ServiceError, match="^(Phải ghi tiêu chuẩn|Tiêu chuẩn, căn cứ pháp lý ghi tối đa)"):
        override(not_eligible, personas["reviewer_a"], criterion=criterion, reason=reason)
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["secretary_a1", "head_a1", "council_a1", "reviewer_b"])
def test_override_is_refused_to_school_users_and_other_reviewers(client, not_eligible, personas, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        override(not_eligible, personas[persona])
    page = logged_in(client, personas[persona]).post(
        reverse("nominations:nomination_override", args=[not_eligible.pk]),
        {"criterion": "Điều 24", "reason": "Lý do", "version": str(not_eligible.version)},
    )
    assert (page.status_code, snapshot()) == ({"reviewer_b": 404}.get(persona, 403), before)


def test_override_on_the_page_by_the_receiving_reviewer(client, not_eligible, personas):
    response = logged_in(client, personas["reviewer_a"]).post(
        reverse("nominations:nomination_override", args=[not_eligible.pk]),
        {"criterion": "Điều 24", "reason": "Đánh giá đang khiếu nại.", "version": str(not_eligible.version)},
    )
    nomination = Nomination.objects.get(pk=not_eligible.pk)
    assert (response.status_code, nomination.overridden_by, nomination.override_criterion) == (
        302,
        personas["reviewer_a"],
        "Điều 24",
    )


# --- attachments that lie -------------------------------------------------------------------------


LIES = {
    "pdf_name_png_content": ("bang-khen.pdf", PNG, "có đuôi .pdf nhưng nội dung là PNG"),
    "pdf_name_exe_content": ("bang-khen.pdf", EXE, "không phải PDF, JPEG hoặc PNG"),
    "pdf_name_html_content": ("bang-khen.pdf", HTML, "không phải PDF, JPEG hoặc PNG"),
    "jpg_name_pdf_content": ("anh.jpg", pdf_bytes(), "có đuôi .jpg nhưng nội dung là PDF"),
    "no_extension_html": ("minh-chung", HTML, "không phải PDF, JPEG hoặc PNG"),
}


@pytest.mark.parametrize("case", LIES)
def test_a_file_lying_about_its_type_is_refused_and_nothing_is_stored(media, ready, personas, case):
    _, nomination = ready
    name, content, message = LIES[case]
    before = snapshot()
    with pytest.raises(ServiceError, match=re.escape(message)):
        services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile(name, content)
        )
    assert (snapshot(), stored_files(media)) == (before, [])


@pytest.mark.parametrize("case", LIES)
def test_a_lying_upload_on_the_page_shows_the_message_and_stores_nothing(client, media, ready, personas, case):
    _, nomination = ready
    name, content, message = LIES[case]
    before = snapshot()
    response = logged_in(client, personas["secretary_a1"]).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    errors = response.context["form"].errors["file"]
    assert (response.status_code, len(errors), message in errors[0]) == (200, 1, True)
    assert (snapshot(), stored_files(media)) == (before, [])


def test_an_empty_file_is_refused(media, ready, personas):
    _, nomination = ready
    with pytest.raises(ServiceError, match="^Tệp rỗng.$"):
        services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", b"")
        )
    assert (Attachment.objects.count(), stored_files(media)) == (0, [])


def test_an_empty_file_on_the_page_is_refused_in_vietnamese(client, media, ready, personas):
    _, nomination = ready
    response = logged_in(client, personas["secretary_a1"]).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]), {"file": SimpleUploadedFile("a.pdf", b"")}
    )
    errors = response.context["form"].errors["file"]
    assert (response.status_code, bool(VIETNAMESE.search(errors[0])), Attachment.objects.count()) == (200, True, 0)
    assert stored_files(media) == []


def test_an_oversize_file_is_refused_with_the_limit_in_words(media, settings, ready, personas):
    settings.NOMINATION_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    _, nomination = ready
    upload = SimpleUploadedFile("a.pdf", pdf_bytes(3 * 1024 * 1024))
    with pytest.raises(ServiceError) as refused:
        services.attachment_add(by=personas["secretary_a1"], nomination=nomination, upload=upload)
    assert (str(refused.value), Attachment.objects.count(), stored_files(media)) == (
        "Tệp quá lớn (3 MB): tối đa 2 MB.",
        0,
        [],
    )


@pytest.mark.parametrize("size,label", [(100, "100 byte"), (1536, "1,5 KB"), (10 * 1024 * 1024, "10 MB")])
def test_size_label_uses_the_decimal_comma(size, label):
    assert services.size_label(size) == label


# --- orphan files ---------------------------------------------------------------------------------


def test_a_failed_row_save_leaves_no_file(media, ready, personas, monkeypatch):
    _, nomination = ready

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes())
        )
    assert stored_files(media) == []


def test_a_rolled_back_upload_is_cleaned_by_the_command_after_the_grace_period(media, ready, personas):
    _, nomination = ready
    kept = services.attachment_add(
        by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("giu.pdf", pdf_bytes())
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("mat.pdf", pdf_bytes(300))
        )
        raise RuntimeError("the caller's transaction fails after the upload")
    assert sorted(p.relative_to(media).as_posix() for p in stored_files(media)) == sorted(
        [kept.file.name, lost.file.name]
    )
    # Inside the grace period nothing is touched (its transaction might still be open).
    assert orphans.orphan_files_clean().found == []
    dry = orphans.orphan_files_clean(grace=datetime.timedelta(0), dry_run=True)
    assert (dry.found, len(stored_files(media))) == ([lost.file.name], 2)
    call_command("nominations_clean_orphans", "--older-than", "0", stdout=open("/dev/null", "w"))
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == [kept.file.name]


def test_the_cleanup_leaves_files_it_did_not_name(media, ready):
    (media / "nominations" / "7").mkdir(parents=True)
    (media / "nominations" / "7" / "ban-tay.pdf").write_bytes(pdf_bytes())
    (media / "nominations" / "exports").mkdir()
    (media / "nominations" / "exports" / f"{'a' * 32}.pdf").write_bytes(pdf_bytes())
    report = orphans.orphan_files_clean(grace=datetime.timedelta(0))
    assert (report.found, len(stored_files(media))) == ([], 2)


# --- who is told after each transition ------------------------------------------------------------


SCHOOL = {"head_a1", "secretary_a1"}
RECEIVERS = {"reviewer_a", "head_office_a"}
# (who acts, who is notified, whether they also get an e-mail): the "thông báo" column of the tables.
TOLD = {
    ("dossier", "send_to_head"): ("secretary_a1", {"head_a1"}, False),
    ("dossier", "send_back"): ("head_a1", {"secretary_a1"}, False),
    ("dossier", "send"): ("head_a1", RECEIVERS, True),
    ("dossier", "resend"): ("head_a1", RECEIVERS, True),
    ("dossier", "start_appraisal"): ("reviewer_a", SCHOOL, False),
    ("dossier", "return"): ("reviewer_a", SCHOOL, True),
    ("dossier", "appraise"): ("reviewer_a", SCHOOL | {"head_office_a"}, False),
    ("dossier", "forward"): ("reviewer_a", SCHOOL, False),
    ("dossier", "decide"): ("reviewer_a", SCHOOL, True),
    ("nomination", "return"): ("reviewer_a", SCHOOL, True),
    ("nomination", "resubmit"): ("secretary_a1", RECEIVERS, False),
    ("nomination", "accept"): ("reviewer_a", SCHOOL, False),
    ("nomination", "not_accept"): ("reviewer_a", SCHOOL, True),
    ("nomination", "pass_to_council"): ("reviewer_a", {"council_office_a", "head_office_a"}, False),
    ("nomination", "council_approve"): ("reviewer_a", SCHOOL, False),
    ("nomination", "council_reject"): ("reviewer_a", SCHOOL, True),
    ("nomination", "forward"): ("reviewer_a", SCHOOL, False),
    ("nomination", "award"): ("reviewer_a", SCHOOL, True),
    ("nomination", "not_award"): ("reviewer_a", SCHOOL, True),
    ("nomination", "award_down"): ("reviewer_a", SCHOOL, True),
    ("nomination", "not_award_down"): ("reviewer_a", SCHOOL, True),
}


def test_the_notification_table_covers_every_transition_and_each_has_a_notification():
    from nominations.workflows import DOSSIER_WORKFLOW, NOMINATION_WORKFLOW

    keys = {(wf.name, t.action) for wf in (DOSSIER_WORKFLOW, NOMINATION_WORKFLOW) for t in wf.transitions}
    silent = {
        (wf.name, t.action)
        for wf in (DOSSIER_WORKFLOW, NOMINATION_WORKFLOW)
        for t in wf.transitions
        if not any(getattr(e, "notifies", "") for e in t.effects)
    }
    assert (set(TOLD), silent) == (keys, set())


@pytest.fixture
def everyone(personas, tree):
    people = {
        **personas,
        "head_office_a": make_user("thu-truong-phong", tree["office_a"], Role.HEAD),
        "council_office_a": make_user("hoi-dong-phong", tree["office_a"], Role.COUNCIL_MEMBER),
    }
    for name, user in people.items():
        user.email = f"{name.replace('_', '-')}@truong.edu.vn"
        user.save(update_fields=["email"])
    return people


@pytest.mark.parametrize("key", list(TOLD), ids=lambda key: f"{key[0]}-{key[1]}")
def test_each_transition_notifies_who_acts_next(key, everyone, tree, person_factory):
    name, action = key
    actor, told, by_mail = TOLD[key]
    objects = workflow_targets.workflow_objects(tree, person_factory)
    workflow_targets.prepare(key, objects)
    state, _ = workflow_targets.EXPECTED[key]
    obj = objects[name]
    type(obj).objects.filter(pk=obj.pk).update(status=state)
    obj.refresh_from_db()
    Notification.objects.all().delete()
    OutgoingMail.objects.all().delete()

    result = act(obj, action, everyone[actor], comment="Ghi chú thử.", version=obj.version)

    by_user = {u.pk: n for n, u in everyone.items()}
    notified = {by_user[pk] for pk in Notification.objects.values_list("user_id", flat=True)}
    mailed = set(OutgoingMail.objects.values_list("to", flat=True))
    assert (result.status, notified) == (workflow_for(obj).get(action).target, told)
    assert mailed == ({everyone[n].email for n in told} if by_mail else set())
    assert all(VIETNAMESE.search(m) for m in Notification.objects.values_list("message", flat=True))


# --- malformed POSTs: never a 500, a Vietnamese message, nothing changed ---------------------------


HUGE = "x" * 100_000
TOO_BIG_FOR_DJANGO = "x" * (3 * 1024 * 1024)  # over DATA_UPLOAD_MAX_MEMORY_SIZE: 400


def _bodies(ids, objects):
    """(url name, pk, persona allowed there, [bodies]) for every nominations POST URL."""
    dossier, nomination = objects["dossier"], objects["nomination"]
    return [
        (
            "nominations:dossier_create",
            None,
            "secretary_a1",
            [
                {},
                {"unit": "abc", "round_kind": "nope", "school_year": "hai nghìn"},
                {"unit": str(ids["school_a1"]), "round_kind": "year_end", "school_year": "99999", "procedure": "x"},
                {"unit": str(ids["school_a1"]), "round_kind": "year_end", "school_year": "2025", "title": HUGE},
            ],
        ),
        (
            "nominations:dossier_edit",
            dossier.pk,
            "secretary_a1",
            [
                {"procedure": "normal", "version": "abc"},
                {"procedure": "normal", "version": "-1"},
                {"procedure": "??", "version": str(dossier.version)},
                {"procedure": "normal", "submission_date": "31/02/2026", "version": str(dossier.version)},
                {"procedure": "normal", "title": HUGE, "version": str(dossier.version)},
            ],
        ),
        (
            "nominations:dossier_transition",
            dossier.pk,
            "head_a1",
            [
                {"transition": "send"},
                {"transition": "send", "version": "abc"},
                {"transition": "send", "version": "1.5"},
                {"transition": "launch_rockets", "version": str(dossier.version)},
                {"version": str(dossier.version)},
                {"transition": "send_back", "version": str(dossier.version), "comment": HUGE},
                {"transition": "send", "version": str(dossier.version - 1)},
            ],
        ),
        (
            "nominations:nomination_add",
            dossier.pk,
            "secretary_a1",
            [
                {},
                {"person": "abc", "award": "ZZZ"},
                {"person": str(ids["stranger"]), "award": "LDTT"},
                {"collective": str(ids["school_a2"]), "award": "TTLDTT"},
            ],
        ),
        ("nominations:nominations_from_registration", dossier.pk, "secretary_a1", [{}, {"award": HUGE}]),
        (
            "nominations:nomination_edit",
            nomination.pk,
            "secretary_a1",
            [{"summary": "Mới", "version": "abc"}, {"summary": "Mới", "version": str(nomination.version - 1)}],
        ),
        (
            "nominations:nomination_transition",
            nomination.pk,
            "reviewer_a",
            [
                {"transition": "accept"},
                {"transition": "accept", "version": "abc"},
                {"transition": "", "version": str(nomination.version)},
                {"transition": "accept\x00", "version": str(nomination.version)},
                {"transition": "not_accept", "version": str(nomination.version), "comment": HUGE},
                {"transition": "not_accept", "version": str(nomination.version), "comment": "   "},
            ],
        ),
        (
            "nominations:nomination_override",
            nomination.pk,
            "reviewer_a",
            [
                {},
                {"criterion": "Điều 24", "reason": "Lý do", "version": "abc"},
                {"criterion": HUGE, "reason": "Lý do", "version": str(nomination.version)},
                {"criterion": "Điều 24", "reason": HUGE, "version": str(nomination.version)},
            ],
        ),
        (
            "nominations:attachment_upload",
            nomination.pk,
            "secretary_a1",
            [{}, {"file": "khong-phai-tep"}, {"description": HUGE}],
        ),
    ]


def _messages_of(response) -> list[str]:
    if response.status_code == 200 and response.context and "form" in response.context:
        form = response.context["form"]
        return [str(e) for errors in form.errors.values() for e in errors]
    return flashed(response)


@pytest.fixture
def malformed_world(appraising, personas, tree, person_factory):
    dossier, nomination = appraising
    # The dossier actions (head) need a draft; the nomination ones (reviewer) a dossier under appraisal:
    # one draft dossier of the school for the first, the appraised one for the second.
    draft = services.dossier_create(
        by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=RoundKind.EXEMPLARY, school_year=YEAR
    )
    stranger = person_factory(tree["school_a2"])
    ids = {"school_a1": tree["school_a1"].pk, "school_a2": tree["school_a2"].pk, "stranger": stranger.pk}
    return ids, {"dossier": draft, "nomination": nomination}


def test_malformed_posts_to_every_nominations_url_answer_no_500_and_change_nothing(client, malformed_world, personas):
    ids, objects = malformed_world
    outcomes = {}
    for url_name, pk, persona, bodies in _bodies(ids, objects):
        url = reverse(url_name, args=[pk] if pk else [])
        for i, body in enumerate(bodies):
            before = snapshot()
            response = logged_in(client, personas[persona]).post(url, body)
            messages = _messages_of(response)
            outcomes[(url_name, i)] = (
                response.status_code in (200, 302, 400, 404),
                bool(messages) and all(VIETNAMESE.search(m) for m in messages),
                snapshot() == before,
            )
    assert {k: v for k, v in outcomes.items() if v != (True, True, True)} == {}


def test_a_body_over_the_upload_limit_is_a_vietnamese_400(client, malformed_world, personas):
    _, objects = malformed_world
    nomination = objects["nomination"]
    before = snapshot()
    response = logged_in(client, personas["reviewer_a"]).post(
        reverse("nominations:nomination_transition", args=[nomination.pk]),
        {"transition": "not_accept", "version": str(nomination.version), "comment": TOO_BIG_FOR_DJANGO},
    )
    assert (response.status_code, "Yêu cầu không hợp lệ" in response.content.decode(), snapshot()) == (
        400,
        True,
        before,
    )


# Every URL of the app, whichever module serves it, gets garbage bodies from the people most likely to be
# allowed there: no 500, and nothing changes. The kind of object each URL argument names is that of the
# permission matrix (core/tests/test_permission_matrix.py TARGETS), so a new URL is covered once it is there.
LONG = "x" * 5001  # over every text limit of the app, well under Django's upload limit
GARBAGE = [
    {},
    {
        "version": "abc",
        "transition": "accept",
        "comment": LONG,
        "reason": LONG,
        "criterion": LONG,
        "content": LONG,
        "resolution": LONG,
        "summary": LONG,
        "title": LONG,
        "number": LONG,
        "signer": LONG,
        "issuer": LONG,
        "date": "31/02/2026",
        "starts_on": "hôm qua",
        "ends_on": "x",
        "days": "-5",
        "status": "zzz",
        "nomination": "abc",
        "nominations": ["1", "x", "-3"],
        "decisions": "abc",
        "file": "khong-phai-tep",
        "unit": "abc",
        "award": "ZZZ",
        "website": "",
    },
]
FUZZ_PERSONAS = ("secretary_a1", "root")  # the school side, and someone every rule allows
# Actions that take no input: an empty POST is their valid request (checked for no 500 only).
NO_INPUT = {"nominations:notice_withdraw"}


@pytest.fixture
def fuzz_world(ready, personas, tree, media):
    from django.contrib.auth import get_user_model

    from nominations.models import Decision, Objection, PublicNotice

    dossier, nomination = ready
    attachment = services.attachment_add(
        by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes())
    )
    act(Dossier.objects.get(pk=dossier.pk), "send", personas["head_a1"])
    act(Dossier.objects.get(pk=dossier.pk), "start_appraisal", personas["reviewer_a"])
    decision = Decision.objects.create(
        deciding_unit=tree["office_a"],
        school_year=YEAR,
        number="12/QĐ-PGDĐT",
        date=datetime.date(2026, 6, 1),
        signer="Trưởng phòng",
        issuer="Phòng GD&ĐT A",
    )
    today = datetime.date.today()
    notice = PublicNotice.objects.create(
        unit=tree["office_a"],
        title="Công khai danh sách đề nghị",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
    )
    notice.nominations.add(nomination)
    objection = Objection.objects.create(notice=notice, nomination=nomination, content="Chưa đúng.")
    root = get_user_model().objects.create_superuser("goc-fuzz", password="matkhau-thu-123")
    ids = {
        "dossier": dossier.pk,
        "campaign_dossier": dossier.pk,
        "decision_dossier": dossier.pk,
        "nomination": nomination.pk,
        "attachment": attachment.pk,
        "school": tree["school_a1"].pk,
        "decision": decision.pk,
        "notice": notice.pk,
        "notice_token": notice.token,
        "objection": objection.pk,
    }
    return ids, {**personas, "root": root}


def _fuzz_snapshot():
    from awards.models import AwardRecord
    from nominations.models import AchievementReport, Decision, Objection, PublicNotice

    return {
        **snapshot(),
        **table_rows(Decision, AchievementReport, PublicNotice, Objection, AwardRecord),
    }


def test_garbage_posted_to_every_nominations_url_answers_no_500_and_changes_nothing(fuzz_world):
    from core.tests.test_permission_matrix import TARGETS
    from nominations.urls import urlpatterns

    ids, people = fuzz_world
    browsers = {persona: logged_in(None, people[persona]) for persona in FUZZ_PERSONAS}
    outcomes = {}
    for pattern in urlpatterns:
        name = f"nominations:{pattern.name}"
        kwargs = {arg: ids[TARGETS[(name, arg)]] for arg in pattern.pattern.converters}
        url = reverse(name, kwargs=kwargs)
        before = _fuzz_snapshot()
        statuses = {browsers[p].post(url, body).status_code for p in FUZZ_PERSONAS for body in GARBAGE}
        outcomes[name] = (
            statuses <= {200, 302, 400, 403, 404, 405},
            name in NO_INPUT or _fuzz_snapshot() == before,
        )
    assert {k: v for k, v in outcomes.items() if v != (True, True)} == {}


def test_every_nominations_post_url_is_in_the_malformed_table():
    """A new POST URL of the app must be added to `_bodies` above (the GET-only ones are listed here)."""
    from nominations.urls import urlpatterns

    get_only = {"nominations:dossier_list", "nominations:dossier_detail", "nominations:attachment_download"}
    covered = {row[0] for row in _bodies({"school_a1": 1, "school_a2": 2, "stranger": 3}, _FakeObjects())}
    names = {f"nominations:{p.name}" for p in urlpatterns if p.callback.__module__ == "nominations.views"}
    assert names - get_only - covered == set()


class _FakeObjects(dict):
    def __init__(self):
        class Obj:
            pk = 1
            version = 1

        super().__init__(dossier=Obj(), nomination=Obj())
