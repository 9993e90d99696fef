"""Routing and roll-up (tổng hợp trình cấp trên): a receiving level carries the nominations it cannot
decide itself up the route, in its own dossier, each new nomination pointing at the lower one by `source`.

`chain_down` / `chain_up` walk that link (the path of one proposal through the levels).
"""

from .models import Nomination

# A route has few levels (school → Phòng → UBND huyện / Sở → UBND tỉnh …); a cap stops a corrupt cycle.
MAX_LEVELS = 10


def chain_down(nomination: Nomination) -> list[Nomination]:
    """The lower nominations this one rolls up from, nearest first (its source, the source's source, …).

    One query per level (a route has a handful of levels); each row comes with its dossier and unit.
    """
    lower: list[Nomination] = []
    seen = {nomination.pk}
    source_id = nomination.source_id
    while source_id is not None and source_id not in seen and len(lower) < MAX_LEVELS:
        current = Nomination.objects.select_related("dossier__unit", "award_type").get(pk=source_id)
        lower.append(current)
        seen.add(current.pk)
        source_id = current.source_id
    return lower
