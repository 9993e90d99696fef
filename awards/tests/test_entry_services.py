import datetime

import pytest

from awards import services
from awards.enums import DisciplineKind, RecordSource, ServicePeriodKind, TaskRating
from awards.models import AwardRecord, DisciplinePeriod, ServicePeriod, TaskEvaluation
from core.exceptions import ServiceError

HTXS, HTT, HT = TaskRating.EXCELLENT, TaskRating.GOOD, TaskRating.COMPLETE
DAY = datetime.date(2025, 6, 15)


def saved(year=2024):
    return dict(TaskEvaluation.objects.filter(school_year=year).values_list("person_id", "rating"))


# --- rating grid ---------------------------------------------------------------------------------


def test_task_evaluations_save_creates_updates_and_clears(tree, person_factory, rate):
    a, b, c, d = (person_factory(unit=tree["team_a1"]) for _ in range(4))
    rate(b, 2024, HT)
    rate(c, 2024, HTT)
    counts = services.task_evaluations_save(
        by=None, unit=tree["school_a1"], school_year=2024, ratings={a.pk: HTXS, b.pk: HTT, c.pk: None, d.pk: None}
    )
    assert counts == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 1}
    assert saved() == {a.pk: HTXS, b.pk: HTT}
    assert TaskEvaluation.objects.get(person=b).source == RecordSource.DECIDED_HERE


def test_task_evaluations_save_twice_changes_nothing(tree, person_factory):
    people = [person_factory() for _ in range(3)]
    ratings = {people[0].pk: HTXS, people[1].pk: HT, people[2].pk: None}
    services.task_evaluations_save(by=None, unit=tree["school_a1"], school_year=2024, ratings=ratings)
    stamps = dict(TaskEvaluation.objects.values_list("pk", "updated_at"))
    counts = services.task_evaluations_save(by=None, unit=tree["school_a1"], school_year=2024, ratings=ratings)
    assert counts == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 3}
    assert dict(TaskEvaluation.objects.values_list("pk", "updated_at")) == stamps


def test_task_evaluations_save_refuses_a_foreign_person_and_saves_nothing(tree, person_factory):
    own = person_factory(unit=tree["school_a1"])
    foreign = person_factory(unit=tree["school_a2"], full_name="Trần Văn Ngoài")
    with pytest.raises(ServiceError) as error:
        services.task_evaluations_save(
            by=None, unit=tree["school_a1"], school_year=2024, ratings={own.pk: HTXS, foreign.pk: HTT}
        )
    # The message names nobody: an id posted may be anyone's.
    assert str(error.value) == (
        "Không lưu: có người không thuộc đơn vị này hoặc không tìm thấy. Vui lòng tải lại trang."
    )
    assert TaskEvaluation.objects.count() == 0


def test_task_evaluations_save_refuses_an_unknown_rating(tree, person_factory):
    person = person_factory()
    with pytest.raises(ServiceError):
        services.task_evaluations_save(by=None, unit=tree["school_a1"], school_year=2024, ratings={person.pk: "HTXS"})
    assert TaskEvaluation.objects.count() == 0


def _mixed_grid(tree, person_factory, rate, n):
    """n people of the school: a third new ratings, a third changed, a third cleared."""
    ratings = {}
    for i in range(n):
        person = person_factory(unit=tree["team_a1"])
        if i % 3:
            rate(person, 2024, HT)
        ratings[person.pk] = None if i % 3 == 2 else HTXS
    return ratings


def test_task_evaluations_save_query_count_is_constant(
    tree, person_factory, rate, django_assert_num_queries, django_assert_max_num_queries
):
    three = _mixed_grid(tree, person_factory, rate, 3)
    thirty = _mixed_grid(tree, person_factory, rate, 30)
    with django_assert_max_num_queries(12) as small:
        services.task_evaluations_save(by=None, unit=tree["school_a1"], school_year=2024, ratings=three)
    with django_assert_num_queries(len(small.captured_queries)):
        services.task_evaluations_save(by=None, unit=tree["school_a1"], school_year=2024, ratings=thirty)
    assert sum(1 for r in saved().values() if r == HTXS) == 22


