"""RowLoader (nominations/rowload.py): the instances of its compiled statement equal the ORM's, field by field
(JSON reasons, dates and times, foreign keys, nulls), and it runs one query per call, none without values."""

import datetime

import pytest
from django.db.models import signals
from django.utils import timezone

from awards.models import AwardType
from nominations import services
from nominations.models import AchievementReport, Attachment, Nomination
from nominations.rowload import RowLoader
from units.models import Person, Unit

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {key: value for key, value in instance.__dict__.items() if key != "_state"}


def _same(loaded, orm) -> None:
    assert sorted((_fields(i) for i in loaded), key=lambda f: f["id"]) == sorted(
        (_fields(i) for i in orm), key=lambda f: f["id"]
    )
    assert {(type(i), i._state.adding, i._state.db) for i in loaded} == {(type(orm[0]), False, "default")}


@pytest.fixture
def nominations(dossier, tree, person_factory):
    rows = []
    for i in range(3):
        n = services.nomination_add(
            by=None, dossier=dossier, award_code="LDTT", person=person_factory(tree["school_a1"]), summary=f"Dòng {i}"
        )
        rows.append(n)
    Nomination.objects.filter(pk=rows[0].pk).update(
        verdict="not_eligible",
        reasons=[{"status": "not_met", "text": "Chưa đạt «Điều 9»", "legal_basis": "Điều 9"}],
        checked_at=timezone.now(),
        overridden_at=timezone.now() - datetime.timedelta(days=1),
        override_criterion="Tiêu chuẩn",
    )
    AchievementReport.objects.create(nomination=rows[1], profile={"position": "Giáo viên"}, results="Tốt")
    Attachment.objects.create(
        nomination=rows[2], file="x/1.pdf", original_name="minh-chung.pdf", content_type="application/pdf", size=10
    )
    return rows


def test_row_loader_instances_equal_the_orms(nominations, dossier):
    ids = [n.pk for n in nominations]
    people = {n.person_id for n in nominations}
    units = set(Person.objects.filter(pk__in=people).values_list("unit_id", flat=True)) | {dossier.unit_id}
    awards = {n.award_type_id for n in nominations}
    _same(RowLoader(Nomination, "dossier_id").load([dossier.pk]), list(Nomination.objects.filter(dossier=dossier)))
    _same(RowLoader(Person).load(people), list(Person.objects.filter(pk__in=people)))
    _same(RowLoader(Unit).load(units), list(Unit.objects.filter(pk__in=units)))
    _same(RowLoader(AwardType).load(awards), list(AwardType.objects.filter(pk__in=awards)))
    _same(
        RowLoader(AchievementReport, "nomination_id").load(ids),
        list(AchievementReport.objects.filter(nomination_id__in=ids)),
    )
    _same(RowLoader(Attachment, "nomination_id").load(ids), list(Attachment.objects.filter(nomination_id__in=ids)))


def test_row_loader_reads_json_and_relations_like_the_orm(nominations):
    first = RowLoader(Nomination).in_bulk([nominations[0].pk])[nominations[0].pk]
    assert first.reasons == [{"status": "not_met", "text": "Chưa đạt «Điều 9»", "legal_basis": "Điều 9"}]
    assert first.person == Person.objects.get(pk=nominations[0].person_id)  # a relation still loads on demand
    first.summary = "Sửa"
    first.save(update_fields=["summary"])  # an instance the ORM can save (not adding: an UPDATE)
    assert Nomination.objects.get(pk=first.pk).summary == "Sửa"


def test_row_loader_one_query_per_call_none_without_values(nominations, django_assert_num_queries):
    loader = RowLoader(Nomination)
    with django_assert_num_queries(1):
        assert len(loader.load([n.pk for n in nominations])) == 3
    with django_assert_num_queries(0):
        assert loader.load([]) == []


def test_row_loader_runs_init_when_a_receiver_listens(nominations):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    signals.post_init.connect(receiver, sender=Nomination)
    try:
        loaded = RowLoader(Nomination).load([nominations[0].pk])
    finally:
        signals.post_init.disconnect(receiver, sender=Nomination)
    assert (seen, [n.pk for n in loaded]) == ([nominations[0].pk], [nominations[0].pk])
