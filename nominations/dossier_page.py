"""The dossier page's cards, 50 to a page, with a filter by status and by name (issue 14: the dossier of 200).

`listing(request, dossier)` reads the dossier's index once (every nomination's id, status, award and candidate,
in the dossier's order: `selectors.dossier_nomination_index`), then decides from it, with no further query:
- the filter: `trang_thai` (a nomination status) and `q` (words of the candidate's name, without diacritics;
  one query per kind of candidate when given);
- the page: `page` if given, else the page holding the nomination named by `de_nghi` (links.py: every link to a
  nomination names it) among the filtered ones, or where it would stand if the filter leaves it out. An id that
  is not one of this dossier's nominations is just not found in the index: page 1, nothing said (no leak);
- what stays about the WHOLE dossier whatever the page and filter: the number of nominations, the count per
  status, the proposals per award for the quota, whether any nomination can be rolled up;
- each nomination's number: its place in the whole dossier (1 to N), the same on every page and filter.
"""

import bisect
from dataclasses import dataclass, field

from core.views import CappedPaginator

from . import selectors
from .enums import NominationStatus
from .links import NOMINATION_PARAM, filter_query

PAGE_SIZE = 50  # cards per page of the dossier page
QUERY_MAX_LENGTH = 100
_STATUS_LABELS = dict(NominationStatus.choices)
# Nominations that no longer count against the quota.
_NOT_PROPOSED = (NominationStatus.NOT_ACCEPTED, NominationStatus.NOT_AWARDED)


@dataclass
class Listing:
    page: object  # a Paginator page of the shown ids
    total: int  # nominations in the whole dossier
    filtered: bool  # whether a filter is on
    status: str  # the status filter ("": all)
    query: str  # the name filter ("": none)
    filter_query: str  # both as a query string (the row actions carry it: links.filter_query)
    status_counts: list[tuple[str, str, int]]  # (value, label, count) of the whole dossier, every status
    numbers: dict[int, int]  # id -> its number in the whole dossier
    statuses: list[str]  # every nomination's status (the whole dossier)
    proposed: dict[str, int] = field(default_factory=dict)  # award code -> nominations counted in the quota
    awards: dict = field(default_factory=dict)  # the awards by id (read with the index)

    @property
    def ids(self) -> list[int]:
        return list(self.page.object_list)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


def listing(request, dossier) -> Listing:
    index, awards = selectors.dossier_nomination_index(dossier)
    status = request.GET.get("trang_thai", "")
    if status not in _STATUS_LABELS:
        status = ""
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX_LENGTH]
    ids = [row[0] for row in index]
    shown = [row for row in index if row[1] == status] if status else index
    if query:
        named = selectors.dossier_nominations_named(shown, query)
        shown = [row for row in shown if row[0] in named]
    shown_ids = [row[0] for row in shown]
    numbers = {pk: number for number, pk in enumerate(ids, 1)}
    paginator = CappedPaginator(shown_ids, PAGE_SIZE, cap=0)
    number = request.GET.get("page")
    if number is None:
        wanted = _int(request.GET.get(NOMINATION_PARAM))
        if wanted in numbers:
            # Its page among the shown ones: the shown nominations before it in the dossier's order.
            before = bisect.bisect_left([numbers[pk] for pk in shown_ids], numbers[wanted])
            number = before // PAGE_SIZE + 1
    counts = dict.fromkeys(_STATUS_LABELS, 0)
    proposed: dict[str, int] = {}
    for row in index:
        counts[row[1]] = counts.get(row[1], 0) + 1
        if row[1] not in _NOT_PROPOSED:
            code = awards[row[2]].code
            proposed[code] = proposed.get(code, 0) + 1
    return Listing(
        page=paginator.get_page(number),
        total=len(index),
        filtered=bool(status or query),
        status=status,
        query=query,
        filter_query=filter_query({"trang_thai": status, "q": query}),
        status_counts=[(value, label, counts[value]) for value, label in _STATUS_LABELS.items()],
        numbers=numbers,
        statuses=[row[1] for row in index],
        proposed=proposed,
        awards=awards,
    )
