import datetime

import pytest

from awards import services
from awards.enums import DisciplineKind, InitiativeScope, ServicePeriodKind, TaskRating
from awards.schoolyear import current_school_year


@pytest.fixture
def record(db):
    """record(person_or_unit, code, year, **extra): an award given in a school year."""
    counter = {"n": 0}

    def make(recipient, code, year, **extra):
        counter["n"] += 1
        key = "unit" if recipient.__class__.__name__ == "Unit" else "person"
        extra.setdefault("decision_number", f"{counter['n']}/QĐ-TEST")
        extra.setdefault("decision_date", datetime.date(year + 1, 6, 15))
        return services.award_record_create(by=None, award_code=code, school_year=year, **{key: recipient}, **extra)

    return make


@pytest.fixture
def rate(db):
    def make(person, year, rating):
        return services.task_evaluation_set(by=None, person=person, school_year=year, rating=rating)

    return make


def _recorder():
    """A superuser who records recognitions in fixtures (the workflow needs an actor)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="ghi-ket-qua", defaults={"is_superuser": True})
    return user


@pytest.fixture
def initiative(db):
    """initiative(person, year, scope="base"): a recognised initiative authored by the person."""

    def make(person, year, scope=InitiativeScope.BASE, title=None):
        item = services.initiative_register(
            by=None,
            unit=person.unit,
            school_year=year,
            title=title or f"Sáng kiến {person.pk}-{year}-{scope}",
            authors=[person],
        )
        return services.initiative_recognise(
            initiative=item,
            recognised=True,
            by=_recorder(),
            scope=scope,
            decision_number=f"SK-{item.pk}",
            decision_date=datetime.date(year + 1, 4, 1),
        )

    return make


@pytest.fixture
def full_history(tree, person_factory, record, rate, initiative):
    """history(person, years): records, ratings and initiatives in each of `years` school years, a discipline
    period and a pending case, two service periods."""

    def make(person, years: int):
        year = current_school_year()
        for back in range(1, years + 1):
            record(person, "LDTT", year - back)
            rate(person, year - back, TaskRating.EXCELLENT if back % 2 else TaskRating.GOOD)
            initiative(person, year - back)
        services.initiative_register(
            by=None,
            unit=person.unit,
            school_year=year - 1,
            title=f"Sáng kiến chưa công nhận {person.pk}",
            authors=[person],
        )
        services.discipline_period_create(
            person=person,
            kind=DisciplineKind.REPRIMAND,
            start=datetime.date(year - years, 3, 1),
            end=datetime.date(year - years + 1, 2, 28),
            by=None,
        )
        services.discipline_period_create(
            person=person, kind=DisciplineKind.PENDING, start=datetime.date(year, 10, 1), by=None
        )
        for kind, start in ((ServicePeriodKind.DISADVANTAGED, 2001), (ServicePeriodKind.BREAK, 2008)):
            services.service_period_create(
                person=person, kind=kind, start=datetime.date(start, 9, 1), end=datetime.date(start + 3, 8, 31), by=None
            )
        return person

    return make
