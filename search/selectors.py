"""One query per section: the people, units, nominations, dossiers and decisions the user may see.

Each section starts from the owning app's scoped selector (never a scope of its own) and matches the
folded keys of `core.text.search_key`: every word of the query, without diacritics or case, must be in
the key. One query per section whatever the number of matches; each section shows at most `LIMIT` rows.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from core.text import nfc, search_key_q, search_terms
from nominations.decisions import decisions_visible_to
from nominations.selectors import dossiers_visible_to, nominations_visible_to
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


def _capped(rows: QuerySet) -> tuple[list, bool]:
    found = list(rows[: LIMIT + 1])
    return found[:LIMIT], len(found) > LIMIT


def _more_url(name: str, query: str) -> str:
    return f"{reverse(name)}?{urlencode({'q': query})}"


def search_everything(user, raw_query: str | None) -> SearchResults:
    """The sections found for `raw_query`, each scoped to `user`; no query at all for an empty or refused one."""
    query, error = search_query_check(raw_query)
    results = SearchResults(query=query, error=error)
    if error or not query:
        return results

    people, more = _capped(
        people_visible_to(user).filter(search_key_q("search_key", query)).order_by("search_key", "id")
    )
    people_url = _more_url("units:person_list", query) if more else ""
    results.sections.append(Section("people", "Cá nhân", people, more, people_url))

    units, more = _capped(
        units_visible_to(user).select_related("parent").filter(search_key_q("search_key", query)).order_by("path")
    )
    results.sections.append(Section("units", "Đơn vị", units, more, _more_url("units:list", query) if more else ""))

    nominations, more = _capped(
        nominations_visible_to(user)
        .filter(search_key_q("person__search_key", query) | search_key_q("unit__search_key", query))
        .order_by("-dossier__school_year", "-id")
    )
    results.sections.append(Section("nominations", "Đề nghị khen thưởng", nominations, more))

    # The dossier list shows only the user's own units' dossiers: no "Xem thêm" there.
    dossiers, more = _capped(dossiers_visible_to(user, {"q": query}))
    results.sections.append(Section("dossiers", "Hồ sơ đề nghị", dossiers, more))

    decisions, more = _capped(decisions_visible_to(user, {"q": query}))
    decisions_url = _more_url("nominations:decision_list", query) if more else ""
    results.sections.append(Section("decisions", "Quyết định khen thưởng", decisions, more, decisions_url))
    return results
