"""`python -m bench.load`: the open-model mixed load of the four users on gunicorn, written into BENCHMARKS.md.

Starts gunicorn as production does (docker-compose.yml: `gunicorn -c config/gunicorn_conf.py config.wsgi
--workers=3`, sync workers, the access log, the garbage collector tuned;
DEBUG=0, CONN_MAX_AGE=60 as docs/operations.md's .env) against a PostgreSQL database holding the province,
then:

1. for each page, in this process (django.test.Client, production settings): its SQL queries
   (CaptureQueriesContext), then the same SELECT statements with their parameters run again alone on the
   driver's cursor: the time of its SQL alone, the floor of the data;
2. each page alone on gunicorn, a short burst (two requests at a time, both workers busy): the workers' CPU
   per request (utime + stime of the worker processes from /proc/<pid>/stat, before and after, divided by
   the requests) and the same for a bare page (bench/urls.py: logged in, every middleware and context
   processor, base.html with nothing in it): the floor of the framework, and the ratio page / bare;
3. the open-model mixed load: requests scheduled at a fixed rate whatever the answers (one asyncio loop,
   one new connection per request as gunicorn's sync workers close them), latency counted from the
   SCHEDULED time so queueing shows, at 25, 75, 150 and 200 requests/s for 30 s each after 5 s of warm-up;
   then a bisection between the last passing and the first failing step for the highest rate at which every
   page's p95 ≤ 100 ms. Any answer other than 2xx/3xx is an error (a ballot must redirect to its receipt);
4. the section "Province scale: mixed load (make bench)" of BENCHMARKS.md, replaced (nothing else touched).

The four users (each with one session, created as a log-in creates it) are a school's secretary, an
intermediate unit's (Phòng's) reviewer, the Sở's reviewer and the Sở's administrator; each ballot is cast by a
council member of its own (created in bulk before each rate step in a round of a bench council of the Sở,
opened by the council service, so every cast is a real first cast).

    python -m bench.load --database-url postgres://portal:portal@127.0.0.1:5432/portal_bench [--prepare scale]
    python -m bench.load --smoke            # tiny: a SQLite file with seed_demo, 3 s at 10/s, checks 0 errors
    python -m bench.load --database-url … --soak 10 [--rates 150] [--rss-growth-mb 50]   # issue 15 item 7

`--soak MINUTES` holds the mix at one rate instead (section «Soak»; see _soak).

Timings are only as good as the machine is quiet: the load average before the run is in the report.
"""

import argparse
import asyncio
import datetime
import errno
import io
import json
import math
import os
import random
import re
import resource
import secrets
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Province scale: mixed load (make bench)"
TARGET_P95_MS = 100.0
COLLAPSE_P50_MS = 5000.0  # a step whose median waits this long: the higher rates are skipped (--no-skip runs them)
CSRF_SECRET = "".join(random.Random(14).choice(string.ascii_letters + string.digits) for _ in range(32))
BALLOT_PREFIX = "bench-hoidong-"
SOAK_SECTION = "## Soak: the mixed load held (`python -m bench.load --soak`, issue 15)"
SOAK_RSS_SAMPLE_S = 10.0


# --- environment -------------------------------------------------------------------------------------------


def _configure(database_url: str, workdir: Path, secret_key: str) -> dict:
    """Production's environment for this process and for gunicorn (the same SECRET_KEY: the sessions this
    process creates must be valid there)."""
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),  # docs/operations.md's production .env
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(workdir / "static"),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
        "PYTHONPATH": str(ROOT),
    }
    cache = os.environ.get("BENCH_CACHE_URL", "")
    if cache:
        env["CACHE_URL"] = cache  # production shares its cache between the workers (README, CACHE_URL)
    for name in ("REDIS_URL", "CSRF_TRUSTED_ORIGINS", "SECURE_HSTS_SECONDS"):
        os.environ.pop(name, None)  # no broker: nothing on these pages queues a task
    os.environ.update(env)
    return env


# --- data: what the pages show -------------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    user: str  # one of USERS' keys, or "member" (a ballot member of its own)
    path: str
    weight: int
    method: str = "GET"
    school: bool = False  # one of a school's pages (compared with the 30-school demo)
    results: dict = field(default_factory=dict)


USERS = {
    "school": ("mn-hoasen-bl.thuky", "secretary", "school"),
    "office": ("pgd-bl.chuyenvien", "reviewer", "office"),
    "dept": ("so.chuyenvien", "reviewer", "department"),
    "admin": ("so.quantri", "administrator", "department"),
}


def _user(key: str):
    """The demo account of that role, or (a province without the demo's accounts) the first of its role."""
    from django.contrib.auth import get_user_model

    from units.models import UnitRole

    username, role, kind = USERS[key]
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        grant = UnitRole.objects.filter(role=role, unit__kind=kind, user__is_active=True).order_by("pk").first()
        if grant is None:
            raise SystemExit(f"no account with role {role} on a unit of kind {kind}")
        user = grant.user
    return user


