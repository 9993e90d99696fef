import unicodedata

import pytest
from django.db.models import Q

from core.text import search_key, search_key_q, search_terms

# Each vowel with its six tones (ngang, huyền, hỏi, ngã, sắc, nặng), typed as a Vietnamese keyboard does.
VOWELS = {
    "a": "aàảãáạ",
    "ă": "ăằẳẵắặ",
    "â": "âầẩẫấậ",
    "e": "eèẻẽéẹ",
    "ê": "êềểễếệ",
    "i": "iìỉĩíị",
    "o": "oòỏõóọ",
    "ô": "ôồổỗốộ",
    "ơ": "ơờởỡớợ",
    "u": "uùủũúụ",
    "ư": "ưừửữứự",
    "y": "yỳỷỹýỵ",
}
BASE = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u"}


@pytest.mark.parametrize("vowel", VOWELS)
def test_search_key_removes_every_tone_and_vowel_mark_in_both_cases(vowel):
    forms = VOWELS[vowel]
    expected = BASE.get(vowel, vowel)
    assert len(forms) == 6
    assert [search_key(c) for c in forms] == [expected] * 6
    assert [search_key(c.upper()) for c in forms] == [expected] * 6


@pytest.mark.parametrize("vowel", VOWELS)
def test_search_key_folds_decomposed_input_like_composed(vowel):
    # Some input methods send NFD: a base letter followed by combining marks.
    decomposed = [unicodedata.normalize("NFD", c) for c in VOWELS[vowel]]
    assert all(len(d) > 1 for d in decomposed[1:])
    assert [search_key(d) for d in decomposed] == [BASE.get(vowel, vowel)] * 6


def test_search_key_turns_d_with_stroke_into_d_in_both_cases():
    assert (search_key("đ"), search_key("Đ"), search_key("ĐỖ ĐỨC ĐẠT")) == ("d", "d", "do duc dat")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyễn Thị Nhàn", "nguyen thi nhan"),
        ("NGUYỄN", "nguyen"),
        ("Dương", "duong"),
        ("  Trường   THCS  Lê Lợi ", "truong thcs le loi"),
        ("H'Hen Niê", "h'hen nie"),
        ("Ksor H’Luân", "ksor h’luan"),
        ("12/QĐ-UBND", "12/qd-ubnd"),
        ("", ""),
        (None, ""),
    ],
)
def test_search_key_of_names_and_numbers(typed, expected):
    assert search_key(typed) == expected


def test_search_terms_are_folded_words_each_once():
    assert search_terms("  Nguyễn  NGUYEN thị ") == ["nguyen", "thi"]


def test_search_key_q_needs_every_word_and_matches_nothing_without_words():
    assert search_key_q("search_key", "Thị Nhàn") == Q(search_key__contains="thi") & Q(search_key__contains="nhan")
    assert search_key_q("search_key", "  ") == Q(pk__in=[])
