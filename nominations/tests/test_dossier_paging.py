"""The dossier page in pages of 50 cards (issue 14: the dossier of 200 nominations): the pager, the link that
names a nomination (`?de_nghi=<id>`) opening the page that holds it, a foreign or unknown id falling back to page
1 with no trace, the filter by status and by name (without diacritics), the whole dossier's counts, quota and
checklist whatever the page, the reviewer kept on the same page and filter after acting on a card, and the
page's queries pinned and constant in the number of nominations."""

import datetime
import re

import pytest
from django.urls import reverse

from awards.engine import award_type_in_force
from core.text import search_key
from nominations import dossier_page, links, services
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Dossier, Nomination
from units.enums import Gender
from units.models import Person

pytestmark = pytest.mark.django_db

STATES = [NominationStatus.PROPOSED, NominationStatus.RETURNED, NominationStatus.ACCEPTED]
CARD = re.compile(r'<div class="card mb-2" id="de-nghi-(\d+)">.*?<strong>(\d+)\. ', re.S)
# The reviewer's page (no checklist: the dossier is under appraisal), whatever the number of nominations: the
# page's fixed reads, the index and its awards, then the page's rows by their ids (see test_dossier_queries).
# The name filter adds one (the dossier's people matching the words; no collective here); a page with no returned
# nomination has no return comments to read.
QUERIES = {"": 18, "?q=nghiem": 19, "?trang_thai=accepted&page=2": 17}


def _name(i: int) -> str:
    return f"Giáo Viên Thử Nghiệm {chr(65 + i % 26)}{chr(65 + i // 26)}"


def _grow(dossier, tree, count: int, *, status=DossierStatus.UNDER_APPRAISAL) -> list[Nomination]:
    """`count` nominations in the dossier (bulk rows), every third state of STATES; the dossier in `status`."""
    people = Person.objects.bulk_create(
        Person(
            unit=tree["school_a1"],
            full_name=_name(i),
            name_key=f"giao vien thu nghiem {i}",
            search_key=search_key(_name(i)),
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=i),
            position="Giáo viên",
        )
        for i in range(count)
    )
    award = award_type_in_force("LDTT", datetime.date.today())
    Nomination.objects.bulk_create(
        Nomination(
            dossier=dossier,
            person=person,
            award_type=award,
            summary="Tốt." if i != count - 1 else "",  # the last one (the last page) has no summary
            status=STATES[i % len(STATES)],
        )
        for i, person in enumerate(people)
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=status, receiving_unit=tree["office_a"])
    # The dossier's order (the award's rank, then id): one award here, so by id.
    return list(Nomination.objects.filter(dossier=dossier).order_by("id"))


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return response, response.content.decode()


def _cards(html: str) -> list[tuple[int, int]]:
    """(nomination id, its number) of each card, in the page's order."""
    return [(int(pk), int(number)) for pk, number in CARD.findall(html)]


