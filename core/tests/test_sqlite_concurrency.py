"""The SQLite default (`make run`) under concurrent writes: two requests that each read then write in one
transaction (a ballot, a filing) must wait for each other, not fail with "database is locked" (a 500)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import os, sys, threading
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
from django.conf import settings
django.setup()
if sys.argv[1] == "deferred":  # the control: Django's default transaction mode
    for key in ("transaction_mode", "init_command"):
        settings.DATABASES["default"]["OPTIONS"].pop(key, None)
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = 1
from django.db import connection, connections, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n integer)")
    cursor.execute("INSERT INTO counter VALUES (0)")
connection.close()
errors = []
start = threading.Barrier(8)

def work():
    try:
        start.wait()
        for _ in range(5):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    n = cursor.fetchone()[0]
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter")
    print("total", cursor.fetchone()[0], "errors", len(errors), errors[:1])
"""


def _run(tmp_path, mode: str) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
        "DEBUG": "1",
        "SECRET_KEY": "test-only",
        "REDIS_URL": "",
    }
    done = subprocess.run(  # fixed argv: this interpreter and the script above
        [sys.executable, "-c", SCRIPT, mode], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_concurrent_read_then_write_transactions_wait_for_each_other(tmp_path):
    assert _run(tmp_path, "settings") == "total 40 errors 0 []"


def test_without_the_settings_the_same_work_fails(tmp_path):
    """The control: with Django's default (deferred) mode the same transactions hit "database is locked"."""
    out = _run(tmp_path, "deferred")
    assert "database is locked" in out, out
