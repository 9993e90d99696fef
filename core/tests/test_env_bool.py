"""Booleans of the environment are strict: an unknown word refuses to start instead of reading as False."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.strict_env import parse_bool

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        ("YES", True),
        ("on", True),
        (" On ", True),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        ("Off", False),
    ],
)
def test_parse_bool_reads_the_six_pairs_in_any_case(raw, expected):
    assert parse_bool("DEBUG", raw, default=not expected) is expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_parse_bool_unset_or_blank_gives_the_default(raw):
    assert (parse_bool("X", raw, default=True), parse_bool("X", raw, default=False)) == (True, False)


@pytest.mark.parametrize("raw", ["Ture", "y", "2", "enabled", "truee", "-1"])
def test_parse_bool_refuses_any_other_word_naming_variable_and_value(raw):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_bool("SECURE_SSL_REDIRECT", raw, default=False)
    assert str(refused.value) == (
        f"SECURE_SSL_REDIRECT={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off (any case)."
    )


def start(**env_vars):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 50, **env_vars)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("variable", ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"])
def test_settings_refuse_to_start_on_ture(variable):
    result = start(**{variable: "Ture"})
    assert result.returncode != 0
    assert f"{variable}='Ture' is not a boolean" in result.stderr


def test_settings_read_the_words_they_know():
    result = start(DEBUG="yes", SECURE_SSL_REDIRECT="off")
    assert (result.returncode, result.stdout.strip()) == (0, "True False"), result.stderr