def _plain(html: str) -> str:
    """The page without what changes on every response (the CSRF token is masked anew each time)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def reviewer(client, personas):
    client.force_login(personas["reviewer_a"])
    return client


def test_pages_of_fifty_numbered_in_the_whole_dossier(reviewer, dossier, tree):
    rows = _grow(dossier, tree, 120)
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    _response, first = _get(reviewer, url)
    assert _cards(first) == [(n.pk, i) for i, n in enumerate(rows[:50], 1)]
    assert "Trang 1/3 (120 dòng)" in first
    assert 'href="?page=2">Sau »</a>' in first
    _response, last = _get(reviewer, f"{url}?page=3")
    assert _cards(last) == [(n.pk, i) for i, n in enumerate(rows[100:], 101)]
    assert "Trang 3/3 (120 dòng)" in last
    assert dossier_page.PAGE_SIZE == 50


def test_small_dossier_has_no_pager_nor_filter(reviewer, dossier, tree):
    _grow(dossier, tree, 7)
    _response, html = _get(reviewer, reverse("nominations:dossier_detail", args=[dossier.pk]))
    assert len(_cards(html)) == 7
    assert 'id="dossier-filter"' not in html
    assert "Trang 1/" not in html


def test_the_link_to_nomination_137_opens_its_page(reviewer, dossier, tree):
    rows = _grow(dossier, tree, 200)
    n137 = rows[136]
    url = n137.get_absolute_url()
    assert url == f"{reverse('nominations:dossier_detail', args=[dossier.pk])}?de_nghi={n137.pk}#de-nghi-{n137.pk}"
    assert url == links.nomination_url(dossier.pk, n137.pk)
    _response, html = _get(reviewer, url)
    cards = _cards(html)
    assert cards == [(n.pk, i) for i, n in enumerate(rows[100:150], 101)]  # page 3 of 4
    assert (n137.pk, 137) in cards
    assert "Trang 3/4 (200 dòng)" in html
    # The pager's own page wins over the named nomination: «Trước» from there goes to page 2.
    _response, html = _get(reviewer, f"{url.split('#')[0]}&page=2")
    assert _cards(html)[0] == (rows[50].pk, 51)


def test_a_foreign_or_unknown_id_shows_page_one_with_no_trace(client, dossier, tree, personas, person_factory):
    rows = _grow(dossier, tree, 60)
    # A nomination of school B1's dossier, which Phòng A's reviewer cannot see.
    other = services.dossier_create(by=None, unit=tree["school_b1"], round_kind=dossier.round_kind, school_year=2025)
    foreign = services.nomination_add(
        by=None, dossier=other, award_code="LDTT", person=person_factory(tree["school_b1"]), summary="Tốt."
    )
    missing = Nomination.objects.order_by("-id").first().pk + 1000
    client.force_login(personas["reviewer_a"])
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    _response, plain = _get(client, url)
    _response, with_foreign = _get(client, f"{url}?de_nghi={foreign.pk}")
    _response, with_missing = _get(client, f"{url}?de_nghi={missing}")
    assert _cards(with_foreign) == _cards(plain) == [(n.pk, i) for i, n in enumerate(rows[:50], 1)]
    # Byte for byte the same answer for an id of another dossier as for one that does not exist (the id itself
    # comes back only in the pager's links, as the user sent it).
    assert _plain(with_foreign).replace(str(foreign.pk), "ID") == _plain(with_missing).replace(str(missing), "ID")
    assert foreign.candidate_name not in with_foreign
    for junk in ("abc", "-5", "99999999999999999999", ""):
        _response, html = _get(client, f"{url}?de_nghi={junk}")
        assert _cards(html)[0] == (rows[0].pk, 1)
    # The dossier itself out of scope stays a 404, named nomination or not.
    client.force_login(personas["reviewer_b"])
    assert client.get(f"{url}?de_nghi={rows[0].pk}").status_code == 404


def test_filter_by_status_with_the_whole_dossiers_counts(reviewer, dossier, tree):
    rows = _grow(dossier, tree, 120)
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    _response, html = _get(reviewer, f"{url}?trang_thai=returned")
    returned = [n for n in rows if n.status == NominationStatus.RETURNED]
    numbers = {n.pk: i for i, n in enumerate(rows, 1)}
    assert _cards(html) == [(n.pk, numbers[n.pk]) for n in returned]  # 40: one page, the dossier's numbers
    assert '<option value="">Mọi trạng thái (120)</option>' in html
    assert '<option value="returned" selected>Trả lại để bổ sung (40)</option>' in html
    assert '<option value="proposed">Đề nghị (40)</option>' in html
    assert "40 trong 120 đề nghị khớp bộ lọc" in html
    _response, html = _get(reviewer, f"{url}?trang_thai=not_a_status")
    assert len(_cards(html)) == 50


def test_filter_by_name_without_diacritics_keeps_its_params_in_the_pager(reviewer, dossier, tree):
    rows = _grow(dossier, tree, 200)
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    # «nghiem bc»: Giáo Viên Thử Nghiệm BC only (i = 1 + 2 × 26).
    _response, html = _get(reviewer, f"{url}?q=NGHIEM+bc")
    assert _cards(html) == [(rows[53].pk, 54)]
    assert 'value="NGHIEM bc"' in html
    # «thử nghiệm» matches all 200 (with their diacritics too): 4 pages, the pager keeps the filter.
    _response, html = _get(reviewer, f"{url}?trang_thai=proposed&q=th%E1%BB%AD+nghi%E1%BB%87m")
    assert len(_cards(html)) == 50
    assert "67 trong 200 đề nghị khớp bộ lọc" in html
    assert 'href="?trang_thai=proposed&amp;q=th%E1%BB%AD+nghi%E1%BB%87m&amp;page=2">Sau »</a>' in html
    _response, html = _get(reviewer, f"{url}?q=kh%C3%B4ng+c%C3%B3+ai")
    assert _cards(html) == []
    assert "Không có đề nghị nào khớp bộ lọc." in html


def test_whole_dossier_quota_bulk_review_and_checklist_whatever_the_page(client, dossier, tree, personas):
    rows = _grow(dossier, tree, 120)
    client.force_login(personas["reviewer_a"])
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    response, html = _get(client, f"{url}?page=3&trang_thai=accepted")
    # The quota counts every proposal of the dossier (none of STATES is «not accepted»), not the page's.
    assert [line.proposed for line in response.context["quota"]] == [120]
    # The bulk review says what it covers, and covers it: every nomination of the dossier.
    assert "Thẩm định hàng loạt (cả 120 đề nghị của hồ sơ)" in html
    bulk = client.get(reverse("nominations:dossier_bulk_review", args=[dossier.pk])).content.decode()
    assert all(_name(i) in bulk for i in range(len(rows)))
    # The checklist of a dossier being filed names the nomination of the last page that lacks its summary.
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
    client.force_login(personas["secretary_a1"])
    _response, html = _get(client, url)
    problems = html.split('id="dossier-problems"')[1].split("</div>")[0]
    assert f"{_name(119)} – " in problems
    assert "chưa có tóm tắt thành tích" in problems
    assert (rows[119].pk, 120) not in _cards(html)


def test_after_acting_on_a_card_the_reviewer_is_back_on_its_page_and_filter(reviewer, dossier, tree):
    rows = _grow(dossier, tree, 200)
    target = rows[150]  # proposed (150 % 3 == 0), page 4
    assert target.status == NominationStatus.PROPOSED
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    _response, html = _get(reviewer, f"{url}?trang_thai=proposed&q=nghiem&page=3")
    transition = reverse("nominations:nomination_transition", args=[target.pk])
    # The card's forms post to its address with the filter: the redirect comes back to it.
    assert f'action="{transition}?trang_thai=proposed&amp;q=nghiem"' in html
    response = reviewer.post(
        f"{transition}?trang_thai=proposed&q=nghiem", {"transition": "accept", "version": target.version}
    )
    assert Nomination.objects.get(pk=target.pk).status == NominationStatus.ACCEPTED
    assert response.status_code == 302
    assert response["Location"] == f"{url}?trang_thai=proposed&q=nghiem&de_nghi={target.pk}#de-nghi-{target.pk}"
    # No longer «proposed», it opens the page where it stood among the proposed: 50 of them before it, page 2.
    _response, html = _get(reviewer, response["Location"].split("#")[0])
    proposed_before = sum(1 for n in rows[:150] if n.status == NominationStatus.PROPOSED)
    assert proposed_before == 50
    assert _cards(html)[0] == (rows[150 + 3].pk, 154)
    assert "Trang 2/2" in html
    # Without a filter, the redirect is the nomination's own address: the page that holds it.
    other = rows[3]
    response = reviewer.post(
        reverse("nominations:nomination_transition", args=[other.pk]),
        {"transition": "accept", "version": other.version},
    )
    assert response["Location"] == other.get_absolute_url()
    _response, html = _get(reviewer, response["Location"].split("#")[0])
    assert (other.pk, 4) in _cards(html)
    # A card's own form («Ghi ý kiến vượt điều kiện») goes back to the card's page, not to page 1.
    _response, html = _get(reviewer, reverse("nominations:nomination_override", args=[target.pk]))
    assert f'<a href="{target.get_absolute_url()}">« Quay lại</a>' in html


@pytest.mark.parametrize("query", QUERIES)
def test_queries_pinned_and_constant_in_the_nominations(reviewer, dossier, tree, query, django_assert_max_num_queries):
    url = reverse("nominations:dossier_detail", args=[dossier.pk]) + query
    _grow(dossier, tree, 60)
    reviewer.get(url)  # the content types' cache filled once a process
    counts = []
    for more in (0, 140):
        if more:
            Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
            _grow(dossier, tree, more)
        with django_assert_max_num_queries(40) as captured:
            assert reviewer.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts == [QUERIES[query]] * 2
