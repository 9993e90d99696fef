"""Throwaway services for the fault tests (ops/tests/test_faults_*.py): each one is started here, on a free
port, and killed by the tests. The shared PostgreSQL (:5432) and Redis (:6379) of the other tests and of CI
are never stopped or touched.

- `RedisServer`: a redis-server of our own (no persistence), stopped and started again at will.
- `PostgresCluster`: an initdb'd cluster in a temporary folder (as the postgres user when we are root),
  restarted with `pg_ctl`.
- `CeleryWorker`, `WebServer`: a Celery worker and gunicorn (production settings, DEBUG off) started as
  subprocesses with the environment a test gives them.

A missing binary skips the test with its reason, except under CI=true (.ci/run installs postgresql and
redis-server), where it fails.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def missing(what: str) -> None:
    """Skip (a developer's machine without the binary) or fail (CI, which must have it)."""
    reason = f"{what} is not installed: the fault tests start their own throwaway services"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run installs postgresql and redis-server)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (after {timeout} s)")
        time.sleep(poll)


def kill_group(process: subprocess.Popen | None, sig=signal.SIGKILL) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# --- Redis ------------------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing("redis-server")
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        log = (self.workdir / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.workdir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self.answers, 10, f"the private redis-server on :{self.port} did not answer PING")

    def stop(self) -> None:
        """SIGKILL: the data goes (no persistence), as in a crash or a restart without a dump."""
        kill_group(self.process)
        wait_until(lambda: not self.answers(), 5, "the private redis-server still answers")


# --- PostgreSQL -------------------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A cluster of our own: trust authentication on 127.0.0.1 only, superuser `portal`, no fsync."""

    def __init__(self):
        bindir = _pg_bin()
        if bindir is None or not (bindir / "pg_ctl").exists():
            missing("PostgreSQL (initdb, pg_ctl)")
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "portal", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=self.dir)
        if check and result.returncode:
            raise AssertionError(f"{tool} failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        return result

    def url(self, name: str = "portal") -> str:
        return f"postgres://portal:portal@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop", check=False)

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "portal", name)

    def restore_from(self, source: dict, name: str = "portal") -> None:
        """Copy a database of another server (Django's settings_dict) into `name`: schema and rows."""
        dump = self.dir / "source.dump"
        env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
        subprocess.run(
            [str(self.bindir / "pg_dump"), "-Fc", "--no-owner", "--no-acl", "-f", str(dump)]
            + ["-h", source.get("HOST") or "127.0.0.1", "-p", str(source.get("PORT") or 5432)]
            + ["-U", source["USER"], source["NAME"]],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        restored = subprocess.run(
            [str(self.bindir / "pg_restore"), "--no-owner", "--no-acl", "-h", "127.0.0.1", "-p", str(self.port)]
            + ["-U", "portal", "-d", name, str(dump)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if restored.returncode:
            raise AssertionError(f"pg_restore into the private cluster failed:\n{restored.stderr[-3000:]}")

    def sql(self, query: str, *params, name: str = "portal") -> list[tuple]:
        """One statement in autocommit, its rows (none for a write)."""
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="portal", dbname=name)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the portal's own processes ---------------------------------------------------------------------------


def portal_env(**overrides: str) -> dict:
    """Production settings (DEBUG off) for a subprocess of the portal; the caller gives the services."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CACHE_URL", "SESSION_BACKEND"):
        env.pop(name, None)
    env.update(overrides)
    return env


def manage(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def django_run(code: str, *, env: dict, timeout: float = 60) -> str:
    """Run `code` in a fresh portal process (django.setup() done) and return what it printed."""
    script = "import django\ndjango.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise AssertionError(f"portal subprocess failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


class CeleryWorker:
    """`celery -A config worker` (or a wrapper script that patches something first) in its own process group."""

    def __init__(self, *, env: dict, queues: str, log: Path, script: str | None = None):
        command = [str(BIN / "celery"), "--workdir", str(ROOT), "-A", "config", "worker"]
        if script is not None:  # python -c <script> worker …: the script calls app.worker_main(sys.argv[1:])
            command = [sys.executable, "-c", script, "worker"]
        command += ["--loglevel=INFO", "--concurrency=1", "-Q", queues, "--without-gossip", "--without-mingle"]
        command += ["--hostname", f"fault-{free_port()}@%h"]
        self.log = log
        handle = log.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self) -> None:
        kill_group(self.process)

    def stop(self) -> None:
        """At the end of a test: SIGKILL, nothing to wait for (a warm shutdown takes seconds)."""
        kill_group(self.process)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class WebServer:
    """gunicorn, one worker process with one thread: the same process answers every request, so a test can
    prove that this very process recovers (its pid does not change)."""

    def __init__(self, *, env: dict, log: Path):
        self.port = free_port()
        self.log = log
        handle = log.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "1", "--threads", "1", "--timeout", "60", "--error-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._up, 60, f"gunicorn did not answer /healthz:\n{self.tail()}", poll=0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True  # it answers (503 while its database is down)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def worker_pids(self) -> set[int]:
        """The pids of gunicorn's worker processes (children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def stop(self) -> None:
        """At the end of a test: SIGKILL, nothing to wait for (a warm shutdown takes seconds)."""
        kill_group(self.process)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]
