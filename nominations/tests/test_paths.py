"""The paths a dossier carries (Dossier.unit_path, receiving_unit_path) and the copies its nominations keep
(Nomination.dossier_unit_path, receiving_unit_path, dossier_status, dossier_sent_at) equal the units' and the
dossier's after every write: creation, each transition (sending routes the dossier anew), a roll-up upward, a queryset update,
bulk writes and a unit move. The scope and the inbox filter on them, so a stale copy would hide a dossier from
its reviewers or show it to someone else."""

import datetime

from django.db.models import DateTimeField, Value
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from nominations import rollup, services
from nominations.enums import DossierStatus as D
from nominations.enums import RoundKind
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR, fill_submission
from nominations.tests.test_rollup import more, received, routes  # noqa: F401  # fixtures
from units.enums import Role
from units.services import unit_move


def _mismatches() -> dict:
    """{row: (carried, true)} for every dossier and nomination whose carried values differ from the truth."""
    wrong = {}
    for d in Dossier.objects.select_related("unit", "receiving_unit"):
        true = (d.unit.path, d.receiving_unit.path if d.receiving_unit_id else "")
        if (d.unit_path, d.receiving_unit_path) != true:
            wrong[f"dossier {d.pk}"] = ((d.unit_path, d.receiving_unit_path), true)
    for n in Nomination.objects.select_related("dossier__unit", "dossier__receiving_unit"):
        d = n.dossier
        true = (d.unit.path, d.receiving_unit.path if d.receiving_unit_id else "", d.status, d.sent_at)
        carried = (n.dossier_unit_path, n.receiving_unit_path, n.dossier_status, n.dossier_sent_at)
        if carried != true:
            wrong[f"nomination {n.pk}"] = (carried, true)
    return wrong


def _add(dossier, by, code, **kwargs):
    return services.nomination_add(by=by, dossier=dossier, award_code=code, summary="Hoàn thành xuất sắc.", **kwargs)


def test_paths_follow_the_dossier_through_its_workflow(dossier, teacher, personas, tree):
    secretary, head, reviewer = personas["secretary_a1"], personas["head_a1"], personas["reviewer_a"]
    nomination = _add(dossier, secretary, "LDTT", person=teacher)
    assert (dossier.unit_path, dossier.receiving_unit_path) == (tree["school_a1"].path, tree["office_a"].path)
    assert (nomination.dossier_unit_path, nomination.dossier_status) == (tree["school_a1"].path, D.DRAFT)
    fill_submission(dossier, secretary)
    services.dossier_transition(by=secretary, dossier=dossier, action="send_to_head", version=None)
    services.dossier_transition(by=head, dossier=dossier, action="send", version=None)
    services.dossier_transition(by=reviewer, dossier=dossier, action="start_appraisal", version=None)
    services.nomination_transition(
        by=reviewer, nomination=Nomination.objects.get(pk=nomination.pk), action="accept", version=None
    )
    assert Nomination.objects.get(pk=nomination.pk).dossier_status == D.UNDER_APPRAISAL
    assert _mismatches() == {}


def test_paths_follow_a_rollup_to_the_level_above(routes, dossier, teacher, more):  # noqa: F811
    lower, _ = received(dossier, teacher, more["secretary_a1"])
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    assert {d.receiving_unit_path for d in made} == {routes["district"].path, routes["dept"].path}
    assert _mismatches() == {}


def test_paths_follow_queryset_and_bulk_writes(dossier, teacher, personas, tree):
    nomination = _add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    Dossier.objects.filter(pk=dossier.pk).update(status=D.SENT, receiving_unit=tree["dept"])
    assert Nomination.objects.get(pk=nomination.pk).receiving_unit_path == tree["dept"].path
    Dossier.objects.filter(pk=dossier.pk).update(receiving_unit_id=tree["office_b"].pk)
    assert _mismatches() == {}
    dossier.refresh_from_db()
    dossier.receiving_unit = None
    dossier.save(update_fields=["receiving_unit", "updated_at"])
    assert Nomination.objects.get(pk=nomination.pk).receiving_unit_path == ""
    dossier.receiving_unit, dossier.status = tree["office_a"], D.RETURNED
    Dossier.objects.bulk_update([dossier], ["receiving_unit", "status"])
    other = Dossier.objects.bulk_create(
        [
            Dossier(
                unit=tree["school_a2"],
                round_kind=RoundKind.YEAR_END,
                school_year=YEAR,
                receiving_unit_id=tree["office_a"].pk,
            )
        ]
    )[0]
    moved = Nomination.objects.get(pk=nomination.pk)
    moved.dossier = other
    moved.save(update_fields=["dossier"])
    assert _mismatches() == {}
    Nomination.objects.filter(pk=nomination.pk).update(dossier=dossier)
    assert _mismatches() == {}


