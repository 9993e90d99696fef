"""Journey (issue 13, Outsider): the secretary of a Bình Lâm school copies the addresses of her school's dossier,
a nomination, its evidence file, the tờ trình PDF and the Excel export of the school's initiatives, and publishes
the list of nominees (công khai). The secretary of the school of the same name in Đông Hải pastes each address
and is refused every time: a 404 page that names nothing of the other school (its district, its nominees, the
file, the dossier). The public notice, opened without an account, shows names and awards and nothing private:
no birth date, phone or e-mail."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from nominations.models import Attachment, Nomination
from nominations.notice import public_unit_name
from units.enums import Role, UnitKind
from units.models import Person, Unit, UnitRole
from units.services import person_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OWN_DISTRICT, OTHER_DISTRICT = "Bình Lâm", "Đông Hải"
BIRTH = datetime.date(1984, 3, 7)
RENDER_TIMEOUT = 90_000  # a worker on a busy CI machine
PHONE, EMAIL = "0912 345 678", "giaovien.hoasen@example.vn"


def _private_strings(person: Person) -> list[str]:
    born = person.date_of_birth
    return [
        f"{born:%d/%m/%Y}",
        f"{born.day}/{born.month}/{born.year}",
        born.isoformat(),
        person.phone,
        person.phone.replace(" ", ""),
        person.email,
    ]


def _slug(label: str) -> str:
    return re.sub(r"\W+", "-", label)


def _outsider_of(school: Unit) -> str:
    """The demo secretary of the school of the same name in the other district."""
    twin = Unit.objects.get(kind=UnitKind.SCHOOL, name=school.name, locality=OTHER_DISTRICT)
    return UnitRole.objects.select_related("user").get(unit=twin, role=Role.SECRETARY).user.username


def test_secretary_of_another_school_is_refused_everything_public_notice_shows_no_private_data(
    browser, live_server, page, demo_data, log_in, nav_to, shot, axe_check, page_guard
):
    # Arrange: a Bình Lâm school's dossier with an evidence file (the demo's).
    attachment = (
        Attachment.objects.filter(
            nomination__dossier__unit__kind=UnitKind.SCHOOL, nomination__dossier__unit__locality=OWN_DISTRICT
        )
        .select_related("nomination__dossier__unit")
        .order_by("pk")
        .first()
    )
    dossier = attachment.nomination.dossier
    school = dossier.unit
    owner = UnitRole.objects.get(unit=school, role=Role.SECRETARY).user
    outsider = _outsider_of(school)
    nominations = list(
        Nomination.objects.filter(dossier=dossier, person__isnull=False).select_related("person").order_by("pk")
    )
    nominee = nominations[0].person
    # The nominee's private details are filled, so that the pages below could leak them.
    nominee = person_update(person=nominee, by=None, date_of_birth=BIRTH, phone=PHONE, email=EMAIL)
    names = sorted({n.person.full_name for n in nominations})
    # The school's own name is the outsider's school's too (so it is in her header): its district stands for it.
    secrets = [OWN_DISTRICT, *names, attachment.original_name, dossier.title]

    # The school's secretary opens her dossier, a nomination, the evidence and the PDF, and copies the addresses.
    log_in(page, owner.username)
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_role("link", name=school.name).first.click()
    expect(page.locator("h1")).to_have_text(f"Hồ sơ đề nghị khen thưởng – {school.name}")
    urls = {"hồ sơ": urlsplit(page.url).path}
    card = page.locator(f"#de-nghi-{nominations[0].pk}")
    expect(card).to_contain_text(nominee.full_name)
    urls["quá trình xét đề nghị"] = card.get_by_role("link", name="Quá trình xét đề nghị").get_attribute("href")
    urls["báo cáo thành tích"] = card.get_by_role("link", name="Báo cáo thành tích").get_attribute("href")
    evidence = page.locator(f"#de-nghi-{attachment.nomination_id}").get_by_role("link", name=attachment.original_name)
    urls["minh chứng"] = evidence.get_attribute("href")
    # She prints the tờ trình (rendered by the worker in CI) and copies the addresses of the file and its page.
    printed = page.locator("#documents-panel #doc-submission-normal")
    page.locator("#documents-panel tr").filter(has=page.locator("#doc-submission-normal")).get_by_role(
        "button", name="Tạo PDF"
    ).click()
    expect(printed.get_by_role("link", name="Tải PDF")).to_be_visible(timeout=RENDER_TIMEOUT)
    page.reload()  # the panel swapped in the status only; the document's page link comes with the page
    urls["tải PDF tờ trình"] = printed.get_by_role("link", name="Tải PDF").get_attribute("href")
    urls["trang văn bản"] = printed.get_by_role("link", name="Chi tiết").get_attribute("href")
    shot(page, "01-owner-dossier")
    axe_check(page)
    # Her school's initiatives, exported as Excel.
    nav_to(page, "Sáng kiến")
    urls["xuất Excel"] = urlsplit(page.url).path + page.get_by_role("link", name="Xuất Excel").get_attribute("href")
    assert "xuat=xlsx" in urls["xuất Excel"]
    # Every address works for her: the pages name what they show, the files download.
    for label in ("quá trình xét đề nghị", "báo cáo thành tích"):
        page.goto(urls[label])
        expect(page.locator("main")).to_contain_text(nominee.full_name)
    files = {"minh chứng": "application/pdf", "tải PDF tờ trình": "application/pdf", "xuất Excel": "spreadsheetml"}
    for label, content_type in files.items():
        response = page.request.get(urls[label])
        assert (label, response.status) == (label, 200)
        assert content_type in response.headers["content-type"]

    # She publishes the list of her nominees (công khai) and reads its public address.
    nav_to(page, "Công khai")
    page.get_by_role("link", name=re.compile("^Công khai mới")).first.click()
    for nomination in nominations:
        label = f"{nomination.person.full_name} – {public_unit_name(nomination)} – {nomination.award_type.name}"
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Công khai", exact=True).click()
    public_url = page.locator("dd code").filter(has_text="/cong-khai/xem/").inner_text()
    shot(page, "02-owner-notice")

    # The secretary of the school of the same name in Đông Hải pastes each address: not found, and nothing of
    # the first school shows.
    page.context.clear_cookies()
    log_in(page, outsider)
    for index, (label, url) in enumerate(urls.items(), start=3):
        page_guard.allow(404, url=re.escape(url) + "$")  # the refusal this journey expects, nothing else
        response = page.goto(url)
        assert (label, response.status) == (label, 404)
        expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
        content = page.content()
        assert (label, [s for s in secrets if s in content]) == (label, [])
        shot(page, f"{index:02d}-outsider-404-{_slug(label)}")
    axe_check(page)

    # Anyone opens the public notice: names and awards, and no birth date, phone or e-mail.
    visitor = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    visitor.goto(urlsplit(public_url).path)
    body = visitor.locator("body")
    for nomination in nominations:
        expect(body).to_contain_text(nomination.person.full_name)
        expect(body).to_contain_text(nomination.award_type.name)
    content = visitor.content()
    assert [s for s in _private_strings(nominee) if s and s in content] == []
    shot(visitor, "10-public-notice")
    axe_check(visitor)
    visitor.context.close()
