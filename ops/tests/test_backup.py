"""`manage.py backup` / `restore` as round trips: back up a small portal, restore it into a NEW database in
another process, and prove the restored portal works (check, pages as a user, counts, file hashes)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from awards.enums import TaskRating
from awards.models import TaskEvaluation
from core.tests import upload_files
from documents.enums import DocumentStatus
from documents.models import GeneratedDocument
from nominations import services
from nominations.enums import RoundKind
from nominations.models import Attachment, Dossier, Nomination
from ops.backup import MANIFEST, MEDIA_PREFIX, backup_create, backup_restore
from units.models import Person

ROOT = Path(__file__).resolve().parents[2]
PDF = upload_files.pdf(size=1200, fill="7")  # a real PDF: evidence must open
PASSWORD = "matkhau-thu-123"  # conftest.make_user

# Runs in the restored portal's process: the counts, the stored files' hashes, and pages as Alice.
SMOKE = """
import hashlib, json, os
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from documents.models import GeneratedDocument
from nominations.models import Attachment, Dossier, Nomination
from units.models import Person

pages = json.loads(os.environ["SMOKE_PAGES"])
out = {"counts": {
    "users": get_user_model().objects.count(), "people": Person.objects.count(),
    "dossiers": Dossier.objects.count(), "nominations": Nomination.objects.count(),
    "attachments": Attachment.objects.count(), "documents": GeneratedDocument.objects.count(),
}}
files = {}
for row in [*Attachment.objects.all(), *GeneratedDocument.objects.exclude(file="")]:
    with row.file.open("rb") as fh:
        files[row.file.name] = hashlib.sha256(fh.read()).hexdigest()
out["files"] = files
# The tests store MD5 hashes (conftest's fast hasher): let this process check them too.
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    client = Client()
    # Through the login page, as a user would (django-axes wants the request that Client.login lacks).
    client.post(reverse("login"), {"username": "alice", "password": os.environ["SMOKE_PASSWORD"]})
    out["login"] = "_auth_user_id" in client.session
    out["pages"] = {}
    for url in pages:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out["pages"][url] = [response.status_code, hashlib.sha256(body).hexdigest()]
print("SMOKE" + json.dumps(out))
"""


@pytest.fixture
def small_portal(tree, personas, person_factory, settings, tmp_path):
    """School A1's dossier with one nomination, its evidence PDF and a rendered submission (tờ trình)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    alice = personas["secretary_a1"]
    teacher = person_factory(tree["school_a1"], full_name="Trần Thị Giáo Viên")
    TaskEvaluation.objects.create(person=teacher, school_year=2025, rating=TaskRating.EXCELLENT)
    dossier = services.dossier_create(by=alice, unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=2025)
    nomination = services.nomination_add(
        by=alice, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc."
    )
    attachment = services.attachment_add(
        by=alice, nomination=nomination, upload=SimpleUploadedFile("minh-chung.pdf", PDF)
    )
    document = GeneratedDocument(
        kind="submission",
        content_type=ContentType.objects.get_for_model(Dossier),
        object_id=dossier.pk,
        inputs_hash="a" * 64,
        status=DocumentStatus.READY,
        unit=tree["school_a1"],
    )
    document.file.save("to-trinh.pdf", ContentFile("%PDF-1.7\nTờ trình số 12/TTr-THA1\n%%EOF\n".encode()))
    return {"dossier": dossier, "attachment": attachment, "document": document}


def counts() -> dict:
    return {
        "users": get_user_model().objects.count(),
        "people": Person.objects.count(),
        "dossiers": Dossier.objects.count(),
        "nominations": Nomination.objects.count(),
        "attachments": Attachment.objects.count(),
        "documents": GeneratedDocument.objects.count(),
    }


def stored_hashes() -> dict:
    files = {}
    for row in [*Attachment.objects.all(), *GeneratedDocument.objects.exclude(file="")]:
        with row.file.open("rb") as fh:
            files[row.file.name] = hashlib.sha256(fh.read()).hexdigest()
    return files


def smoke_pages(portal) -> list[str]:
    return [
        reverse("home"),
        reverse("nominations:dossier_detail", args=[portal["dossier"].pk]),
        reverse("nominations:attachment_download", args=[portal["attachment"].pk]),
        reverse("documents:download", args=[portal["document"].pk]),
    ]


def manage(*args, database_url: str, media: Path, **extra_env) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "MEDIA_STORAGE": "file",
        "REDIS_URL": "",
        "CACHE_URL": "locmemcache://",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def round_trip(portal, archive: Path, database_url: str, media: Path) -> dict:
    """Restore `archive` into `database_url` in another process, check it, and smoke-test it as Alice."""
    restored = manage("restore", str(archive), database_url=database_url, media=media)
    assert restored.returncode == 0, restored.stderr
    assert "Đã phục hồi" in restored.stdout
    checked = manage("check", "--database", "default", database_url=database_url, media=media)
    assert checked.returncode == 0, checked.stderr
    smoke = manage(
        "shell",
        "-c",
        SMOKE,
        database_url=database_url,
        media=media,
        SMOKE_PAGES=json.dumps(smoke_pages(portal)),
        SMOKE_PASSWORD=PASSWORD,
    )
    assert smoke.returncode == 0, smoke.stderr
    return json.loads(smoke.stdout.split("SMOKE", 1)[1])


