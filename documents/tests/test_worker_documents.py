"""Documents through real Celery workers on Redis (the CI worker of .ci/run, and workers started here).

The workers read the test database, so these tests commit their rows (`transaction=True`). Without
REDIS_URL there is no worker and they are skipped; .ci/run always sets it. The kill test starts its own
workers on a queue of its own (the CI worker consumes the default queue only), kills the first one's whole
process group mid-render and lets a second one finish the job.
"""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from pypdf import PdfReader

from documents import registry, services
from documents.enums import DocumentStatus
from documents.kinds import pack as pack_kind
from documents.models import GeneratedDocument
from documents.rendering import pdf_render
from documents.tasks import render_document
from nominations import services as nomination_services
from nominations.enums import RoundKind
from nominations.models import AchievementReport, Attachment, Nomination
from units.enums import Gender
from units.models import Person

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL is not set: no Redis broker and no real Celery worker (run .ci/run for these tests)",
    ),
]

ROOT = Path(settings.BASE_DIR)
READY_TIMEOUT = 60  # seconds, for one document on the CI worker
PACK_TIMEOUT = 120  # the pack and its parts, one after the other on a worker of concurrency 1
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _needs(*codes):
    missing = [code for code in codes if registry.get(code) is None]
    return pytest.mark.skipif(bool(missing), reason=f"document kinds not registered: {', '.join(missing)}")


def wait_for(doc: GeneratedDocument, predicate, timeout: float, what: str, poll: float = 0.2) -> GeneratedDocument:
    deadline = time.monotonic() + timeout
    while True:
        doc.refresh_from_db()
        if predicate(doc):
            return doc
        if doc.status == DocumentStatus.FAILED:
            pytest.fail(f"{doc.kind} #{doc.pk} failed: {doc.error}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: {doc.kind} #{doc.pk} still {doc.status} ({doc.progress} %) after {timeout} s")
        time.sleep(poll)


def _ready(doc):
    return doc.status == DocumentStatus.READY


