"""core.fixedsql.FixedQuery: the rows of the ORM's own queryset, from SQL compiled once per connection."""

import datetime

import pytest
from django.db import connection, connections
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from awards import services
from awards.enums import RuleKind
from awards.models import AwardRecord, AwardRule, in_force_q
from core.fixedsql import FixedQuery


def _records(pk):
    return AwardRecord.objects.filter(person_id=pk).select_related("award_type", "revocation").order_by("id")


def _fields(record: AwardRecord) -> tuple:
    """Every column of the record and of its select_related rows, as the template and the engine read them."""
    revocation = record.revocation
    return (
        tuple(getattr(record, f.attname) for f in AwardRecord._meta.concrete_fields),
        tuple(getattr(record.award_type, f.attname) for f in record.award_type._meta.concrete_fields),
        None if revocation is None else tuple(getattr(revocation, f.attname) for f in revocation._meta.concrete_fields),
    )


@pytest.fixture
def awarded(tree, person_factory, db):
    """Two people with records; one of the first's revoked (a select_related row present and one absent)."""
    first, second = person_factory(tree["school_a1"]), person_factory(tree["school_a1"])
    made = []
    for person, years in ((first, (2019, 2020, 2021)), (second, (2022,))):
        for year in years:
            made.append(
                services.award_record_create(
                    by=None,
                    award_code="LDTT",
                    school_year=year,
                    person=person,
                    decision_number=f"{person.pk}-{year}/QĐ",
                    decision_date=datetime.date(year + 1, 6, 1),
                )
            )
    services.decision_revoke(
        decision_number=made[0].decision_number,
        decision_date=made[0].decision_date,
        decision_issuer=made[0].issuer,
        records=[made[0]],
        revocation_number="1/QĐ-TH",
        revocation_date=datetime.date(2022, 1, 5),
        issuer="UBND",
        reason="Ghi nhầm",
        by=None,
    )
    return first, second


def test_model_rows_with_select_related_equal_the_querysets(awarded):
    fixed = FixedQuery(_records, int)
    for person in awarded:
        expected = list(_records(person.pk))
        got = fixed.run(person.pk)
        assert [type(r) for r in got] == [AwardRecord] * len(expected)
        assert [_fields(r) for r in got] == [_fields(r) for r in expected]
        assert [r.award_type.name for r in got] == [r.award_type.name for r in expected]
    assert sum(r.revocation is not None for r in fixed.run(awarded[0].pk)) == 1


def test_values_list_rows_pass_through_the_converters(db):
    """AwardRule.params is a JSONField: its converter turns PostgreSQL's text into a dict, as the ORM's."""

    def build(day):
        return AwardRule.objects.filter(in_force_q(day)).order_by("kind", "award_code", "id")

    day = datetime.date.today()
    fixed = FixedQuery(lambda d: build(d).values_list("award_code", "kind", "params"), datetime.date)
    rows = fixed.run(day)
    assert rows == list(build(day).values_list("award_code", "kind", "params"))
    assert any(isinstance(params, dict) and params for _code, _kind, params in rows)
    flat = FixedQuery(
        lambda d: build(d).filter(kind=RuleKind.QUOTA).values_list("award_code", flat=True), datetime.date
    )
    assert flat.run(day) == list(build(day).filter(kind=RuleKind.QUOTA).values_list("award_code", flat=True))
    # Another value, another answer: the date travels as a parameter (no rule was in force in 1900).
    assert fixed.run(datetime.date(1900, 1, 1)) == []


def test_compiled_once_per_connection_then_one_query_per_run(awarded):
    built = []

    def build(pk):
        built.append(pk)
        return _records(pk)

    fixed = FixedQuery(build, int)
    fixed.run(awarded[0].pk)
    with CaptureQueriesContext(connection) as ctx:
        fixed.run(awarded[1].pk)
        fixed.run(awarded[0].pk)
    assert len(built) == 1
    assert len(ctx.captured_queries) == 2


def test_a_value_used_twice_fills_both_places(db):
    """in_force_q compares the day twice (effective_from <= day, effective_to >= day): one value, two parameters."""
    fixed = FixedQuery(lambda d: AwardRule.objects.filter(in_force_q(d)).values_list("id", flat=True), datetime.date)
    compiled = fixed.compiled(connections["default"])
    assert [slot for slot, _constant in compiled.slots].count(0) == 2


@pytest.mark.parametrize(
    "build, kinds",
    [
        (lambda pk: AwardRecord.objects.filter(person_id=pk).prefetch_related("person"), (int,)),
        (lambda pk: AwardRecord.objects.filter(person_id=pk).values("id"), (int,)),
        # A value the statement does not take as a parameter (here: none at all).
        (lambda pk: AwardRecord.objects.filter(Q(person__isnull=True)), (int,)),
    ],
    ids=["prefetch", "dicts", "value-not-a-parameter"],
)
def test_unsupported_querysets_are_refused_when_compiled(db, build, kinds):
    with pytest.raises(ValueError):
        FixedQuery(build, *kinds).run(1)


def test_annotations_on_model_rows_are_set_as_the_orms(awarded):
    def build(pk):
        return AwardRecord.objects.filter(person_id=pk).annotate(code=F("award_type__code")).order_by("id")

    got = FixedQuery(build, int).run(awarded[0].pk)
    assert [(r.pk, r.code) for r in got] == [(r.pk, r.code) for r in build(awarded[0].pk)]
