"""Backup and restore of the whole portal: the database and the stored files, in one archive.

An archive is a gzip'd tar holding
  manifest.json    what it holds: date, commit, Django's migration state, the database file and every
                   stored file with its size and SHA-256 (written last, once every hash is known)
  database.dump    PostgreSQL: `pg_dump -Fc` (restored with `pg_restore`)
  database.sqlite3 SQLite: a copy made with sqlite3's online backup API (`make run` portals)
  media/<name>     each file that a FileField of a row names, read through that field's storage, so an
                   S3 bucket is backed up the same way as MEDIA_ROOT

The dump and the list of files come from one snapshot of the database: on PostgreSQL the command opens a
REPEATABLE READ transaction, exports its snapshot and hands it to `pg_dump --snapshot`, then lists the files
in that same transaction; so every row of the dump finds its file in the archive (files are stored before
their row is committed). A file that a row names but the storage no longer has is listed under "missing".

Restore checks every hash before it touches anything, refuses a database that already holds accounts unless
forced, restores the database (`pg_restore --clean --if-exists --no-owner`, in one transaction), puts the
files back through the storage API, then runs `migrate` so an older backup meets the current code.
Passwords go to pg_dump/pg_restore through PGPASSWORD in their environment, never on the command line.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump/pg_restore by absolute path, never through a shell
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "tdkt-backup/1"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DB_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    missing: list[str] = field(default_factory=list)


# --- what is stored ---------------------------------------------------------------------------------


def file_fields():
    """(label "app.Model.field", model, field) of every FileField of a concrete model of the portal."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield f"{model._meta.label}.{f.name}", model, f


def storage_of(label: str | None):
    """The storage of the field named in a manifest; the default storage for a field the code no longer has."""
    if label:
        app_model, _, field_name = label.rpartition(".")
        try:
            return apps.get_model(app_model)._meta.get_field(field_name).storage
        except (LookupError, ValueError, AttributeError):
            pass
    return default_storage


def stored_names(using: str = "default") -> dict[str, str]:
    """name -> field label of every file a row points to (one entry per name, whichever field names it first)."""
    names: dict[str, str] = {}
    for label, model, f in file_fields():
        rows = model._base_manager.using(using).exclude(**{f.name: ""}).exclude(**{f"{f.name}__isnull": True})
        for name in rows.values_list(f.name, flat=True).iterator(chunk_size=2000):
            names.setdefault(name, label)
    return dict(sorted(names.items()))


def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        state.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def source_commit() -> str | None:
    """The checked-out commit (read from .git, no git binary needed), or SOURCE_COMMIT in an image without .git."""
    git = Path(settings.BASE_DIR) / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return os.environ.get("SOURCE_COMMIT") or None


# --- PostgreSQL tools ---------------------------------------------------------------------------------


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for the database of `settings_dict`: the password travels here, not in argv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def pg_tool(name: str, server_major: int) -> tuple[str, int]:
    """(absolute path, major version) of pg_dump/pg_restore, preferring the server's own major version.

    pg_dump refuses a server newer than itself, and pg_restore may not read a dump of a newer pg_dump, so
    a tool older than the server is refused here with a message that says what to install.
    """
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")]
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file():
            major = tool_major(str(path))
            if major >= server_major:
                return str(path), major
            raise CommandError(
                f"{name} {major} cũ hơn máy chủ PostgreSQL {server_major}: hãy cài postgresql-client-{server_major} "
                f"(Debian: apt-get install postgresql-client-{server_major})."
            )
    raise CommandError(f"Không tìm thấy {name}: hãy cài postgresql-client-{server_major}.")


def tool_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # nosec B603
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if not match:
        raise CommandError(f"Không đọc được phiên bản của {path}: {out.strip()!r}")
    return int(match.group(1))


def run_tool(argv: list[str], env: dict[str, str], what: str) -> None:
    # argv holds an absolute path and our own flags; the password is in env (pg_environment).
    result = subprocess.run(argv, env=env, capture_output=True, text=True)  # nosec B603
    if result.returncode != 0:
        raise CommandError(f"{what} không thành công (mã {result.returncode}):\n{result.stderr.strip()}")


# --- hashing while streaming --------------------------------------------------------------------------