def _session(user) -> str:
    """A session as django.contrib.auth.login stores it; returns its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.module_loading import import_string

    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    # The backend that authenticated the user as login() records it: the first that can load a user (django-axes,
    # when installed, stands first and only guards the log-in).
    store[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(b), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _pages(users: dict) -> list[Page]:
    """The mixed load, weighted per 100 requests as the season of May looks (see the report's note)."""
    from django.db.models import Count
    from django.urls import reverse

    from awards.models import AwardRecord
    from campaigns.models import Campaign
    from councils.models import Meeting
    from nominations.models import Dossier
    from units.enums import UnitKind
    from units.models import Person
    from units.rules import people_in_scope

    school_user = users["school"]
    person = (
        Person.objects.filter(
            pk__in=AwardRecord.objects.filter(person__in=people_in_scope(school_user)).values("person_id")
        )
        .order_by("pk")
        .first()
    ) or people_in_scope(school_user).order_by("pk").first()
    dossier = (
        Dossier.objects.annotate(n=Count("nominations"))
        .filter(n__gte=200, receiving_unit__roles__user=users["office"])
        .order_by("n", "pk")
        .first()
    ) or Dossier.objects.annotate(n=Count("nominations")).order_by("-n", "pk").first()
    campaign = (
        Campaign.objects.filter(launched_by__kind=UnitKind.DEPARTMENT)
        .annotate(n=Count("registrations"))
        .order_by("-n")
        .first()
    )
    meeting = (
        Meeting.objects.filter(council__unit__kind=UnitKind.DEPARTMENT)
        .exclude(council__name__startswith="Hội đồng đo tải")
        .annotate(n=Count("agenda"))
        .order_by("-n", "-pk")
        .first()
    )
    from awards.schoolyear import current_school_year
    from awards.selectors import individual_codes_in_force

    codes = sorted(individual_codes_in_force(datetime.date.today()))
    award = "LDTT" if "LDTT" in codes else codes[0]
    inbox = reverse("nominations:inbox")
    pages = [
        Page("home-school", "Trang chủ: thư ký trường", "school", "/", 14, school=True),
        Page("home-office", "Trang chủ: chuyên viên Phòng", "office", "/", 6),
        Page("home-dept", "Trang chủ: chuyên viên Sở", "dept", "/", 5),
        Page("home-admin", "Trang chủ: quản trị Sở", "admin", "/", 2),
        Page("inbox-dept", "Hộp thư hồ sơ gửi đến: Sở", "dept", inbox, 8),
        Page("inbox-office", "Hộp thư hồ sơ gửi đến: Phòng", "office", inbox, 8),
        Page(
            "dossier-200",
            f"Hồ sơ {dossier.n} đề nghị (Phòng), trang 1",
            "office",
            reverse("nominations:dossier_detail", args=[dossier.pk]),
            6,
        ),
        Page(
            "nominations-filtered",
            "Đề nghị gửi đến, lọc (Sở)",
            "dept",
            inbox + "?tab=de-nghi&trang_thai_de_nghi=returned&o=ten",
            6,
        ),
        Page("staff-dept", "Cá nhân: toàn Sở", "dept", reverse("units:person_list"), 5),
        Page("staff-school", "Cá nhân: một trường", "school", reverse("units:person_list"), 0, school=True),
        Page(
            "person-history",
            "Thành tích một cá nhân",
            "school",
            reverse("awards:person_history", args=[person.pk]),
            10,
            school=True,
        ),
        Page(
            "eligibility",
            "Kiểm tra điều kiện (một cá nhân)",
            "school",
            reverse("awards:person_check", args=[person.pk]) + f"?award={award}&year={current_school_year()}",
            6,
            school=True,
        ),
        Page(
            "registration-overview",
            "Tổng hợp đăng ký (Sở)",
            "dept",
            reverse("campaigns:registration_overview", args=[campaign.pk]),
            4,
        ),
        Page("dashboard-dept", "Bảng điều khiển (Sở)", "dept", reverse("workbench:dashboard"), 4),
        Page("meeting", "Phiên họp Hội đồng (Sở)", "dept", reverse("councils:meeting_detail", args=[meeting.pk]), 4),
        Page("ballot", "Bỏ phiếu (POST)", "member", "", 4, method="POST"),
        Page("search", "Tìm kiếm không dấu (Sở)", "dept", reverse("search:results") + "?q=nguyen+thi", 8),
        Page(
            "search-school",
            "Tìm kiếm không dấu (trường)",
            "school",
            reverse("search:results") + "?q=nguyen+thi",
            0,
            school=True,
        ),
    ]
    return pages


# --- the ballots: a bench council of the Sở, one round per rate step ---------------------------------------


class Ballots:
    """Members of a bench council of the Sở, each with a session, in an open round: each cast is a first cast.

    Created with bulk_create as the services store them (an account, a UnitRole «Thành viên Hội đồng TĐKT» on
    the Sở, a seat, attendance «có mặt»), then the round is opened by the council service (councils.box.freeze
    makes them the entitled members); the previous round is closed first."""

    def __init__(self):
        from councils import services
        from councils.enums import MemberRole
        from councils.models import AgendaItem, Council, Meeting
        from units.enums import UnitKind
        from units.models import Unit

        self.department = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("pk").first()
        council = Council.objects.filter(unit=self.department, name="Hội đồng đo tải").first()
        if council is None:
            council = services.council_create(
                by=None,
                unit=self.department,
                name="Hội đồng đo tải",
                period_start=datetime.date(datetime.date.today().year, 1, 1),
                period_end=datetime.date(datetime.date.today().year, 12, 31),
            )
        self.council = council
        self.meeting = Meeting.objects.filter(council=council).order_by("-pk").first()
        if self.meeting is None:
            chair, secretary = self._members(2, prefix="chutri")
            seats = {s.user_id: s for s in council.members.all()}
            from councils.models import CouncilMember

            CouncilMember.objects.filter(pk=seats[chair.pk].pk).update(role=MemberRole.CHAIR)
            CouncilMember.objects.filter(pk=seats[secretary.pk].pk).update(role=MemberRole.SECRETARY)
            self.meeting = services.meeting_create(
                by=None,
                council=council,
                date=datetime.date.today(),
                start_time=datetime.time(8, 0),
                place="Phòng họp đo tải",
                chair=seats[chair.pk],
                secretary=seats[secretary.pk],
            )
            # The agenda: nominations the Sở's real council votes on (the same rows, a second meeting's items).
            source = (
                AgendaItem.objects.filter(meeting__council__unit=self.department)
                .exclude(meeting=self.meeting)
                .values_list("nomination_id", flat=True)
                .distinct()
                .order_by("nomination_id")[:3]
            )
            AgendaItem.objects.bulk_create(
                [AgendaItem(meeting=self.meeting, nomination_id=n, position=i + 1) for i, n in enumerate(source)]
            )
        self.chair = self.meeting.chair.user
        self.round = None
        self.sessions: list[str] = []
        self.body = ""
        self.rounds = 0

    def _members(self, n: int, prefix: str = "") -> list:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from councils.enums import AttendanceStatus, MemberRole
        from councils.models import Attendance, CouncilMember
        from units.enums import Role
        from units.models import UnitRole

        User = get_user_model()
        stamp = f"{BALLOT_PREFIX}{prefix}{int(time.time() * 1000)}-"
        unusable = make_password(None)
        users = User.objects.bulk_create([User(username=f"{stamp}{i}", password=unusable) for i in range(n)])
        users = list(User.objects.filter(username__startswith=stamp).order_by("pk"))
        UnitRole.objects.bulk_create([UnitRole(user=u, unit=self.department, role=Role.COUNCIL_MEMBER) for u in users])
        seats = CouncilMember.objects.bulk_create(
            [
                CouncilMember(
                    council=self.council, user=u, full_name=f"Thành viên đo tải {u.pk}", role=MemberRole.MEMBER
                )
                for u in users
            ]
        )
        meeting = getattr(self, "meeting", None)
        if meeting is not None:
            seats = list(CouncilMember.objects.filter(user__in=users))
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, member=s, status=AttendanceStatus.PRESENT) for s in seats]
            )
        return users

    def prepare(self, n: int) -> None:
        """n fresh members in a newly opened round (the previous one closed)."""
        from councils import services
        from councils.enums import RoundStatus
        from councils.models import Round

        for open_round in Round.objects.filter(meeting=self.meeting, status=RoundStatus.OPEN):
            services.round_act(by=self.chair, round_=open_round, action="close", version=open_round.version)
        users = self._members(n)
        from councils.enums import AttendanceStatus
        from councils.models import Attendance

        # Everyone present (the meeting may have listed the first seats with another status).
        Attendance.objects.filter(meeting=self.meeting).exclude(status=AttendanceStatus.PRESENT).update(
            status=AttendanceStatus.PRESENT, reason=""
        )
        missing = self.council.members.exclude(attendances__meeting=self.meeting)
        Attendance.objects.bulk_create(
            [Attendance(meeting=self.meeting, member=s, status=AttendanceStatus.PRESENT) for s in missing]
        )
        round_ = Round.objects.filter(meeting=self.meeting, status=RoundStatus.CREATED).first()
        if round_ is None:  # (one is left when an earlier run stopped between the two)
            round_ = services.round_create(by=self.chair, meeting=self.meeting)
        self.round = services.round_act(by=self.chair, round_=round_, action="open", version=round_.version)
        self.sessions = [_session(u) for u in users]
        self.body = "&".join(f"item-{i}=for" for i in sorted(int(k) for k in self.round.rules["items"]))
        self.rounds += 1

    @property
    def path(self) -> str:
        from django.urls import reverse

        return reverse("councils:ballot", args=[self.round.pk])

    @property
    def receipt(self) -> str:
        from django.urls import reverse

        return reverse("councils:receipt", args=[self.round.pk])

    def take(self) -> str:
        if not self.sessions:
            raise RuntimeError("no ballot member left: prepare() more")
        return self.sessions.pop()


# --- the floor of the data: the page's SQL alone ---------------------------------------------------------------


def _sql_floor(client, page: Page, method: str, path: str, body: str, runs: int = 5) -> dict:
    """The page's queries through django.test.Client, then its SELECTs run again alone (median of `runs`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if method == "POST":  # a cast is a first cast only once: no warm-up, its writes are not re-run
        data = dict(part.split("=", 1) for part in body.split("&"))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, data)
    else:
        client.get(path)  # warm-up: the first request loads templates
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    if response.status_code != (302 if method == "POST" else 200):
        raise SystemExit(
            f"{page.key}: {method} {path} answered {response.status_code} {response.get('Location', '')} in this "
            "process: not the page to measure"
        )
    statements = [q["sql"] for q in captured.captured_queries]
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    totals = []
    failed = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        for _ in range(runs):
            started = time.perf_counter()
            for sql in selects:
                try:
                    raw.execute(sql)
                    raw.fetchall()
                except Exception:  # noqa: BLE001 (a statement the driver cannot re-run as logged is counted)
                    failed += 1
                    if connection.vendor == "postgresql":
                        connection.connection.rollback()
            totals.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(statements),
        "sql_ms": statistics.median(totals) if totals else 0.0,
        "sql_failed": failed // max(1, runs),
        "kb": len(response.content) / 1024,
    }


# --- gunicorn ---------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _collectstatic() -> None:
    """Hashed names and a strict manifest, as production (without the compression: a minute, no difference to
    the pages)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


