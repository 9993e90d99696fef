"""The meeting's agenda reads its names by scalar subqueries (issue 14: PostgreSQL planned the seven-table join in
four times its execution on every meeting page): the same rows as the ORM's joined `values_list`, for a person's
and a collective's nomination, in one statement."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils import selectors
from councils.models import AgendaItem
from nominations import services as nomination_services
from nominations.enums import RoundKind


def test_agenda_rows_equal_the_joined_read(board, tree):
    meeting = board["meeting"]
    dossier = nomination_services.dossier_create(
        by=None, unit=tree["school_a1"], round_kind=RoundKind.EXEMPLARY, school_year=2025
    )
    collective = nomination_services.nomination_add(by=None, dossier=dossier, award_code="TTLDTT", unit=tree["team_a1"])
    AgendaItem.objects.create(meeting=meeting, nomination=collective, position=99)

    joined = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position", "id").values_list(*selectors._AGENDA_COLUMNS)
    )
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.agenda_rows(meeting)
    assert len(captured) == 1
    assert [tuple(row[c] for c in selectors._AGENDA_COLUMNS) for row in rows] == joined
    assert len(joined) == len(board["items"]) + 1
    last = rows[-1]
    assert (last["nominee"], last["dossier_unit"]) == (tree["team_a1"].name, dossier.unit.name)
    assert last["title"] == f"{tree['team_a1'].name} – {collective.award_type.name}"
    assert all(row["nomination__person__full_name"] for row in rows[:-1])
