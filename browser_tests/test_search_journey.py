"""Journey: a school secretary types a colleague's name without diacritics in the header box, on a phone
and on a desktop, and lands on her record; nothing of another school shows."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from units.enums import Gender, Role, SchoolLevel, UnitKind
from units.services import person_create, unit_create, unit_role_grant, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(transactional_db):
    office = unit_create(by=None, name="Phòng GD&ĐT Tìm Kiếm", kind=UnitKind.OFFICE)
    school = unit_create(
        by=None, name="Trường Tiểu học Ánh Dương", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=office
    )
    level = SchoolLevel.LOWER_SECONDARY
    other = unit_create(by=None, name="Trường THCS Đồng Tâm", kind=UnitKind.SCHOOL, school_level=level, parent=office)
    born = datetime.date(1987, 3, 9)
    nhan = person_create(by=None, unit=school, full_name="Nguyễn Thị Nhàn", gender=Gender.FEMALE, date_of_birth=born)
    person_create(by=None, unit=other, full_name="Nguyễn Thị Nhàn Khác", gender=Gender.FEMALE, date_of_birth=born)
    user = user_create(by=None, username="thuky-anhduong", password="mat-khau-thu-2025")
    unit_role_grant(by=None, user=user, unit=school, role=Role.SECRETARY)
    return nhan


def inside_the_window(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= locator.page.viewport_size["width"]


@pytest.mark.parametrize("device", ["phone_page", "page"])
def test_header_search_finds_a_name_typed_without_diacritics(request, world, log_in, device):
    page = request.getfixturevalue(device)
    log_in(page, "thuky-anhduong", "mat-khau-thu-2025")
    box = page.get_by_label("Tìm kiếm")
    expect(box).to_be_visible()  # outside the collapsed menu: no need to open it on a phone
    assert inside_the_window(box)
    if device == "phone_page":
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # One row: brand, box and menu button; the box never pushes the button to a second line.
        toggler, field = page.locator(".navbar-toggler").bounding_box(), box.bounding_box()
        assert abs((toggler["y"] + toggler["height"] / 2) - (field["y"] + field["height"] / 2)) < 8
    box.fill("NGUYEN thi nhan")
    with page.expect_navigation():
        box.press("Enter")
    people = page.locator("#ket-qua-people")
    expect(people.get_by_role("link", name="Nguyễn Thị Nhàn", exact=True)).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Nhàn Khác")).to_have_count(0)
    if device == "phone_page":
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    people.get_by_role("link", name="Nguyễn Thị Nhàn", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/don-vi/ca-nhan/{world.pk}/$"))
