import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import engine, services
from awards.enums import AuthorityKind, DisciplineKind, InitiativeScope, ServicePeriodKind, TaskRating, Verdict
from awards.models import AwardRule
from core.exceptions import ServiceError
from units.models import Person
from units.services import person_transfer, unit_update

ON = datetime.date(2025, 6, 20)  # year-end review of 2024-2025, before the 01/07/2025 reform
E, N, R = Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE, Verdict.NEEDS_REVIEW
HTXS, HTT, HT, KHT = TaskRating.EXCELLENT, TaskRating.GOOD, TaskRating.COMPLETE, TaskRating.NOT_COMPLETE


def texts(result):
    return " | ".join(r.text for r in result.reasons)


@pytest.mark.parametrize(
    "ldtt, rating, has_initiative, expected",
    [
        (True, HTXS, False, E),  # LĐTT and HTXS
        (True, HTT, True, E),  # LĐTT and an initiative: the OR of Luật Đ.23
        (True, HTT, False, N),  # neither HTXS nor initiative
        (True, HT, True, E),  # LĐTT already granted: the CSTĐCS rule reads that decision, not the rating
        (False, HTXS, False, N),  # LĐTT neither decided nor proposed in the open round: missing
        (True, None, False, R),  # no rating yet
    ],
)
def test_cstdcs_or_of_excellence_and_initiative(
    person_factory, record, rate, initiative, ldtt, rating, has_initiative, expected
):
    person = person_factory()
    if ldtt:
        record(person, "LDTT", 2024)
    if rating:
        rate(person, 2024, rating)
    if has_initiative:
        initiative(person, 2024)
    result = engine.check_eligibility(person, "CSTDCS", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)
    assert all(r.legal_basis for r in result.reasons)


def test_cstdcs_and_mode_set_by_data_from_a_date(person_factory, record, rate):
    person = person_factory()
    record(person, "LDTT", 2024)
    rate(person, 2024, HTXS)
    rule = AwardRule.objects.get(award_code="CSTDCS", kind="same_year")
    services.award_rule_supersede(
        by=None, rule=rule, effective_from=datetime.date(2025, 7, 1), params={**rule.params, "achievements_mode": "all"}
    )
    before = engine.check_eligibility(person, "CSTDCS", 2024, on_date=datetime.date(2025, 6, 30))
    after = engine.check_eligibility(person, "CSTDCS", 2024, on_date=datetime.date(2025, 7, 1))
    assert (before.verdict, after.verdict) == (E, N)
    assert "Cần đồng thời sáng kiến" in texts(after)


def test_award_type_authority_changes_on_reform_date(db):
    before = engine.award_type_in_force("CSTDCS", datetime.date(2025, 6, 30))
    after = engine.award_type_in_force("CSTDCS", datetime.date(2025, 7, 1))
    assert (before.authority_kind, after.authority_kind) == (AuthorityKind.DISTRICT_CHAIR, AuthorityKind.COMMUNE_CHAIR)


def test_unknown_award_code_is_refused(person_factory):
    with pytest.raises(ServiceError):
        engine.check_eligibility(person_factory(), "NO_SUCH", 2024, on_date=ON)


@pytest.mark.parametrize(
    "cstdcs_years, scope, expected, phrase",
    [
        ([2022, 2023, 2024], InitiativeScope.PROVINCIAL, E, "3 năm liên tục"),
        ([2022, 2024], InitiativeScope.PROVINCIAL, N, "2023-2024 không đạt"),  # a gap year breaks the chain
        ([2021, 2022, 2024], InitiativeScope.PROVINCIAL, N, "gián đoạn"),
        ([2022, 2023], InitiativeScope.PROVINCIAL, N, "không được đề nghị"),  # this year's CSTĐCS missing
        ([2022, 2023, 2024], InitiativeScope.BASE, N, "sáng kiến"),  # initiative scope too narrow
        ([2022, 2023, 2024], InitiativeScope.NATIONAL, E, "3 năm liên tục"),  # wider scope is enough
    ],
)
def test_cstd_tinh_chain(person_factory, record, initiative, cstdcs_years, scope, expected, phrase):
    person = person_factory()
    for year in cstdcs_years:
        record(person, "CSTDCS", year)
    initiative(person, 2023, scope)
    result = engine.check_eligibility(person, "CSTD_TINH", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)
    assert phrase in texts(result)


