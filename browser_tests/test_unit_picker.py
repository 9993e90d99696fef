"""Journey: unit pickers (units/pickers.py). A Sở reviewer filters the staff list by typing «hoa sen» without
diacritics and picking the school among its namesakes; a Phòng head transfers a teacher with the keyboard.
No page lists the province's units as options."""

import re

import pytest
from playwright.sync_api import expect

from browser_tests.steps import pick
from units.enums import UnitKind
from units.models import Person, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_department_reviewer_filters_the_staff_list_by_a_picked_school(page, demo_data, log_in, nav_to, axe_check):
    school = Unit.objects.select_related("parent").get(name="Trường Mầm non Hoa Sen", parent__name__endswith="Bình Lâm")
    staff = set(Person.objects.filter(unit__path__startswith=school.path).values_list("full_name", flat=True))
    assert staff

    log_in(page, "so.chuyenvien")
    nav_to(page, "Cá nhân")
    expect(page.locator("h1")).to_have_text("Cá nhân")
    assert page.locator("option").count() < 20  # the filter's small selects, not the province's units

    pick(page, "Đơn vị", "hoa sen", f"{school.name} ({school.parent.name})")
    axe_check(page)
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(rf"unit={school.pk}"))

    # The chip re-renders from the query string, and the list is the school's staff (teams included).
    expect(page.get_by_role("checkbox", name=f"Bỏ chọn {school.name} ({school.parent.name})")).to_be_checked()
    names = set(page.locator("table tbody tr td:first-child a").all_inner_texts())
    assert names and names <= staff
    axe_check(page)


def test_office_head_transfers_a_teacher_with_the_keyboard(page, demo_data, log_in):
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
    school = Unit.objects.get(name="Trường Mầm non Hoa Sen", parent=office)
    target = Unit.objects.get(name="Trường Mầm non Sơn Ca", parent=office)
    teacher = Person.objects.filter(unit=school, is_active=True).order_by("pk").first()

    log_in(page, "pgd-bl.truongphong")
    page.goto(f"/don-vi/ca-nhan/{teacher.pk}/dieu-chuyen/")
    assert page.locator("option", has_text="Sơn Ca").count() == 0
    pick(page, "Đến đơn vị", "son ca", f"{target.name} ({office.name})", keyboard=True)
    page.get_by_role("button", name="Điều chuyển").click()

    expect(page.locator(".alert-success")).to_contain_text(f"Đã điều chuyển {teacher.full_name} đến {target.name}.")
    teacher.refresh_from_db()
    assert teacher.unit_id == target.pk


def test_picker_without_javascript_resolves_the_typed_name(browser, live_server, demo_data, log_in):
    """With scripts off, typing the exact name and submitting is enough; an ambiguous name lists the matches."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
        school = Unit.objects.get(name="Trường Mầm non Hoa Sen", parent=office)
        teacher = Person.objects.filter(unit=school, is_active=True).order_by("pk").first()
        log_in(page, "pgd-bl.truongphong")
        page.goto(f"/don-vi/ca-nhan/{teacher.pk}/dieu-chuyen/")
        page.get_by_role("combobox", name="Đến đơn vị").fill("truong mam non")
        page.get_by_role("button", name="Điều chuyển").click()
        expect(page.locator("main")).to_contain_text("Có nhiều đơn vị khớp «truong mam non»")
        page.get_by_role("radio", name=re.compile(r"^Trường Mầm non Sơn Ca \(")).check()
        page.get_by_role("button", name="Điều chuyển").click()
        expect(page.locator(".alert-success")).to_contain_text("đến Trường Mầm non Sơn Ca.")
    finally:
        context.close()
