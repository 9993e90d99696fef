"""Properties of the eligibility engine (awards/engine.py, awards/rules_engine/) on random histories.

The catalog and rules are the migrated ones (the law as data). On any history of ratings, award records,
initiatives, discipline and service periods, led units and revoked records:
- `evaluate` never raises and is deterministic (the same facts give the same verdict and reasons);
- every reason is Vietnamese;
- a disqualifying fact (a sanction or a pending case, a lower rating) never makes the verdict better;
- a revoked record never counts: the verdict is the one without it, in the pure layer and through the
  database (`check_eligibility` after `decision_revoke` equals the check before the record existed).
"""

import copy
import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from awards.engine import _Catalog, check_eligibility, evaluate
from awards.enums import (
    RATING_RANK,
    CommendationKind,
    DisciplineKind,
    InitiativeKind,
    InitiativeScope,
    RecipientKind,
    RuleKind,
    ServicePeriodKind,
    TaskRating,
    Verdict,
)
from awards.models import AwardRecord, AwardType, TaskEvaluation
from awards.rules_engine.base import (
    CollectiveFacts,
    InitiativeFact,
    LedUnitFact,
    MemberFact,
    PeriodFact,
    PersonFacts,
    RecordFact,
)
from awards.rules_engine.functions import with_defaults
from awards.schoolyear import school_year_bounds
from awards.services import decision_revoke
from core.tests.hypothesis_profiles import examples
from core.tests.properties import is_vietnamese, rolled_back

CHECK_DAYS = [datetime.date(2021, 6, 1), datetime.date(2025, 6, 1), datetime.date(2026, 7, 15)]
RANK = {Verdict.NOT_ELIGIBLE: 0, Verdict.NEEDS_REVIEW: 1, Verdict.ELIGIBLE: 2}
RATINGS = list(TaskRating)
WORSE = {r: [w for w in RATINGS if RATING_RANK[w] < RATING_RANK[r]] for r in RATINGS}


@pytest.fixture
def catalogs(db):
    """The catalog and rules in force on each check day, read once per test (examples share them)."""
    return {day: _Catalog.load(day) for day in CHECK_DAYS}


def _days(lo: datetime.date, hi: datetime.date):
    return st.dates(min_value=lo, max_value=hi)


@st.composite
def histories(draw, catalogs, collective=False):
    """(award type, rules, facts) of one random candidate."""
    on_date = draw(st.sampled_from(CHECK_DAYS))
    catalog = catalogs[on_date]
    codes = sorted(catalog.types)
    assume(codes)
    code = draw(st.sampled_from(codes), label="award")
    year = draw(st.integers(on_date.year - 3, on_date.year - 1 if on_date.month < 9 else on_date.year), label="year")
    years = st.integers(year - 8, year + 1)
    record = st.builds(
        RecordFact,
        code=st.sampled_from(codes),
        year=years,
        merit=st.booleans(),
        decision_number=st.sampled_from(["", "12/QĐ-UBND", "5/QĐ-SGDĐT"]),
        decision_date=st.none() | _days(datetime.date(2010, 1, 1), on_date),
    )
    records = st.lists(record, max_size=8)
    common = {
        "name": "Nguyễn Thị Thử",
        "year": year,
        "on_date": on_date,
        "award_code": code,
        "records": draw(records, label="records"),
        "labels": dict(catalog.labels),
        "pending": frozenset(draw(st.lists(st.sampled_from(codes), max_size=2))),
        "revoked_records": draw(records, label="revoked"),
    }
    if collective:
        members = st.builds(
            MemberFact,
            rating=st.none() | st.sampled_from(RATINGS),
            codes=st.frozensets(st.sampled_from(codes), max_size=3),
            discipline_rank=st.integers(0, 5),
            pending=st.frozensets(st.sampled_from(codes), max_size=2),
            person_id=st.integers(1, 10**6),
        )
        facts = CollectiveFacts(**common, members=draw(st.lists(members, max_size=12), label="members"))
    else:
        periods = st.builds(
            lambda kind, start, length: PeriodFact(kind, start, None if length is None else start + length),
            st.sampled_from(list(DisciplineKind)),
            _days(datetime.date(2005, 1, 1), on_date),
            st.none() | st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=2000)),
        )
        service = st.builds(
            lambda kind, start, length: PeriodFact(kind, start, None if length is None else start + length),
            st.sampled_from(list(ServicePeriodKind)),
            _days(datetime.date(1990, 1, 1), on_date),
            st.none() | st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=8000)),
        )
        initiatives = st.builds(
            InitiativeFact,
            year=years,
            scope=st.sampled_from(list(InitiativeScope)),
            kind=st.sampled_from(list(InitiativeKind)),
            title=st.just("Sáng kiến thử"),
            used_for=st.lists(record, max_size=2).map(tuple),
        )
        led = st.builds(
            LedUnitFact,
            name=st.just("Trường Thử"),
            records=records,
            pending=st.frozensets(st.sampled_from(codes), max_size=2),
            unit_id=st.integers(1, 10**6),
        )
        facts = PersonFacts(
            **common,
            service_start=draw(st.none() | _days(datetime.date(1975, 1, 1), on_date), label="service_start"),
            is_manager=draw(st.booleans()),
            ratings=draw(st.dictionaries(years, st.sampled_from(RATINGS), max_size=9), label="ratings"),
            initiatives=draw(st.lists(initiatives, max_size=4), label="initiatives"),
            discipline=draw(st.lists(periods, max_size=3), label="discipline"),
            service_periods=draw(st.lists(service, max_size=3), label="service_periods"),
            led_units=draw(st.lists(led, max_size=2), label="led_units"),
        )
    award_type = catalog.award_type(code)
    return award_type, catalog.rules_of(code), facts