def test_paths_follow_a_unit_move(dossier, teacher, personas, tree):
    nomination = _add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    Dossier.objects.filter(pk=dossier.pk).update(status=D.SENT)
    admin = make_user("so-qt", tree["dept"], Role.ADMINISTRATOR)
    unit_move(unit=tree["school_a1"], new_parent=tree["office_b"], by=admin)
    school = type(tree["school_a1"]).objects.get(pk=tree["school_a1"].pk)
    assert Nomination.objects.get(pk=nomination.pk).dossier_unit_path == school.path
    unit_move(unit=tree["office_a"], new_parent=tree["office_b"], by=admin)  # the receiving unit moves
    assert _mismatches() == {}


def test_a_moved_schools_dossier_is_seen_by_its_new_phong_not_the_old(client, dossier, teacher, personas, tree):
    _add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    Dossier.objects.filter(pk=dossier.pk).update(status=D.SENT, receiving_unit=tree["office_b"])
    admin = make_user("so-qt", tree["dept"], Role.ADMINISTRATOR)
    unit_move(unit=tree["school_a1"], new_parent=tree["office_b"], by=admin)
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    statuses = {}
    for name in ("reviewer_a", "reviewer_b"):
        client.force_login(personas[name])
        statuses[name] = client.get(url).status_code
    inbox = client.get(reverse("nominations:inbox") + "?tab=de-nghi")
    assert statuses == {"reviewer_a": 404, "reviewer_b": 200}
    assert [n.dossier_id for n in inbox.context["page"]] == [dossier.pk]


def test_a_nomination_added_to_a_returned_dossier_copies_its_state(dossier, teacher, personas):
    Dossier.objects.filter(pk=dossier.pk).update(status=D.RETURNED)
    nomination = _add(Dossier.objects.get(pk=dossier.pk), personas["secretary_a1"], "LDTT", person=teacher)
    assert Nomination.objects.get(pk=nomination.pk).dossier_status == D.RETURNED
    assert _mismatches() == {}


def test_the_sent_day_copy_follows_every_write_and_its_clearing(dossier, teacher, personas):
    """`dossier_sent_at` (the inbox's default order) follows a plain update, an expression, a save and a bulk update,
    back to NULL too (`NOT (copy = NULL)` is not true: `paths.NULLABLE_COPIES`)."""
    nomination = _add(dossier, personas["secretary_a1"], "LDTT", person=teacher)
    sent = timezone.now() - datetime.timedelta(days=3)
    Dossier.objects.filter(pk=dossier.pk).update(sent_at=sent)
    assert (Nomination.objects.get(pk=nomination.pk).dossier_sent_at, _mismatches()) == (sent, {})
    dossier.refresh_from_db()
    dossier.sent_at = None
    dossier.save(update_fields=["sent_at", "updated_at"])
    assert (Nomination.objects.get(pk=nomination.pk).dossier_sent_at, _mismatches()) == (None, {})
    Dossier.objects.filter(pk=dossier.pk).update(sent_at=Now())
    assert Nomination.objects.get(pk=nomination.pk).dossier_sent_at is not None
    assert _mismatches() == {}
    Dossier.objects.filter(pk=dossier.pk).update(sent_at=Value(None, output_field=DateTimeField()))
    assert (Nomination.objects.get(pk=nomination.pk).dossier_sent_at, _mismatches()) == (None, {})
    dossier.refresh_from_db()
    dossier.sent_at = sent
    Dossier.objects.bulk_update([dossier], ["sent_at"])
    assert (Nomination.objects.get(pk=nomination.pk).dossier_sent_at, _mismatches()) == (sent, {})
