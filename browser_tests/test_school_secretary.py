"""Journey: a school secretary works on her own school and nothing else."""

import re

import pytest
from playwright.sync_api import expect

from units.enums import UnitKind
from units.models import Person, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY = "mn-hoasen-bl.thuky"


def _school(short_name, district):
    return Unit.objects.get(kind=UnitKind.SCHOOL, short_name=short_name, parent__name__endswith=district)


def test_secretary_sees_own_school_staff_and_404_elsewhere(page, page_guard, demo_data, log_in, nav_to):
    own = _school("Mầm non Hoa Sen", "Bình Lâm")
    other = _school("Mầm non Hoa Sen", "Đông Hải")  # same name, another Phòng
    own_names = set(Person.objects.filter(unit__path__startswith=own.path).values_list("full_name", flat=True))

    log_in(page, SECRETARY)

    expect(page.locator("h1")).to_have_text(own.name)
    expect(page.locator("nav")).to_contain_text("Thư ký / cán bộ phụ trách TĐKT")

    nav_to(page, "Cá nhân")
    expect(page.locator("h1")).to_have_text("Cá nhân")
    names = page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert names, "the staff list is empty"
    assert set(names) <= own_names, f"people from outside {own.name}: {set(names) - own_names}"

    # The unit filter (a search box, units/pickers.py) suggests her school, never the namesake of another Phòng.
    box = page.get_by_role("combobox", name="Đơn vị")
    box.fill("hoa sen")
    suggestions = page.locator("[data-unit-picker]").filter(has=box).get_by_role("option")
    expect(suggestions.first).to_be_visible()
    texts = suggestions.all_inner_texts()
    subtree = list(Unit.objects.filter(path__startswith=own.path).values_list("name", flat=True))
    assert any(text.startswith(own.name) for text in texts), texts
    assert all(any(text.startswith(name) for name in subtree) for text in texts), texts
    assert not any(other.parent.name in text for text in texts), texts

    page_guard.allow(404, url=f"/don-vi/{other.pk}/$")
    response = page.goto(f"/don-vi/{other.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
    expect(page.locator("main")).to_contain_text("nằm ngoài phạm vi đơn vị của bạn")


def test_secretary_home_renders_on_phone_and_desktop(page, phone_page, demo_data, screenshot_dir, log_in):
    own = _school("Mầm non Hoa Sen", "Bình Lâm")
    for name, p in (("phone", phone_page), ("desktop", page)):
        log_in(p, SECRETARY)
        expect(p.locator("h1")).to_have_text(own.name)
        # Bootstrap is loaded (vendored): the navbar is styled, not a bare list.
        background = p.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)", "navbar has no background: Bootstrap CSS did not load"
        p.screenshot(path=str(screenshot_dir / f"home-{name}.png"), full_page=True)

    # On a phone the menu collapses behind the toggler and opens on tap.
    toggler = phone_page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    home_link = phone_page.locator("nav.navbar").get_by_role("link", name="Trang chủ", exact=True)
    expect(home_link).to_be_hidden()
    toggler.click()
    expect(phone_page.locator("#mainnav.collapse.show")).to_be_visible()  # transition finished
    expect(home_link).to_be_visible()
    phone_page.screenshot(path=str(screenshot_dir / "home-phone-menu.png"))
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    assert re.search(r"\d+ cán bộ đang công tác", page.locator("main").inner_text())