def test_task_evaluations_save_leaves_an_audit_row_per_change_with_its_author(tree, person_factory, personas):
    from awards.models import TaskEvaluation

    head = personas["head_a1"]
    created, updated, cleared = person_factory(), person_factory(), person_factory()
    services.task_evaluations_save(
        by=head,
        unit=tree["school_a1"],
        school_year=2024,
        ratings={created.pk: HTXS, updated.pk: HTXS, cleared.pk: HTXS},
    )
    services.task_evaluations_save(
        by=head, unit=tree["school_a1"], school_year=2024, ratings={created.pk: HTXS, updated.pk: HTT, cleared.pk: None}
    )
    trail = sorted(
        (row.person_id, row.history_type, row.rating, row.history_user_id)
        for row in TaskEvaluation.history.filter(school_year=2024)
    )
    assert trail == sorted(
        [
            (created.pk, "+", HTXS, head.pk),
            (updated.pk, "+", HTXS, head.pk),
            (updated.pk, "~", HTT, head.pk),
            (cleared.pk, "+", HTXS, head.pk),
            (cleared.pk, "-", HTXS, head.pk),
        ]
    )
    assert not TaskEvaluation.objects.filter(person=cleared).exists()


# --- decisions entered by hand -----------------------------------------------------------------------


def decide(tree, **fields):
    values = {
        "unit": tree["school_a1"],
        "award_code": "LDTT",
        "school_year": 2024,
        "decision_number": "12/QĐ-TH",
        "decision_date": DAY,
        "issuer": "Trường Tiểu học A1",
    }
    values.update(fields)
    values.setdefault("by", None)
    return services.decision_records_create(**values)


def test_decision_records_create_one_record_per_recipient(tree, person_factory, personas):
    a, b = person_factory(), person_factory(unit=tree["team_a1"])
    records = decide(tree, people=[a, b], by=personas["secretary_a1"])
    assert sorted(r.person_id for r in records) == sorted([a.pk, b.pk])
    record = AwardRecord.objects.get(person=a)
    assert (record.award_type.code, record.school_year, record.decision_number) == ("LDTT", 2024, "12/QĐ-TH")
    assert record.award_type.in_force_on(DAY)
    assert record.source == RecordSource.IMPORTED
    assert record.commendation_kind == "merit"
    assert record.created_by == personas["secretary_a1"]


def test_decision_records_create_refuses_duplicates_naming_people(tree, person_factory, record):
    a = person_factory(full_name="Lê Văn An")
    b = person_factory(full_name="Phạm Thị Bình")
    c = person_factory()
    record(a, "LDTT", 2024, decision_number="1/QĐ-CU")
    record(b, "LDTT", 2024, decision_number="2/QĐ-CU")
    with pytest.raises(ServiceError) as error:
        decide(tree, people=[a, b, c])
    assert "Lê Văn An, Phạm Thị Bình" in str(error.value)
    assert AwardRecord.objects.filter(decision_number="12/QĐ-TH").count() == 0


def test_decision_records_create_twice_creates_nothing_more(tree, person_factory):
    people = [person_factory(), person_factory()]
    decide(tree, people=people)
    with pytest.raises(ServiceError):
        decide(tree, people=people, decision_number="12/QĐ-TH ")
    assert AwardRecord.objects.count() == 2


def test_decision_records_create_allows_again_after_revocation(tree, person_factory, record):
    person = person_factory()
    given = record(person, "LDTT", 2024, decision_number="1/QĐ-CU", decision_date=datetime.date(2025, 5, 1))
    services.decision_revoke(
        by=None,
        decision_number="",
        decision_date=None,
        records=[given],
        revocation_number="3/QĐ-TH",
        revocation_date=datetime.date(2025, 5, 20),
        reason="Nhầm",
    )
    assert len(decide(tree, people=[person])) == 1


def test_decision_records_create_respects_recipient_kind(tree, person_factory):
    with pytest.raises(ServiceError, match="chỉ tặng cho tập thể"):
        decide(tree, award_code="TTLDTT", people=[person_factory()])
    with pytest.raises(ServiceError, match="chỉ tặng cho cá nhân"):
        decide(tree, units=[tree["team_a1"]])
    records = decide(tree, award_code="TTLDTT", units=[tree["school_a1"], tree["team_a1"]])
    assert sorted(r.unit_id for r in records) == sorted([tree["school_a1"].pk, tree["team_a1"].pk])


def test_decision_records_create_refuses_recipients_outside_the_unit(tree, person_factory):
    outsider = person_factory(unit=tree["school_a2"], full_name="Trần Văn Ngoài")
    with pytest.raises(ServiceError, match="không thuộc đơn vị này hoặc không tìm thấy") as error:
        decide(tree, people=[outsider])
    assert "Ngoài" not in str(error.value)
    with pytest.raises(ServiceError, match="không thuộc đơn vị này hoặc không tìm thấy") as error:
        decide(tree, award_code="TTLDTT", units=[tree["school_a2"]])
    assert "A2" not in str(error.value)
    assert AwardRecord.objects.count() == 0


