"""Launching a campaign asks for confirmation and refuses a deadline already past (issue 12, item 5)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns import services
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, ObjectGroup, PeriodKind
from campaigns.models import Campaign
from units.enums import UnitKind
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFICE_HEAD = "pgd-bl.truongphong"


def _draft(due: datetime.date) -> Campaign:
    """Seed 001's shape: a thematic plan of a calendar year with its objects and a nomination deadline."""
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
    head = get_user_model().objects.get(username=OFFICE_HEAD)
    campaign = services.campaign_create(
        launched_by=office,
        name=f"Phong trào thi đua “Đổi mới sáng tạo trong quản lý, giảng dạy và học tập” năm {due.year}",
        kind=CampaignKind.THEMATIC,
        by=head,
        period_kind=PeriodKind.CALENDAR_YEAR,
        calendar_year=due.year,
        object_groups=[ObjectGroup.COLLECTIVE, ObjectGroup.TEACHER],
        objects_individual="Cán bộ quản lý giáo dục, giáo viên, nhân viên và học sinh.",
        legal_bases=["Luật Thi đua, khen thưởng năm 2022;"],
    )
    services.deadline_create(
        by=None, campaign=campaign, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.SCHOOL, due_date=due
    )
    return campaign


def test_head_confirms_the_launch_on_its_own_page(page, demo_data, log_in):
    campaign = _draft(datetime.date.today() + datetime.timedelta(days=20))
    log_in(page, OFFICE_HEAD)
    page.goto(campaign.get_absolute_url())
    expect(page.locator("main")).to_contain_text(f"Năm: {campaign.calendar_year}")
    expect(page.locator("main")).to_contain_text("Cá nhân: Cán bộ quản lý giáo dục, giáo viên, nhân viên và học sinh.")
    expect(page.locator("main ol li").first).to_have_text("Luật Thi đua, khen thưởng năm 2022.")
    page.get_by_role("link", name="Phát động…").click()
    expect(page.locator("h1")).to_have_text("Xác nhận phát động phong trào")
    page.get_by_role("button", name="Xác nhận phát động").click()
    expect(page.locator("h1")).to_have_text(campaign.name)
    expect(page.locator("main")).to_contain_text("Đã phát động phong trào tới các đơn vị trong phạm vi.")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED


def test_a_past_deadline_is_shown_and_the_launch_not_offered(page, demo_data, log_in):
    campaign = _draft(datetime.date.today() - datetime.timedelta(days=1))
    log_in(page, OFFICE_HEAD)
    page.goto(campaign.get_absolute_url())
    page.get_by_role("link", name="Phát động…").click()
    expect(page.locator("[data-launch-problem]")).to_contain_text("Không thể phát động: hạn chót «Gửi hồ sơ đề nghị")
    expect(page.get_by_role("button", name="Xác nhận phát động")).to_have_count(0)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
