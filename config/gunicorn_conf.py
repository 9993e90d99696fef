"""gunicorn's settings for the web service: `gunicorn -c config/gunicorn_conf.py config.wsgi` (docker-compose.yml's
`web`, docs/operations.md, and `python -m bench.load`, which measures what production runs).

The command line still gives --bind and --workers (WEB_WORKERS, 3 by default on a 2-core machine: a sync worker
waits idle while PostgreSQL answers, so 2 workers left part of the 2 cores unused and passed 125 requests/s of the
province's mix, 3 passed 150/s; BENCHMARKS.md «mixed load»); this file holds what every deployment shares:

- sync workers: one request at a time per process, and the connection closed after each answer (gunicorn's sync
  worker has no keep-alive; the TLS proxy in front keeps the browsers' connections open);
- the access log on stdout and a 60 s timeout;
- the garbage collector: left as Python sets it. WEB_GC_GEN0_THRESHOLD=N (N > 0) instead freezes, in each worker
  once the portal is loaded, everything loaded so far (`gc.freeze()`: the collector no longer walks it) and sets
  the first generation's threshold to N. Measured on the province (BENCHMARKS.md «Province scale: fixes»,
  `python -m bench.server_ab`): Python's collector costs 0.05–0.3 ms of a 10–20 ms page (1.3–2.3 ms on the
  200-nomination dossier); freezing alone changed nothing measurable, and a first threshold of 50,000 made the
  mix about 4 % slower (the uncollected cycles keep more memory in use). Kept as a switch to re-measure on
  another Python (3.12+ changed the collector).
"""

import gc
import os

timeout = 60
accesslog = "-"
worker_class = "sync"

GC_GEN0_THRESHOLD = int(os.environ.get("WEB_GC_GEN0_THRESHOLD", "0"))


def tune_gc(threshold: int) -> None:
    """Freeze what is loaded, then set the first generation's threshold (the later generations keep theirs)."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(threshold, gen1, gen2)


def post_worker_init(worker) -> None:
    """In each worker, after it loaded the WSGI application: with WEB_GC_GEN0_THRESHOLD, import the URLconf (and
    with it every view) and tune the collector."""
    if GC_GEN0_THRESHOLD > 0:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (the import of every view module is the point)
        tune_gc(GC_GEN0_THRESHOLD)
