"""The dossier page's history (views._history: `workflow.history`'s query compiled once per process and
content type) equals `workflow.history` row for row: its users (one without a full name), labels, comments
and order, only this object's transitions (not another dossier's, not a nomination's of the same id), in one
query; and the page shows it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core import workflow
from core.models import TransitionLog
from nominations import services, views
from nominations.enums import RoundKind
from nominations.models import Dossier, Nomination

pytestmark = pytest.mark.django_db


def _log(obj, by, action, from_state, to_state, at, comment=""):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        workflow=workflow.workflow_for(obj).name,
        action=action,
        from_state=from_state,
        to_state=to_state,
        by=by,
        at=at,
        comment=comment,
    )


@pytest.fixture
def logged(dossier, personas, tree, person_factory):
    secretary, reviewer = personas["secretary_a1"], personas["reviewer_a"]
    secretary.first_name, secretary.last_name = "Alice", "Nguyễn"
    secretary.save()
    now = timezone.now()
    # Two at the same moment: the order is (at, id).
    _log(dossier, reviewer, "return", "under_appraisal", "returned", now, comment="Bổ sung «minh chứng» & ký")
    _log(dossier, secretary, "submit", "draft", "awaiting_head", now - datetime.timedelta(days=2))
    _log(dossier, secretary, "send", "awaiting_head", "submitted", now - datetime.timedelta(days=1))
    _log(dossier, reviewer, "receive", "submitted", "under_appraisal", now)
    other = services.dossier_create(
        by=secretary, unit=tree["school_a1"], round_kind=dossier.round_kind, school_year=dossier.school_year + 1
    )
    _log(other, secretary, "submit", "draft", "awaiting_head", now)
    nomination = services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=person_factory(tree["school_a1"])
    )
    _log(nomination, reviewer, "return", "proposed", "returned", now, comment="Thiếu")
    # A nomination's transition whose object id is the dossier's: another content type, not in its history.
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Nomination),
        object_id=dossier.pk,
        workflow="nomination",
        action="return",
        from_state="proposed",
        to_state="returned",
        by=reviewer,
        at=now,
    )
    dossier.test_nomination = nomination
    return dossier


def _plain(rows):
    return [
        (r.at, r.by.pk, r.by.get_full_name(), r.by.username, r.action, r.from_state, r.to_state, r.comment)
        for r in rows
    ]


def test_history_equals_the_workflows(logged, django_assert_num_queries):
    expected = workflow.history(Dossier.objects.get(pk=logged.pk))
    assert len(expected) == 4
    with django_assert_num_queries(1):
        got = views._history(logged)
    assert got == expected
    assert _plain(got) == _plain(expected)
    assert views._history(logged) == expected  # the kept statement, again
    nomination = logged.test_nomination
    assert views._history(nomination) == workflow.history(nomination) != []


def test_history_of_a_dossier_without_transitions_is_empty(tree, personas):
    fresh = services.dossier_create(
        by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=2031
    )
    assert views._history(fresh) == workflow.history(fresh) == []


def test_the_page_shows_the_history(logged, client, personas):
    client.force_login(personas["secretary_a1"])
    html = client.get(reverse("nominations:dossier_detail", args=[logged.pk])).content.decode()
    section = html.split('<h2 class="h5">Lịch sử</h2>')[1]
    assert "Alice Nguyễn" in section
    assert "Bổ sung «minh chứng» &amp; ký" in section
    assert section.count("<li>") == 4
