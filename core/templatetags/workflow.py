"""`{{ obj|actions_for:request.user }}`: the workflow actions a user may take on an object, for lists.

The same `core.workflow.available_actions` the detail pages use, so a list's
links and a page's buttons cannot disagree (no query once the user's roles are cached).
"""

from django import template

from core.workflow import available_actions

register = template.Library()


@register.filter
def actions_for(obj, user):
    return available_actions(obj, user)
