"""The folded keys that search and the duplicate-person check compare (core.text.search_key).

Person.save and Unit.save derive them (and Dossier.save, Decision.save theirs); `search_key_fill` fills the
rows written before the columns existed (the data migrations) or by a bulk write that bypassed save().
"""

from core.text import search_key

PERSON_KEY_LENGTH = 255
UNIT_KEY_LENGTH = 400


def person_search_key(full_name: str | None) -> str:
    return search_key(full_name)[:PERSON_KEY_LENGTH]


def unit_search_key(name: str | None, short_name: str | None = "") -> str:
    """A unit is found by its name or its short name ("THCS Lê Lợi")."""
    return search_key(f"{name or ''} {short_name or ''}")[:UNIT_KEY_LENGTH]


def search_key_fill(model, fields: tuple[str, ...], derive, *, batch_size: int = 1000) -> int:
    """Fill every empty `search_key` of `model` with `derive(row)`, in batches of `batch_size` rows (one read
    and one bulk UPDATE each), walking by id so that memory stays flat at province scale. Takes the model so
    that a migration can pass its historical one. Returns the number of rows filled."""
    filled, last_pk = 0, 0
    while True:
        rows = list(model.objects.filter(search_key="", pk__gt=last_pk).order_by("pk").only("pk", *fields)[:batch_size])
        if not rows:
            return filled
        last_pk = rows[-1].pk
        changed = []
        for row in rows:
            row.search_key = derive(row)
            if row.search_key:
                changed.append(row)
        model.objects.bulk_update(changed, ["search_key"])
        filled += len(changed)


def search_keys_fill(*, person_model, unit_model, batch_size: int = 1000) -> int:
    """Fill the empty keys of people and units (the data migration units 0005 calls it)."""
    people = search_key_fill(
        person_model, ("full_name",), lambda row: person_search_key(row.full_name), batch_size=batch_size
    )
    units = search_key_fill(
        unit_model, ("name", "short_name"), lambda row: unit_search_key(row.name, row.short_name), batch_size=batch_size
    )
    return people + units