def assert_same_portal(result: dict, portal) -> None:
    attachment_url, document_url = smoke_pages(portal)[2:]
    assert result["counts"] == counts()
    assert result["files"] == stored_hashes()
    assert len(result["files"]) == 2
    assert result["login"] is True
    assert {url: status for url, (status, _) in result["pages"].items()} == dict.fromkeys(smoke_pages(portal), 200)
    # The evidence and the document served by the restored portal are the bytes that were stored.
    assert result["pages"][attachment_url][1] == hashlib.sha256(PDF).hexdigest()
    assert result["pages"][document_url][1] == stored_hashes()[portal["document"].file.name]


# --- PostgreSQL: pg_dump -Fc into a new database ---------------------------------------------------------


def postgres_admin(sql: str) -> None:
    """Run `sql` outside a transaction on the server's `postgres` database, as the test database's role."""
    s = connection.settings_dict
    params = {"host": s["HOST"] or None, "port": s["PORT"] or None, "user": s["USER"], "password": s["PASSWORD"]}
    admin = connection.Database.connect(dbname="postgres", **{k: v for k, v in params.items() if v})
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(sql)
    finally:
        admin.close()


@pytest.fixture
def new_postgres_database():
    """An empty database beside the test database, dropped afterwards; its DATABASE_URL."""
    s = connection.settings_dict
    name = f"portal_h8_restore_{uuid.uuid4().hex[:10]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    user = quote(s["USER"], safe="")
    password = quote(s["PASSWORD"] or "", safe="")
    yield f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_a_new_postgresql_database_that_works(small_portal, tmp_path, request):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore round trip: runs on PostgreSQL (DATABASE_URL=postgres://…, as in CI)")
    database_url = request.getfixturevalue("new_postgres_database")
    archive = tmp_path / "portal.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "Đã sao lưu" in out.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        assert tar.getnames()[0] == "database.dump"
        assert tar.extractfile("database.dump").read(5) == b"PGDMP"  # pg_dump's custom format
    assert manifest["database"]["vendor"] == "postgresql"
    assert {m["name"] for m in manifest["media"]} == set(stored_hashes())
    assert {m["name"]: m["sha256"] for m in manifest["media"]} == stored_hashes()
    assert "0001_initial" in manifest["migrations"]["nominations"]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    result = round_trip(small_portal, archive, database_url, tmp_path / "restored-media")
    assert_same_portal(result, small_portal)


# --- SQLite: the `make run` portal ---------------------------------------------------------------------------


# Committed rows: sqlite3's backup API waits for ever on a write transaction of its own connection.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_a_sqlite_portal_into_a_new_file_that_works(small_portal, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite round trip: runs with the default DATABASE_URL (make test); CI runs the PostgreSQL one")
    archive = backup_create(output=tmp_path).path
    with tarfile.open(archive) as tar:
        assert tar.extractfile("database.sqlite3").read(16) == b"SQLite format 3\x00"
    restored = tmp_path / "restored.sqlite3"
    result = round_trip(small_portal, archive, f"sqlite:///{restored}", tmp_path / "restored-media")
    assert_same_portal(result, small_portal)


# --- refusals: nothing is touched ------------------------------------------------------------------------------


def tampered(archive: Path, target: Path, member: str) -> Path:
    """A copy of `archive` with one byte of `member` changed and the manifest left as it was."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            if info.name == member:
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_an_archive_whose_bytes_differ_from_its_manifest(small_portal, tmp_path):
    archive = backup_create(output=tmp_path / "good.tar.gz").path
    name = small_portal["attachment"].file.name
    bad = tampered(archive, tmp_path / "bad.tar.gz", MEDIA_PREFIX + name)
    before, files = counts(), stored_hashes()
    with pytest.raises(CommandError) as refused:
        backup_restore(archive=bad, force=True)
    assert str(refused.value) == (
        f"Bản sao lưu bị hỏng, không phục hồi gì: {MEDIA_PREFIX}{name} không khớp mã SHA-256 trong manifest"
    )
    assert (counts(), stored_hashes()) == (before, files)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_with_accounts_unless_forced(small_portal, tmp_path):
    archive = backup_create(output=tmp_path / "b.tar.gz").path
    before, files = counts(), stored_hashes()
    with pytest.raises(CommandError) as refused:
        backup_restore(archive=archive)
    assert f"đã có dữ liệu ({before['users']} tài khoản người dùng)" in str(refused.value)
    assert "--force" in str(refused.value)
    assert (counts(), stored_hashes()) == (before, files)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_lists_a_file_the_storage_lost_and_keeps_the_others(small_portal, tmp_path):
    lost = small_portal["attachment"].file
    lost.storage.delete(lost.name)
    result = backup_create(output=tmp_path / "b.tar.gz")
    assert result.missing == [lost.name]
    assert [m["name"] for m in result.manifest["media"]] == [small_portal["document"].file.name]
