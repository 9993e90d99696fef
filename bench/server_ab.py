"""`python -m bench.server_ab`: two gunicorns side by side on the same database, A and B, differing only by their
environment (e.g. config/gunicorn_conf.py's WEB_GC_GEN0_THRESHOLD), each page's workers' CPU per request measured
in bursts that alternate A, B, B, A, … so the machine's drift (a shared machine changes speed by up to 1.5× within
the hour) falls on both alike.

    python -m bench.server_ab --database-url postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> \\
        --a WEB_GC_GEN0_THRESHOLD=0 --b WEB_GC_GEN0_THRESHOLD=50000 [--rounds 4] [--burst 20] [--pages …]

Both run `bench.load`'s gunicorn (production's command and config/gunicorn_conf.py, bench/server_settings.py, two
sync workers), its accounts and pages; a burst is `bench.load`'s «alone» measure (two requests at a time, the
workers' utime + stime from /proc before and after). Prints per page the median over the rounds of A and B and
their ratio, and the mix's weighted mean (bench.load's weights). Read it beside the load average it prints.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path


def _assignments(text: str) -> dict:
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    return {k.strip(): v.strip() for k, v in pairs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), required=False)
    parser.add_argument("--a", default="WEB_GC_GEN0_THRESHOLD=0", help="A's environment: NAME=value[,NAME=value]")
    parser.add_argument("--b", default="", help="B's environment (default: config/gunicorn_conf.py's defaults)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--pages", default="", help="bench.load's page keys (default: every GET page in the mix)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")

    from bench import load

    with tempfile.TemporaryDirectory(prefix="tdkt-server-ab-") as tmp:
        workdir = Path(tmp)
        env = load._configure(args.database_url, workdir, secret_key=f"bench-{secrets.token_urlsafe(40)}")
        import django

        django.setup()
        load._collectstatic()
        users = {key: load._user(key) for key in load.USERS}
        sessions = {key: load._session(u) for key, u in users.items()}
        pages = [p for p in load._pages(users) if p.method == "GET" and p.weight > 0]
        if args.pages:
            keys = args.pages.split(",")
            pages = [p for p in pages if p.key in keys]
        bare = load.Page("bare", "bare", "school", "/__bench/bare/", 0)
        pages = [bare, *pages]

        servers = {}
        try:
            for name, extra in (("A", _assignments(args.a)), ("B", _assignments(args.b))):
                (workdir / name).mkdir()
                servers[name] = load.Gunicorn({**env, **extra}, workdir / name, 2, 1)
            targets = {name: load.Target(g.port, sessions, None) for name, g in servers.items()}
            for name in servers:
                asyncio.run(load._warm_up(targets[name], pages, rounds=4))
            print(
                f"load average {open('/proc/loadavg').read().split()[:3]}; A: {args.a or '(defaults)'}; "
                f"B: {args.b or '(defaults)'}; {args.rounds} rounds of {args.burst} requests per page and server",
                flush=True,
            )
            cpu = {(p.key, name): [] for p in pages for name in servers}
            for index in range(args.rounds):
                order = ("A", "B") if index % 2 == 0 else ("B", "A")
                for page in pages:
                    for name in order:
                        result = load._alone(servers[name], targets[name], page, args.burst)
                        if result["alone_errors"]:
                            raise SystemExit(f"{name} {page.key}: {result['alone_error_samples']}")
                        cpu[(page.key, name)].append(result["cpu_ms"])
                print(f"  round {index + 1} done; load average {open('/proc/loadavg').read().split()[:3]}", flush=True)
        finally:
            for server in servers.values():
                server.stop()

    print(f"\n{'page':<22} {'weight':>6} {'A ms':>7} {'B ms':>7} {'B/A':>6}")
    weighted = {"A": 0.0, "B": 0.0}
    total = 0
    for page in pages:
        a = statistics.median(cpu[(page.key, "A")])
        b = statistics.median(cpu[(page.key, "B")])
        print(f"{page.key:<22} {page.weight:>6} {a:7.2f} {b:7.2f} {b / a:6.3f}")
        if page.weight:
            weighted["A"] += page.weight * a
            weighted["B"] += page.weight * b
            total += page.weight
    a, b = weighted["A"] / total, weighted["B"] / total
    print(f"{'weighted mean (GETs)':<22} {total:>6} {a:7.2f} {b:7.2f} {b / a:6.3f}")
    print(f"load average at the end {open('/proc/loadavg').read().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