def test_decision_records_create_needs_the_award_in_force_on_the_date(tree, person_factory):
    with pytest.raises(ServiceError, match="không có hiệu lực"):
        decide(tree, decision_date=datetime.date(1990, 6, 1), school_year=1989, people=[person_factory()])


def test_decision_records_create_picks_the_row_in_force(tree, person_factory):
    before = decide(tree, people=[person_factory()], decision_date=datetime.date(2025, 6, 30))[0]
    after = decide(tree, people=[person_factory()], decision_date=datetime.date(2025, 7, 1), decision_number="2/QĐ")[0]
    assert before.award_type_id != after.award_type_id
    assert after.award_type.effective_from == datetime.date(2025, 7, 1)


def test_decision_records_create_needs_a_recipient_and_a_number(tree, person_factory):
    with pytest.raises(ServiceError, match="ít nhất một"):
        decide(tree)
    with pytest.raises(ServiceError, match="số quyết định"):
        decide(tree, decision_number="  ", people=[person_factory()])


# --- discipline and service periods ------------------------------------------------------------------


def test_discipline_period_overlapping_same_kind_is_refused(person_factory):
    person = person_factory()
    services.discipline_period_create(
        by=None,
        person=person,
        kind=DisciplineKind.WARNING,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
    )
    with pytest.raises(ServiceError, match="Trùng thời gian"):
        services.discipline_period_create(
            by=None, person=person, kind=DisciplineKind.WARNING, start=datetime.date(2024, 12, 31)
        )
    services.discipline_period_create(
        by=None, person=person, kind=DisciplineKind.PENDING, start=datetime.date(2024, 6, 1)
    )
    services.discipline_period_create(
        by=None, person=person, kind=DisciplineKind.WARNING, start=datetime.date(2025, 1, 1)
    )
    assert DisciplinePeriod.objects.filter(person=person).count() == 3


def test_open_period_blocks_any_later_one_of_the_same_kind(person_factory):
    person = person_factory()
    services.discipline_period_create(
        by=None, person=person, kind=DisciplineKind.PENDING, start=datetime.date(2025, 3, 1)
    )
    with pytest.raises(ServiceError, match="đến nay"):
        services.discipline_period_create(
            by=None,
            person=person,
            kind=DisciplineKind.PENDING,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 2, 1),
        )


def test_discipline_period_end_before_start_is_refused(person_factory):
    person = person_factory()
    with pytest.raises(ServiceError, match="trước ngày bắt đầu"):
        services.discipline_period_create(
            by=None,
            person=person,
            kind=DisciplineKind.REPRIMAND,
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2024, 1, 1),
        )
    period = services.discipline_period_create(
        by=None, person=person, kind=DisciplineKind.PENDING, start=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ServiceError, match="trước ngày bắt đầu"):
        services.discipline_period_end(by=None, period=period, end=datetime.date(2024, 12, 31))
    services.discipline_period_end(by=None, period=period, end=datetime.date(2025, 2, 1))
    period.refresh_from_db()
    assert period.end == datetime.date(2025, 2, 1)
    with pytest.raises(ServiceError, match="đã kết thúc"):
        services.discipline_period_end(by=None, period=period, end=datetime.date(2025, 3, 1))


def test_service_period_overlap_refused_and_delete(person_factory):
    person = person_factory()
    first = services.service_period_create(
        by=None,
        person=person,
        kind=ServicePeriodKind.DISADVANTAGED,
        start=datetime.date(2010, 9, 1),
        end=datetime.date(2015, 8, 31),
    )
    with pytest.raises(ServiceError, match="Trùng thời gian"):
        services.service_period_create(
            by=None,
            person=person,
            kind=ServicePeriodKind.DISADVANTAGED,
            start=datetime.date(2009, 9, 1),
            end=datetime.date(2010, 9, 1),
        )
    with pytest.raises(ServiceError, match="trước ngày bắt đầu"):
        services.service_period_create(
            by=None,
            person=person,
            kind=ServicePeriodKind.BREAK,
            start=datetime.date(2016, 1, 1),
            end=datetime.date(2015, 1, 1),
        )
    services.service_period_create(
        by=None, person=person, kind=ServicePeriodKind.BREAK, start=datetime.date(2012, 1, 1)
    )
    services.service_period_delete(by=None, period=first)
    assert list(ServicePeriod.objects.filter(person=person).values_list("kind", flat=True)) == ["break"]
