"""Issue 8 journey: a secretary picks an impossible title and sees why beside the line before saving;
it cannot be sent until explained; the Phòng's overview flags it; the form fits a 390 px phone."""

import pytest
from playwright.sync_api import expect

from campaigns.selectors import registration_groups, registration_people

from .test_campaign_journeys import NO_PAGE_SCROLL, SECRETARY, _fresh_campaign, _open_campaign, _school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IMPOSSIBLE = "Chiến sĩ thi đua cấp tỉnh"


def test_secretary_sees_the_reason_beside_the_line_before_saving(page, demo_data, log_in, nav_to):
    school = _school("Mầm non Hoa Sen")
    campaign = _fresh_campaign()
    first = registration_groups(school, registration_people(None, school).select_related("unit"))[0].people[0]

    log_in(page, SECRETARY)
    _open_campaign(page, nav_to, campaign)
    page.get_by_role("link", name=f"Đăng ký thi đua của {school.short_name}").click()
    title = page.get_by_label(f"Danh hiệu của {first.full_name}", exact=True)
    # National titles are not offered on a kindergarten teacher's line.
    expect(title.locator("option", has_text="Chiến sĩ thi đua toàn quốc")).to_have_count(0)
    title.select_option(label=IMPOSSIBLE)
    status = page.locator(f"#check-{first.pk}")
    expect(status).to_contain_text(f"Không đủ điều kiện «{IMPOSSIBLE}»")
    expect(status).to_contain_text("Cần sửa dòng này hoặc ghi giải trình trước khi gửi.")
    expect(page.locator("#quota-panel")).to_contain_text("dòng vi phạm điều kiện")
    assert not campaign.registrations.exists()  # nothing saved yet

    page.get_by_role("button", name="Lưu bản đăng ký").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu bản đăng ký thi đua.")
    page.locator("summary").filter(has_text="Trình thủ trưởng").click()
    page.get_by_role("button", name="Trình thủ trưởng").click()
    expect(page.locator(".alert-danger")).to_contain_text("dòng vi phạm điều kiện chưa sửa và chưa có giải trình")

    # On a phone the form is stacked blocks: no sideways scrolling of the page.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Sửa bản đăng ký").click()
    explanation = page.get_by_label(f"Giải trình của {first.full_name}", exact=True)
    expect(explanation).to_be_visible()  # the form has loaded: measure it, not the page being left
    assert page.evaluate(NO_PAGE_SCROLL)
    explanation.fill("Đã có hai năm liền Chiến sĩ thi đua cơ sở; đề nghị giữ để theo dõi.")
    explanation.press("Tab")  # the line is checked again when the field changes
    expect(page.locator(f"#check-{first.pk}")).to_contain_text("Đã có giải trình.")
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    page.locator("summary").filter(has_text="Trình thủ trưởng").click()
    page.get_by_role("button", name="Trình thủ trưởng").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trình thủ trưởng đơn vị.")
