"""Checks of what people type about a person, shared by every service that takes it.

Forms, imports, the admin and the demo all reach the services, so a rule here holds for
every caller; imports also call these while reading a file, to name each bad row at once.
Each check raises ServiceError with a Vietnamese message and returns nothing.
"""

import datetime
import re
import unicodedata

from django.utils import timezone

from core.exceptions import ServiceError
from core.text import fold, nfc

# The model and the form use the same limit (units.models.Person.full_name).
NAME_MAX_LENGTH = 100
# No real name repeats a word three times in a row ("Nguyễn Nguyễn Nguyễn Văn A") or a letter three
# times ("Hoaaa"): a stuck key or a paste gone wrong.
NAME_MAX_REPEATS = 2
REPEATED_LETTER = re.compile(r"(\w)\1{" + str(NAME_MAX_REPEATS) + "}")
# Apostrophes and hyphens occur in the names of ethnic minorities (H'Hen Niê, Ksor H'Luân).
NAME_PUNCTUATION = "'’-"
# A typed date before this year is a slip of the keyboard (0985 for 1985), not a record.
EARLIEST_YEAR = 1900
# The columns of units.models.Person (a test compares them): the form has these limits, an import or
# another caller of the services has none, and a longer value was a database error (a 500).
PERSON_TEXT_LIMITS = {"position": ("Chức vụ", 100), "phone": ("Điện thoại", 32), "email": ("Thư điện tử", 254)}


def person_name_check(name: str) -> None:
    """Refuse an empty, overlong or clearly garbled person name (digits, symbols, repeated words)."""
    name = nfc(name)
    if not name:
        raise ServiceError("Họ và tên không được để trống.")
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(f"Họ và tên dài {len(name)} ký tự, vượt quá {NAME_MAX_LENGTH} ký tự cho phép.")
    odd = [c for c in name if not (c == " " or c in NAME_PUNCTUATION or unicodedata.category(c)[0] in "LM")]
    if odd:
        shown = ", ".join(f"«{c}»" for c in dict.fromkeys(odd))
        raise ServiceError(
            f"Họ và tên «{name}» có chữ số hoặc ký hiệu ({shown}); chỉ dùng chữ cái, dấu cách, dấu nháy (') "
            "và dấu gạch nối."
        )
    words = fold(name).split(" ")
    if any(not any(c.isalpha() for c in word) for word in words):
        raise ServiceError(f"Họ và tên «{name}» có một từ không có chữ cái nào.")
    for index in range(len(words) - NAME_MAX_REPEATS):
        if len(set(words[index : index + NAME_MAX_REPEATS + 1])) == 1:
            raise ServiceError(f"Họ và tên «{name}» lặp từ «{name.split(' ')[index]}» liên tiếp; hãy kiểm tra lại.")
    if REPEATED_LETTER.search(fold(name)):
        raise ServiceError(f"Họ và tên «{name}» có một chữ cái lặp liên tiếp; hãy kiểm tra lại.")


def person_text_check(fields: dict) -> None:
    """Refuse a position, phone or email longer than its column, or holding a NUL (PostgreSQL refuses it)."""
    for key, (label, limit) in PERSON_TEXT_LIMITS.items():
        value = fields.get(key) or ""
        if "\x00" in value:
            raise ServiceError(f"{label} có ký tự rỗng (NUL); hãy gõ lại.")
        if len(value) > limit:
            raise ServiceError(f"{label} dài {len(value)} ký tự, vượt quá {limit} ký tự cho phép.")


def typed_date_check(
    day: datetime.date | None,
    *,
    label: str,
    born: datetime.date | None = None,
    future_ok: bool = False,
    today: datetime.date | None = None,
) -> None:
    """Refuse a date typed about a person that is after today (unless `future_ok`), before the
    person's date of birth `born` (when known), or before EARLIEST_YEAR. `label` starts the message
    ("Ngày điều chuyển"). None passes: whether a date is required is the caller's rule."""
    if day is None:
        return
    today = today or timezone.localdate()
    if day.year < EARLIEST_YEAR:
        raise ServiceError(f"{label} {day:%d/%m/%Y} không hợp lý (trước năm {EARLIEST_YEAR}).")
    if not future_ok and day > today:
        raise ServiceError(f"{label} {day:%d/%m/%Y} không thể sau ngày hôm nay ({today:%d/%m/%Y}).")
    if born is not None and day < born:
        raise ServiceError(f"{label} {day:%d/%m/%Y} không thể trước ngày sinh ({born:%d/%m/%Y}).")