def _verdict(award_type, rules, facts):
    verdict, reasons = evaluate(award_type, rules, copy.deepcopy(facts))
    return verdict, [(r.status, r.text, r.legal_basis) for r in reasons]


@examples(1.0)
@given(data=st.data())
def test_engine_never_raises_is_deterministic_and_speaks_vietnamese(catalogs, data):
    collective = data.draw(st.booleans(), label="collective")
    award_type, rules, facts = data.draw(histories(catalogs, collective=collective))
    first = _verdict(award_type, rules, facts)
    assert first == _verdict(award_type, rules, facts)
    assert first[0] in Verdict.values
    assert [text for _status, text, _basis in first[1] if not is_vietnamese(text)] == []


@examples(1.0)
@given(data=st.data())
def test_a_sanction_or_pending_case_never_improves_the_verdict(catalogs, data):
    award_type, rules, facts = data.draw(histories(catalogs))
    assume(award_type.recipient_kind != RecipientKind.COLLECTIVE)
    before, _ = _verdict(award_type, rules, facts)
    lo, hi = school_year_bounds(facts.year)
    kind = data.draw(st.sampled_from(list(DisciplineKind)), label="new discipline")
    worse = copy.deepcopy(facts)
    # Over the whole school year and the check day: it blocks wherever the law says it does.
    worse.discipline.append(PeriodFact(kind, min(lo, facts.on_date), max(hi, facts.on_date)))
    after, _ = _verdict(award_type, rules, worse)
    assert RANK[after] <= RANK[before]
    blocking = [
        with_defaults(RuleKind.BLOCKING, r.params or {})
        for r in rules
        if r.kind == RuleKind.BLOCKING and (r.params or {}).get("applies_to", "both") != "collective"
    ]
    if kind == DisciplineKind.PENDING and any(p["pending"] for p in blocking):
        assert after == Verdict.NOT_ELIGIBLE


@examples(1.0)
@given(data=st.data())
def test_a_lower_rating_never_improves_the_verdict(catalogs, data):
    award_type, rules, facts = data.draw(histories(catalogs))
    rated = sorted(year for year, rating in facts.ratings.items() if WORSE[rating])
    assume(rated)
    year = data.draw(st.sampled_from(rated), label="lowered year")
    worse = copy.deepcopy(facts)
    worse.ratings[year] = data.draw(st.sampled_from(WORSE[facts.ratings[year]]), label="lower rating")
    assert RANK[_verdict(award_type, rules, worse)[0]] <= RANK[_verdict(award_type, rules, facts)[0]]


@examples(1.0)
@given(data=st.data())
def test_revoked_records_never_change_the_verdict(catalogs, data):
    collective = data.draw(st.booleans(), label="collective")
    award_type, rules, facts = data.draw(histories(catalogs, collective=collective))
    without = copy.deepcopy(facts)
    without.revoked_records = []
    assert _verdict(award_type, rules, facts)[0] == _verdict(award_type, rules, without)[0]


# --- through the database: a revoked record counts as never given ----------------------------------


@pytest.fixture
def teacher(tree, person_factory):
    return person_factory(tree["school_a1"], date_of_birth=datetime.date(1980, 2, 3))


RECORD_CODES = ["LDTT", "CSTDCS", "GK", "BK_TINH", "CSTD_TINH"]


@examples(0.3)
@given(
    ratings=st.dictionaries(st.integers(2016, 2024), st.sampled_from(RATINGS), max_size=8),
    held=st.lists(st.tuples(st.sampled_from(RECORD_CODES), st.integers(2016, 2024)), max_size=5, unique=True),
    revoked=st.tuples(st.sampled_from(RECORD_CODES), st.integers(2016, 2024)),
    asked=st.sampled_from(RECORD_CODES),
    year=st.integers(2020, 2024),
)
def test_a_revoked_record_counts_as_never_given(teacher, ratings, held, revoked, asked, year):
    on_date = datetime.date(2025, 8, 1)
    types = {t.code: t for t in AwardType.objects.filter(code__in=RECORD_CODES).order_by("effective_from")}
    with rolled_back():
        TaskEvaluation.objects.bulk_create(
            [TaskEvaluation(person=teacher, school_year=y, rating=r) for y, r in ratings.items()]
        )
        for code, held_year in held:
            if code in types and (code, held_year) != revoked:
                AwardRecord.objects.create(
                    person=teacher,
                    award_type=types[code],
                    school_year=held_year,
                    decision_number=f"{held_year}/QĐ-{code}",
                    decision_date=datetime.date(held_year + 1, 6, 1),
                    commendation_kind=CommendationKind.MERIT,
                )
        before = check_eligibility(teacher, asked, year, on_date=on_date)
        AwardRecord.objects.create(
            person=teacher,
            award_type=types[revoked[0]],
            school_year=revoked[1],
            decision_number="99/QĐ-THU",
            decision_date=datetime.date(revoked[1] + 1, 6, 1),
            commendation_kind=CommendationKind.MERIT,
        )
        decision_revoke(
            decision_number="99/QĐ-THU",
            decision_date=None,
            revocation_number="7/QĐ-HUY",
            revocation_date=datetime.date(2025, 7, 1),
            reason="Khen thưởng sai đối tượng",
            by=None,
        )
        after = check_eligibility(teacher, asked, year, on_date=on_date)
        assert after.verdict == before.verdict
        assert after.verdict == check_eligibility(teacher, asked, year, on_date=on_date).verdict
