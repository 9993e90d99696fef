"""Journey (issue 10): three members on three devices (one a phone) vote in a secret ballot; the chair sees
the progress (never the choices) update without reloading, closes, publishes; the nominations move on."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from councils import services
from councils.enums import AttendanceStatus, MemberRole
from nominations import services as nomination_services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import Gender, Role, SchoolLevel, UnitKind
from units.services import person_create, unit_create, unit_role_grant, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "mat-khau-hoi-dong-2025"


def _council_with_open_agenda():
    office = unit_create(by=None, name="Phòng GD&ĐT Hành trình", kind=UnitKind.OFFICE)
    school = unit_create(
        by=None,
        name="Trường Tiểu học Hành trình",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.PRIMARY,
        parent=office,
    )
    users = [
        user_create(by=None, username=f"hd-{i}", password=PASSWORD, full_name=f"Thành viên {n}")
        for i, n in enumerate(["Chủ tịch", "Một", "Hai"])
    ]
    unit_role_grant(by=None, user=users[0], unit=office, role=Role.HEAD)
    council = services.council_create(
        by=None,
        unit=office,
        name="Hội đồng TĐKT Phòng Hành trình",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    seats = [
        services.council_member_add(by=None, council=council, user=u, role=r)
        for u, r in zip(users, [MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER], strict=True)
    ]
    meeting = services.meeting_create(
        by=None,
        council=council,
        date=datetime.date(2026, 6, 1),
        start_time=datetime.time(8, 0),
        place="Hội trường",
        chair=seats[0],
        secretary=seats[1],
    )
    dossier = nomination_services.dossier_create(by=None, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=2025)
    ids = []
    for name in ("Lê Thị Hoa", "Trần Văn Nam"):
        person = person_create(
            by=None,
            unit=school,
            full_name=name,
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1985, 3, 4),
            position="Giáo viên",
        )
        ids.append(
            nomination_services.nomination_add(
                by=None, dossier=dossier, award_code="LDTT", person=person, summary="Hoàn thành xuất sắc nhiệm vụ."
            ).pk
        )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=office)
    Nomination.objects.filter(pk__in=ids).update(status=NominationStatus.PASSED_TO_COUNCIL)
    services.agenda_add(by=None, meeting=meeting, nomination_ids=ids)
    for seat in seats:
        services.attendance_set(by=None, meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    return services.round_create(by=None, meeting=meeting), ids


def test_three_members_vote_chair_sees_progress_only(browser, live_server, page, phone_page, log_in):
    round_, nomination_ids = _council_with_open_agenda()
    url = f"/hoi-dong/vong/{round_.pk}/"
    member_page = browser.new_page(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    log_in(page, "hd-0", PASSWORD)
    log_in(member_page, "hd-1", PASSWORD)
    log_in(phone_page, "hd-2", PASSWORD)

    page.goto(url)
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.locator("#round-progress")).to_contain_text("Đã bỏ phiếu 0/3")

    # The chair votes from a second tab (the progress page stays open); member one agrees on both; on the
    # phone, "no" on the second nomination.
    chair_sheet = page.context.new_page()
    for sheet, choices in (
        (chair_sheet, ("Đồng ý", "Đồng ý")),
        (member_page, ("Đồng ý", "Đồng ý")),
        (phone_page, ("Đồng ý", "Không đồng ý")),
    ):
        sheet.goto(f"{url}phieu/")
        for fieldset, choice in zip(sheet.locator("fieldset").all(), choices, strict=True):
            fieldset.get_by_text(choice, exact=True).click()
        sheet.get_by_role("button", name="Gửi phiếu").click()
        expect(sheet.locator("#receipt-code")).to_have_text(re.compile(r"^[A-Z2-9]{10}$"))
    phone_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert phone_width <= 390

    # The chair's page was never reloaded: htmx polling brings the count, and no choice is shown.
    expect(page.locator("#round-progress")).to_contain_text("Đã bỏ phiếu 3/3", timeout=10_000)
    assert "Không đồng ý" not in page.content()

    page.reload()
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    expect(page.get_by_text("Kết quả kiểm phiếu")).to_be_visible()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã công bố kết quả")
    # "Quá nửa tổng số" (the catalog's default): 3/3 and 2/3 both pass.
    assert (
        list(Nomination.objects.filter(pk__in=nomination_ids).values_list("status", flat=True))
        == [NominationStatus.APPROVED_BY_COUNCIL] * 2
    )
    member_page.close()