def test_chain_ignores_thematic_awards(person_factory, record, initiative):
    person = person_factory()
    record(person, "CSTD_TINH", 2023, commendation_kind="thematic")
    record(person, "CSTD_TINH", 2024)
    initiative(person, 2024, InitiativeScope.NATIONAL)
    result = engine.check_eligibility(person, "CSTD_TQ", 2024, on_date=ON)
    assert result.verdict == N
    assert "không được tính làm căn cứ khen theo công trạng" in texts(result)


@pytest.mark.parametrize(
    "cstdcs_years, ratings, initiatives, expected",
    [
        ([2023, 2024], {}, 0, E),  # 2 consecutive CSTĐCS
        ([], {2023: HTXS, 2024: HTXS}, 2, E),  # or 2 HTXS years with 2 initiatives
        ([], {2023: HTXS, 2024: HTXS}, 1, N),  # checkable criteria decide; the other criteria are named
        ([2022, 2024], {2023: HTT, 2024: HTXS}, 0, N),
    ],
)
def test_bang_khen_alternatives(person_factory, record, rate, initiative, cstdcs_years, ratings, initiatives, expected):
    person = person_factory()
    for year in cstdcs_years:
        record(person, "CSTDCS", year)
    for year, rating in ratings.items():
        rate(person, year, rating)
    for n in range(initiatives):
        initiative(person, 2023 + n % 2, title=f"SK {n}")
    result = engine.check_eligibility(person, "BK_TINH", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)


def test_moved_person_keeps_chain(tree, person_factory, record, initiative):
    person = person_factory(unit=tree["school_a1"])
    record(person, "CSTDCS", 2022)
    record(person, "CSTDCS", 2023)
    person_transfer(by=None, person=person, to_unit=tree["school_b1"], effective_date=datetime.date(2024, 8, 15))
    record(Person.objects.get(pk=person.pk), "CSTDCS", 2024)
    initiative(Person.objects.get(pk=person.pk), 2024, InitiativeScope.PROVINCIAL)
    result = engine.check_eligibility(Person.objects.get(pk=person.pk), "CSTD_TINH", 2024, on_date=ON)
    assert result.verdict == E, texts(result)


@pytest.mark.parametrize(
    "school_title, expected",
    [("TTLDXS", E), ("TTLDTT", N), (None, N)],
)
def test_principal_depends_on_school_title(tree, person_factory, record, rate, school_title, expected):
    school = tree["school_a1"]
    principal = person_factory(unit=school, position="Hiệu trưởng", is_manager=True)
    unit_update(by=None, unit=school, head=principal)
    record(principal, "LDTT", 2024)
    rate(principal, 2024, HTXS)
    if school_title:
        record(school, school_title, 2024)
    result = engine.check_eligibility(principal, "CSTDCS", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)
    if school_title == "TTLDTT":
        assert "Trường Tiểu học A1 đạt TTLĐTT, không đạt TTLĐXS" in texts(result)


def test_teacher_is_not_judged_on_school_title(tree, person_factory, record, rate):
    teacher = person_factory(unit=tree["team_a1"])
    record(tree["school_a1"], "TTLDTT", 2024)
    record(teacher, "LDTT", 2024)
    rate(teacher, 2024, HTXS)
    assert engine.check_eligibility(teacher, "CSTDCS", 2024, on_date=ON).verdict == E


def _members(person_factory, unit, count):
    return [person_factory(unit=unit) for _ in range(count)]


@pytest.mark.parametrize("ldtt_count, expected", [(6, E), (5, N)])
def test_ttldtt_needs_more_than_half_ldtt(tree, person_factory, record, ldtt_count, expected):
    members = _members(person_factory, tree["school_a1"], 10)
    for person in members[:ldtt_count]:
        record(person, "LDTT", 2024)
    result = engine.check_eligibility(tree["school_a1"], "TTLDTT", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)


