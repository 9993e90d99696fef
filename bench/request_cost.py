"""What every request pays, before and after issue 14's T1 changes, in one process (interleaved, so the load of a
shared machine weighs on both alike):

    DATABASE_URL=postgres://…/<a copy of portal_scale> [CACHE_URL=redis://127.0.0.1:6379/<n>] DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.request_cost [--pages bare,home-school,staff-school] [--rounds 8]

Before: Django's ModelBackend (the account, then `roles_of`'s ORM query), database sessions, the menu as the nine
includes of commit 1e25438, the session's start (read from git into a temporary directory placed first in the template
dirs) and, with Redis, Django's own client (a `redis.Redis` built per operation). After: the current settings.
Each round: each variant, each page warmed by 3 requests, then the CPU time (`time.process_time`) of 10; the
median of the rounds. Still in the "before": `request.user` stays unwrapped (units/middleware.py is current).
"""

import argparse
import copy
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "1e25438"  # before the menu was merged into base.html (an older commit: stable whatever merges follow)
OLD_TEMPLATES = [
    "templates/base.html",
    "templates/includes/nav.html",
    "templates/includes/nav_apps.html",
    *(f"{app}/templates/{app}/nav.html" for app in ("awards", "campaigns", "nominations", "councils", "reports")),
    *(f"{app}/templates/{app}/nav.html" for app in ("notifications", "audit")),
]


def _old_templates(into: Path) -> None:
    for path in OLD_TEMPLATES:
        text = subprocess.run(["git", "show", f"{BEFORE}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True)
        target = into / path.split("templates/", 1)[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.stdout, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="bare,home-school,staff-school")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.load import USERS, _pages, _user

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"
    redis = settings.CACHES["default"]["BACKEND"].endswith("TolerantRedisCache")
    old_dir = Path(tempfile.mkdtemp(prefix="request-cost-"))
    _old_templates(old_dir)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [str(old_dir), *templates[0]["DIRS"]]
    before = {
        "AUTHENTICATION_BACKENDS": ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"],
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "TEMPLATES": templates,
    }
    if redis:
        caches = copy.deepcopy(settings.CACHES)
        caches["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
        before["CACHES"] = caches
    variants = {"before": before, "after": {}}
    users = {key: _user(key) for key in USERS}
    pages = {p.key: (p.user, p.path) for p in _pages(users) if p.method == "GET"}
    pages["bare"] = ("school", "/__bench/bare/")
    keys = args.pages.split(",")
    print(f"load average: {open('/proc/loadavg').read().strip()} · {'Redis' if redis else 'no Redis'}")
    clients, cpu, queries = {}, {}, {}
    for variant, overrides in variants.items():
        with override_settings(**overrides):
            for key in keys:
                client = Client()
                client.force_login(users[pages[key][0]])
                clients[(key, variant)] = client
    for _ in range(args.rounds):
        for variant, overrides in variants.items():
            with override_settings(**overrides):
                for key in keys:
                    url, client = pages[key][1], clients[(key, variant)]
                    for _ in range(3):
                        assert client.get(url).status_code == 200, (key, variant)
                    with CaptureQueriesContext(connection) as captured:
                        client.get(url)
                    queries[(key, variant)] = len(captured)
                    start = time.process_time()
                    for _ in range(10):
                        client.get(url)
                    cpu.setdefault((key, variant), []).append((time.process_time() - start) / 10 * 1000)
    print(f"\n{'page':<16} {'before ms':>9} {'q':>3} {'after ms':>9} {'q':>3}  (median of {args.rounds} rounds of 10)")
    for key in keys:
        b, a = statistics.median(cpu[(key, "before")]), statistics.median(cpu[(key, "after")])
        print(f"{key:<16} {b:9.2f} {queries[(key, 'before')]:3d} {a:9.2f} {queries[(key, 'after')]:3d}  {a - b:+.2f}")
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
