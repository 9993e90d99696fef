"""Marks views with the permission rule they enforce.

Every URL of the portal names its rule, one of a fixed set of named rules
(`ViewRule`) defined next to the permission kernel (`units/view_rules.py`);
core knows only their shape. `view_rule` refuses anything else, `core/tests/test_permission_coverage.py`
fails on a view that declares no rule or one outside the named set, and
`core/tests/test_permission_matrix.py` checks what each rule lets every persona see.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewRule:
    """A named permission rule: `name` is the constant's name, `description` says what it checks on what."""

    name: str
    description: str

    def __str__(self) -> str:
        return f"{self.name}: {self.description}"


# The one rule that needs no permission kernel (core knows none); the others are in units/view_rules.py.
PUBLIC = ViewRule("PUBLIC", "no login needed; shows nothing of any unit or person")


def view_rule(rule: ViewRule):
    """Declare the rule a view enforces: one of the named rules (`units.view_rules`, or `PUBLIC`).

    Free text is refused when the module is imported, so a view cannot describe a
    check the matrix does not know; the coverage test also fails on a rule that is
    a `ViewRule` but not one of the named set.
    """
    if not isinstance(rule, ViewRule):
        raise TypeError(f"view_rule takes a named ViewRule, not {type(rule).__name__}: {rule!r}")

    def decorate(view):
        view.portal_rule = rule
        return view

    return decorate
