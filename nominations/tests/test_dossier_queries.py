"""The dossier page's queries do not grow with its nominations: 10 and 200 (issue 14), for the reviewer who
appraises it and for the secretary who filed it, with a mix of states, verdicts, people of a team and
attachments."""

import datetime

import pytest
from django.urls import reverse

from awards.engine import award_type_in_force
from nominations.enums import DossierStatus, NominationStatus
from nominations.models import Attachment, Dossier, Nomination
from units.enums import Gender
from units.models import Person

pytestmark = pytest.mark.django_db

STATES = [NominationStatus.PROPOSED, NominationStatus.RETURNED, NominationStatus.ACCEPTED]
VERDICTS = ["eligible", "not_eligible", "needs_review", ""]
# The page's queries (session, user and roles, the dossier, the index of its nominations (dossier_page.py), each
# table of the page's rows once by ids, quota, history, notifications, documents panel): pinned, so a query added
# per page shows here too, not only one per row.
EXPECTED_QUERIES = 18


def _grow(dossier, tree, count: int) -> None:
    """Bring the dossier to `count` nominations (bulk rows: the services would take minutes for 200)."""
    have = Nomination.objects.filter(dossier=dossier).count()
    units = [tree["school_a1"], tree["team_a1"]]
    people = Person.objects.bulk_create(
        Person(
            unit=units[i % 2],
            full_name=f"Giáo Viên Thử Nghiệm {chr(65 + i % 26)}{chr(65 + i // 26)}",
            name_key=f"giao vien thu nghiem {i}",
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=i),
            position="Giáo viên",
        )
        for i in range(have, count)
    )
    award = award_type_in_force("LDTT", datetime.date.today())
    rows = Nomination.objects.bulk_create(
        Nomination(
            dossier=dossier,
            person=person,
            award_type=award,
            summary="Dòng một\nDòng hai" if i % 2 else "",
            status=STATES[i % len(STATES)],
            verdict=VERDICTS[i % len(VERDICTS)],
            reasons=[{"status": "not_met", "text": "Chưa đạt", "legal_basis": "Điều 1"}] if i % 4 == 1 else [],
        )
        for i, person in enumerate(people, have)
    )
    Attachment.objects.bulk_create(
        Attachment(
            nomination=n,
            file=f"x/{n.pk}.pdf",
            original_name=f"minh-chung-{n.pk}.pdf",
            content_type="application/pdf",
            size=10,
        )
        for n in rows[::3]
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=tree["office_a"])


def _queries(client, dossier, django_assert_max_num_queries) -> tuple[int, str]:
    with django_assert_max_num_queries(40) as captured:
        response = client.get(reverse("nominations:dossier_detail", args=[dossier.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("persona", ["reviewer_a", "secretary_a1"])
def test_dossier_page_queries_same_for_10_and_200_nominations(
    client, dossier, tree, personas, persona, django_assert_max_num_queries
):
    client.force_login(personas[persona])
    _grow(dossier, tree, 10)
    _queries(client, dossier, django_assert_max_num_queries)  # the content types' cache filled once a process
    ten, html_ten = _queries(client, dossier, django_assert_max_num_queries)
    _grow(dossier, tree, 200)
    two_hundred, html = _queries(client, dossier, django_assert_max_num_queries)
    assert (ten, html_ten.count('class="card mb-2" id="de-nghi-')) == (two_hundred, 10)
    assert html.count('class="card mb-2" id="de-nghi-') == 50  # the first page of cards (dossier_page.py)
    assert two_hundred == EXPECTED_QUERIES
