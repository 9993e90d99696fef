"""The bare page's cache round trip and CSP header, before and after (issue 14, Y2), in one process, interleaved:

    DATABASE_URL=postgres://…/<a copy of portal_scale> CACHE_URL=redis://127.0.0.1:6379/<n> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.bare_ab [--pages bare,home-school,inbox-office] [--n 300]

A: django-csp's own middleware (the header built on every response), Django's cached_db sessions and the to-do
counter under its own cache key (a second Redis read: workbench/badge.py before Y2). B: the current settings
(core.middleware.SettingsCSPMiddleware, core.sessions: the counter comes with the session's read). Each page's
client signs in and visits the home page first (it remembers the counter, as after a login), then batches of 10
requests alternate A and B; the median batch's CPU per request (`time.process_time`), and each variant's queries.
Needs CACHE_URL=redis://… (the settings then choose cached_db, replaced by core.sessions).
"""

import argparse
import os
import statistics
import time

_OLD_SECONDS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="bare,home-school,inbox-office")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import workbench.badge as badge
    import workbench.context_processors as processors
    from bench.load import USERS, _pages, _user
    from workbench.todos import total

    if settings.SESSION_ENGINE != "core.sessions":
        raise SystemExit("set CACHE_URL=redis://… (the A/B compares cached_db with core.sessions)")
    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"

    def old_key(request):
        role = getattr(request, "active_role", None)
        if role is None:
            user = getattr(request, "user", None)
            return f"workbench:total:{user.pk}:superuser" if user is not None and user.is_superuser else None
        return f"workbench:total:{request.user.pk}:{role.pk}"

    def old_remember(request, todos):
        value = total(todos)
        request._workbench_total = value
        key = old_key(request)
        if key is not None:
            cache.set(key, value, _OLD_SECONDS)
        return value

    def old_badge_total(request):
        if hasattr(request, "_workbench_total"):
            return request._workbench_total
        key = old_key(request)
        request._workbench_total = cache.get(key) if key is not None else None
        return request._workbench_total

    new_mw = list(settings.MIDDLEWARE)
    old_mw = ["csp.middleware.CSPMiddleware" if m == "core.middleware.SettingsCSPMiddleware" else m for m in new_mw]
    modes = {
        "A": (old_mw, "django.contrib.sessions.backends.cached_db", old_remember, old_badge_total),
        "B": (new_mw, "core.sessions", badge.remember, badge.badge_total),
    }

    def use(mode):
        # Middleware and the session engine are read when a client's handler loads (its first request).
        settings.MIDDLEWARE, settings.SESSION_ENGINE, badge.remember, processors.badge_total = modes[mode]

    users = {key: _user(key) for key in USERS}
    pages = {p.key: (p.user, p.path) for p in _pages(users) if p.method == "GET"}
    pages["bare"] = ("school", "/__bench/bare/")
    keys = args.pages.split(",")
    clients = {}
    for mode in "AB":
        use(mode)
        for key in keys:
            client = clients[mode, key] = Client()
            client.force_login(users[pages[key][0]])
            client.get("/")
            for _ in range(3):
                client.get(pages[key][1])
    print(f"load average: {open('/proc/loadavg').read().strip()}")
    print(f"{'page':<16} {'A ms/req':>9} {'B ms/req':>9} {'B/A':>6} {'A q':>4} {'B q':>4}")
    for key in keys:
        url = pages[key][1]
        cpu, queries = {"A": [], "B": []}, {}
        for mode in "AB":
            use(mode)
            with CaptureQueriesContext(connection) as captured:
                clients[mode, key].get(url)
            queries[mode] = len(captured)
        for _ in range(max(1, args.n // 10)):
            for mode in "AB":
                use(mode)
                client = clients[mode, key]
                start = time.process_time()
                for _ in range(10):
                    client.get(url)
                cpu[mode].append((time.process_time() - start) * 100)
        a, b = statistics.median(cpu["A"]), statistics.median(cpu["B"])
        print(f"{key:<16} {a:9.2f} {b:9.2f} {b / a:6.2f} {queries['A']:>4} {queries['B']:>4}", flush=True)
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
