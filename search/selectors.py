"""One query per section: the people, units, nominations, dossiers and decisions the user may see.

Each section starts from the owning app's scoped selector (never a scope of its own) and matches the
folded keys of `core.text.search_key`: every word of the query, without diacritics or case, must be in
the key. One query per section whatever the number of matches; each section shows at most `LIMIT` rows.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate
from django.urls import reverse

from core.text import nfc, search_key_q, search_terms
from nominations.decisions import decisions_visible_to
from nominations.models import Nomination
from nominations.selectors import dossiers_visible_to, nominations_visible_to
from units.models import Person, Unit
from units.selectors import people_visible_to, units_visible_to

LIMIT = 20  # rows per section; "Xem thêm" leads to the filtered list for the rest, where one exists
QUERY_MAX_LENGTH = 100
QUERY_MAX_WORDS = 8


@dataclass
class Section:
    key: str
    title: str
    rows: list
    more: bool = False  # more than LIMIT rows matched
    more_url: str = ""  # the full list filtered by the same words, where one exists


@dataclass
class SearchResults:
    query: str = ""
    error: str = ""
    sections: list[Section] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def search_query_check(raw: str | None) -> tuple[str, str]:
    """The query as typed (NFC, single spaces) and, when it cannot be searched, why, in Vietnamese."""
    query = nfc(raw)
    if len(query) > QUERY_MAX_LENGTH:
        return query[:QUERY_MAX_LENGTH], f"Từ khóa dài quá {QUERY_MAX_LENGTH} ký tự; hãy gõ ngắn hơn."
    terms = search_terms(query)
    if query and not any(any(c.isalnum() for c in term) for term in terms):
        return query, "Hãy gõ ít nhất một chữ hoặc một số."
    if len(terms) > QUERY_MAX_WORDS:
        return query, f"Hãy gõ không quá {QUERY_MAX_WORDS} từ."
    return query, ""


def _capped(rows: QuerySet, shown: QuerySet | None = None) -> tuple[list, bool]:
    """The first `LIMIT` rows and whether more matched, in one query.

    With `shown` (the same model with the joins the page needs), `rows` only picks the ids, ordered and cut
    to `LIMIT + 1` in a subquery, and `shown` reads those rows: the joins of select_related are made for the
    rows shown, not for every match (PostgreSQL misjudges how many rows the word filters keep and then
    hashes the whole table of every join: 60,000 people for 20 nominations)."""
    if shown is not None:
        rows = shown.filter(pk__in=rows.values("pk")[: LIMIT + 1]).order_by(*rows.query.order_by)
    found = list(rows[: LIMIT + 1])
    return found[:LIMIT], len(found) > LIMIT


def _more_url(name: str, query: str) -> str:
    return f"{reverse(name)}?{urlencode({'q': query})}"


def _by_key_from_matches(field: str):
    """Order by the folded key without letting PostgreSQL walk the key's b-tree in order: the matches of a
    name's first word sort together ("nguyen thi …" after every "a…" to "ng…"), so a walk in key order filters
    tens of thousands of rows before the first match (84 ms at province scale). Collated "C" (the byte order,
    that of the keys' C.UTF-8 database), no index has that order: the trigram index finds the matches and the
    top rows are sorted out of them, a cost that follows the matches, not the table."""
    if connection.vendor == "postgresql":
        return Collate(field, "C").asc()
    return field


def search_everything(user, raw_query: str | None) -> SearchResults:
    """The sections found for `raw_query`, each scoped to `user`; no query at all for an empty or refused one."""
    query, error = search_query_check(raw_query)
    results = SearchResults(query=query, error=error)
    if error or not query:
        return results

    people, more = _capped(
        people_visible_to(user)
        .filter(search_key_q("search_key", query))
        .order_by(_by_key_from_matches("search_key"), "id"),
        Person.objects.select_related("unit"),
    )
    people_url = _more_url("units:person_list", query) if more else ""
    results.sections.append(Section("people", "Cá nhân", people, more, people_url))

    units, more = _capped(
        units_visible_to(user).select_related("parent").filter(search_key_q("search_key", query)).order_by("path")
    )
    results.sections.append(Section("units", "Đơn vị", units, more, _more_url("units:list", query) if more else ""))

    # The nominee matched in its own table (trigram index), not through the OR of two outer joins, which
    # joins every nomination to its person and unit before filtering (a hash of all the province's people).
    # The dossier scope of `nominations_visible_to` keeps the section to what the user may see.
    nominees = Q(person__in=Person.objects.filter(search_key_q("search_key", query)).values("pk")) | Q(
        unit__in=Unit.objects.filter(search_key_q("search_key", query)).values("pk")
    )
    nominations, more = _capped(
        nominations_visible_to(user).filter(nominees).order_by("-dossier__school_year", "-id"),
        Nomination.objects.select_related("person__unit", "unit", "award_type", "dossier"),
    )
    results.sections.append(Section("nominations", "Đề nghị khen thưởng", nominations, more))

    # The dossier list shows only the user's own units' dossiers: no "Xem thêm" there.
    dossiers, more = _capped(dossiers_visible_to(user, {"q": query}))
    results.sections.append(Section("dossiers", "Hồ sơ đề nghị", dossiers, more))

    decisions, more = _capped(decisions_visible_to(user, {"q": query}))
    decisions_url = _more_url("nominations:decision_list", query) if more else ""
    results.sections.append(Section("decisions", "Quyết định khen thưởng", decisions, more, decisions_url))
    return results
