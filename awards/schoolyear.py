"""School years (năm học, September to August) kept apart from calendar years.

A school year is stored as the calendar year it starts in: 2024 means
2024-2025. June to August belong to the school year that ends in them, since
year-end reviews and decisions happen then.
"""

import datetime

from core.exceptions import ServiceError

FIRST_MONTH = 9


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, FIRST_MONTH, 1), datetime.date(year + 1, FIRST_MONTH, 1) - datetime.timedelta(days=1)


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


def current_school_year(today: datetime.date | None = None) -> int:
    return school_year_of(today or datetime.date.today())


def parse_school_year(value) -> int:
    """Accept 2024, "2024", "2024-2025" or "2024 - 2025"; raise ValueError otherwise."""
    if isinstance(value, int):
        year = value
    else:
        text = str(value or "").strip().replace("–", "-").replace(" ", "")
        if text.endswith(".0"):
            text = text[:-2]
        parts = text.split("-")
        # isdecimal, not isdigit: «²⁰²³» is digits to isdigit() and no number to int().
        if len(parts) == 1 and parts[0].isdecimal():
            year = int(parts[0])
        elif len(parts) == 2 and all(p.isdecimal() for p in parts) and int(parts[1]) == int(parts[0]) + 1:
            year = int(parts[0])
        else:
            raise ValueError(f"năm học «{value}» không hợp lệ (ví dụ: 2023-2024)")
    if not 1975 <= year <= 2100:
        raise ValueError(f"năm học «{value}» không hợp lệ (ví dụ: 2023-2024)")
    return year


def school_year_check(year: int, *, born: datetime.date | None = None, today: datetime.date | None = None) -> None:
    """Refuse a school year typed about a person (a rating, an award) that has not begun yet, or that
    began before the person was born (`born`, when known). Raises ServiceError."""
    current = current_school_year(today)
    if year > current:
        raise ServiceError(
            f"Năm học {school_year_label(year)} chưa diễn ra (năm học hiện tại là {school_year_label(current)})."
        )
    if born is not None and school_year_bounds(year)[0] < born:
        raise ServiceError(f"Năm học {school_year_label(year)} bắt đầu trước ngày sinh ({born:%d/%m/%Y}).")
