"""Strict parsing of the environment's booleans.

django-environ's `env.bool` reads any unknown word as False, so `SECURE_SSL_REDIRECT=Ture` would quietly
serve plain HTTP and `DEBUG=Yes please` would quietly turn DEBUG off. Every boolean of config/settings.py
goes through `env_bool`, which knows six pairs of words and refuses to start on anything else.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, raw: str | None, *, default: bool) -> bool:
    """`raw` as a boolean: 1/0, true/false, yes/no, on/off in any case; unset or blank gives `default`.

    Blank counts as unset because `.env` files and compose files write `DEBUG=` to mean "not set".
    Raises ImproperlyConfigured naming the variable and the value for any other word.
    """
    if raw is None or not raw.strip():
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off (any case)."
    )


def env_bool(name: str, *, default: bool) -> bool:
    """The environment variable `name` as a strict boolean (`parse_bool`)."""
    return parse_bool(name, os.environ.get(name), default=default)
