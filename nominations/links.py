"""The address of one nomination: its dossier's page, opened at the page of cards that holds it (issue 14).

The dossier page shows its nominations 50 to a page, so `<dossier>#de-nghi-<id>` alone would land on page 1
whatever the nomination. Every writer of a link to a nomination goes through here (Nomination.get_absolute_url,
the inbox's rows, the search page, the home page's to-dos) so that they cannot drift: `?de_nghi=<id>` names the
nomination (the page reads it to pick the page holding it), the fragment scrolls to its card. The writers that
build strings without model instances reverse the dossier's address once and append `nomination_suffix(id)`.
"""

from urllib.parse import urlencode

from django.urls import reverse

# The query parameter naming the nomination the dossier page opens at.
NOMINATION_PARAM = "de_nghi"
# The dossier page's own filters (status, name), carried by a row's action so the reviewer lands where it was.
FILTER_PARAMS = ("trang_thai", "q")


def filter_query(params) -> str:
    """The dossier filters of `params` (a QueryDict or a dict) as a query string, without the empty ones."""
    kept = [(key, params.get(key, "")) for key in FILTER_PARAMS]
    return urlencode([(key, value) for key, value in kept if value])


def nomination_suffix(nomination_id: int, filters: str = "") -> str:
    """What follows the dossier's address in a link to one of its nominations: `?de_nghi=<id>#de-nghi-<id>`
    (`filters`: a query string of `filter_query`, put before it). Without filters it holds no character that
    HTML escapes: a writer of escaped markup appends it as it is."""
    head = f"?{filters}&" if filters else "?"
    return f"{head}{NOMINATION_PARAM}={nomination_id}#de-nghi-{nomination_id}"


def nomination_url(dossier_id: int, nomination_id: int, filters: str = "") -> str:
    """The address of a nomination: its dossier's page, at the page of cards that holds it."""
    return reverse("nominations:dossier_detail", args=[dossier_id]) + nomination_suffix(nomination_id, filters)