class Gunicorn:
    def __init__(self, env: dict, workdir: Path, workers: int, threads: int):
        self.port = _free_port()
        self.log_path = workdir / "gunicorn.log"
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--config",
            str(ROOT / "config" / "gunicorn_conf.py"),  # docker-compose.yml's: timeout, access log, gc tuning
            "--backlog",
            "2048",
        ]
        if threads > 1:
            command += ["--threads", str(threads)]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                if len(self.workers()) >= workers:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit("gunicorn did not answer within 30 s")

    def workers(self) -> list[int]:
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """utime + stime of the worker processes (the master only supervises), plus the master's cutime + cstime:
        a worker gunicorn replaced (killed at its timeout) keeps counting there once reaped."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        try:
            with open(f"/proc/{self.process.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[13]) + int(fields[14])
        except OSError:
            pass
        for pid in self.workers():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / ticks

    def stop(self):  # (twice is harmless: the soak stops it before its report, the caller's finally again)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


# --- the client: one asyncio loop, requests at their scheduled time -------------------------------------------
#
# The client shares the machine with gunicorn and PostgreSQL, so it is lean: each page's request bytes are built
# once (a ballot's only differ by their session), every request is a non-blocking socket driven by the loop's
# selector callbacks (no task, stream or future per request in the mixed load: `python -m bench.load --client-cost`
# measures it against a stub server), and an answer is read only as far as its status line and Location header;
# the rest is counted, not kept. Latency is still counted from the SCHEDULED time to the server's close.

_HEAD_LIMIT = 16384  # bytes of an answer kept to find its status line and Location header


class _Exchange:
    """One request on a non-blocking socket: connect, send, read to the server's close; then `done(result)` with
    (status, location, body bytes, error) — status 0 and the error's name when it failed."""

    __slots__ = ("sock", "fd", "request", "done", "head", "size", "loop", "deadline")

    def __init__(self, loop, port: int, request: bytes, done, deadline: float):
        self.loop, self.request, self.done, self.deadline = loop, request, done, deadline
        self.head = b""
        self.size = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.fd = self.sock.fileno()
        code = self.sock.connect_ex(("127.0.0.1", port))
        if code == 0:
            self._connected()
        elif code in (errno.EINPROGRESS, errno.EAGAIN):
            loop.add_writer(self.fd, self._connected)
        else:
            self._finish(f"{errno.errorcode.get(code, code)} on connect")

    def _connected(self):
        self.loop.remove_writer(self.fd)
        code = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            self._finish(f"{errno.errorcode.get(code, code)} on connect")
            return
        try:
            self.sock.sendall(self.request)  # a few hundred bytes: the socket buffer takes them at once
        except OSError as exc:
            self._finish(f"{type(exc).__name__}: {exc}")
            return
        self.loop.add_reader(self.fd, self._readable)

    def _readable(self):
        try:
            data = self.sock.recv(262144)
        except BlockingIOError:
            return
        except OSError as exc:
            self._finish(f"{type(exc).__name__}: {exc}")
            return
        if not data:
            self._finish("")
            return
        if len(self.head) < _HEAD_LIMIT and b"\r\n\r\n" not in self.head:
            self.head += data[: _HEAD_LIMIT - len(self.head)]
        self.size += len(data)

    def abort(self):
        self._finish("TimeoutError")

    def _finish(self, error: str):
        if self.sock is None:
            return
        self.loop.remove_reader(self.fd)
        self.loop.remove_writer(self.fd)
        self.sock.close()
        self.sock = None
        header, sep, _ = self.head.partition(b"\r\n\r\n")
        status, location = 0, ""
        if not error:
            lines = header.decode("latin-1").split("\r\n")
            try:
                status = int(lines[0].split()[1])
            except (IndexError, ValueError):
                error = "no HTTP status line"
            for line in lines[1:]:
                if line[:9].lower() == "location:":
                    location = line[9:].strip()
                    break
        self.done((status, location, self.size - len(header) - len(sep), error))


class Target:
    """Builds one page's request, sends it and judges its answer."""

    def __init__(self, port: int, sessions: dict, ballots: Ballots | None):
        self.port = port
        self.sessions = sessions
        self.ballots = ballots
        self.timeout = 90.0
        self._requests: dict[str, bytes] = {}  # a GET page's bytes, built once
        # The writes the load made, as the client saw them (the soak checks them against the database).
        self.writes = {"sent": 0, "answered": 0, "receipts": 0}

    def _bytes(self, method: str, path: str, cookie: str, body: str = "") -> bytes:
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Cookie: {cookie}", "Connection: close"]
        payload = body.encode()
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(payload)}",
                f"X-CSRFToken: {CSRF_SECRET}",
            ]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + payload

    def request(self, page: Page) -> bytes:
        """The request's bytes; a ballot takes a fresh member's session (and counts as a write sent)."""
        if page.method == "POST":
            self.writes["sent"] += 1
            cookie = f"sessionid={self.ballots.take()}; csrftoken={CSRF_SECRET}"
            return self._bytes("POST", self.ballots.path, cookie, self.ballots.body)
        request = self._requests.get(page.key)
        if request is None:
            request = self._requests[page.key] = self._bytes("GET", page.path, f"sessionid={self.sessions[page.user]}")
        return request

    def judge(self, page: Page, answer: tuple) -> tuple[bool, str]:
        status, location, _size, error = answer
        if error:
            return False, error
        if page.method == "POST":
            ok = status == 302 and location.endswith(self.ballots.receipt)
            self.writes["answered"] += 200 <= status < 400
            self.writes["receipts"] += ok
            return ok, f"{status} {location or '(no redirect: the ballot was refused)'}"
        ok = 200 <= status < 400 and "/login/" not in location
        return ok, f"{status} {location}"

    def start(self, page: Page, done) -> _Exchange:
        loop = asyncio.get_running_loop()
        return _Exchange(loop, self.port, self.request(page), done, loop.time() + self.timeout)

    async def send(self, page: Page) -> tuple[bool, str]:
        """One request awaited (the bursts and warm-ups; the mixed load uses start())."""
        future = asyncio.get_running_loop().create_future()
        exchange = self.start(page, future.set_result)
        try:
            answer = await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except TimeoutError:
            exchange.abort()
            answer = await future
        return self.judge(page, answer)


async def _run_schedule(target: Target, schedule: list[tuple[float, Page]], timeout: float) -> list[tuple]:
    """Each request at its scheduled offset; returns (page, scheduled, latency_s, ok, detail) per request and the
    client's own lateness at each send. Every send is a loop.call_at callback, every answer a selector callback;
    a sweep once a second aborts the exchanges past `timeout`."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    results = []
    lags = []
    pending: dict[int, _Exchange] = {}
    finished = loop.create_future()
    remaining = [len(schedule)]

    def fire(index: int, offset: float, page: Page):
        now = loop.time()
        scheduled = start + offset
        lags.append(max(0.0, now - scheduled))  # how late the client itself sent it (its own share of the latency)

        def done(answer):
            pending.pop(index, None)
            ok, detail = target.judge(page, answer)
            results.append((page, offset, loop.time() - scheduled, ok, detail))
            remaining[0] -= 1
            if not remaining[0] and not finished.done():
                finished.set_result(None)

        try:
            exchange = _Exchange(loop, target.port, target.request(page), done, now + timeout)
        except Exception as exc:  # noqa: BLE001 (every failure is an error of the run, with its reason)
            done((0, "", 0, f"{type(exc).__name__}: {exc}"))
            return
        if exchange.sock is not None:
            pending[index] = exchange

    def sweep():
        now = loop.time()
        for exchange in [e for e in pending.values() if e.deadline <= now]:
            exchange.abort()
        if not finished.done():
            loop.call_later(1.0, sweep)

    if not schedule:
        return results, lags
    for index, (offset, page) in enumerate(schedule):
        loop.call_at(start + offset, fire, index, offset, page)
    loop.call_later(1.0, sweep)
    await finished
    return results, lags


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving this bench's database while a step runs, from /proc (the server on
    this machine; a backend's title names its database: `postgres: 15/main: portal portal_bench 127.0.0.1(…)`).

    A thread reads each backend's utime + stime every half second: a backend that existed at the start counts
    from its first reading, one that started during the step counts whole (a worker reconnects when CONN_MAX_AGE
    runs out); one that exits counts up to its last reading. The bench's own connection is idle during a step.
    `seconds()` is None when not measurable (another host, SQLite, no /proc)."""

    def __init__(self):
        from django.db import connection

        host = connection.settings_dict.get("HOST") or "127.0.0.1"
        self.enabled = connection.vendor == "postgresql" and host in ("127.0.0.1", "localhost", "::1")
        self.marker = f" {connection.settings_dict.get('NAME')} ".encode()
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.titles: dict[str, bool] = {}  # pid -> a backend of this database
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.stop_event = threading.Event()
        self.thread = None

    def _read(self) -> dict[str, int]:
        found = {}
        for entry in os.scandir("/proc"):
            pid = entry.name
            if not pid.isdigit():
                continue
            try:
                if pid not in self.titles:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        title = f.read(200)
                    self.titles[pid] = title.startswith(b"postgres: ") and self.marker in title
                if not self.titles[pid]:
                    continue
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[pid] = int(fields[11]) + int(fields[12])
        return found

    def _run(self):
        while not self.stop_event.wait(0.5):
            for pid, ticks in self._read().items():
                self.first.setdefault(pid, 0)  # started during the step: its whole life counts
                self.last[pid] = ticks

    def start(self) -> "DatabaseCpu":
        if self.enabled:
            self.titles.clear()  # a pid may have been reused since
            self.first = self._read()
            self.last = dict(self.first)
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()
        return self

    def seconds(self) -> float | None:
        if self.thread is None:
            return None
        self.stop_event.set()
        self.thread.join()
        for pid, ticks in self._read().items():
            self.first.setdefault(pid, 0)
            self.last[pid] = ticks
        if not self.last:
            return None
        return sum(self.last[pid] - self.first[pid] for pid in self.last) / self.ticks


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _mix(pages: list[Page], count: int, seed: int) -> list[Page]:
    weighted = [p for p in pages if p.weight > 0]
    rng = random.Random(seed)
    return rng.choices(weighted, weights=[p.weight for p in weighted], k=count)


