"""The load bench at a tiny scale, end to end, so it cannot rot: `python -m bench.load --smoke`.

gunicorn (production settings) on this test's database (PostgreSQL; on SQLite, whose test database lives in
memory, a file of its own), `seed_scale --scale 0.01`, the SQL floor and the CPU of every page, 3 s of the
mixed load at 10 requests/s; then the soak path (`--soak`) for 9 s on the same data. No time is asserted: only
that every answer was a success (a ballot redirected to its receipt), that every cast the soak saw answered is in
the database, and that each report was written into its own section, the other sections left as they were.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import SECTION, SOAK_SECTION, last_passing_rate, write_section

ROOT = Path(__file__).resolve().parents[2]


def _database_url(tmp_path) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'smoke.sqlite3'}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_load_smoke_answers_every_request_and_writes_its_section(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\n## Documents\n\nkept as it is\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--smoke",
            "--database-url",
            _database_url(tmp_path),
            "--prepare",
            "scale",
            "--scale",
            "0.01",
            "--output",
            str(report),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # seed_scale 0.01 alone took 240 s on the shared 2-core machine at load 15
    )

    assert run.returncode == 0, f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Documents\n\nkept as it is\n\n" + SECTION + "\n")
    step = next(line for line in text.splitlines() if line.startswith("| 10 |"))
    requests, errors = (int(cell) for cell in step.split("|")[2:4])
    assert (requests > 0, errors) == (True, 0)
    assert "| Bỏ phiếu (POST) |" in text

    # The soak path on the same data, a few seconds: 0 errors, every cast in the database, its own section.
    soak = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--smoke",
            "--soak",
            "0.15",
            "--database-url",
            _database_url(tmp_path),
            "--output",
            str(report),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # the machine may be as busy as during the first run
    )

    assert soak.returncode == 0, f"{soak.stdout[-4000:]}\n{soak.stderr[-4000:]}"
    after = report.read_text(encoding="utf-8")
    assert after.startswith(text.rstrip("\n") + "\n\n" + SOAK_SECTION + "\n")
    held = re.search(
        r"\*\*Held: (\d+) requests at 10/s for 0\.15 min \(after 0\.5 s of warm-up\), 0 errors; .*; writes: (\d+) of "
        r"(\d+) casts answered 2xx/3xx \((\d+) to their receipt\), (\d+) on the voter roll: no lost write\.\*\*",
        after,
    )
    assert held, after[after.index(SOAK_SECTION) :]
    requests, answered, sent, receipts, roll = (int(g) for g in held.groups())
    assert (requests > 0, answered > 0) == (True, True)
    assert (sent, receipts, roll) == (answered, answered, answered)


def test_write_section_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\n## A\n\na\n\n{SECTION}\n\nold\n\n## B\n\nb\n", encoding="utf-8")

    write_section(path, f"{SECTION}\n\nnew\n")

    assert path.read_text(encoding="utf-8") == f"# Benchmarks\n\n## A\n\na\n\n{SECTION}\n\nnew\n\n## B\n\nb\n"


def test_last_passing_rate_read_from_the_mixed_load_section_only(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    bold = "**Highest rate with every page's p95 ≤ 100 ms and no error: {} requests/s** (steps …)"
    path.write_text(
        f"# Benchmarks\n\n## Other\n\n{bold.format(999)}\n\n{SECTION}\n\n{bold.format(137)}\n\n## B\n\nb\n",
        encoding="utf-8",
    )
    assert last_passing_rate(path) == 137.0
    path.write_text(f"# Benchmarks\n\n{SECTION}\n\n**Highest rate …: none of the rates tried**\n", encoding="utf-8")
    assert last_passing_rate(path) is None
