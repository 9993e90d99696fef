"""Settings of the gunicorn that `bench.load` drives: production's (config.settings with DEBUG=0 from the
environment), plus one URL, the bare page, that exists only here (bench/urls.py)."""

from config.settings import *  # noqa: F403 (this module is config.settings with one change)

ROOT_URLCONF = "bench.urls"
