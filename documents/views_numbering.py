"""Give a document its number from the issuer's series ("Cấp số tờ trình"): an explicit user action, never a
side effect of reading or rendering.

Each kind that can be numbered here names the service that allocates and records its number on the object
(the object's own fields, through its app's service, with a history row)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.exceptions import ServiceError
from core.rules import view_rule
from units.view_rules import DOCUMENT_REQUEST

from . import selectors
from .kinds.council import minutes_number_allocate, minutes_number_text
from .kinds.dossier import submission_number_allocate


def _minutes_allocate(*, by, obj):
    minutes_number_allocate(by=by, meeting=obj)
    return obj


# kind code -> allocate(by=, obj=) returning the object, the label of the action, the number shown after it.
ALLOCATORS = {
    "submission": (
        lambda *, by, obj: submission_number_allocate(by=by, dossier=obj),
        "tờ trình",
        lambda obj: obj.submission_number,
    ),
    "minutes": (_minutes_allocate, "biên bản", minutes_number_text),
}


@require_POST
@view_rule(DOCUMENT_REQUEST)
def number_allocate(request, kind, object_id):
    """The object through its kind's selector (404 outside the user's scope), then the allocating service,
    which checks FILE or SIGN on the issuer (403)."""
    if kind not in ALLOCATORS:
        raise Http404
    _kind, obj = selectors.object_get_visible(request.user, kind, object_id)
    allocate, label, number_of = ALLOCATORS[kind]
    try:
        obj = allocate(by=request.user, obj=obj)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Số {label}: {number_of(obj)}.")
    return redirect(obj.get_absolute_url())
