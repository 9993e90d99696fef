"""Journey: a user with roles on two units switches the active unit from the header."""

import re

import pytest
from playwright.sync_api import expect

from units.enums import Role, SchoolLevel, UnitKind
from units.services import unit_create, unit_role_grant, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_role_switcher_changes_active_unit(page, transactional_db, log_in):
    office = unit_create(by=None, name="Phòng GD&ĐT Thử", kind=UnitKind.OFFICE)
    first = unit_create(
        by=None, name="Trường Tiểu học Ánh Dương", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=office
    )
    second = unit_create(
        by=None,
        name="Trường THCS Đồng Tâm",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.LOWER_SECONDARY,
        parent=office,
    )
    user = user_create(by=None, username="kiemnhiem", password="mat-khau-thu-2025", full_name="Trần Thị Kiêm Nhiệm")
    roles = {
        unit_role_grant(by=None, user=user, unit=first, role=Role.SECRETARY): first,
        unit_role_grant(by=None, user=user, unit=second, role=Role.HEAD): second,
    }

    log_in(page, "kiemnhiem", "mat-khau-thu-2025")
    switcher = page.locator("#role-switch select[name=role]")
    expect(switcher.locator("option")).to_have_count(2)
    active = next(r for r in roles if str(r.pk) == switcher.input_value())
    target = next(r for r in roles if r != active)
    expect(page.locator("h1")).to_have_text(roles[active].name)

    # The select submits itself on change (static/js/portal.js); no click needed.
    with page.expect_navigation():
        switcher.select_option(str(target.pk))

    expect(page.locator("h1")).to_have_text(roles[target].name)
    label = target.get_role_display()
    expect(page.locator(".alert-success")).to_contain_text(f"Đã chuyển sang làm việc với vai trò {label}")
    expect(switcher).to_have_value(str(target.pk))

    # The choice sticks for the session.
    page.reload()
    expect(page.locator("h1")).to_have_text(roles[target].name)
    assert re.search(rf"Vai trò: {re.escape(label)}", page.locator("main").inner_text())

    # And back again with the button (works without JavaScript too).
    switcher.evaluate("(el, value) => { el.value = value; }", str(active.pk))
    with page.expect_navigation():
        page.locator("#role-switch").get_by_role("button", name="Chuyển").click()
    expect(page.locator("h1")).to_have_text(roles[active].name)
