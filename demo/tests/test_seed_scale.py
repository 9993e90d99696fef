"""`manage.py seed_scale` at a tiny scale: counts, states, the big dossier, determinism, invariants.

The demo is seeded once for the module (about 10 s on SQLite) inside a transaction rolled back at the end;
each test runs in a savepoint of it. Within that, seed_scale runs twice with the same seed (the first run
rolled back) and once with another seed, so the digests can be compared.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from awards.models import AwardRecord, TaskEvaluation
from core.text import fold, joined_search_key
from councils import box
from councils.enums import RoundStatus
from councils.models import AgendaItem, Ballot, Round, VoterRoll
from demo import scale
from documents.enums import DocumentStatus
from documents.models import GeneratedDocument
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Decision, Dossier, Nomination
from units.enums import Role, UnitKind
from units.models import Person, Unit, UnitRole
from units.search_keys import person_search_key, unit_search_key

SCALE = 0.005
SEED = 7
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _Rollback(Exception):
    pass


def _grow(seed: int) -> str:
    out = io.StringIO()
    call_command("seed_scale", scale=SCALE, seed=seed, stdout=out)
    return out.getvalue()


def _digest_of_a_run(seed: int) -> str:
    try:
        with transaction.atomic():
            _grow(seed)
            digest = scale.scale_digest()
            raise _Rollback
    except _Rollback:
        return digest


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            first = _digest_of_a_run(SEED)
            other_seed = _digest_of_a_run(SEED + 1)
            output = _grow(SEED)
            yield {"output": output, "digests": (first, scale.scale_digest(), other_seed), "media": media}
            transaction.set_rollback(True)


@pytest.fixture
def data(grown, db, settings):
    settings.MEDIA_ROOT = grown["media"]
    return grown


def _derived_fields(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in ("updated_at",)}


def _grown_units():
    return Unit.objects.filter(pk__gte=scale.first_grown_unit_pk())


def test_counts_match_the_plan(data):
    plan = scale.Plan.of(SCALE)
    units = _grown_units()
    intermediates = units.filter(
        kind__in=[UnitKind.OFFICE, UnitKind.COMMUNE_AUTHORITY], parent__kind=UnitKind.DEPARTMENT
    )
    assert intermediates.count() == plan.intermediates
    assert units.filter(kind=UnitKind.SCHOOL).count() == plan.schools + 1  # and the big school
    assert units.filter(kind=UnitKind.TEAM).count() == plan.teams
    dossiers = Dossier.objects.filter(unit__in=units)
    assert dossiers.count() == plan.dossiers + 1
    assert Nomination.objects.filter(dossier__in=dossiers).count() == plan.nominations + scale.BIG_DOSSIER
    people = Person.objects.filter(unit__in=units.filter(kind__in=[UnitKind.SCHOOL, UnitKind.TEAM]))
    ordinary = people.exclude(unit__name=scale.BIG_SCHOOL).exclude(unit__parent__name=scale.BIG_SCHOOL)
    assert 30 * plan.schools <= ordinary.count() <= 50 * plan.schools
    assert ordinary.filter(is_manager=True).count() >= 2 * plan.schools
    years = set(TaskEvaluation.objects.filter(person__in=people).values_list("school_year", flat=True))
    assert len(years) == scale.HISTORY_YEARS + 1  # five years of history and this year's ratings
    records = AwardRecord.objects.filter(person__in=people)
    assert set(records.values_list("award_type__code", flat=True)) == {"LDTT", "CSTDCS"}
    assert AwardRecord.objects.filter(unit__in=units).exists()  # collective titles


def test_every_dossier_and_nomination_state_appears(data):
    dossiers = Dossier.objects.filter(unit__in=_grown_units())
    assert set(dossiers.values_list("status", flat=True)) == set(DossierStatus.values)
    nominations = Nomination.objects.filter(dossier__in=dossiers)
    assert set(nominations.values_list("status", flat=True)) == set(NominationStatus.values)


def test_the_big_dossier_is_under_appraisal_at_binh_lam_from_one_school(data):
    big = Dossier.objects.get(unit__name=scale.BIG_SCHOOL)
    assert big.status == DossierStatus.UNDER_APPRAISAL
    assert big.receiving_unit.kind == UnitKind.OFFICE and big.receiving_unit.name.endswith("Bình Lâm")
    nominations = Nomination.objects.filter(dossier=big)
    assert nominations.count() == scale.BIG_DOSSIER
    schools = {p.unit.parent_id for p in Person.objects.filter(pk__in=nominations.values("person"))}
    assert schools == {big.unit_id}
    assert f"mã {big.pk}" in data["output"]


def test_same_seed_gives_the_same_data_and_another_seed_other_data(data):
    first, second, other_seed = data["digests"]
    assert first == second
    assert other_seed != first


def test_a_second_run_changes_nothing(data):
    models = (Unit, Person, Dossier, Nomination, AwardRecord, TaskEvaluation, Ballot, GeneratedDocument)
    before = {m.__name__: m.objects.count() for m in models}
    output = _grow(SEED)
    assert "đã có; không thay đổi gì" in output
    assert {m.__name__: m.objects.count() for m in models} == before


def test_rows_honour_the_model_invariants(data):
    units = list(_grown_units().select_related("parent"))
    for unit in units:
        assert unit.path == f"{unit.parent.path}{unit.pk}/", unit.name
        assert unit.depth == unit.parent.depth + 1
        assert unit.search_key == unit_search_key(unit.name, unit.short_name)
    for person in Person.objects.filter(unit__in=units):
        assert person.name_key == fold(person.full_name)
        assert person.search_key == person_search_key(person.full_name)
    # Whatever save() derives (today's fields and any added later) is what the bulk rows already hold.
    for model, rows in ((Unit, units[::7]), (Person, list(Person.objects.filter(unit__in=units))[::11])):
        for row in rows:
            stored = _derived_fields(row)
            row.save()
            row.refresh_from_db()
            assert _derived_fields(row) == stored, f"{model.__name__} {row.pk}"
    for dossier in Dossier.objects.filter(unit__in=units):
        assert dossier.search_key == joined_search_key(dossier.title, dossier.submission_number, length=600)
    for decision in Decision.objects.filter(nominations__dossier__unit__in=units).distinct():
        assert decision.search_key == joined_search_key(decision.number, decision.issuer, decision.excerpt, length=900)
    awarded = Nomination.objects.filter(dossier__unit__in=units, status=NominationStatus.AWARDED)
    assert not awarded.filter(award_record__isnull=True).exists()
    assert not awarded.filter(decision__isnull=True).exists()
    # A nomination the council saw is on an agenda; one still before the council is in a round not published.
    council_states = [NominationStatus.PASSED_TO_COUNCIL, NominationStatus.APPROVED_BY_COUNCIL]
    seen = Nomination.objects.filter(dossier__unit__in=units, status__in=council_states)
    assert seen.exists()
    assert set(seen.values_list("pk", flat=True)) == set(
        AgendaItem.objects.filter(nomination__in=seen).values_list("nomination_id", flat=True)
    )


def test_nominations_carry_their_candidates_name(data):
    """seed_scale's bulk insert fills the copy the inbox sorts on (Nomination.candidate_sort) from the candidates."""
    from nominations.paths import candidate_name_expression

    rows = Nomination.objects.filter(dossier__unit__in=_grown_units()).annotate(true_name=candidate_name_expression())
    pairs = list(rows.values_list("candidate_sort", "true_name"))
    assert pairs and all(copy == true != "" for copy, true in pairs)