def _step(gunicorn: Gunicorn, target: Target, pages: list[Page], rate: float, duration: float, warmup: float) -> dict:
    """One rate step: warm-up requests (not counted) then `duration` seconds at `rate` requests/s."""
    total = int(round(rate * (warmup + duration)))
    mix = _mix(pages, total, seed=int(rate * 1000))
    if target.ballots is not None:
        target.ballots.prepare(sum(1 for p in mix if p.method == "POST") + 2)
    schedule = [(i / rate, page) for i, page in enumerate(mix)]
    cpu_before, usage_before = gunicorn.cpu_seconds(), resource.getrusage(resource.RUSAGE_SELF)
    database = DatabaseCpu().start()
    wall = time.perf_counter()
    results, lags = asyncio.run(_run_schedule(target, schedule, timeout=90))
    wall = time.perf_counter() - wall
    cpu = gunicorn.cpu_seconds() - cpu_before
    db_cpu = database.seconds()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    counted = [r for r in results if r[1] >= warmup]
    per_page: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}
    for page, _, latency, ok, detail in counted:
        per_page.setdefault(page.key, []).append(latency * 1000)
        if not ok:
            errors.setdefault(page.key, []).append(detail)
    latencies = [r[2] * 1000 for r in counted]
    return {
        "rate": rate,
        "requests": len(counted),
        "errors": {k: len(v) for k, v in errors.items()},
        "error_samples": {k: v[:3] for k, v in errors.items()},
        "p50": _percentile(latencies, 0.5),
        "p95": _percentile(latencies, 0.95),
        "max": max(latencies) if latencies else float("nan"),
        "pages": {
            k: {"p50": _percentile(v, 0.5), "p95": _percentile(v, 0.95), "max": max(v), "n": len(v)}
            for k, v in per_page.items()
        },
        "server_cpu_ms": cpu * 1000 / max(1, len(results)),
        "server_cpu_share": cpu / wall,
        "client_cpu_share": client_cpu / wall,
        "client_cpu_ms": client_cpu * 1000 / max(1, len(results)),
        "db_cpu_ms": None if db_cpu is None else db_cpu * 1000 / max(1, len(results)),
        "client_lag_p95": _percentile([lag * 1000 for lag in lags], 0.95),
    }


def _drain(gunicorn: Gunicorn, limit: float = 120.0) -> None:
    """Wait until the workers are idle: requests a timed-out client left in the listen queue still run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = gunicorn.cpu_seconds()
        time.sleep(1.0)
        if gunicorn.cpu_seconds() - before < 0.05:
            return


def _passes(step: dict) -> bool:
    return not step["errors"] and all(p["p95"] <= TARGET_P95_MS for p in step["pages"].values())


def _alone(gunicorn: Gunicorn, target: Target, page: Page, burst: int) -> dict:
    """The page alone: `burst` requests two at a time; workers' CPU per request and latency."""

    async def run():
        queue = list(range(burst))
        latencies, failures = [], []

        async def worker():
            while queue:
                queue.pop()
                started = time.perf_counter()
                ok, detail = await target.send(page)
                latencies.append((time.perf_counter() - started) * 1000)
                if not ok:
                    failures.append(detail)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, failures

    from django.db import connection

    # SQLite answers a second simultaneous writer "database is locked" (a 500) at once: casts one at a time there.
    concurrency = 1 if page.method == "POST" and connection.vendor == "sqlite" else 2

    asyncio.run(_one_warmup(target, page))
    before = gunicorn.cpu_seconds()
    latencies, failures = asyncio.run(run())
    cpu = gunicorn.cpu_seconds() - before
    return {
        "cpu_ms": cpu * 1000 / burst,
        "alone_p50": _percentile(latencies, 0.5),
        "alone_p95": _percentile(latencies, 0.95),
        "alone_errors": len(failures),
        "alone_error_samples": failures[:3],
    }


async def _warm_up(target: Target, pages: list[Page], rounds: int):
    for page in pages:
        for _ in range(rounds // 2):
            await asyncio.gather(target.send(page), target.send(page))


async def _one_warmup(target: Target, page: Page):
    for _ in range(2):  # each worker's first answer of the page loads its templates
        await target.send(page)


# --- the report -------------------------------------------------------------------------------------------------


def _machine() -> dict:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model or "unknown",
        "ram_gb": mem_kb / 1024 / 1024,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3,
    }


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _counts() -> dict:
    from awards.models import AwardRecord
    from nominations.models import Dossier, Nomination
    from units.enums import UnitKind
    from units.models import Person, Unit

    return {
        "schools": Unit.objects.filter(kind=UnitKind.SCHOOL).count(),
        "units": Unit.objects.count(),
        "people": Person.objects.count(),
        "award records": AwardRecord.objects.count(),
        "dossiers": Dossier.objects.count(),
        "nominations": Nomination.objects.count(),
    }