class HashingReader(io.RawIOBase):
    """Reads through `raw`, keeping the SHA-256 and the count of what was read (tarfile.addfile reads it)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def sha256_of(fileobj) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _add_stream(tar: tarfile.TarFile, arcname: str, fileobj, size: int) -> dict:
    info = tarfile.TarInfo(arcname)
    info.size = size
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    reader = HashingReader(fileobj)
    tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": reader.size}


# --- backup ---------------------------------------------------------------------------------------------


def default_archive_name() -> str:
    return f"tdkt-backup-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.tar.gz"


def backup_create(*, output: Path, using: str = "default") -> BackupResult:
    """Write one archive of the database and every stored file to `output` (a file, or a folder to put it in).

    Written to `<name>.part` beside the target and renamed at the end: a failed backup leaves no archive
    that looks whole. Side effects: the archive; a temporary dump beside it while it runs.
    """
    output = Path(output)
    if output.is_dir():
        output = output / default_archive_name()
    output.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise CommandError(f"Sao lưu chỉ hỗ trợ PostgreSQL và SQLite (cơ sở dữ liệu này: {vendor}).")
    partial = output.with_name(output.name + ".part")
    manifest: dict = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": source_commit(),
        "django": django.get_version(),
        "database": {"vendor": vendor, "member": DB_MEMBERS[vendor]},
    }
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as workdir:
        dump = Path(workdir) / DB_MEMBERS[vendor]
        # One snapshot for the dump, the file list and the migration state (module docstring).
        with _read_snapshot_mode(connection), transaction.atomic(using=using):
            if vendor == "postgresql":
                manifest["database"].update(_pg_dump_in_snapshot(connection, dump))
            names = stored_names(using)
            manifest["migrations"] = applied_migrations(using)
            if vendor == "sqlite":
                _sqlite_copy(connection.connection, dump)
        try:
            # Owner-only from the first byte: the archive holds every password hash and staff record.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
                # (compresslevel 1: the dump is compressed already, PDFs and images barely compress.)
                with dump.open("rb") as fh:
                    manifest["database"].update(_add_stream(tar, DB_MEMBERS[vendor], fh, dump.stat().st_size))
                media, missing = [], []
                for name, label in names.items():
                    storage = storage_of(label)
                    try:
                        size = storage.size(name)
                        fh = storage.open(name, "rb")
                    except (FileNotFoundError, OSError):
                        missing.append(name)
                        continue
                    with fh:
                        stored = _add_stream(tar, MEDIA_PREFIX + name, fh, size)
                    media.append({"name": name, "field": label, **stored})
                manifest["media"] = media
                manifest["missing"] = missing
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                _add_stream(tar, MANIFEST, io.BytesIO(body), len(body))
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(path=output, manifest=manifest, missing=manifest["missing"])


def _pg_dump_in_snapshot(connection, dump: Path) -> dict:
    with connection.cursor() as cursor:
        # First statement of the transaction: the snapshot pg_dump and the file list will share.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    server_major = connection.pg_version // 10000
    tool, major = pg_tool("pg_dump", server_major)
    run_tool(
        [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
        pg_environment(connection.settings_dict),
        "pg_dump",
    )
    return {"server_major": server_major, "pg_dump_major": major}


@contextmanager
def _read_snapshot_mode(connection):
    """On SQLite, the snapshot's transaction begins DEFERRED (a read lock), whatever the settings' transaction_mode:
    the `make run` default begins IMMEDIATE (the write lock at BEGIN), and sqlite3's backup API then waits for ever
    on its own connection's write lock (`manage.py backup` hung on SQLite since IMMEDIATE became the default)."""
    if connection.vendor != "sqlite" or not hasattr(connection, "transaction_mode"):
        yield
        return
    mode = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        yield
    finally:
        connection.transaction_mode = mode


def _sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


