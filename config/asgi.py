"""The ASGI entry point. Django's ASGI handler reads a request's whole body before any middleware runs, so the body
cap is enforced here, around it (core.asgi.RequestBodyCap): nothing past the cap is received. Production runs WSGI
(gunicorn, config/wsgi.py); this is for an ASGI server (uvicorn, daphne) in front of the same settings."""

import os

from django.core.asgi import get_asgi_application

from core.asgi import RequestBodyCap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

application = RequestBodyCap(django_application)