@pytest.mark.parametrize(
    "ldtt_count, cstdcs_count, worst_rating, expected",
    [
        (7, 1, HT, E),
        (6, 1, HT, N),  # below 70 % LĐTT
        (7, 0, HT, N),  # no CSTĐCS
        (7, 1, KHT, N),  # one member did not complete the tasks
    ],
)
def test_ttldxs_from_members(tree, person_factory, record, rate, ldtt_count, cstdcs_count, worst_rating, expected):
    members = _members(person_factory, tree["school_a1"], 5) + _members(person_factory, tree["team_a1"], 5)
    for n, person in enumerate(members):
        rate(person, 2024, worst_rating if n == 9 else HTT)
        if n < ldtt_count:
            record(person, "LDTT", 2024)
        if n < cstdcs_count:
            record(person, "CSTDCS", 2024)
    result = engine.check_eligibility(tree["school_a1"], "TTLDXS", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)


def test_individual_award_refused_for_a_collective(tree):
    result = engine.check_eligibility(tree["school_a1"], "CSTDCS", 2024, on_date=ON)
    assert result.verdict == N


KNC_DAY = datetime.date(2025, 11, 20)


@pytest.mark.parametrize(
    "start, hard_years, discipline_years, already, expected",
    [
        (datetime.date(2005, 9, 1), 0, 0, False, E),  # 20 years
        (datetime.date(2008, 9, 1), 0, 0, False, N),  # 17 years
        (datetime.date(2008, 9, 1), 6, 0, False, E),  # 17 years, 6 in ĐBKK: 15 needed
        (datetime.date(2008, 9, 1), 4, 0, False, N),  # 4 years in ĐBKK is not enough to reduce
        (datetime.date(2005, 9, 1), 0, 2, False, N),  # 2 years of discipline excluded: 18
        (datetime.date(1995, 9, 1), 0, 0, True, N),  # once in a lifetime
        (None, 0, 0, False, R),  # no start date
    ],
)
def test_knc_service_years(person_factory, record, start, hard_years, discipline_years, already, expected):
    person = person_factory(service_start=start)
    if hard_years:
        services.service_period_create(
            by=None,
            person=person,
            kind=ServicePeriodKind.DISADVANTAGED,
            start=start,
            end=start.replace(year=start.year + hard_years) - datetime.timedelta(days=1),
        )
    if discipline_years:
        services.discipline_period_create(
            by=None,
            person=person,
            kind=DisciplineKind.WARNING,
            start=datetime.date(2010, 1, 1),
            end=datetime.date(2010 + discipline_years, 1, 1) - datetime.timedelta(days=1),
        )
    if already:
        record(person, "KNC_GD", 2015)
    result = engine.check_eligibility(person, "KNC_GD", 2025, on_date=KNC_DAY)
    assert result.verdict == expected, texts(result)


def test_pending_investigation_blocks_every_award(person_factory, record, rate):
    person = person_factory()
    rate(person, 2024, HTXS)
    services.discipline_period_create(
        by=None, person=person, kind=DisciplineKind.PENDING, start=datetime.date(2025, 5, 1)
    )
    result = engine.check_eligibility(person, "LDTT", 2024, on_date=ON)
    assert result.verdict == N
    assert "xem xét kỷ luật, thanh tra, điều tra" in texts(result)


def test_same_title_twice_in_a_year_is_refused(person_factory, record, rate):
    person = person_factory()
    rate(person, 2024, HTT)
    record(person, "LDTT", 2024)
    result = engine.check_eligibility(person, "LDTT", 2024, on_date=ON)
    assert result.verdict == N
    assert "một thành tích chỉ khen một lần" in texts(result)


def test_revoked_decision_leaves_every_check(person_factory, record, initiative):
    person = person_factory()
    record(person, "CSTDCS", 2022)
    revoked = record(person, "CSTDCS", 2023, decision_number="99/QĐ-UBND", decision_date=datetime.date(2024, 6, 1))
    record(person, "CSTDCS", 2024)
    initiative(person, 2024, InitiativeScope.PROVINCIAL)
    assert engine.check_eligibility(person, "CSTD_TINH", 2024, on_date=ON).verdict == E
    services.decision_revoke(
        by=None,
        decision_number="99/QĐ-UBND",
        decision_date=datetime.date(2024, 6, 1),
        revocation_number="5/QĐ-UBND",
        revocation_date=datetime.date(2025, 1, 10),
        reason="Hồ sơ khai không đúng",
    )
    revoked.refresh_from_db()
    assert revoked.is_revoked
    assert engine.check_eligibility(person, "CSTD_TINH", 2024, on_date=ON).verdict == N


