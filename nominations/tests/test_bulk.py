"""Staged bulk review: all or nothing, versions checked, a double POST harmless, one notification per unit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.enums import TaskRating
from awards.models import TaskEvaluation
from conftest import make_user
from core import workflow
from core.models import TransitionLog
from nominations import bulk, services
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR
from notifications.models import Notification
from units.enums import Role

N = NominationStatus


@pytest.fixture
def appraising(dossier, tree, person_factory):
    """School A1's dossier under appraisal at Phòng A with three eligible LĐTT nominations."""
    nominations = []
    for _ in range(3):
        person = person_factory(tree["school_a1"])
        TaskEvaluation.objects.create(person=person, school_year=YEAR, rating=TaskRating.EXCELLENT)
        nominations.append(
            services.nomination_add(by=None, dossier=dossier, award_code="LDTT", person=person, summary="Tốt.")
        )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_a"])
    Nomination.objects.filter(dossier=dossier).update(verdict="eligible")
    return Dossier.objects.get(pk=dossier.pk), [Nomination.objects.get(pk=n.pk) for n in nominations]


def body(rows, step="ap-dung"):
    data = {"buoc": step}
    for n, action, comment in rows:
        data[f"action-{n.pk}"] = action
        data[f"comment-{n.pk}"] = comment
        data[f"version-{n.pk}"] = str(n.version)
    return data


def statuses(nominations):
    return [Nomination.objects.get(pk=n.pk).status for n in nominations]


def url_of(dossier):
    return reverse("nominations:dossier_bulk_review", args=[dossier.pk])


def logs():
    return TransitionLog.objects.filter(workflow="nomination").count()


def test_every_staged_row_is_applied_and_the_unit_notified_once(client, appraising, personas):
    dossier, (first, second, third) = appraising
    client.force_login(personas["reviewer_a"])
    staged = [(first, "accept", ""), (second, "return", "Bổ sung minh chứng."), (third, "not_accept", "Chưa đạt.")]
    response = client.post(url_of(dossier), body(staged))
    notices = Notification.objects.filter(url=dossier.get_absolute_url())
    assert (response.status_code, statuses([first, second, third]), logs()) == (
        302,
        [N.ACCEPTED, N.RETURNED, N.NOT_ACCEPTED],
        3,
    )
    # One notification per user of the unit (its head and secretary), not one per nomination.
    assert sorted(n.user.username for n in notices) == ["alice", "bao"]
    assert "Bổ sung minh chứng." in notices[0].message


def test_one_row_refused_by_a_guard_applies_nothing(client, appraising, personas):
    dossier, (first, second, third) = appraising
    Nomination.objects.filter(pk=third.pk).update(verdict="not_eligible")
    client.force_login(personas["reviewer_a"])
    staged = [(first, "accept", ""), (second, "return", "Bổ sung."), (third, "accept", "")]
    response = client.post(url_of(dossier), body(staged))
    errors = {row["n"].pk: row["error"] for row in response.context["rows"] if row["error"]}
    assert (response.status_code, statuses([first, second, third]), logs(), Notification.objects.count()) == (
        200,
        [N.PROPOSED, N.PROPOSED, N.PROPOSED],
        0,
        0,
    )
    assert list(errors) == [third.pk] and "ý kiến vượt điều kiện" in errors[third.pk]


def test_a_missing_comment_is_reported_on_its_row_before_anything_runs(client, appraising, personas):
    dossier, (first, second, _) = appraising
    client.force_login(personas["reviewer_a"])
    response = client.post(url_of(dossier), body([(first, "accept", ""), (second, "not_accept", " ")], "xem-lai"))
    errors = {row["n"].pk: row["error"] for row in response.context["rows"] if row["error"]}
    assert (errors, response.context["reviewing"], logs()) == (
        {second.pk: "Vui lòng ghi lý do không chấp nhận khi «Không chấp nhận»."},
        False,
        0,
    )


def test_review_step_lists_only_the_staged_rows_and_writes_nothing(client, appraising, personas):
    dossier, (first, second, third) = appraising
    client.force_login(personas["reviewer_a"])
    response = client.post(url_of(dossier), body([(second, "return", "Thiếu minh chứng.")], "xem-lai"))
    rows = [(row["n"].pk, row["action"], row["comment"]) for row in response.context["rows"]]
    assert (response.context["reviewing"], rows, statuses([first, second, third])) == (
        True,
        [(second.pk, "return", "Thiếu minh chứng.")],
        [N.PROPOSED] * 3,
    )


