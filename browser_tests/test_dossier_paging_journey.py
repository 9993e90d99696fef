"""Issue 14 journey, in Chromium with the demo data: the Phòng's reviewer opens a dossier of 60 nominations in
pages of 50 cards. A link that names nomination 55 opens page 2 with its card; the filter finds one teacher by
a name typed without diacritics and says how many of the dossier it shows; the pager goes back and forth; after
accepting a card of page 2, the reviewer is back on page 2 with that card; the page passes axe."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.engine import award_type_in_force
from awards.schoolyear import current_school_year
from core.text import search_key
from nominations import services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import Gender, SchoolLevel, UnitKind
from units.models import Person, Unit
from units.services import unit_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REVIEWER = "pgd-bl.chuyenvien"
COUNT = 60


def _name(i: int) -> str:
    return f"Giáo Viên Phân Trang {chr(65 + i % 26)}{chr(65 + i // 26)}"


def _dossier_of_sixty() -> tuple[Dossier, list[Nomination]]:
    """A new school of Phòng Bình Lâm with a year-end dossier of 60 proposals under the Phòng's appraisal."""
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__icontains="Bình Lâm")
    school = unit_create(
        by=None,
        name="Trường Tiểu học Phân Trang",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.PRIMARY,
        parent=office,
    )
    dossier = services.dossier_create(
        by=None, unit=school, round_kind=RoundKind.YEAR_END, school_year=current_school_year()
    )
    people = Person.objects.bulk_create(
        Person(
            unit=school,
            full_name=_name(i),
            name_key=search_key(_name(i)),
            search_key=search_key(_name(i)),
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1985, 1, 1) + datetime.timedelta(days=i),
            position="Giáo viên",
        )
        for i in range(COUNT)
    )
    award = award_type_in_force("LDTT", datetime.date.today())
    Nomination.objects.bulk_create(
        Nomination(dossier=dossier, person=p, award_type=award, summary="Hoàn thành xuất sắc nhiệm vụ.") for p in people
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=office)
    return dossier, list(Nomination.objects.filter(dossier=dossier).order_by("id"))


def test_reviewer_pages_filters_and_stays_on_the_page_after_acting(page, demo_data, log_in, shot, axe_check):
    dossier, rows = _dossier_of_sixty()
    log_in(page, REVIEWER)
    n55 = rows[54]
    page.goto(n55.get_absolute_url())
    expect(page.locator(f"#de-nghi-{n55.pk}")).to_contain_text(f"55. {_name(54)}")
    expect(page.locator(".pagination")).to_contain_text("Trang 2/2 (60 dòng)")
    expect(page.locator(".card[id^=de-nghi-]")).to_have_count(10)
    expect(page.locator("#bulk-review")).to_have_text(f"Thẩm định hàng loạt (cả {COUNT} đề nghị của hồ sơ)")
    shot(page, "01-page-2-of-the-named-nomination")
    axe_check(page)

    # The filter: a name without diacritics finds one teacher of the 60.
    page.get_by_label("Tên cá nhân, tập thể (không cần gõ dấu)").fill("phan trang bc")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page.locator(".card[id^=de-nghi-]")).to_have_count(1)
    expect(page.locator(f"#de-nghi-{rows[53].pk}")).to_contain_text(f"54. {_name(53)}")
    expect(page.locator("#dossier-count")).to_contain_text(f"1 trong {COUNT} đề nghị khớp bộ lọc")
    page.get_by_role("link", name="Bỏ lọc").click()
    expect(page.locator(".card[id^=de-nghi-]")).to_have_count(50)
    expect(page.get_by_label("Trạng thái", exact=True)).to_contain_text(f"Đề nghị ({COUNT})")

    # The pager, then an action on a card of page 2: back on page 2, the card accepted.
    page.get_by_role("link", name="Sau »").click()
    expect(page.locator(".pagination")).to_contain_text("Trang 2/2")
    target = rows[57]
    page.locator(f"#de-nghi-{target.pk} button[data-action=accept]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".pagination")).to_contain_text("Trang 2/2")
    expect(page.locator(f"#de-nghi-{target.pk}")).to_contain_text("Chấp nhận")
    assert Nomination.objects.get(pk=target.pk).status == NominationStatus.ACCEPTED
    assert reverse("nominations:dossier_detail", args=[dossier.pk]) in page.url
    shot(page, "02-back-on-page-2-after-accepting")