def test_revoke_unknown_decision_is_refused(db):
    with pytest.raises(ServiceError):
        services.decision_revoke(
            by=None,
            decision_number="1/QĐ",
            decision_date=None,
            revocation_number="2/QĐ",
            revocation_date=ON,
            reason="x",
        )


@pytest.mark.parametrize("ldtt_count, allowed", [(19, 2), (20, 3), (6, 0), (0, None)])
def test_cstdcs_quota_rounds_down(tree, person_factory, record, ldtt_count, allowed):
    for person in _members(person_factory, tree["school_a1"], ldtt_count):
        record(person, "LDTT", 2024)
    line = next(q for q in engine.quota_usage(tree["school_a1"], 2024, on_date=ON) if q.award_code == "CSTDCS")
    assert line.allowed == allowed


def test_quota_rule_changed_on_reform_date_applies_by_date(tree, person_factory, record):
    for person in _members(person_factory, tree["school_a1"], 19):
        record(person, "LDTT", 2024)
    rule = AwardRule.objects.get(award_code="CSTDCS", kind="quota")
    services.award_rule_supersede(
        by=None, rule=rule, effective_from=datetime.date(2025, 7, 1), params={**rule.params, "share": 0.2}
    )

    def allowed(day):
        return next(
            q for q in engine.quota_usage(tree["school_a1"], 2024, on_date=day) if q.award_code == "CSTDCS"
        ).allowed

    assert (allowed(datetime.date(2025, 6, 30)), allowed(datetime.date(2025, 7, 1))) == (2, 3)


def test_quota_campaign_cap_and_proposed(tree, person_factory, record):
    people = _members(person_factory, tree["school_a1"], 3)
    for person in people:
        record(person, "BK_TINH", 2024)
    lines = {
        q.award_code: q
        for q in engine.quota_usage(tree["school_a1"], 2024, caps={"BK_TINH": 4}, proposed={"BK_TINH": 2})
    }
    line = lines["BK_TINH"]
    assert (line.used, line.proposed, line.allowed, line.remaining, line.is_over) == (3, 2, 4, -1, True)


@pytest.mark.parametrize(
    "code, present, approvals, passes",
    [
        ("CSTD_TINH", 20, 18, True),  # 18/20 = 90 % of all members
        ("CSTD_TINH", 20, 17, False),
        ("CSTD_TINH", 18, 17, False),  # 17/18 present is 94 %, but the denominator is all 20 members
        ("CSTD_TINH", 13, 13, False),  # below a 2/3 quorum
        ("LDTT", 14, 11, True),  # the default: more than half of all members
        ("LDTT", 14, 10, False),
    ],
)
def test_council_vote_thresholds_from_catalog(db, code, present, approvals, passes):
    ok, reasons = engine.council_vote_result(code, total_members=20, present=present, approvals=approvals)
    assert ok is passes, [r.text for r in reasons]


def _bulk_people(unit, count, start):
    people = Person.objects.bulk_create(
        [
            Person(unit=unit, full_name=f"Người {start + n}", name_key=f"người {start + n}", gender="female")
            for n in range(count)
        ]
    )
    return list(Person.objects.filter(pk__in=[p.pk for p in people]))


def test_check_many_query_count_is_constant(tree, record, rate, initiative):
    def run(count, start):
        people = _bulk_people(tree["school_a1"], count, start)
        for person in people[:5]:
            record(person, "CSTDCS", 2023)
            rate(person, 2024, HTXS)
        initiative(people[0], 2024, InitiativeScope.PROVINCIAL)
        with CaptureQueriesContext(connection) as ctx:
            results = engine.check_many(people, "CSTD_TINH", 2024, on_date=ON)
        assert len(results) == count
        return len(ctx.captured_queries)

    small = run(10, 0)
    large = run(1000, 10)
    assert small == large
    assert small <= 12