def test_a_nomination_changed_by_another_reviewer_meanwhile_stops_the_whole_list(client, appraising, personas, tree):
    dossier, (first, second, _) = appraising
    other = make_user("reviewer-2", tree["office_a"], Role.REVIEWER)
    staged = body([(first, "accept", ""), (second, "accept", "")])  # versions as the first reviewer loaded them
    workflow.transition(second, "not_accept", by=other, version=second.version, comment="Không đạt.")
    client.force_login(personas["reviewer_a"])
    response = client.post(url_of(dossier), staged)
    errors = {row["n"].pk: row["error"] for row in response.context["rows"] if row["error"]}
    assert (statuses([first, second]), list(errors)) == ([N.PROPOSED, N.NOT_ACCEPTED], [second.pk])
    assert "đã được người khác cập nhật" in errors[second.pk]


def test_a_double_post_changes_nothing_the_second_time(client, appraising, personas):
    dossier, (first, second, _) = appraising
    client.force_login(personas["reviewer_a"])
    staged = body([(first, "accept", ""), (second, "return", "Bổ sung.")])
    client.post(url_of(dossier), staged, follow=True)
    after_first = (statuses([first, second]), logs(), Notification.objects.count())
    response = client.post(url_of(dossier), staged, follow=True)
    assert (statuses([first, second]), logs(), Notification.objects.count()) == after_first
    assert [str(m) for m in response.context["messages"]] == [
        "Các thao tác này đã được áp dụng trước đó; không có gì thay đổi."
    ]


@pytest.mark.parametrize(
    "persona,expected",
    [("reviewer_a", 200), ("secretary_a1", 403), ("head_a1", 403), ("dept", 403), ("reviewer_b", 404)],
)
def test_only_the_receiving_units_appraisers_open_the_page(client, appraising, personas, tree, persona, expected):
    dossier, _ = appraising
    user = make_user("so-cv", tree["dept"], Role.REVIEWER) if persona == "dept" else personas[persona]
    client.force_login(user)
    assert client.get(url_of(dossier)).status_code == expected


def test_the_service_checks_who_acts(appraising, personas):
    dossier, (first, *_) = appraising
    with pytest.raises(PermissionDenied):
        bulk.nominations_bulk_transition(
            dossier=dossier,
            by=personas["head_a1"],
            items=[bulk.StagedDecision(nomination_id=first.pk, action="accept", version=first.version)],
        )
    assert statuses([first]) == [N.PROPOSED]


def test_a_dossier_not_under_appraisal_is_refused_as_a_whole(client, appraising, personas):
    dossier, (first, *_) = appraising
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SENT)
    client.force_login(personas["reviewer_a"])
    response = client.post(url_of(dossier), body([(first, "accept", "")]))
    assert (response.status_code, response.context["general_error"], statuses([first])) == (
        200,
        "Chỉ thẩm định hàng loạt được khi hồ sơ đang ở trạng thái «Đang thẩm định».",
        [N.PROPOSED],
    )


def test_a_nomination_of_another_dossier_is_refused(appraising, personas, tree, person_factory):
    dossier, (first, *_) = appraising
    other = services.dossier_create(by=None, unit=tree["school_a2"], round_kind="exemplary", school_year=YEAR)
    stranger = services.nomination_add(
        by=None, dossier=other, award_code="LDTT", person=person_factory(tree["school_a2"]), summary="Tốt."
    )
    with pytest.raises(bulk.BulkRefused) as refused:
        bulk.nominations_bulk_transition(
            dossier=dossier,
            by=personas["reviewer_a"],
            items=[
                bulk.StagedDecision(nomination_id=first.pk, action="accept", version=first.version),
                bulk.StagedDecision(nomination_id=stranger.pk, action="accept", version=stranger.version),
            ],
        )
    assert (refused.value.errors, statuses([first, stranger])) == (
        {stranger.pk: "Đề nghị không thuộc hồ sơ này."},
        [N.PROPOSED, N.PROPOSED],
    )