def _fmt(value, digits=0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def _report(
    meta: dict, pages: list[Page], bare: dict, steps: list[dict], best: float | None, compare: dict | None
) -> str:
    m = meta["machine"]
    lines = [
        SECTION,
        "",
        f"{meta['date']}, commit `{meta['commit']}`, `{meta['command']}`. Machine: {m['nproc']} cores "
        f"({m['cpu']}), {m['ram_gb']:.1f} GB RAM, load average before the run {' / '.join(m['loadavg'])}; "
        f"{meta['db_version']}. gunicorn {meta['workers']} sync workers"
        + (f" × {meta['threads']} threads" if meta["threads"] > 1 else "")
        + f", DEBUG=0, CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE')}, cache `{meta['cache']}`; the client (one "
        "asyncio loop, a new connection per request) on the same machine.",
        "",
        "Data: " + ", ".join(f"{v:,} {k}" for k, v in meta["counts"].items()) + f" ({meta['data']}).",
        "",
        f"**Highest rate with every page's p95 ≤ {TARGET_P95_MS:.0f} ms and no error: "
        + (f"{best:.0f} requests/s**" if best else "none of the rates tried**")
        + f" (steps {', '.join(_fmt(s['rate']) for s in steps if not s.get('bisect'))}/s, "
        f"{meta['duration']:.0f} s each after {meta['warmup']:.0f} s of warm-up; bisection steps "
        f"{', '.join(_fmt(s['rate']) for s in steps if s.get('bisect')) or 'none'}). Latency counted from the "
        "scheduled time (open model: queueing shows). Any answer other than 2xx/3xx is an error; a ballot must "
        "redirect to its receipt.",
        "",
        "| rate/s | requests | errors | p50 ms | p95 ms | max ms | worst page p95 | server CPU ms/request | "
        "workers' CPU (cores) | PostgreSQL CPU ms/request | client CPU ms/request | client CPU (cores) | "
        "client's send lag p95 ms |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {p.key: p.label for p in pages}
    for s in steps:
        worst = max(s["pages"].items(), key=lambda kv: kv[1]["p95"]) if s["pages"] else ("–", {"p95": None})
        lines.append(
            f"| {_fmt(s['rate'])}{' (bisection)' if s.get('bisect') else ''} | {s['requests']} | "
            f"{sum(s['errors'].values())} | {_fmt(s['p50'])} | {_fmt(s['p95'])} | {_fmt(s['max'])} | "
            f"{labels.get(worst[0], worst[0])}: {_fmt(worst[1]['p95'])} | {_fmt(s['server_cpu_ms'], 1)} | "
            f"{_fmt(s['server_cpu_share'], 2)} | {_fmt(s.get('db_cpu_ms'), 1)} | {_fmt(s.get('client_cpu_ms'), 2)} | "
            f"{_fmt(s['client_cpu_share'], 2)} | {_fmt(s['client_lag_p95'], 1)} |"
        )
    if meta.get("skipped"):
        lines.append(
            f"| {', '.join(_fmt(r) for r in meta['skipped'])} | skipped: the step below collapsed (median over "
            f"{COLLAPSE_P50_MS / 1000:.0f} s) | | | | | | | | | | | |"
        )
    main_steps = [s for s in steps if not s.get("bisect")]
    lines += [
        "",
        "Each page: its weight in the mix (per 100 requests), SQL queries, the time of those SELECTs run again "
        "alone on the driver's cursor (the floor of the data), the workers' CPU per request with the page alone "
        f"(a burst of {meta['burst']}, two at a time) and its ratio to the bare page (target ≤ 4×), then p50 / p95 / "
        "max in ms at each rate of the mix.",
        "",
        "| page | weight | queries | SQL alone ms | KB | CPU ms alone | × bare | "
        + " | ".join(f"{_fmt(s['rate'])}/s p50 / p95 / max" for s in main_steps)
        + " |",
        "|---|---:|---:|---:|---:|---:|---:|" + "---|" * len(main_steps),
    ]
    bare_cpu = bare["cpu_ms"]
    low, high = bare.get("cpu_ms_range", (bare_cpu, bare_cpu))
    lines.append(
        f"| bare page (base.html, logged in; CPU measured before and after the pages: {_fmt(low, 1)}, "
        f"{_fmt(high, 1)}) | – | {bare.get('queries', '–')} | {_fmt(bare.get('sql_ms'), 1)} | "
        f"{_fmt(bare.get('kb'))} | {_fmt(bare_cpu, 1)} | 1.0 | " + " | ".join("–" for _ in main_steps) + " |"
    )
    for p in pages:
        r = p.results
        cells = []
        for s in main_steps:
            q = s["pages"].get(p.key)
            cells.append(f"{_fmt(q['p50'])} / {_fmt(q['p95'])} / {_fmt(q['max'])}" if q else "–")
        ratio = r.get("cpu_ms", 0) / bare_cpu if bare_cpu else None
        flag = " ⚠" if ratio and ratio > 4 else ""
        lines.append(
            f"| {p.label} | {p.weight or '–'} | {_fmt(r.get('queries'))} | {_fmt(r.get('sql_ms'), 1)} | "
            f"{_fmt(r.get('kb'))} | {_fmt(r.get('cpu_ms'), 1)} | {_fmt(ratio, 1)}{flag} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        "The mix: homes 27 (a school's secretary 14, a Phòng's reviewer 6, the Sở's reviewer 5, the Sở's administrator "
        "2), reviewer inboxes 16, a person's award history 10, search 8, the 200-nomination dossier 6, the filtered "
        "nomination list 6, the eligibility check 6, the Sở-wide staff list 5, the registration overview, the "
        "dashboard, the meeting page and ballots 4 each: in May the schools fill in and look up, the reviewers "
        "work their inboxes, the Sở looks at overviews. The ballot's POST counts all its queries; only its "
        "SELECTs are re-run for the SQL floor (the writes would cast again). Pages with weight – are measured "
        "alone only (the school comparison below).",
    ]
    errors = {k: v for s in steps for k, v in s["error_samples"].items()}
    errors.update(
        {f"{p.key} (alone)": p.results["alone_error_samples"] for p in pages if p.results.get("alone_errors")}
    )
    if errors:
        lines += [
            "",
            "Errors seen (first of each page): " + "; ".join(f"{labels.get(k, k)}: {v[0]}" for k, v in errors.items()),
        ]
    if compare:
        lines += [
            "",
            "A school's pages alone (same burst, the same school secretary), the "
            f"{compare['counts']['schools']}-school demo (`seed_demo`) against this "
            f"{meta['counts']['schools']:,}-school province: p50 / p95 ms, "
            "workers' CPU ms per request, queries.",
            "",
            "| page | demo p50 / p95 | province p50 / p95 | demo CPU ms | province CPU ms | demo queries | "
            "province queries |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        rows = [("bare page (base.html)", compare.get("bare", {}), bare)]
        rows += [(p.label, compare["pages"].get(p.key, {}), p.results) for p in pages if p.school]
        for label, d, r in rows:
            lines.append(
                f"| {label} | {_fmt(d.get('alone_p50'))} / {_fmt(d.get('alone_p95'))} | "
                f"{_fmt(r.get('alone_p50'))} / {_fmt(r.get('alone_p95'))} | {_fmt(d.get('cpu_ms'), 1)} | "
                f"{_fmt(r.get('cpu_ms'), 1)} | {_fmt(d.get('queries'))} | {_fmt(r.get('queries'))} |"
            )
    lines.append("")
    return "\n".join(lines)


# --- the soak: the mix held at one rate for minutes (issue 15 item 7) -------------------------------------------


def _rss_kb(pid: int) -> int | None:
    """A process's resident set in kB: psutil when installed, else /proc/<pid>/status (VmRSS)."""
    try:
        import psutil  # noqa: PLC0415 (optional: not a dependency of the portal)

        return psutil.Process(pid).memory_info().rss // 1024
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 (psutil.NoSuchProcess and the like: the worker is gone)
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def last_passing_rate(path: Path) -> float | None:
    """The highest rate that passed in the last mixed-load run written into `path` (its section's bold line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    start = text.find(SECTION + "\n")
    if start < 0:
        return None
    block = text[start : (text.find("\n## ", start + 1) + 1 or len(text))]
    found = re.search(r"\*\*Highest rate with every page's p95 ≤ \d+ ms and no error: ([\d.,]+) requests/s\*\*", block)
    return float(found.group(1).replace(",", "")) if found else None


def _box_rows(round_) -> dict:
    """What the casts of a round wrote, counted in the database (totals only: no row is read)."""
    from councils.models import Ballot, CastRecord, ReceiptCode, VoterRoll

    return {
        "voter roll": VoterRoll.objects.filter(round=round_).count(),
        "receipt codes": ReceiptCode.objects.filter(round=round_).count(),
        "cast records": CastRecord.objects.filter(round=round_).count(),
        "ballot rows": Ballot.objects.filter(round=round_).count(),
    }


def _soak(gunicorn: Gunicorn, target: Target, pages: list[Page], rate: float, minutes: float, warmup: float) -> dict:
    """`minutes` of the mix at `rate` (after `warmup` seconds not counted in the latencies), one open-model
    schedule as a rate step's; each worker's RSS every SOAK_RSS_SAMPLE_S seconds; then, once the workers are
    idle, the ballot box's rows counted against the casts the client saw answered."""
    duration = minutes * 60
    total = int(round(rate * (warmup + duration)))
    mix = _mix(pages, total, seed=15)
    ballots = target.ballots
    ballots.prepare(sum(1 for p in mix if p.method == "POST") + 2)  # one round, a fresh member for each cast
    sheet = ballots.body.count("item-")
    target.writes = dict.fromkeys(target.writes, 0)
    schedule = [(i / rate, page) for i, page in enumerate(mix)]
    samples: list[tuple[float, int, int]] = []  # (seconds since the start, worker pid, RSS kB)

    async def run():
        loop = asyncio.get_running_loop()
        started = loop.time()
        done = asyncio.Event()

        def sample():
            for pid in gunicorn.workers():
                rss = _rss_kb(pid)
                if rss is not None:
                    samples.append((loop.time() - started, pid, rss))

        async def sampler():
            while not done.is_set():
                sample()
                try:
                    await asyncio.wait_for(done.wait(), SOAK_RSS_SAMPLE_S)
                except TimeoutError:
                    pass
            sample()

        task = asyncio.create_task(sampler())
        try:
            return await _run_schedule(target, schedule, timeout=90)
        finally:
            done.set()
            await task

    cpu_before = gunicorn.cpu_seconds()
    wall = time.perf_counter()
    results, lags = asyncio.run(run())
    wall = time.perf_counter() - wall
    cpu = gunicorn.cpu_seconds() - cpu_before
    _drain(gunicorn)  # a request the client gave up on may still be writing
    rows = _box_rows(ballots.round)

    minutes_rows = []
    count = max(1, math.ceil(duration / 60))
    for index in range(count):
        low, high = warmup + index * 60, warmup + min(duration, (index + 1) * 60)
        chunk = [r for r in results if low <= r[1] < high]
        latencies = [r[2] * 1000 for r in chunk]
        errors: dict[str, list[str]] = {}
        for page, _, _, ok, detail in chunk:
            if not ok:
                errors.setdefault(page.key, []).append(detail)
        last = index == count - 1
        rss = {}
        for t, pid, kb in samples:  # each worker's last sample up to the end of the minute (the schedule starts
            if last or t <= high + 0.2:  # 0.2 s after the sampler)
                rss[pid] = kb
        minutes_rows.append(
            {
                "minute": index + 1,
                "seconds": high - low,
                "requests": len(chunk),
                "errors": sum(len(v) for v in errors.values()),
                "error_samples": {k: v[:3] for k, v in errors.items()},
                "p50": _percentile(latencies, 0.5),
                "p95": _percentile(latencies, 0.95),
                "max": max(latencies) if latencies else float("nan"),
                "pages_over": sorted(
                    key
                    for key in {r[0].key for r in chunk}
                    if _percentile([r[2] * 1000 for r in chunk if r[0].key == key], 0.95) > TARGET_P95_MS
                ),
                "rss_mb": {pid: kb / 1024 for pid, kb in rss.items()},
            }
        )
    warm_errors = [r for r in results if r[1] < warmup and not r[3]]

    # Memory: each worker from the end of minute 1 (its first sample from then; a soak shorter than two minutes
    # starts from the first sample after the warm-up) to its last sample.
    workers = {}
    baseline_at = warmup + 60 if duration >= 120 else warmup
    for pid in dict.fromkeys(pid for _, pid, _ in samples):
        own = [(t, kb) for t, p, kb in samples if p == pid]
        base = next(((t, kb) for t, kb in own if t >= baseline_at), own[0])
        end = own[-1]
        workers[pid] = {
            "first_mb": own[0][1] / 1024,
            "base_mb": base[1] / 1024,
            "base_s": base[0],
            "end_mb": end[1] / 1024,
            "end_s": end[0],
            "peak_mb": max(kb for _, kb in own) / 1024,
            "growth_mb": (end[1] - base[1]) / 1024,
            "samples": len(own),
        }
    last_t = max((t for t, _, _ in samples), default=0.0)
    replaced = [pid for pid, w in workers.items() if w["end_s"] < last_t - 1]  # gone before the end

    answered = target.writes["answered"]
    expected = {"voter roll": answered, "receipt codes": answered, "cast records": answered}
    expected["ballot rows"] = answered * sheet
    return {
        "rate": rate,
        "minutes": minutes,
        "warmup": warmup,
        "requests": sum(m["requests"] for m in minutes_rows),
        "errors": sum(m["errors"] for m in minutes_rows) + len(warm_errors),
        "warmup_errors": len(warm_errors),
        "minutes_rows": minutes_rows,
        "workers": workers,
        "replaced": replaced,
        "server_cpu_ms": cpu * 1000 / max(1, len(results)),
        "server_cpu_share": cpu / wall,
        "client_lag_p95": _percentile([lag * 1000 for lag in lags], 0.95),
        "writes": dict(target.writes),
        "sheet": sheet,
        "rows": rows,
        "expected_rows": expected,
        "lost": max(0, answered - rows["voter roll"]),
        "writes_match": rows == expected,
    }


def _soak_passes(result: dict, bound_mb: float) -> dict:
    return {
        "errors": result["errors"] == 0,
        "memory": not result["replaced"] and all(w["growth_mb"] <= bound_mb for w in result["workers"].values()),
        "writes": result["writes_match"] and result["writes"]["sent"] == result["writes"]["answered"],
    }


def _soak_report(meta: dict, result: dict, bound_mb: float) -> str:
    m = meta["machine"]
    verdict = _soak_passes(result, bound_mb)
    held = all(verdict.values())
    writes, rows, expected = result["writes"], result["rows"], result["expected_rows"]
    growth = max((w["growth_mb"] for w in result["workers"].values()), default=float("nan"))
    lines = [
        SOAK_SECTION,
        "",
        "The mixed load of «Province scale: mixed load» (same pages, weights, accounts and client) held at one rate "
        "for a number of minutes, as issue 15 item 7 asks: 10 minutes at the target rate with no error, no growth "
        "in memory per worker beyond a stated bound, and no lost write. Per minute: requests, errors, p50 / p95 / "
        "max in ms counted from the scheduled time, and each gunicorn worker's RSS (sampled every "
        f"{SOAK_RSS_SAMPLE_S:.0f} s from /proc, or psutil when installed). Memory: each worker's growth from the end "
        "of minute 1 (after the first requests have loaded the code and templates) to the end, against the bound. "
        "Writes: every ballot cast is a POST the client counts; once the workers are idle the round's voter roll, "
        "receipt codes, cast records and ballot rows are counted in the database and must equal the casts answered "
        "2xx/3xx (ballot rows: times the items of a sheet). `python -m bench.load --database-url … --soak 10` "
        "(rate: `--rates R`, else the highest rate that passed in the last mixed-load run written here; bound: "
        "`--rss-growth-mb`, default 50). Run it on a quiet machine: the numbers below are only as good as that.",
        "",
        f"{meta['date']}, commit `{meta['commit']}`, `{meta['command']}`. Machine: {m['nproc']} cores ({m['cpu']}), "
        f"{m['ram_gb']:.1f} GB RAM, load average before the run {' / '.join(m['loadavg'])}; {meta['db_version']}. "
        f"gunicorn {meta['workers']} sync workers, DEBUG=0, CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE')}, cache "
        f"`{meta['cache']}`.",
        "",
        "Data: " + ", ".join(f"{v:,} {k}" for k, v in meta["counts"].items()) + f" ({meta['data']}).",
        "",
        f"**{'Held' if held else 'Not held'}: {result['requests']:,} requests at {result['rate']:g}/s for "
        f"{result['minutes']:g} min (after {result['warmup']:g} s of warm-up), {result['errors']} errors"
        + (f" ({result['warmup_errors']} in the warm-up)" if result["warmup_errors"] else "")
        + f"; largest RSS growth of a worker {_fmt(growth, 1)} MB (bound {bound_mb:g} MB)"
        + (
            f", workers replaced during the run: {', '.join(map(str, result['replaced']))}"
            if result["replaced"]
            else ""
        )
        + f"; writes: {writes['answered']} of {writes['sent']} casts answered 2xx/3xx ({writes['receipts']} to their "
        f"receipt), {rows['voter roll']} on the voter roll: "
        + ("no lost write" if result["writes_match"] else f"MISMATCH, {result['lost']} lost")
        + ".**",
        "",
        "| minute | seconds | requests | errors | p50 ms | p95 ms | max ms | pages over p95 "
        f"{TARGET_P95_MS:.0f} ms | RSS MB per worker (end of minute) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in result["minutes_rows"]:
        lines.append(
            f"| {row['minute']} | {row['seconds']:.0f} | {row['requests']} | {row['errors']} | {_fmt(row['p50'])} | "
            f"{_fmt(row['p95'])} | {_fmt(row['max'])} | {', '.join(row['pages_over']) or '–'} | "
            + " / ".join(f"{mb:.0f}" for mb in row["rss_mb"].values())
            + " |"
        )
    lines += [
        "",
        "| worker pid | samples | RSS at start MB | from (s) | RSS then MB | RSS at the end MB | peak MB | growth MB | "
        f"within {bound_mb:g} MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for pid, w in result["workers"].items():
        ok = pid not in result["replaced"] and w["growth_mb"] <= bound_mb
        lines.append(
            f"| {pid} | {w['samples']} | {w['first_mb']:.1f} | {w['base_s']:.0f} | {w['base_mb']:.1f} | "
            f"{w['end_mb']:.1f} | {w['peak_mb']:.1f} | {w['growth_mb']:+.1f} | "
            + ("yes" if ok else ("**replaced**" if pid in result["replaced"] else "**no**"))
            + " |"
        )
    lines += [
        "",
        f"Writes (ballot casts, items per sheet: {result['sheet']}): the client sent {writes['sent']}, "
        f"{writes['answered']} answered 2xx/3xx; in the database "
        + ", ".join(f"{k} {rows[k]} (expected {expected[k]})" for k in rows)
        + ". Server CPU "
        f"{result['server_cpu_ms']:.1f} ms per request ({result['server_cpu_share']:.2f} cores); the client's send "
        f"lag p95 {_fmt(result['client_lag_p95'], 1)} ms.",
    ]
    samples = {k: v[0] for row in result["minutes_rows"] for k, v in row["error_samples"].items()}
    if samples:
        lines += ["", "Errors seen (first of each page): " + "; ".join(f"{k}: {v}" for k, v in samples.items())]
    lines.append("")
    return "\n".join(lines)


def write_section(path: Path, text: str, section: str = SECTION) -> None:
    """Replace the section (up to the next `## ` heading), or append it; nothing else changes."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
    block = text.rstrip("\n") + "\n\n"
    if pattern.search(current):
        updated = pattern.sub(lambda _m: block, current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    path.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


# --- preparing the database -------------------------------------------------------------------------------------


def _prepare(kind: str, scale: float) -> str:
    """migrate, then the data: `seed_scale` (idempotent; it loads seed_demo first) or seed_demo alone; without
    seed_scale, seed_demo grown by bench.nominations (schools, people and nominations only)."""
    from django.core.management import call_command, get_commands

    from units.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    if kind == "none":
        return "as found"
    if kind == "scale" and "seed_scale" in get_commands():
        call_command("seed_scale", scale=scale, stdout=io.StringIO())
        return f"seed_scale --scale {scale:g}"
    if not Unit.objects.exists():
        call_command("seed_demo", stdout=io.StringIO())
    if kind == "scale":
        from bench.nominations import _grow

        _grow(max(1, int(1500 * scale)), max(10, int(25000 * scale)))
        return f"seed_demo grown by bench.nominations ({int(1500 * scale)} schools; seed_scale not available)"
    return "seed_demo"


# --- the client's own cost -----------------------------------------------------------------------------------------


def _stub_server(listener: socket.socket, size: int) -> None:
    """A fixed answer of `size` bytes to each request, then close (gunicorn's sync worker's way), in a process of its
    own: the client's CPU is measured alone."""
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
        % size
    ) + b"x" * size
    while True:
        peer, _ = listener.accept()
        received = b""
        while b"\r\n\r\n" not in received:
            data = peer.recv(65536)
            if not data:
                break
            received += data
        peer.sendall(answer)
        peer.close()


def client_cost(requests: int, rate: float, size: int) -> dict:
    """The mixed load's client alone against a stub server: its CPU per request (`--client-cost`)."""
    import multiprocessing

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    server = multiprocessing.get_context("fork").Process(target=_stub_server, args=(listener, size), daemon=True)
    server.start()
    try:
        target = Target(listener.getsockname()[1], {"school": secrets.token_hex(16)}, None)
        page = Page("stub", "stub", "school", "/tong-hop/?trang=1", 1)
        schedule = [(i / rate, page) for i in range(requests)]
        before = resource.getrusage(resource.RUSAGE_SELF)
        results, lags = asyncio.run(_run_schedule(target, schedule, timeout=30))
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        server.kill()
        listener.close()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "requests": len(results),
        "errors": sum(1 for r in results if not r[3]),
        "cpu_ms": cpu * 1000 / max(1, len(results)),
        "user_ms": (after.ru_utime - before.ru_utime) * 1000 / max(1, len(results)),
        "p50_ms": _percentile([r[2] * 1000 for r in results], 0.5),
        "lag_p95_ms": _percentile([lag * 1000 for lag in lags], 0.95),
    }


# --- main ----------------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument(
        "--prepare",
        choices=["none", "demo", "scale"],
        default=None,
        help="migrate, then seed (skipped when the database already holds the data)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="seed_scale --scale (with --prepare scale)")
    parser.add_argument("--rates", default=None, help="default 25,75,150,200; with --soak, its first rate")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--bisect", type=int, default=3, help="bisection steps between the last pass and first fail")
    parser.add_argument("--burst", type=int, default=40, help="requests per page alone (CPU per request)")
    parser.add_argument("--no-skip", action="store_true", help="run the higher rates after a collapsed step too")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--compare-database-url", default="", help="a seed_demo database: a school's pages there")
    parser.add_argument("--alone-only", default="", help=argparse.SUPPRESS)  # JSON output path (the comparison)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="'' or '-': print only")
    parser.add_argument("--smoke", action="store_true", help="tiny, end to end, asserting 0 errors and a report")
    parser.add_argument(
        "--soak",
        type=float,
        default=None,
        metavar="MINUTES",
        help="hold the mix at one rate for MINUTES (section «Soak»): errors, RSS per worker, no lost write",
    )
    parser.add_argument("--rss-growth-mb", type=float, default=50.0, help="--soak: bound of a worker's RSS growth")
    parser.add_argument(
        "--client-cost",
        type=int,
        default=0,
        metavar="REQUESTS",
        help="only the client's own CPU per request against a stub server (--rates: its first rate, default 200; "
        "--client-cost-kb: the answer's size, default 30)",
    )
    parser.add_argument("--client-cost-kb", type=float, default=30.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.client_cost:
        rate = float((args.rates or "200").split(",")[0])
        cost = client_cost(args.client_cost, rate, int(args.client_cost_kb * 1024))
        print(
            f"client alone: {cost['requests']} requests at {rate:g}/s, answers of {args.client_cost_kb:g} KB, "
            f"{cost['errors']} errors: {cost['cpu_ms']:.3f} ms CPU per request ({cost['user_ms']:.3f} ms user), "
            f"p50 {cost['p50_ms']:.1f} ms, send lag p95 {cost['lag_p95_ms']:.1f} ms; load average "
            + " / ".join(Path("/proc/loadavg").read_text().split()[:3])
        )
        return 1 if cost["errors"] else 0

    if args.smoke:
        args.rates, args.duration, args.warmup, args.bisect, args.burst = "10", 3.0, 0.5, 0, 4
        if not args.database_url:
            args.database_url = f"sqlite:///{tempfile.mkdtemp(prefix='tdkt-load-smoke-')}/smoke.sqlite3"
            if args.prepare is None:
                args.prepare, args.scale = "scale", 0.01
        if args.output == str(ROOT / "BENCHMARKS.md"):
            args.output = "-"
    args.prepare = args.prepare or "none"
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")
    soak_rate = None
    if args.soak is not None:
        if args.rates:
            soak_rate = float(args.rates.split(",")[0])
        else:  # the highest rate that passed in the last mixed-load run written where this run writes
            written = Path(args.output) if args.output not in ("", "-") else ROOT / "BENCHMARKS.md"
            soak_rate = last_passing_rate(written)
        if not soak_rate or args.soak <= 0:
            parser.error("--soak: give MINUTES > 0 and a rate (--rates R): no rate passed in the last mixed-load run")
    args.rates = args.rates or "25,75,150,200"

    machine = _machine()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:  # one socket per request in flight: an overloaded step holds thousands
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory(prefix="tdkt-load-") as tmp:
        workdir = Path(tmp)
        env = _configure(args.database_url, workdir, secret_key=f"bench-{secrets.token_urlsafe(40)}")
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        started = time.perf_counter()
        data = _prepare(args.prepare, args.scale)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would have it after the load of the data
                cursor.execute("SELECT version()")
                db_version = cursor.fetchone()[0].split(" on ")[0]
                cursor.execute("SHOW autovacuum")
                db_version += f" (autovacuum {cursor.fetchone()[0]}; the bench analysed every table first)"
        else:
            db_version = f"{connection.vendor} {connection.Database.sqlite_version}"
        print(f"data ready in {time.perf_counter() - started:.0f} s ({data})", flush=True)

        _collectstatic()
        users = {key: _user(key) for key in USERS}
        sessions = {key: _session(u) for key, u in users.items()}
        pages = _pages(users)
        if args.alone_only:
            pages = [p for p in pages if p.school]
        ballots = None if args.alone_only else Ballots()

        # 1. queries and the SQL floor, in this process (not for a soak: it only holds the mix)
        client_for = {}
        for key, session in sessions.items():
            client_for[key] = Client(raise_request_exception=True)
            client_for[key].cookies[settings.SESSION_COOKIE_NAME] = session
        bare = {"cpu_ms": 0.0}
        bare.update(
            _sql_floor(
                client_for["school"], Page("bare", "", "school", "/__bench/bare/", 0), "GET", "/__bench/bare/", ""
            )
        )
        for page in pages if args.soak is None else []:
            if page.method == "POST":
                ballots.prepare(1)
                member = Client()
                member.cookies[settings.SESSION_COOKIE_NAME] = ballots.take()
                page.results.update(_sql_floor(member, page, "POST", ballots.path, ballots.body))
            else:
                page.results.update(_sql_floor(client_for[page.user], page, "GET", page.path, ""))
            print(
                f"  {page.key}: {page.results.get('queries')} queries, SQL {_fmt(page.results.get('sql_ms'), 1)} ms",
                flush=True,
            )

        gunicorn = Gunicorn(env, workdir, args.workers, args.threads)
        try:
            port = gunicorn.port
            target = Target(port, sessions, ballots)
            # 2. each page alone: CPU per request, against the bare page
            bare_page = Page("bare", "bare", "school", "/__bench/bare/", 0)
            # Each worker's first requests import the views and compile the templates: every page a few times first.
            asyncio.run(_warm_up(target, [bare_page] + [p for p in pages if p.method == "GET"], rounds=4))
            if args.soak is not None:
                print(f"soak: {args.soak:g} min at {soak_rate:g}/s", flush=True)
                soak = _soak(gunicorn, target, pages, soak_rate, args.soak, args.warmup)
                gunicorn.stop()
                meta = {
                    "machine": machine,
                    "date": datetime.date.today().strftime("%d/%m/%Y"),
                    "commit": _commit(),
                    "command": "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:]),
                    "db_version": db_version,
                    "workers": args.workers,
                    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                    "counts": _counts(),
                    "data": data,
                }
                text = _soak_report(meta, soak, args.rss_growth_mb)
                print("\n" + text)
                if args.output not in ("", "-"):
                    write_section(Path(args.output), text, SOAK_SECTION)
                    print(f"written into {args.output}, section «{SOAK_SECTION[3:]}»")
                verdict = _soak_passes(soak, args.rss_growth_mb)
                if not all(verdict.values()):
                    failed = ", ".join(k for k, v in verdict.items() if not v)
                    log = gunicorn.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                    print(
                        f"soak not held ({failed}); the end of gunicorn's log:", *log[-40:], sep="\n", file=sys.stderr
                    )
                    return 1
                return 0
            first = _alone(gunicorn, target, bare_page, args.burst)
            print(f"  bare page: {first['cpu_ms']:.1f} ms CPU", flush=True)
            for page in pages:
                if page.method == "POST":
                    ballots.prepare(args.burst + 2)
                page.results.update(_alone(gunicorn, target, page, args.burst))
                print(
                    f"  {page.key}: {page.results['cpu_ms']:.1f} ms CPU, p50 {page.results['alone_p50']:.0f} ms alone"
                    + (f", ERRORS {page.results['alone_error_samples']}" if page.results["alone_errors"] else ""),
                    flush=True,
                )
            again = _alone(gunicorn, target, bare_page, args.burst)  # before and after the pages: the mean
            bare.update(first)
            bare["cpu_ms"] = (first["cpu_ms"] + again["cpu_ms"]) / 2
            bare["cpu_ms_range"] = (first["cpu_ms"], again["cpu_ms"])
            print(f"  bare page again: {again['cpu_ms']:.1f} ms CPU", flush=True)
            if args.alone_only:
                Path(args.alone_only).write_text(
                    json.dumps({"counts": _counts(), "bare": bare, "pages": {p.key: p.results for p in pages}}),
                    encoding="utf-8",
                )
                return 0

            # 3. the open-model mixed load
            steps = []
            skipped = []
            for rate in [float(r) for r in args.rates.split(",") if r.strip()]:
                if steps and steps[-1]["p50"] > COLLAPSE_P50_MS and not args.no_skip:
                    skipped.append(rate)  # a higher rate after a collapse only queues longer; it measures nothing new
                    continue
                _drain(gunicorn)
                step = _step(gunicorn, target, pages, rate, args.duration, args.warmup)
                steps.append(step)
                print(
                    f"{rate:>5.0f}/s: {step['requests']} requests, {sum(step['errors'].values())} errors, "
                    f"p50 {step['p50']:.0f} / p95 {step['p95']:.0f} / max {step['max']:.0f} ms, "
                    f"server {step['server_cpu_ms']:.1f} ms CPU/request, PostgreSQL {_fmt(step['db_cpu_ms'], 1)} ms, "
                    f"client {step['client_cpu_ms']:.2f} ms ({step['client_cpu_share']:.2f} cores)",
                    flush=True,
                )
                time.sleep(2)
            passing = [s["rate"] for s in steps if _passes(s)]
            failing = [s["rate"] for s in steps if not _passes(s)]
            low = max(passing) if passing else None
            high = min((r for r in failing if low is None or r > low), default=None)
            for _ in range(args.bisect if low is not None and high is not None else 0):
                rate = round((low + high) / 2)
                if rate in (low, high):
                    break
                _drain(gunicorn)
                step = _step(gunicorn, target, pages, rate, max(10.0, args.duration / 2), args.warmup)
                step["bisect"] = True
                steps.append(step)
                print(
                    f"{rate:>5.0f}/s (bisection): p95 {step['p95']:.0f} ms, {'passes' if _passes(step) else 'fails'}",
                    flush=True,
                )
                if _passes(step):
                    low = rate
                else:
                    high = rate
                time.sleep(2)
            best = low
        finally:
            gunicorn.stop()

        compare = None
        if args.compare_database_url:
            out = workdir / "compare.json"
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.load",
                    "--database-url",
                    args.compare_database_url,
                    "--prepare",
                    "demo",
                    "--burst",
                    str(args.burst),
                    "--alone-only",
                    str(out),
                ],
                cwd=ROOT,
                env={k: v for k, v in os.environ.items() if k not in env or k == "PYTHONPATH"},
            )
            if run.returncode == 0:
                compare = json.loads(out.read_text(encoding="utf-8"))

        meta = {
            "machine": machine,
            "date": datetime.date.today().strftime("%d/%m/%Y"),
            "commit": _commit(),
            "command": "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:]),
            "db_version": db_version,
            "workers": args.workers,
            "threads": args.threads,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "counts": _counts(),
            "data": data,
            "duration": args.duration,
            "warmup": args.warmup,
            "burst": args.burst,
        }
        meta["skipped"] = skipped
        text = _report(meta, pages, bare, steps, best, compare)
        print("\n" + text)
        if args.output not in ("", "-"):
            write_section(Path(args.output), text)
            print(f"written into {args.output}, section «{SECTION[3:]}»")
        total_errors = (
            sum(sum(s["errors"].values()) for s in steps)
            + sum(p.results.get("alone_errors", 0) for p in pages)
            + bare.get("alone_errors", 0)
        )
        if total_errors:
            log = gunicorn.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            print(f"{total_errors} errors; the end of gunicorn's log:", *log[-40:], sep="\n", file=sys.stderr)
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
