import random

import pytest

from awards import engine
from awards.demo import seed
from awards.models import AwardRecord, Initiative, TaskEvaluation
from awards.schoolyear import current_school_year
from units.demo import seed_units
from units.models import Person, Unit

pytestmark = pytest.mark.django_db


def test_demo_awards_history_is_consistent():
    rng = random.Random(2024)
    seed(units=seed_units(rng=rng).units, rng=rng)
    last = current_school_year() - 1
    assert set(TaskEvaluation.objects.values_list("school_year", flat=True)) == {last - 2, last - 1, last}
    assert AwardRecord.objects.filter(award_type__code="LDTT").count() > 1000
    assert Initiative.objects.filter(status="recognised").count() >= 150
    school = Unit.objects.get(name="Trường Mầm non Hoa Sen", parent__name__endswith="Bình Lâm")
    cstdcs = next(q for q in engine.quota_usage(school, last) if q.award_code == "CSTDCS")
    assert cstdcs.used <= cstdcs.allowed
    # Every school's own title agrees with the engine computing it from the members.
    for record in AwardRecord.objects.filter(unit__isnull=False, school_year=last).select_related("unit", "award_type"):
        result = engine.check_eligibility(record.unit, record.award_type.code, last, on_date=record.decision_date)
        assert "Mỗi năm học một lần" not in [r.text for r in result.reasons]
        assert all(r.status != "not_met" or "một thành tích chỉ khen một lần" in r.text for r in result.reasons), (
            record.unit,
            [r.text for r in result.reasons],
        )
    assert Person.objects.filter(service_periods__isnull=False).count() == 5
