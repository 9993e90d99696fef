import datetime

import pytest

from awards import services
from awards.enums import InitiativeScope


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