# --- restore ---------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    files_written: int
    files_unchanged: int


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise CommandError("Tệp này không phải bản sao lưu của cổng (không có manifest.json).") from None
    manifest = json.loads(tar.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise CommandError(f"Định dạng bản sao lưu không được hỗ trợ: {manifest.get('format')!r} (cần {FORMAT}).")
    return manifest


def verify_archive(tar: tarfile.TarFile, manifest: dict) -> list[str]:
    """Vietnamese descriptions of every member whose bytes differ from the manifest (empty when all agree)."""
    expected = {manifest["database"]["member"]: manifest["database"]}
    expected.update({MEDIA_PREFIX + m["name"]: m for m in manifest["media"]})
    problems = []
    for arcname, entry in expected.items():
        try:
            fileobj = tar.extractfile(arcname)
        except KeyError:
            fileobj = None
        if fileobj is None:
            problems.append(f"thiếu {arcname}")
            continue
        digest, size = sha256_of(fileobj)
        if (digest, size) != (entry["sha256"], entry["size"]):
            problems.append(f"{arcname} không khớp mã SHA-256 trong manifest")
    return problems


def unknown_migrations(manifest: dict) -> list[str]:
    """Migrations the backup had applied that this code does not have: the backup is from newer code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known and apps.is_installed_label(app)
    ]


def accounts_in(using: str = "default") -> int | None:
    """How many user accounts the database holds (None when it has no portal tables: a new database).

    A database with accounts is someone's portal; one just created, or only migrated, holds none.
    """
    connection = connections[using]
    table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return None
    return get_user_model()._base_manager.using(using).count()


def backup_restore(*, archive: Path, force: bool = False, using: str = "default", stdout=None) -> RestoreResult:
    """Restore the database and the stored files of `archive` into this portal, then migrate.

    Refuses, before changing anything: an archive that is not ours or whose bytes differ from its manifest,
    one from another database engine, one from newer code (unknown migrations) and a database that already
    holds accounts, the last two unless `force`. Side effects: the whole database replaced, files written
    through the storage API (an existing file with other bytes is replaced), `migrate` run.
    """
    connection = connections[using]
    with tarfile.open(archive, "r:gz") as tar:
        manifest = read_manifest(tar)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise CommandError(f"Bản sao lưu của {vendor} không phục hồi được vào cơ sở dữ liệu {connection.vendor}.")
        problems = verify_archive(tar, manifest)
        if problems:
            raise CommandError(
                "Bản sao lưu bị hỏng, không phục hồi gì: "
                + "; ".join(problems[:10])
                + (f" (và {len(problems) - 10} tệp khác)" if len(problems) > 10 else "")
            )
        newer = unknown_migrations(manifest)
        if newer and not force:
            raise CommandError(
                "Bản sao lưu được tạo bởi phiên bản mã nguồn mới hơn (có migration mà mã này chưa có: "
                + ", ".join(newer[:5])
                + "). Hãy phục hồi bằng phiên bản mã nguồn đã tạo bản sao lưu, hoặc chạy lại với --force."
            )
        accounts = accounts_in(using)
        if accounts and not force:
            raise CommandError(
                f"Cơ sở dữ liệu «{connection.settings_dict['NAME']}» đã có dữ liệu ({accounts} tài khoản người "
                "dùng). Phục hồi sẽ xoá và thay toàn bộ dữ liệu này bằng bản sao lưu. Hãy phục hồi vào một cơ "
                "sở dữ liệu mới tạo, hoặc chạy lại với --force nếu thật sự muốn ghi đè."
            )
        with tempfile.TemporaryDirectory(prefix="tdkt-restore-") as workdir:
            dump = Path(workdir) / manifest["database"]["member"]
            with tar.extractfile(manifest["database"]["member"]) as src, dump.open("wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            connection.close()
            if vendor == "postgresql":
                _pg_restore(connection, dump, manifest)
            else:
                _sqlite_restore(connection, dump)
        written = unchanged = 0
        for entry in manifest["media"]:
            if _put_back(tar, entry):
                written += 1
            else:
                unchanged += 1
    connection.close()
    call_command("migrate", database=using, interactive=False, verbosity=0, stdout=stdout)
    return RestoreResult(manifest=manifest, files_written=written, files_unchanged=unchanged)


def _pg_restore(connection, dump: Path, manifest: dict) -> None:
    server_major = connection.pg_version // 10000
    tool, major = pg_tool("pg_restore", server_major)
    made_by = manifest["database"].get("pg_dump_major", 0)
    if major < made_by:
        raise CommandError(f"Bản sao lưu do pg_dump {made_by} tạo; pg_restore {major} không đọc được.")
    run_tool(
        # One transaction: a failed restore leaves the database as it was. No owners, no grants: the
        # portal's role owns what it restores, whatever role made the dump.
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        pg_environment(connection.settings_dict),
        "pg_restore",
    )


def _sqlite_restore(connection, dump: Path) -> None:
    source = sqlite3.connect(dump)
    try:
        connection.ensure_connection()
        # The backup API replaces every page of the target: the same as copying the file, but safe with
        # the connection open and for the in-memory databases of the tests.
        source.backup(connection.connection)
    finally:
        source.close()


def _put_back(tar: tarfile.TarFile, entry: dict) -> bool:
    """Write one file back through its field's storage; False when the storage already holds the same bytes."""
    storage = storage_of(entry.get("field"))
    name = entry["name"]
    if storage.exists(name):
        with storage.open(name, "rb") as current:
            if sha256_of(current)[0] == entry["sha256"]:
                return False
        storage.delete(name)
    with tar.extractfile(MEDIA_PREFIX + name) as data:
        content = File(data, name=name)
        content.size = entry["size"]  # else File guesses from `data.name`, which is the archive's path
        saved = storage.save(name, content)
    if saved != name:
        raise CommandError(f"Kho tệp lưu {name} dưới tên khác ({saved}): không phục hồi được đúng tên.")
    return True