def test_councils_hold_counted_closed_and_published_rounds(data):
    rounds = list(Round.objects.filter(meeting__council__members__user__username__endswith=".hoidong1").distinct())
    assert {r.status for r in rounds} == {RoundStatus.CLOSED, RoundStatus.PUBLISHED}
    for round_ in rounds:
        items = round_.rules["items"]
        assert VoterRoll.objects.filter(round=round_).count() == len(round_.entitled_member_ids)
        assert Ballot.objects.filter(round=round_).count() == len(items) * len(round_.entitled_member_ids)
        assert round_.ballots_sha256 == box.ballots_digest(round_)
        assert set(round_.results) == set(items)
        if round_.status == RoundStatus.PUBLISHED:
            assert all(result["passed"] for result in round_.results.values())


def test_generated_documents_are_ready_with_real_files(data):
    documents = GeneratedDocument.objects.filter(file__startswith="documents/scale/")
    assert {d.kind for d in documents} == {"submission", "decision", "minutes"}
    assert set(documents.values_list("status", flat=True)) == {DocumentStatus.READY}
    for name in set(documents.values_list("file", flat=True)):
        with default_storage.open(name) as handle:
            assert handle.read(5) == b"%PDF-"


def test_a_grown_school_secretary_logs_in_and_sees_only_her_school(data, client):
    big = Dossier.objects.get(unit__name=scale.BIG_SCHOOL)
    secretary = UnitRole.objects.get(unit=big.unit, role=Role.SECRETARY).user
    assert secretary.check_password("tdkt2025")  # the demo password, as for every demo account
    client.force_login(secretary)
    assert client.get(reverse("nominations:dossier_detail", args=[big.pk])).status_code == 200
    other = Dossier.objects.filter(unit__in=_grown_units()).exclude(unit=big.unit).first()
    assert client.get(reverse("nominations:dossier_detail", args=[other.pk])).status_code == 404
    assert get_user_model().objects.filter(username="so.chuyenvien").exists()  # the demo accounts stay
