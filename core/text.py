"""Text helpers shared by every app."""

import unicodedata


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
