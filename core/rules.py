"""Marks views with the permission rule they enforce.

Every URL of the portal must name its rule; tests/test_permission_coverage.py
walks the URL patterns and fails on a view that declares none.
"""


def view_rule(description: str):
    def decorate(view):
        view.portal_rule = description
        return view

    return decorate
