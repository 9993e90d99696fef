"""Settings of the gunicorn that serves the browser journeys (browser_tests/conftest.py): production's, plus two
things only a test server needs.

- The MD5 hasher: the test process creates the demo users with it (the root conftest's `_fast_password_hasher`,
  PBKDF2 costs a quarter of a second per user), so gunicorn must be able to check those hashes at log-in.
- The level in front of each log line, so the journeys' guard tells an ERROR from a "Not Found" WARNING.
"""

from config.settings import *  # noqa: F403 (this module is config.settings with two changes)
from config.settings import LOGGING

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LOGGING["formatters"] = {"level": {"format": "%(levelname)s %(name)s: %(message)s"}}
LOGGING["handlers"]["console"]["formatter"] = "level"
