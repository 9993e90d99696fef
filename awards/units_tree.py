"""Subtrees of many units at once, in as many queries as the tree is deep (not one per unit)."""

from collections import defaultdict

from units.models import Unit


def subtree_unit_ids(units) -> dict[int, set[int]]:
    """Map each unit's id to the ids of its subtree (itself included)."""
    result = {u.pk: {u.pk} for u in units}
    frontier = {u.pk: {u.pk} for u in units}  # unit id -> roots whose subtree it is in
    while frontier:
        children = defaultdict(set)
        for pk, parent_id in Unit.objects.filter(parent_id__in=list(frontier)).values_list("pk", "parent_id"):
            children[pk] |= frontier[parent_id]
        for pk, roots in children.items():
            for root in roots:
                result[root].add(pk)
        frontier = children
    return result