def test_check_many_collectives_query_count_is_constant(tree, person_factory):
    from units.enums import SchoolLevel, UnitKind
    from units.services import unit_create

    def run(count):
        schools = [
            unit_create(
                by=None,
                name=f"Trường {count}-{n}",
                kind=UnitKind.SCHOOL,
                school_level=SchoolLevel.PRIMARY,
                parent=tree["office_a"],
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as ctx:
            engine.check_many(schools, "TTLDTT", 2024, on_date=ON)
        return len(ctx.captured_queries)

    assert run(2) == run(30)


def test_check_codes_runs_each_award_once(person_factory, record, rate):
    person = person_factory()
    record(person, "LDTT", 2024)
    rate(person, 2024, HTXS)
    results = {
        r.award_code: r.verdict for r in engine.check_codes(person, ["LDTT", "CSTDCS", "KNC_GD"], 2024, on_date=ON)
    }
    assert results["CSTDCS"] == E
    assert results["LDTT"] == N  # already given this year


# --- pending versus missing, verdicts as of a date, quotas during the year (issue 8) -----------------


def test_title_of_the_year_pending_only_when_proposed_in_the_open_round(person_factory, rate):
    person = person_factory()
    rate(person, 2024, HTXS)
    missing = engine.check_eligibility(person, "CSTDCS", 2024, on_date=ON)
    proposed = engine.check_eligibility(person, "CSTDCS", 2024, on_date=ON, pending={(person, "LDTT")})
    by_key = engine.check_many([person], "CSTDCS", 2024, on_date=ON, pending={(engine.candidate_key(person), "LDTT")})[
        0
    ]
    other = engine.check_eligibility(person, "CSTDCS", 2024, on_date=ON, pending={(("person", 0), "LDTT")})
    assert (missing.verdict, proposed.verdict, by_key.verdict, other.verdict) == (N, R, R, N)
    assert "không được đề nghị trong đợt xét đang mở" in texts(missing)
    assert "đang đề nghị cùng đợt xét" in texts(proposed)


def test_principal_pending_when_school_proposed_in_the_round(tree, person_factory, record, rate):
    school = tree["school_a1"]
    principal = person_factory(unit=school, position="Hiệu trưởng", is_manager=True)
    unit_update(by=None, unit=school, head=principal)
    record(principal, "LDTT", 2024)
    rate(principal, 2024, HTXS)
    result = engine.check_codes(principal, ["CSTDCS"], 2024, on_date=ON, pending={(school, "TTLDXS")})[0]
    assert result.verdict == R, texts(result)


def test_verdict_as_of_a_date_ignores_later_records_and_revocations(person_factory, record, rate):
    person = person_factory()
    rate(person, 2024, HTXS)
    ldtt = record(person, "LDTT", 2024, decision_date=datetime.date(2025, 6, 10))
    first = engine.check_eligibility(person, "CSTDCS", 2024, on_date=ON)
    # A later decision for the same year does not exist yet on ON.
    record(person, "CSTDCS", 2024, decision_date=datetime.date(2025, 8, 1))
    # A revocation dated after ON does not count on ON.
    services.decision_revoke(
        by=None,
        decision_number=ldtt.decision_number,
        decision_date=ldtt.decision_date,
        revocation_number="9/QĐ-TH",
        revocation_date=datetime.date(2025, 9, 1),
        reason="Thu hồi do kê khai sai",
    )
    again = engine.check_eligibility(person, "CSTDCS", 2024, on_date=ON)
    after = engine.check_eligibility(person, "CSTDCS", 2024, on_date=datetime.date(2025, 9, 2))
    assert (first.verdict, again.verdict, after.verdict) == (E, E, N)
    assert [r.text for r in first.reasons] == [r.text for r in again.reasons]


def test_quota_base_not_decided_says_so_with_estimate(tree):
    line = next(
        q
        for q in engine.quota_usage(tree["school_a1"], 2024, on_date=ON, registered={"LDTT": 20, "CSTDCS": 7})
        if q.award_code == "CSTDCS"
    )
    assert (line.decided, line.registered, line.allowed, line.estimate, line.base_decided) == (0, 7, None, 3, False)
    assert "hạn mức tính khi có quyết định" in " ".join(r.text for r in line.reasons)
    assert line.rule_basis and line.is_verified is False


def test_quota_decided_counts_as_of_the_date(tree, person_factory, record):
    for person in _members(person_factory, tree["school_a1"], 20):
        record(person, "LDTT", 2024, decision_date=datetime.date(2025, 6, 10))
    before = next(
        q
        for q in engine.quota_usage(tree["school_a1"], 2024, on_date=datetime.date(2025, 6, 9))
        if q.award_code == "CSTDCS"
    )
    after = next(q for q in engine.quota_usage(tree["school_a1"], 2024, on_date=ON) if q.award_code == "CSTDCS")
    assert (before.allowed, after.allowed, after.base_decided) == (None, 3, True)


def test_checkable_criteria_decide_and_name_the_other_criteria(person_factory, rate, initiative):
    person = person_factory()
    rate(person, 2023, HTXS)
    rate(person, 2024, HTXS)
    initiative(person, 2024)
    result = engine.check_eligibility(person, "BK_TINH", 2024, on_date=ON)
    assert result.verdict == N, texts(result)
    assert "văn bản còn cho phép xét theo tiêu chuẩn khác" in texts(result)


def test_award_with_no_automatic_rule_is_never_eligible(tree):
    result = engine.check_eligibility(tree["school_a1"], "CO_CP", 2024, on_date=ON)
    assert result.verdict == R, texts(result)
    assert "Chưa có quy tắc tự động cho Cờ thi đua của Chính phủ" in texts(result)


@pytest.mark.parametrize(
    "start, on_date, expected",
    [
        # 20 years from 01/09/2005 (five leap days inside) end with 31/08/2025.
        (datetime.date(2005, 9, 1), datetime.date(2025, 8, 31), E),
        (datetime.date(2005, 9, 1), datetime.date(2025, 8, 30), N),
        # From 29/02/2004: 20 years end with 28/02/2024, not a day earlier.
        (datetime.date(2004, 2, 29), datetime.date(2024, 2, 28), E),
        (datetime.date(2004, 2, 29), datetime.date(2024, 2, 27), N),
    ],
)
def test_knc_twenty_years_by_the_calendar(person_factory, start, on_date, expected):
    person = person_factory(service_start=start)
    result = engine.check_eligibility(person, "KNC_GD", 2024, on_date=on_date)
    assert result.verdict == expected, texts(result)


@pytest.mark.parametrize(
    "hard_end, on_date, expected, shown",
    [
        # Five full years in ĐBKK from 01/03/2021 (1,826 days: fewer than 5 × 365.2425) still reduce to 15.
        (datetime.date(2026, 2, 28), datetime.date(2026, 2, 28), E, "5 năm công tác tại vùng"),
        (datetime.date(2026, 2, 27), datetime.date(2026, 2, 28), N, "4 năm 11 tháng 27 ngày công tác tại vùng"),
    ],
)
def test_dbkk_reduction_five_years_by_the_calendar(person_factory, hard_end, on_date, expected, shown):
    # 15 years from 01/03/2011 end with 28/02/2026 (2012, 2016, 2020, 2024 are leap years).
    person = person_factory(service_start=datetime.date(2011, 3, 1))
    services.service_period_create(
        by=None, person=person, kind=ServicePeriodKind.DISADVANTAGED, start=datetime.date(2021, 3, 1), end=hard_end
    )
    result = engine.check_eligibility(person, "KNC_GD", 2025, on_date=on_date)
    assert result.verdict == expected, texts(result)
    assert shown in texts(result)
    assert "15 năm" in texts(result)


def test_fifteen_years_from_a_leap_day(person_factory):
    from awards.rules_engine.functions import add_months, calendar_span, years_months_text

    assert add_months(datetime.date(2004, 2, 29), 15 * 12) == datetime.date(2019, 3, 1)
    assert calendar_span(datetime.date(2004, 2, 29), datetime.date(2019, 2, 28)) == (180, 0)
    assert calendar_span(datetime.date(2004, 2, 29), datetime.date(2019, 2, 27)) == (179, 30)
    assert years_months_text(*calendar_span(datetime.date(2010, 9, 1), datetime.date(2025, 11, 30))) == "15 năm 3 tháng"


def test_collective_title_for_a_past_year_counts_who_belonged_then(tree, person_factory, record):
    school_a, school_b = tree["school_a1"], tree["school_b1"]
    people = _members(person_factory, school_a, 4)
    for person in people[:3]:
        record(person, "LDTT", 2023)
    before = engine.check_eligibility(school_a, "TTLDTT", 2023, on_date=ON)
    # After the year, two of the LĐTT holders move away and two newcomers without titles arrive.
    for person in people[:2]:
        person_transfer(by=None, person=person, to_unit=school_b, effective_date=datetime.date(2024, 10, 1))
    for person in _members(person_factory, school_b, 2):
        person_transfer(by=None, person=person, to_unit=school_a, effective_date=datetime.date(2024, 10, 1))
    after = engine.check_eligibility(school_a, "TTLDTT", 2023, on_date=ON)
    assert before.verdict == after.verdict, texts(after)
    assert "3/4 thành viên đạt LĐTT" in texts(after)
    quota = next(
        q for q in engine.quota_usage(school_a, 2023, on_date=ON, registered={"LDTT": 0}) if q.award_code == "LDTT"
    )
    assert quota.decided == 3


def test_chain_says_a_revoked_year_did_not_count(person_factory, record, initiative):
    person = person_factory()
    revoked = record(person, "CSTDCS", 2022)
    record(person, "CSTDCS", 2023)
    record(person, "CSTDCS", 2024)
    initiative(person, 2023, InitiativeScope.PROVINCIAL)
    services.decision_revoke(
        by=None,
        decision_number=revoked.decision_number,
        decision_date=revoked.decision_date,
        revocation_number="5/QĐ-TH",
        revocation_date=datetime.date(2024, 1, 5),
        reason="Kê khai sai",
    )
    result = engine.check_eligibility(person, "CSTD_TINH", 2024, on_date=ON)
    assert result.verdict == N
    assert f"Năm học 2022-2023: CSTĐCS (quyết định {revoked.decision_number}) đã bị thu hồi, không được tính." in texts(
        result
    )


def test_chain_restarts_after_a_bang_khen(person_factory, record):
    person = person_factory()
    for year in (2020, 2021, 2022, 2023, 2024):
        record(person, "CSTDCS", year)
    record(person, "BK_TINH", 2022)
    # 2022 and 2023 would make a chain, but 2022 already earned the Bằng khen of 2022.
    too_soon = engine.check_eligibility(person, "BK_TINH", 2023, on_date=datetime.date(2024, 6, 20))
    # 2023 and 2024: a new chain after the achievement period of the previous award.
    next_one = engine.check_eligibility(person, "BK_TINH", 2024, on_date=ON)
    assert (too_soon.verdict, next_one.verdict) == (N, E), texts(too_soon) + " || " + texts(next_one)
    assert "chuỗi 2 năm tính lại từ năm học 2023-2024" in texts(too_soon)


def _revoke(record_row, number="9/QĐ-TH", day=datetime.date(2025, 1, 5)):
    return services.decision_revoke(
        by=None,
        decision_number=record_row.decision_number,
        decision_date=record_row.decision_date,
        revocation_number=number,
        revocation_date=day,
        reason="Kê khai sai",
    )


@pytest.mark.parametrize("reuse, expected", [(True, E), (False, N)])
def test_initiative_already_counted_for_cstdcs_is_flagged_and_reuse_is_a_parameter(
    person_factory, record, rate, initiative, reuse, expected
):
    person = person_factory()
    rate(person, 2023, HTXS)
    rate(person, 2024, HTXS)
    initiative(person, 2023, title="Dạy đọc hiểu bằng sơ đồ")
    initiative(person, 2024, title="Ngân hàng đề trực tuyến")
    cstdcs = record(person, "CSTDCS", 2023)  # its rule reads initiatives: the 2023 one counted for it
    rule = AwardRule.objects.get(award_code="BK_TINH", kind="chain")
    switch = datetime.date(2025, 1, 1)
    services.award_rule_supersede(
        by=None, rule=rule, effective_from=switch, params={**rule.params, "initiative_reuse": reuse}
    )
    result = engine.check_eligibility(person, "BK_TINH", 2024, on_date=ON)
    assert result.verdict == expected, texts(result)
    flagged = (
        f"Sáng kiến «Dạy đọc hiểu bằng sơ đồ» (2023-2024) đã được tính cho CSTĐCS năm học 2023-2024 "
        f"(quyết định {cstdcs.decision_number})"
    )
    assert flagged in texts(result)
    assert ("vẫn được tính lại" in texts(result)) == reuse
    assert ("không được tính lại" in texts(result)) == (not reuse)
    assert "Ngân hàng đề trực tuyến" not in texts(result)  # an initiative used by no award is not flagged
    # Before the switch the default (re-use allowed, flagged) applies.
    assert engine.check_eligibility(person, "BK_TINH", 2024, on_date=switch - datetime.timedelta(days=1)).verdict == E


def test_initiative_of_a_year_without_an_initiative_award_is_not_flagged(person_factory, record, rate, initiative):
    person = person_factory()
    record(person, "LDTT", 2023)  # the LĐTT rule reads no initiative: it did not use one
    rate(person, 2023, HTXS)
    rate(person, 2024, HTXS)
    initiative(person, 2023, title="SK một")
    initiative(person, 2024, title="SK hai")
    result = engine.check_eligibility(person, "BK_TINH", 2024, on_date=ON)
    assert result.verdict == E, texts(result)
    assert "đã được tính cho" not in texts(result)


def test_same_year_names_revoked_and_thematic_titles_that_did_not_count(person_factory, record, rate):
    revoked_person, thematic_person = person_factory(), person_factory()
    for person in (revoked_person, thematic_person):
        rate(person, 2024, HTXS)
    ldtt = record(revoked_person, "LDTT", 2024, decision_date=datetime.date(2024, 12, 1))
    _revoke(ldtt)
    record(thematic_person, "LDTT", 2024, commendation_kind="thematic")
    revoked = engine.check_eligibility(revoked_person, "CSTDCS", 2024, on_date=ON)
    before_revocation = engine.check_eligibility(revoked_person, "CSTDCS", 2024, on_date=datetime.date(2025, 1, 4))
    thematic = engine.check_eligibility(thematic_person, "CSTDCS", 2024, on_date=ON)
    assert (revoked.verdict, before_revocation.verdict, thematic.verdict) == (N, E, N)
    assert f"Năm học 2024-2025: LĐTT (quyết định {ldtt.decision_number}) đã bị thu hồi, không được tính." in texts(
        revoked
    )
    assert "thu hồi" not in texts(before_revocation)
    assert (
        "Năm học 2024-2025: LĐTT khen theo đợt hoặc chuyên đề không được tính làm căn cứ khen theo công trạng."
        in texts(thematic)
    ), texts(thematic)


def test_collective_names_members_titles_that_did_not_count(tree, person_factory, record):
    members = _members(person_factory, tree["school_a1"], 10)
    for person in members[:5]:
        record(person, "LDTT", 2024)
    revoked = record(members[5], "LDTT", 2024, decision_date=datetime.date(2024, 12, 1))
    _revoke(revoked, day=datetime.date(2025, 6, 18))
    record(members[6], "LDTT", 2024, commendation_kind="thematic", decision_number="77/QĐ-CĐ")
    result = engine.check_eligibility(tree["school_a1"], "TTLDTT", 2024, on_date=ON)
    assert result.verdict == N, texts(result)  # 5/10 counted: not more than half
    assert "5/10 thành viên đạt LĐTT" in texts(result)
    assert (
        f"1 thành viên có LĐTT năm học 2024-2025 không được tính (đã bị thu hồi tính đến ngày 20/06/2025; "
        f"quyết định {revoked.decision_number})." in texts(result)
    )
    assert (
        "1 thành viên có LĐTT năm học 2024-2025 không được tính (khen theo đợt hoặc chuyên đề, không theo công trạng; "
        "quyết định 77/QĐ-CĐ)." in texts(result)
    )
    # Checked before the revocation, the revoked LĐTT still counts and is not named.
    earlier = engine.check_eligibility(tree["school_a1"], "TTLDTT", 2024, on_date=datetime.date(2025, 6, 17))
    assert "6/10 thành viên đạt LĐTT" in texts(earlier)
    assert "thu hồi" not in texts(earlier)
