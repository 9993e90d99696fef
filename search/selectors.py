"""One query per section: the people, units, nominations, dossiers and decisions the user may see.

Each section starts from the owning app's scoped selector (never a scope of its own) and matches the
folded keys of `core.text.search_key`: every word of the query, without diacritics or case, must be in
the key. One query per section whatever the number of matches; each section shows at most `LIMIT` rows.
"""

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from awards.models import AwardType
from core.text import nfc, search_key_q, search_terms
from nominations.decisions import decisions_visible_to
from nominations.links import nomination_suffix
from nominations.models import Decision, Dossier, Nomination
from nominations.selectors import dossiers_visible_to, nominations_visible_to
from units.enums import UnitKind
from units.models import Person, Unit
from units.rules import is_superuser, roles_of
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

    @property
    def rows_html(self) -> str:
        """The section's `<li>` rows as the template's loop wrote them, each field escaped as the template
        escapes it (`html.escape`, what `django.utils.html.escape` runs): one join instead of five variable
        lookups per row in the template engine."""
        # B703/B308: every value is escaped here; the markup around them is fixed.
        return mark_safe("".join(_ROW_HTML.format(*_row_fields(row)) for row in self.rows))  # nosec B703 B308


_ROW_HTML = '\n<li class="list-group-item"><a href="{}">{}</a>\n  <span class="text-muted">{}</span>{}</li>\n'
_RETIRED = ' <span class="badge text-bg-light">Nghỉ</span>'


def _row_fields(row: dict) -> tuple[str, str, str, str]:
    link, text, detail = str(row["link"]), str(row["text"]), str(row["detail"])
    return escape(link), escape(text), escape(detail), _RETIRED if row["retired"] else ""


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


@dataclass(frozen=True)
class _Statement:
    """A section's query compiled by the ORM with placeholder words (`_word`): its SQL, its parameters, the
    names of its columns (those of the `values()` it was compiled from) and the ORM's converters per column."""

    sql: str
    params: tuple
    names: tuple
    converters: dict


def _statement(rows: QuerySet, shown: QuerySet) -> _Statement | None:
    """The query of a section: the first `LIMIT + 1` rows of `rows`, read as `shown`; None when it matches
    nothing by construction (a scope of no role).

    `rows` (the owning app's scoped selector, filtered and ordered) only picks the ids, cut to `LIMIT + 1` in
    a subquery; `shown` (a `values()` of the same model) reads those rows with the joins and columns the page
    shows. The joins are made for the rows shown, not for every match (PostgreSQL misjudges how many rows the
    word filters keep and then hashes the whole table of each join: 60,000 people for 20 nominations), and a
    row is a dict of a few columns, not model instances of five tables (the CPU of building them)."""
    picked = rows.values("pk")[: LIMIT + 1]
    try:
        # Compiled here and put in as SQL: a queryset put in `pk__in` is re-aliased and compiled again inside
        # the outer query.
        sql, params = picked.query.get_compiler(using=picked.db).as_sql()
    except EmptyResultSet:  # a scope or a filter that matches nothing by construction (no role)
        return None
    # B611: the SQL is the ORM's own compilation of `picked`, its values still separate parameters.
    outer = shown.filter(pk__in=RawSQL(sql, params)).order_by(*rows.query.order_by)  # nosec B611
    compiler = outer.query.get_compiler(using=outer.db)
    sql, params = compiler.as_sql()
    query = outer.query
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
    return _Statement(sql, tuple(params), names, converters)


# The words of a query stand in the compiled statements as these placeholders, one per word (lower-case
# ASCII letters and digits: `search_terms` keeps them as they are, and no LIKE pattern character).
_WORD = "qzsearchword{}qz"
_WORD_RE = re.compile(r"qzsearchword(\d+)qz")


def _fill(param, terms: list[str]):
    """A parameter of a compiled statement with the placeholders replaced by the query's words: as is where
    the parameter is the word itself, escaped for LIKE where it is a pattern (`contains`: `%word%`)."""
    if not isinstance(param, str) or "qzsearchword" not in param:
        return param
    if (whole := _WORD_RE.fullmatch(param)) is not None:
        return terms[int(whole[1])]
    escape = connection.ops.prep_for_like_query
    return _WORD_RE.sub(lambda match: escape(terms[int(match[1])]), param)


def _capped(statement: _Statement | None, terms: list[str]) -> tuple[list[dict], bool]:
    """The first `LIMIT` rows of a section's statement for the query's words and whether more matched, in one
    query."""
    if statement is None:
        return [], False
    with connection.cursor() as cursor:
        # B608-like: the SQL is the ORM's own compilation, every value (the words too) a separate parameter.
        cursor.execute(statement.sql, [_fill(param, terms) for param in statement.params])
        found = cursor.fetchall()
    if statement.converters:
        found = [_converted(row, statement.converters) for row in found]
    names = statement.names
    found = [dict(zip(names, row, strict=True)) for row in found]
    return found[:LIMIT], len(found) > LIMIT


