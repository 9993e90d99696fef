from django.shortcuts import render

from core.rules import view_rule
from units.view_rules import LIST_IN_SCOPE

from .selectors import search_everything


@view_rule(LIST_IN_SCOPE)
def search_results(request):
    """`/tim-kiem/?q=`: every section filtered by the kernel through the owning app's selector."""
    results = search_everything(request.user, request.GET.get("q", ""))
    return render(request, "search/results.html", {"results": results})
