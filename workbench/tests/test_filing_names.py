"""The secretary's returned nominations read their nominee's and award's names by scalar subqueries (issue 14:
PostgreSQL planned the five-table join of the UNION's third branch on every school home): the same text as the
join gave, for a person and for a collective, in the one statement of the filings."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from nominations import services as nomination_services
from nominations.enums import NominationStatus
from nominations.models import Nomination
from workbench import todos


def test_returned_nominations_name_the_award_and_the_person_or_the_collective(school_nomination, tree):
    dossier = school_nomination.dossier
    collective = nomination_services.nomination_add(by=None, dossier=dossier, award_code="TTLDTT", unit=tree["team_a1"])
    other = nomination_services.nomination_add(by=None, dossier=dossier, award_code="TTLDTT", unit=tree["school_a1"])
    Nomination.objects.filter(pk__in=[school_nomination.pk, collective.pk]).update(status=NominationStatus.RETURNED)

    todos._filings(tree["school_a1"])  # compiled once per process (its content types read then)
    with CaptureQueriesContext(connection) as captured:
        rows = todos._filings(tree["school_a1"])
    assert len(captured) == 1
    texts = {pk: text for kind, pk, _status, text, _year, dossier_id, _u, _log in rows if kind == 2}
    assert texts == {
        school_nomination.pk: f"{school_nomination.award_type.name} – Trần Thị Một",
        collective.pk: f"{collective.award_type.name} – {tree['team_a1'].name}",
    }
    assert other.pk not in texts  # not returned
    assert {r[5] for r in rows if r[0] == 2} == {dossier.pk}
    # Another school's filings hold none of them.
    assert [r for r in todos._filings(tree["school_a2"]) if r[0] == 2] == []