def _converted(row, converters: dict) -> list:
    """A row with the ORM's converters applied (SQLite's dates are text until then)."""
    row = list(row)
    for pos, (functions, expression) in converters.items():
        value = row[pos]
        for function in functions:
            value = function(value, expression, connection)
        row[pos] = value
    return row


# Reversed addresses and choice labels, once per process by what they depend on: the URLconf and the script
# prefix, the active language. Any change of settings (tests' override_settings) empties the memo.
_MEMO: dict[tuple, object] = {}


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _MEMO.clear()


def _reversed(name: str, *args) -> str:
    key = ("url", name, args, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _MEMO.get(key)
    if url is None:
        url = _MEMO[key] = reverse(name, args=list(args))
    return url


def _url_maker(name: str):
    """`url(pk)` for the URL pattern `name` with one id: reversed once, not once per row (a third of the
    page's rendering)."""
    marker = "987654321"
    head, _, tail = _reversed(name, int(marker)).partition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _labels(model, field: str) -> dict:
    """The display labels of a choice field, as `get_<field>_display` gives them (unknown values as is)."""
    key = ("labels", model._meta.label, field, get_language())
    labels = _MEMO.get(key)
    if labels is None:
        labels = _MEMO[key] = {value: str(label) for value, label in model._meta.get_field(field).flatchoices}
    return labels


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _row(pk: int, link: str, text: str, detail: str, retired: bool = False) -> dict:
    """A row as the page shows it: the linked text, then the muted details (plain text, escaped when the row is
    written, `Section.rows_html`), and for a person no longer working, the «Nghỉ» badge."""
    return {"pk": pk, "link": link, "text": text, "detail": detail, "retired": retired}


def _more_url(name: str, query: str) -> str:
    return f"{_reversed(name)}?{urlencode({'q': query})}"


def _by_key_from_matches(field: str):
    """Order by the folded key without letting PostgreSQL walk the key's b-tree in order: the matches of a
    name's first word sort together ("nguyen thi …" after every "a…" to "ng…"), so a walk in key order filters
    tens of thousands of rows before the first match (84 ms at province scale). Collated "C" (the byte order,
    that of the keys' C.UTF-8 database), no index has that order: the trigram index finds the matches and the
    top rows are sorted out of them, a cost that follows the matches, not the table."""
    if connection.vendor == "postgresql":
        return Collate(field, "C").asc()
    return field


def _by_key_walked(field: str):
    """The same order as `_by_key_from_matches` (collation "POSIX" compares bytes exactly as "C" does), for words
    too short for a trigram: they match most people (a «a» three in four), so PostgreSQL walks the index
    `search_person_key_posix` (search/migrations/0001) in key order and stops at the first `LIMIT + 1` matches
    instead of sorting all of them (45,000 people of the Sở: 18 ms -> 0.7 ms of the database's CPU). Only this
    form names "POSIX": a trigram's few matches keep the "C" sort that no index can serve."""
    if connection.vendor == "postgresql":
        return Collate(field, "POSIX").asc()
    return field


# A word this short has no trigram: the trigram indexes cannot find its matches, which are most of the table.
_TRIGRAM = 3


def _in_array(column: str, ids: QuerySet) -> Func:
    """`column = ANY(ARRAY(<ids>))` (PostgreSQL): the ids read once into an array that the planner probes through
    the column's index, where `column IN (<ids>)` OR-ed with another is a filter on every row of the table."""
    return Func(
        F(column), Subquery(ids), arg_joiner=" = ANY(ARRAY", template="(%(expressions)s))", output_field=BooleanField()
    )


def _narrow(user) -> bool:
    """Whether every role of the user is on a school or one of its teams: its nominations are a school's few."""
    roles = roles_of(user)
    return (
        bool(roles) and not is_superuser(user) and all(r.unit.kind in (UnitKind.SCHOOL, UnitKind.TEAM) for r in roles)
    )


def _nomination_match(user, words: Q, short: bool) -> Q:
    """The nominations whose person or unit matches the words, written for the plan that suits the scope (the same
    rows in every form; search/tests pin them equal).

    - a school's scope (a few hundred nominations, by the path index): each nomination's person or unit tested by
      its primary key (EXISTS), whatever the words;
    - a wider scope on PostgreSQL, a word long enough for the trigram indexes: the matched people and units
      first (a few hundred for «nguyen thi»), then their nominations through the person_id and unit_id indexes
      (`_in_array`), the scope tested on those rows only;
    - otherwise (words of one or two letters match most people; SQLite): the matched ids as two hashed sets
      filtering the nominations of the scope.

    `person IN (…) OR unit IN (…)` alone was a sequential scan of all 25,000 nominations at province scale for
    every query and scope (12 ms for a word that matches nothing, 20 ms for «nguyen thi» for a school)."""
    if _narrow(user):
        return Q(Exists(Person.objects.filter(words, pk=OuterRef("person_id")))) | Q(
            Exists(Unit.objects.filter(words, pk=OuterRef("unit_id")))
        )
    matched_people = Person.objects.filter(words).values("pk")
    matched_units = Unit.objects.filter(words).values("pk")
    if connection.vendor == "postgresql" and not short:
        # Unordered: a Subquery keeps the models' default ordering (a sort of the matches for nothing).
        people, units = matched_people.order_by(), matched_units.order_by()
        return Q(_in_array("person_id", people)) | Q(_in_array("unit_id", units))
    return Q(person__in=matched_people) | Q(unit__in=matched_units)


def _column_of(model, field: str, key: str) -> Subquery:
    """`field` of the `model` row whose primary key is the outer row's `key` (NULL without one), as a scalar
    subquery: what a LEFT JOIN reads for one column, without a join for the planner to order."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(field))


def _short(terms: list[str]) -> bool:
    """Whether no word of the query is long enough for a trigram (another word narrows the matches: «nguyen van
    an» finds its few hundred people through «nguyen» and «van»)."""
    return all(len(term) < _TRIGRAM for term in terms)


def section_querysets(user, query: str, *, short: bool | None = None) -> dict[str, tuple[QuerySet, QuerySet]]:
    """Per section, the rows matching `query` in the owning app's scoped selector (ordered) and the `values()`
    read of the rows shown: what `_statement` compiles. `short`: whether every word of the query has fewer letters
    than a trigram (by default, of `query`'s own words; the placeholders of `section_statements` are long)."""
    words = search_key_q("search_key", query)
    if short is None:
        short = _short(search_terms(query))
    # Matched in their own tables through the trigram indexes, for the sections that find rows by their
    # person or unit: an OR across outer joins would join every row to its person and unit first.
    matched_units = Unit.objects.filter(words).values("pk")
    return {
        "people": (
            people_visible_to(user)
            .filter(words)
            .order_by((_by_key_walked if short else _by_key_from_matches)("search_key"), "id"),
            Person.objects.values(
                "id", "full_name", "date_of_birth", "position", "is_active", "unit__name", "unit__short_name"
            ),
        ),
        "units": (
            units_visible_to(user).filter(words).order_by("path"),
            Unit.objects.values("id", "name", "kind", "parent_id", "parent__name", "parent__short_name"),
        ),
        # The dossier scope of `nominations_visible_to` keeps the section to what the user may see.
        "nominations": (
            nominations_visible_to(user)
            .filter(_nomination_match(user, words, short))
            .order_by("-dossier__school_year", "-id"),
            # The names as scalar subqueries, not joins: PostgreSQL plans four joins around the picked ids in about
            # 1 ms, longer than it runs them (the Sở's «nguyen thi»: 1.4 -> 0.7 ms of planning).
            Nomination.objects.values(
                "id", "dossier_id", "person_id", "status", "dossier__school_year",
                person__full_name=_column_of(Person, "full_name", "person_id"),
                unit__name=_column_of(Unit, "name", "unit_id"),
                award_type__name=_column_of(AwardType, "name", "award_type_id"),
            ),
        ),
        # The words of `dossiers_visible_to`'s q filter (title and number, or the proposing unit's name), with
        # the unit matched in its own table.
        "dossiers": (
            dossiers_visible_to(user, counted=False).filter(words | Q(unit__in=matched_units)),
            Dossier.objects.values(
                "id", "title", "status", "submission_number", "round_kind", "school_year", "unit__name",
                "unit__short_name",
            ),
        ),
        "decisions": (
            decisions_visible_to(user, {"q": query}),
            Decision.objects.values("id", "number", "date", "excerpt", "issuer"),
        ),
    }  # fmt: skip


# The compiled statements of the five sections, per process, by everything their SQL is made of: the
# account, its roles (each role's name, unit and path: what `scope_q` reads) and the number of words. A
# change of roles or of a granted unit's path is another key, so no statement outlives a revocation; the
# words themselves are parameters filled in at each request (`_fill`). Building and compiling the five
# querysets was about half of the page's CPU.
_STATEMENTS: OrderedDict = OrderedDict()
_STATEMENTS_MAX = 512
_STATEMENTS_LOCK = threading.Lock()


def _statements_key(user, count: int, short: bool) -> tuple:
    roles = tuple((role.role, role.unit_id, role.unit.path, role.unit.kind) for role in roles_of(user))
    return (connection.alias, user.pk, user.is_authenticated, is_superuser(user), roles, count, short)


def section_statements(user, count: int, short: bool = False) -> dict[str, _Statement | None]:
    """The five sections' statements for a query of `count` words (`short`: one of them shorter than a trigram),
    compiled once per process and key."""
    key = _statements_key(user, count, short)
    with _STATEMENTS_LOCK:
        statements = _STATEMENTS.get(key)
        if statements is not None:
            _STATEMENTS.move_to_end(key)
            return statements
    placeholder_query = " ".join(_WORD.format(index) for index in range(count))
    statements = {
        name: _statement(rows, shown)
        for name, (rows, shown) in section_querysets(user, placeholder_query, short=short).items()
    }
    with _STATEMENTS_LOCK:
        _STATEMENTS[key] = statements
        while len(_STATEMENTS) > _STATEMENTS_MAX:
            _STATEMENTS.popitem(last=False)
    return statements


def search_everything(user, raw_query: str | None) -> SearchResults:
    """The sections found for `raw_query`, each scoped to `user`; no query at all for an empty or refused one."""
    query, error = search_query_check(raw_query)
    results = SearchResults(query=query, error=error)
    if error or not query:
        return results

    terms = search_terms(query)
    statements = section_statements(user, len(terms), _short(terms))

    people, more = _capped(statements["people"], terms)
    url = _url_maker("units:person_detail")
    rows = [
        _row(
            p["id"],
            url(p["id"]),
            p["full_name"],
            (f"· {_day(p['date_of_birth'])} " if p["date_of_birth"] else "")
            + (f"· {p['position']} " if p["position"] else "")
            + f"· {p['unit__short_name'] or p['unit__name']}",
            retired=not p["is_active"],
        )
        for p in people
    ]
    people_url = _more_url("units:person_list", query) if more else ""
    results.sections.append(Section("people", "Cá nhân", rows, more, people_url))

    units, more = _capped(statements["units"], terms)
    url, kinds = _url_maker("units:detail"), _labels(Unit, "kind")
    rows = [
        _row(
            u["id"],
            url(u["id"]),
            u["name"],
            f"· {kinds.get(u['kind'], u['kind'])}"
            + (f" · {u['parent__short_name'] or u['parent__name']}" if u["parent_id"] else ""),
        )
        for u in units
    ]
    units_url = _more_url("units:list", query) if more else ""
    results.sections.append(Section("units", "Đơn vị", rows, more, units_url))

    # A nomination is shown in its dossier (`Nomination.get_absolute_url`).
    nominations, more = _capped(statements["nominations"], terms)
    url, statuses = _url_maker("nominations:dossier_detail"), _labels(Nomination, "status")
    rows = [
        _row(
            n["id"],
            f"{url(n['dossier_id'])}{nomination_suffix(n['id'])}",
            n["person__full_name"] if n["person_id"] else n["unit__name"],
            f"· {n['award_type__name']} · {statuses.get(n['status'], n['status'])} · "
            f"{n['dossier__school_year']}-{n['dossier__school_year'] + 1}",
        )
        for n in nominations
    ]
    results.sections.append(Section("nominations", "Đề nghị khen thưởng", rows, more))

    # The dossier list shows only the user's own units' dossiers: no "Xem thêm" there.
    dossiers, more = _capped(statements["dossiers"], terms)
    url, statuses, rounds = (
        _url_maker("nominations:dossier_detail"), _labels(Dossier, "status"), _labels(Dossier, "round_kind")
    )  # fmt: skip
    rows = []
    for d in dossiers:
        # An untitled dossier shows as `Dossier.__str__` does.
        title = d["title"] or (
            f"Hồ sơ đề nghị khen thưởng – {d['unit__name']} – {rounds.get(d['round_kind'], d['round_kind'])} "
            f"{d['school_year']}-{d['school_year'] + 1}"
        )
        detail = f"· {d['unit__short_name'] or d['unit__name']} · {statuses.get(d['status'], d['status'])}"
        if d["submission_number"]:
            detail += f" · Số {d['submission_number']}"
        rows.append(_row(d["id"], url(d["id"]), title, detail))
    results.sections.append(Section("dossiers", "Hồ sơ đề nghị", rows, more))

    decisions, more = _capped(statements["decisions"], terms)
    url = _url_maker("nominations:decision_detail")
    rows = [
        _row(
            d["id"],
            url(d["id"]),
            f"Quyết định số {d['number']} ngày {_day(d['date'])}",
            f"· {d['excerpt'] or '—'} · {d['issuer']}",
        )
        for d in decisions
    ]
    decisions_url = _more_url("nominations:decision_list", query) if more else ""
    results.sections.append(Section("decisions", "Quyết định khen thưởng", rows, more, decisions_url))
    return results
