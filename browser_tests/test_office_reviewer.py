"""Journey: a Phòng GD&ĐT reviewer sees the Phòng's schools and not another Phòng's."""

import re

import pytest
from playwright.sync_api import expect

from units.enums import UnitKind
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_office_reviewer_lists_own_schools_only(page, page_guard, demo_data, log_in, nav_to):
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
    other_office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Đông Hải")
    own_schools = set(Unit.objects.filter(parent=office, kind=UnitKind.SCHOOL).values_list("pk", flat=True))
    other_schools = set(Unit.objects.filter(parent=other_office, kind=UnitKind.SCHOOL).values_list("pk", flat=True))
    assert own_schools and other_schools

    log_in(page, "pgd-bl.chuyenvien")
    expect(page.locator("h1")).to_have_text(office.name)

    nav_to(page, "Đơn vị")
    expect(page.locator("h1")).to_have_text("Đơn vị")
    page.get_by_label("Loại đơn vị").select_option(UnitKind.SCHOOL.value)
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"kind=school"))

    hrefs = page.locator("table tbody tr td:first-child a").evaluate_all("links => links.map(a => a.pathname)")
    shown = {int(re.search(r"/don-vi/(\d+)/", h).group(1)) for h in hrefs}
    assert shown == own_schools
    parents = set(page.locator("table tbody tr td:nth-child(4)").all_inner_texts())
    assert parents == {office.name}

    # And straight to a school of another Phòng: not found.
    page_guard.allow(404, url=r"/don-vi/\d+/$")
    response = page.goto(f"/don-vi/{min(other_schools)}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