@pytest.fixture
def cleanup_files():
    """Files the worker wrote into MEDIA_ROOT (shared with the worker, so not a temporary folder)."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        Path(path).unlink(missing_ok=True)


def _remember(cleanup, *docs):
    for doc in docs:
        doc.refresh_from_db()
        if doc.file:
            cleanup.append(Path(doc.file.path))


@pytest.fixture
def dossier(tree, personas):
    school = tree["school_a1"]
    school.locality = "Gia Lâm"
    school.document_code = "THA1"
    school.save()
    return nomination_services.dossier_create(
        by=personas["secretary_a1"], unit=school, round_kind=RoundKind.YEAR_END, school_year=2025
    )


@_needs("submission")
@TRANSACTIONAL
def test_requested_document_is_rendered_by_the_worker(dossier, personas, person_factory, cleanup_files):
    nomination_services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=person_factory(dossier.unit, full_name="Trần Thị Một")
    )

    doc = services.document_request(kind_code="submission", obj=dossier, by=personas["secretary_a1"])

    doc = wait_for(doc, _ready, READY_TIMEOUT, "the CI worker did not render the document")
    _remember(cleanup_files, doc)
    data = Path(doc.file.path).read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == doc.pages >= 1
    assert doc.file_sha256 and doc.attempts == 1


@_needs(pack_kind.SUBMISSION, pack_kind.SUBMISSION_LIST, pack_kind.REPORT)
@TRANSACTIONAL
def test_pack_parts_render_on_the_worker_and_the_pack_merges_without_deadlock(
    dossier, personas, person_factory, cleanup_files
):
    """The CI worker has concurrency 1: a pack that waited inside its task for its parts would never end."""
    for name in ("Trần Thị Một", "Lê Văn Hai"):
        nomination = nomination_services.nomination_add(
            by=None, dossier=dossier, award_code="LDTT", person=person_factory(dossier.unit, full_name=name)
        )
        AchievementReport.objects.create(nomination=nomination, results=f"Thành tích của {name}")
    evidence = pdf_render("<p>MINH CHỨNG</p>").pdf
    attachment = Attachment.objects.create(
        nomination=nomination,
        file=ContentFile(evidence, name="minh-chung.pdf"),
        original_name="minh-chung.pdf",
        content_type="application/pdf",
        size=len(evidence),
    )
    cleanup_files.append(Path(attachment.file.path))

    doc = services.document_request(kind_code=pack_kind.KIND, obj=dossier, by=personas["secretary_a1"])

    doc = wait_for(doc, _ready, PACK_TIMEOUT, "the pack was not merged")
    parts = list(doc.parts.all())
    _remember(cleanup_files, doc, *parts)
    assert sorted(p.kind for p in parts) == [
        "achievement_report",
        "achievement_report",
        "submission",
        "submission_list",
    ]
    assert all(p.status == DocumentStatus.READY for p in parts)
    reader = PdfReader(io.BytesIO(Path(doc.file.path).read_bytes()))
    assert len(reader.pages) == doc.pages == 1 + sum(p.pages for p in parts) + 1
    assert [item.title for item in reader.outline if not isinstance(item, list)][:3] == [
        "Mục lục",
        registry.get("submission").label,
        registry.get("submission_list").label,
    ]


# --- the kill test ------------------------------------------------------------------------------------------


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        name=db["NAME"],
    )


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or f"kill-test-{uuid.uuid4().hex}-not-a-production-key-0123456789",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        # Kombu's defaults scan for a dead worker's message every 10 x 10 s: look each second here.
        "CELERY_RESTORE_INTERVAL": "1",
        "CELERY_RESTORE_THROTTLE": "1",
        "DOCUMENT_RENDER_LEASE": "3",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
    }
    celery = Path(sys.executable).parent / "celery"
    command = [
        str(celery),
        "--workdir",
        str(ROOT),
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        "-Q",
        queue,
        "--hostname",
        f"kill-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    handle = log.open("ab")
    return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def _long_list(dossier, rows: int) -> None:
    """`rows` teachers, each proposed for LĐTT with a three-line summary: a list of several seconds."""
    first = nomination_services.nomination_add(
        by=None,
        dossier=dossier,
        award_code="LDTT",
        person=Person.objects.create(
            unit=dossier.unit, full_name="Nguyễn Thị Đầu", gender=Gender.FEMALE, position="Giáo viên"
        ),
    )
    award = first.award_type  # the catalog row in force
    people = Person.objects.bulk_create(
        Person(
            unit=dossier.unit,
            full_name=f"Nguyễn Thị Thử {i:04d}",
            name_key=f"thu {i:04d}",
            search_key=f"nguyen thi thu {i:04d}",
            gender=Gender.FEMALE,
            position="Giáo viên",
            service_start=datetime.date(2005, 9, 1),
        )
        for i in range(rows)
    )
    summary = "Hoàn thành xuất sắc nhiệm vụ năm học; có sáng kiến được công nhận; tích cực đổi mới phương pháp. " * 2
    Nomination.objects.bulk_create(
        Nomination(dossier=dossier, person=person, award_type=award, summary=summary) for person in people
    )


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the workers started here read the test database over PostgreSQL",
)
@_needs("submission_list")
@TRANSACTIONAL
def test_worker_killed_mid_render_leaves_no_file_and_the_next_worker_finishes(
    dossier, personas, monkeypatch, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the workers started here write there too: only this test's files
    _long_list(dossier, rows=400)
    monkeypatch.setattr(services, "_enqueue", lambda doc_id: None)  # sent below, to our own queue
    doc = services.document_request(kind_code="submission_list", obj=dossier, by=personas["secretary_a1"])
    queue = f"kill-test-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "workers.log"
    folder = f"documents/{doc.kind}"
    final_name = f"{doc.inputs_hash[:20]}-{doc.pk}.pdf"
    first = _start_worker(queue, log)
    second = None
    try:
        render_document.apply_async(kwargs={"document_id": doc.pk}, queue=queue)
        wait_for(
            doc,
            lambda d: d.status == DocumentStatus.RENDERING and d.progress >= 25,
            READY_TIMEOUT,
            "the first worker did not get into the render",
            poll=0.05,  # the layout of the list lasts a few seconds on an idle machine
        )

        _kill_group(first)

        doc.refresh_from_db()
        assert doc.status == DocumentStatus.RENDERING and not doc.file
        assert not (Path(settings.MEDIA_ROOT) / folder / final_name).exists()

        second = _start_worker(queue, log)
        doc = wait_for(doc, _ready, 90, "the second worker did not finish the render")
    finally:
        _kill_group(first)
        if second is not None:
            _kill_group(second)
        print(log.read_text(errors="replace")[-4000:])  # shown when the test fails
    files = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / folder).iterdir())
    assert files == [final_name]  # one final file, no *.part left over
    assert doc.file.name == f"{folder}/{final_name}"
    assert doc.attempts == 2  # the killed claim and the one that finished
    reader = PdfReader(io.BytesIO(Path(doc.file.path).read_bytes()))
    assert len(reader.pages) == doc.pages >= 10
