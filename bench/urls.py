"""The portal's URLs plus the bare page of `bench.load`: the floor of the framework under load.

Logged in, through every middleware and context processor, rendering base.html with nothing in it. Only the
bench's settings (bench/server_settings.py) route here; production never serves it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path


@login_required
def bare(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("__bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
