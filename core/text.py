"""Text helpers shared by every app."""

import unicodedata

from django.db.models import Q


def nfc(value: str | None) -> str:
    """Normalise to NFC and trim, so that search, sort and uniqueness behave.

    Some Vietnamese input methods produce decomposed (NFD) text, which looks the
    same but compares differently.
    """
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def fold(value: str | None) -> str:
    """A key for comparing names: NFC, single spaces, case-folded."""
    return nfc(value).casefold()


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# Vietnamese alphabetical order: ă, â after a; đ after d; ê after e; ô, ơ after o; ư after u. Tones sort
# second, in the dictionary order ngang, huyền, hỏi, ngã, sắc, nặng.
_VI_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_VI_RANK = {letter: index for index, letter in enumerate(_VI_LETTERS)}
_VI_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_VI_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def vi_sort_key(value: str | None) -> tuple:
    """A key that sorts Vietnamese text as a dictionary does ("Hà" before "Hạnh" before "Huỳnh")."""
    letters, tones = [], []
    for char in nfc(value).casefold():
        parts = unicodedata.normalize("NFD", char)
        base = "".join(p for p in parts if p not in _VI_TONES)
        base = unicodedata.normalize("NFC", base)
        letters.append(_VI_RANK.get(base, 100 + ord(base[0]) if base else 0))
        tones.append(next((_VI_TONES[p] for p in parts if p in _VI_TONES), 0))
    return (letters, tones)


def vi_name_key(full_name: str | None) -> tuple:
    """Vietnamese lists of people sort by given name (the last word), then by the whole name."""
    name = nfc(full_name)
    return (vi_sort_key(name.rsplit(" ", 1)[-1]), vi_sort_key(name))


def search_key(value: str | None) -> str:
    """The folded form people type on a phone: NFC first, case-folded, đ→d and every tone and vowel mark
    removed ("Nguyễn Thị Nhàn" → "nguyen thi nhan", "ĐƯỜNG" → "duong"). Stored in `search_key` columns so
    that search behaves the same on SQLite and PostgreSQL (no unaccent, no collation)."""
    text = nfc(value).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def joined_search_key(*parts: str | None, length: int) -> str:
    """The search key of several fields of a row, at most `length` characters (its column's size)."""
    return search_key(" ".join(part or "" for part in parts))[:length]


def search_terms(query: str | None) -> list[str]:
    """The folded words of a query, each once, in order. Control characters are dropped: no stored key
    holds one, and PostgreSQL refuses a NUL in a query parameter (a 500 for `?q=%00` or a picker's box)."""
    text = "".join(c for c in search_key(query) if unicodedata.category(c) != "Cc" or c.isspace())
    return list(dict.fromkeys(text.split()))


def search_key_q(field: str, query: str | None):
    """Rows whose folded key (`field`) contains every word of the query: "thi nguyen" finds
    "Nguyễn Thị …". A query without words matches nothing.

    `contains`, not `icontains`: key and words are folded already, and PostgreSQL's `icontains` compares
    `UPPER(key)`, an expression the trigram indexes on the keys (units 0005) cannot serve."""
    terms = search_terms(query)
    if not terms:
        return Q(pk__in=[])
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{field}__contains": term})
    return condition
