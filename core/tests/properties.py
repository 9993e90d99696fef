"""Helpers of the property tests (hypothesis): one rolled-back savepoint per example, Vietnamese messages."""

import contextlib
import re

from django.db import transaction
from hypothesis import strategies as st

# Letters only Vietnamese writes (lower and upper case, precomposed): an English default message has none.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]"
)


def is_vietnamese(message) -> bool:
    """A message a Vietnamese reader gets: it has at least one Vietnamese letter and no English default."""
    text = str(message)
    return bool(VIETNAMESE.search(text)) and "This field" not in text and "Ensure this" not in text


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Run one example inside a savepoint that is always rolled back: the next example starts from the
    fixtures' rows. Exceptions of the example propagate as they are."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


# Text a person may paste: control characters, NUL, right-to-left marks and scripts, emoji, Vietnamese
# typed decomposed (NFD), and very long runs.
HOSTILE_PIECES = st.sampled_from(
    [
        "\x00",
        "\x01",
        "\x08",
        "\x0b",
        "\x1b",
        "\x7f",
        "\u200b",
        "\u200f",
        "\u202e",
        "\ufeff",
        "عربي",
        "עברית",
        "😀",
        "👩‍🏫",
        "Nguye\u0302\u0303n Thi\u0323 Nha\u0300n",  # NFD
        "Nguyễn Thị Nhàn",
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2",
        "@SUM(A1)",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%s%n",
        "{{ 7*7 }}",
        "\r\n",
        "\t",
        " ",
        "x" * 300,
        "ệ" * 120,
        "12",
        "0",
        "-0",
        "1e309",
        "NaN",
        "31/02/2024",
        "00/00/0000",
        "01/01/0001",
        "9999-12-31",
        "99/99/99999",
    ]
)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(HOSTILE_PIECES, min_size=1, max_size=4).map("".join),
    st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=8)), max_size=6).map("".join),
)
