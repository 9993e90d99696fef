"""Journey: a head of school looks up a teacher's awards and checks one title's conditions."""

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from awards import engine
from awards.enums import Verdict
from awards.models import AwardRecord, Initiative, TaskEvaluation
from awards.schoolyear import current_school_year, school_year_label
from units.enums import UnitKind
from units.models import Person, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEAD = "mn-hoasen-bl.hieutruong"
CSTDCS = "Chiến sĩ thi đua cơ sở"


def _decorated_teacher(school):
    """Someone of the school who was Chiến sĩ thi đua cơ sở in the demo history, with a name nobody else there has."""
    names = Counter(Person.objects.filter(unit__path__startswith=school.path).values_list("full_name", flat=True))
    records = AwardRecord.objects.filter(person__unit__path__startswith=school.path, award_type__code="CSTDCS")
    for record in records.select_related("person").order_by("person__full_name", "person_id"):
        if names[record.person.full_name] == 1:
            return record.person
    pytest.fail(f"the demo gave nobody of {school.name} a CSTĐCS with a unique name")


def test_head_looks_up_history_and_checks_cstdcs(page, demo_data, screenshot_dir, log_in, nav_to):
    school = Unit.objects.get(kind=UnitKind.SCHOOL, short_name="Mầm non Hoa Sen", parent__name__endswith="Bình Lâm")
    person = _decorated_teacher(school)
    records = list(AwardRecord.objects.filter(person=person).select_related("award_type"))
    year = current_school_year()
    expected = engine.check_eligibility(person, "CSTDCS", year)

    log_in(page, HEAD)
    nav_to(page, "Tra cứu thành tích")
    expect(page.locator("h1")).to_have_text("Tra cứu thành tích")
    page.get_by_label("Họ tên").fill(person.full_name)
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(person.unit.name)
    rows.get_by_role("link", name=person.full_name, exact=True).click()

    # The history: one row per school year, with the titles of that year.
    expect(page.locator("h1")).to_have_text(f"Thành tích khen thưởng – {person.full_name}")
    history = page.locator("table").first.locator("tbody tr")
    evaluations = list(TaskEvaluation.objects.filter(person=person))
    years = {r.school_year for r in records} | {e.school_year for e in evaluations}
    years |= set(Initiative.objects.filter(authors=person).values_list("school_year", flat=True))
    expect(history).to_have_count(len(years))
    labels = history.locator("td:first-child").all_inner_texts()
    assert labels == [school_year_label(y) for y in sorted(years, reverse=True)], labels
    for evaluation in evaluations:
        row = history.filter(has=page.locator("td:first-child", has_text=school_year_label(evaluation.school_year)))
        expect(row.locator("td").nth(1)).to_have_text(evaluation.get_rating_display())
    for record in records:
        row = history.filter(has=page.locator("td:first-child", has_text=school_year_label(record.school_year)))
        expect(row).to_contain_text(record.award_type.name)
        if record.decision_number:
            expect(row).to_contain_text(f"QĐ {record.decision_number}")
    cstdcs_years = sorted(r.school_year for r in records if r.award_type.code == "CSTDCS")
    expect(history.filter(has_text=CSTDCS)).to_have_count(len(cstdcs_years))

    # The check: CSTĐCS for this school year, with a verdict, its reasons and their legal basis.
    page.get_by_role("link", name="Kiểm tra điều kiện một danh hiệu").click()
    expect(page.locator("h1")).to_have_text(f"Kiểm tra điều kiện – {person.full_name}")
    page.get_by_label("Danh hiệu / hình thức").select_option(label=CSTDCS)
    page.get_by_label("Năm học xét").select_option(label=school_year_label(year))
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_url(re.compile(r"award=CSTDCS"))

    result = page.locator(".card")
    expect(result.locator("h2")).to_contain_text(f"{CSTDCS} – năm học {school_year_label(year)}")
    expect(result.locator("h2 .badge")).to_have_text(Verdict(expected.verdict).label)
    # The verdict first; the reasons fold under a line that counts them, opened on demand.
    expect(result.locator("ul.reasons")).to_be_hidden()
    result.locator("summary").click()
    expect(result.locator("ul.reasons")).to_be_visible()
    reasons = result.locator("ul.reasons li")
    expect(reasons).to_have_count(len(expected.reasons))
    assert len(expected.reasons) >= 2
    expect(reasons.first.locator(".badge")).not_to_be_empty()
    bases = result.locator("ul.reasons small").all_inner_texts()
    assert bases, "no reason names its legal basis"
    assert all(b.startswith("(Căn cứ: ") for b in bases)
    assert any(re.search(r"Luật|Điều \d+", b) for b in bases), bases
    page.screenshot(path=str(screenshot_dir / "award-check.png"), full_page=True)

    # A year she was decorated: the verdict follows the engine, whichever it is, and shows on the page.
    decorated = cstdcs_years[-1]
    expected = engine.check_eligibility(person, "CSTDCS", decorated)
    page.get_by_label("Năm học xét").select_option(label=school_year_label(decorated))
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_url(re.compile(rf"year={decorated}"))
    expect(result.locator("h2")).to_contain_text(f"{CSTDCS} – năm học {school_year_label(decorated)}")
    expect(result.locator("h2 .badge")).to_have_text(Verdict(expected.verdict).label)
    expect(reasons).to_have_count(len(expected.reasons))
