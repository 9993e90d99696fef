"""The dossier page at scale (issue 14): its queries do not grow with the nominations, and the lean rows
(workflow buttons rendered once per set of actions, then each row's address and version put in) still give
every row its own buttons, attachments and links."""

import re

import pytest
from django.urls import reverse

from core import workflow
from nominations import services
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Attachment, Dossier, Nomination

pytestmark = pytest.mark.django_db


def _proposed(dossier, person, *, attachments=0):
    nomination = services.nomination_add(by=None, dossier=dossier, award_code="LDTT", person=person, summary="Tốt.")
    for i in range(attachments):
        Attachment.objects.create(
            nomination=nomination,
            file=f"x/{nomination.pk}-{i}.pdf",
            original_name=f"minh-chung-{nomination.pk}-{i}.pdf",
            content_type="application/pdf",
            size=10,
        )
    return nomination


def _under_appraisal(dossier, tree):
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_a"])


def _cards(html) -> dict[int, str]:
    """Each nomination's card of the page, by the nomination's id."""
    parts = re.split(r'<div class="card mb-2" id="de-nghi-(\d+)">', html)
    return {int(pk): part for pk, part in zip(parts[1::2], parts[2::2], strict=True)}


def _page(client, dossier):
    response = client.get(reverse("nominations:dossier_detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_reviewer_page_queries_constant_in_rows(
    client, dossier, tree, personas, person_factory, django_assert_max_num_queries
):
    _proposed(dossier, person_factory(tree["school_a1"]), attachments=1)
    _under_appraisal(dossier, tree)
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(40) as one:
        _page(client, dossier)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
    for i in range(6):
        _proposed(dossier, person_factory(tree["school_a1"]), attachments=i % 3)
    _under_appraisal(dossier, tree)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = _page(client, dossier)
    assert html.count('data-action="accept"') == 7


def test_each_row_carries_its_own_address_version_and_attachments(client, dossier, tree, personas, person_factory):
    first = _proposed(dossier, person_factory(tree["school_a1"]), attachments=2)
    second = _proposed(dossier, person_factory(tree["school_a1"]))
    Nomination.objects.filter(pk=second.pk).update(version=7)
    _under_appraisal(dossier, tree)
    client.force_login(personas["reviewer_a"])
    html = _page(client, dossier)
    cards = _cards(html)
    for n, version in ((first, 1), (second, 7)):
        card = cards[n.pk]
        url = reverse("nominations:nomination_transition", args=[n.pk])
        # Return, accept, not accept: each form posts to this row's address with this row's version.
        assert card.count(f'action="{url}"') == 3
        assert card.count(f'name="version" value="{version}"') == 3
        assert "@@" not in card
        assert reverse("nominations:nomination_path", args=[n.pk]) in card
    attachments = list(first.attachments.order_by("id"))
    assert [a.original_name for a in attachments] == re.findall(r">(minh-chung-[^<]+)</a>", cards[first.pk])
    assert reverse("nominations:attachment_download", args=[attachments[0].pk]) in cards[first.pk]
    assert "chưa có" in cards[second.pk]
    assert not any('id="comment-' in card for card in cards.values())  # no id repeated on every row


def test_reviewer_accepts_one_row_from_the_page(client, dossier, tree, personas, person_factory):
    first = _proposed(dossier, person_factory(tree["school_a1"]))
    second = _proposed(dossier, person_factory(tree["school_a1"]))
    _under_appraisal(dossier, tree)
    client.force_login(personas["reviewer_a"])
    html = _page(client, dossier)
    card = _cards(html)[second.pk]
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', card).groups()
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form[1]))
    client.post(form[0], fields)
    assert Nomination.objects.get(pk=second.pk).status == NominationStatus.ACCEPTED
    assert Nomination.objects.get(pk=first.pk).status == NominationStatus.PROPOSED


def test_secretary_sees_no_buttons_of_the_reviewer(client, dossier, tree, personas, person_factory):
    _proposed(dossier, person_factory(tree["school_a1"]))
    _under_appraisal(dossier, tree)
    client.force_login(personas["secretary_a1"])
    assert 'data-action="accept"' not in _page(client, dossier)


def test_rows_in_different_states_get_their_own_buttons(client, dossier, tree, personas, person_factory):
    proposed = _proposed(dossier, person_factory(tree["school_a1"]))
    accepted = _proposed(dossier, person_factory(tree["school_a1"]))
    returned = _proposed(dossier, person_factory(tree["school_a1"]))
    Nomination.objects.filter(pk=accepted.pk).update(status=NominationStatus.ACCEPTED)
    Nomination.objects.filter(pk=returned.pk).update(status=NominationStatus.RETURNED)
    _under_appraisal(dossier, tree)
    client.force_login(personas["reviewer_a"])
    cards = _cards(_page(client, dossier))
    buttons = {pk: re.findall(r'data-action="([a-z_]+)"', card) for pk, card in cards.items()}
    # The reviewer's buttons, by the nomination's state, as core.workflow.available_actions gives them one by one.
    dossier.refresh_from_db()
    for n in (proposed, accepted, returned):
        n.refresh_from_db()
        n.dossier = dossier
        assert buttons[n.pk] == [a.name for a in workflow.available_actions(n, personas["reviewer_a"])]
    assert buttons[proposed.pk] != buttons[accepted.pk]
    assert buttons[returned.pk] == []  # only the school resubmits a returned nomination


def test_cards_stand_where_the_template_puts_them_and_no_mark_is_left(client, dossier, tree, personas, person_factory):
    first = _proposed(dossier, person_factory(tree["school_a1"]))
    client.force_login(personas["secretary_a1"])
    html = _page(client, dossier)
    before, rest = html.split('<h2 class="h5">Các đề nghị</h2>')
    assert "de-nghi-" not in before
    assert rest.index(f'<div class="card mb-2" id="de-nghi-{first.pk}">') < rest.index('<h2 class="h5">Lịch sử</h2>')
    assert "<!--nominations:dossier-rows-->" not in html


def test_empty_dossier_says_so_without_the_mark(client, dossier, personas):
    client.force_login(personas["secretary_a1"])
    html = _page(client, dossier)
    assert ('<p class="text-muted">Chưa có đề nghị nào.</p>' in html, "dossier-rows" in html) == (True, False)
