"""Rendering the dossier pack (worker side): ask for the parts, wait without blocking, merge.

1. The parts. The pack's row keeps the part rows it waits for (`GeneratedDocument.parts`). A part not
   there yet is asked for through `services.document_ensure` (its exact inputs hash: a row already made
   from the same inputs is reused, never rendered again; a new one is queued and renders on any worker, in
   parallel with the others). A pack asked for again after a failure starts from no parts, so a failed
   part is queued again.
2. Waiting. While a part is queued or rendering, `PartsPending` puts the pack back in the queue with the
   share of parts ready as its progress and the task retries a few seconds later: no worker waits for
   another (a worker of concurrency 1 would deadlock). A failed part fails the pack with its reason.
   Without a broker (eager mode) the parts render inline as they are asked for, so the pack merges on its
   first pass.
3. Merging (pypdf): a contents page rendered by WeasyPrint from `documents/pack_contents.html` (each part
   with its first page in the merged file; rendered again if its own length moved the numbers), then every
   part, with one bookmark per part and the báo cáo and evidence nested under their nominee. An evidence PDF
   that cannot be read is left out and named on the contents page.
"""

import functools
import io
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from . import registry, services
from .enums import DocumentStatus
from .models import GeneratedDocument
from .rendering import html_render, pdf_render

logger = logging.getLogger(__name__)

EVIDENCE = "evidence"
CONTENTS_TITLE = "Mục lục"
MAX_CONTENTS_PASSES = 4
CONTENTS_ROWS_PER_PAGE = 36


def _part_key(kind: str, object_id: int, variant: str) -> tuple:
    return (kind, int(object_id), variant)


def _objects(pack_obj, parts: list[dict]) -> dict[tuple, object]:
    """The object of each part that is a document, one query per kind of object."""
    wanted: dict[type, set[int]] = {}
    for part in parts:
        kind = registry.get(part["kind"])
        if kind is not None:
            wanted.setdefault(kind.model, set()).add(int(part["object_id"]))
    found = {}
    for model, ids in wanted.items():
        if isinstance(pack_obj, model) and ids == {pack_obj.pk}:
            found[(model, pack_obj.pk)] = pack_obj
            continue
        for obj in model.objects.filter(pk__in=ids):
            found[(model, obj.pk)] = obj
    return found


def parts_ready(doc: GeneratedDocument, context: dict) -> dict[str, GeneratedDocument]:
    """The ready row of every document part (by part key); asks for the missing ones. Raises PartsPending
    while some are queued or rendering, PermanentRenderError when one failed."""
    kind = registry.get(doc.kind)
    current = services.inputs_hash(
        kind, variant=doc.variant, options=doc.options, context=context, file_format=doc.file_format
    )
    if current != doc.inputs_hash:
        doc.parts.clear()  # the dossier changed since the request: take the parts of its current data
    documents = [p for p in context["parts"] if p["kind"] != EVIDENCE]
    held = {_part_key(r.kind, r.object_id, r.variant): r for r in doc.parts.all()}
    missing = [p for p in documents if _part_key(p["kind"], p["object_id"], p["variant"]) not in held]
    if missing:
        objects = _objects(doc.obj, missing)
        added = []
        for part in missing:
            part_kind = registry.get(part["kind"])
            obj = objects.get((part_kind.model, int(part["object_id"]))) if part_kind else None
            if obj is None:
                raise services.PermanentRenderError(
                    f"Không tạo được bộ hồ sơ: phần «{part['title']}» không còn dữ liệu."
                )
            row = services.document_ensure(
                kind=part_kind, obj=obj, by=doc.requested_by, variant=part["variant"], options={}, file_format="pdf"
            )
            held[_part_key(row.kind, row.object_id, row.variant)] = row
            added.append(row)
        doc.parts.add(*added)
    rows = {
        _part_key(r.kind, r.object_id, r.variant): r
        for r in GeneratedDocument.objects.filter(pk__in=[r.pk for r in held.values()])
    }
    by_key, ready = {}, 0
    for part in documents:
        row = rows[_part_key(part["kind"], part["object_id"], part["variant"])]
        if row.status == DocumentStatus.FAILED:
            doc.parts.clear()  # asked for again, the pack asks for this part again
            raise services.PermanentRenderError(
                f"Không tạo được phần «{part['title']}» của bộ hồ sơ: {row.error or 'lỗi không rõ'}"
            )
        if row.status == DocumentStatus.READY:
            ready += 1
        by_key[part["key"]] = row
    if ready < len(documents):
        raise services.PartsPending(ready=ready, total=len(documents))
    return by_key


def packs_progress(part: GeneratedDocument) -> None:
    """After `part` is ready: each pack waiting for it shows its new share of parts ready. (The pack's own
    retry may sit behind many parts in the broker's queue; its progress should not.) One query, and an
    UPDATE per waiting pack. The part that completes a pack sends the pack's render at once rather than
    leaving it to the pack's next retry (up to WAIT_MAX_COUNTDOWN seconds later): each part counts after its
    own commit, so the last one to commit sees them all; a second message for the pack is a no-op."""
    pack_ids = GeneratedDocument.objects.filter(parts=part, status=DocumentStatus.QUEUED).values("pk")
    waiting = GeneratedDocument.objects.filter(pk__in=pack_ids).annotate(  # apart: the join above holds one part
        total=Count("parts"), ready=Count("parts", filter=Q(parts__status=DocumentStatus.READY))
    )
    for pack in waiting:
        progress = services.PartsPending(ready=pack.ready, total=pack.total).progress
        # Touched even when its share did not move: a pack whose parts still finish is waiting, not lost
        # (services.documents_requeue_stale).
        GeneratedDocument.objects.filter(pk=pack.pk, status=DocumentStatus.QUEUED).update(
            progress=Greatest(F("progress"), progress), updated_at=timezone.now()
        )
        if pack.ready == pack.total and not settings.CELERY_TASK_ALWAYS_EAGER:
            # (Eager: the parts render inside the pack's own build, which merges them on that pass.)
            transaction.on_commit(functools.partial(services._enqueue, pack.pk))


def _read_evidence(attachment_ids: list[int]) -> dict[int, PdfReader | None]:
    from nominations.models import Attachment

    out: dict[int, PdfReader | None] = {}
    for attachment in Attachment.objects.filter(pk__in=attachment_ids):
        try:
            with attachment.file.open("rb") as handle:
                reader = PdfReader(io.BytesIO(handle.read()))
            if reader.is_encrypted or len(reader.pages) == 0:
                raise ValueError("encrypted or empty")
            out[attachment.pk] = reader
        except Exception:  # noqa: BLE001 - any unreadable upload is left out and named, not a failed pack
            logger.warning("evidence %s of a pack could not be read", attachment.pk, exc_info=True)
            out[attachment.pk] = None
    return out


def _read_part(row: GeneratedDocument) -> PdfReader:
    with row.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _contents_rows(context: dict, pages: dict[str, int], first: int) -> list[dict]:
    """The contents table: top parts numbered 1, 2, …; each nominee a group row, its parts 4.1, 4.2, …"""
    rows, number, seen = [], 0, {}
    start = first
    for part in context["parts"]:
        count = pages.get(part["key"], 0)
        if not count:
            continue
        nominee = part.get("nominee")
        if nominee is None:
            number += 1
            rows.append({"number": str(number), "title": part["title"], "page": start, "group": False})
        else:
            if nominee not in seen:
                number += 1
                seen[nominee] = [number, 0]
                title = context["nominees"][nominee]["title"]
                rows.append({"number": str(number), "title": title, "page": start, "group": True})
            seen[nominee][1] += 1
            label = f"{seen[nominee][0]}.{seen[nominee][1]}"
            rows.append({"number": label, "title": part["title"], "page": start, "group": False, "nested": True})
        start += count
    return rows


def pack_render(doc: GeneratedDocument, context: dict, progress) -> tuple[bytes, int, dict]:
    """The kind's `render`: (pdf bytes, pages, anchors). No anchors: the pack is signed last, with the
    organisation's signature on page 1 (documents.signing), covering every part merged into it."""
    rows = parts_ready(doc, context)
    progress(91)
    evidence = _read_evidence([p["object_id"] for p in context["parts"] if p["kind"] == EVIDENCE])
    readers: dict[str, PdfReader] = {}
    unreadable = []
    for part in context["parts"]:
        if part["kind"] == EVIDENCE:
            reader = evidence.get(int(part["object_id"]))
            if reader is None:
                unreadable.append(
                    {"name": part["title"].removeprefix("Minh chứng: "), "reason": "tệp PDF không đọc được"}
                )
                continue
            readers[part["key"]] = reader
        else:
            readers[part["key"]] = _read_part(rows[part["key"]])
    pages = {key: len(reader.pages) for key, reader in readers.items()}
    kind = registry.get(doc.kind)
    base = {**context, "verification": services.verification_context(doc), "unreadable": unreadable}
    # A first guess from the number of rows (about 36 a page) saves a second layout of a long contents.
    contents_pages, contents = 1 + (len(_contents_rows(context, pages, 1)) + 5) // CONTENTS_ROWS_PER_PAGE, None
    for _ in range(MAX_CONTENTS_PASSES):
        html = html_render(kind.template, {**base, "rows": _contents_rows(context, pages, contents_pages + 1)})
        contents = pdf_render(html, expected_pages=int(context["meta"].get("expected_pages", 1)))
        if contents.pages == contents_pages:
            break
        contents_pages = contents.pages
    progress(95)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(contents.pdf)), import_outline=False)
    writer.add_outline_item(title=CONTENTS_TITLE, page_number=0)
    groups = {}
    for part in context["parts"]:
        reader = readers.get(part["key"])
        if reader is None:
            continue
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        nominee = part.get("nominee")
        parent = None
        if nominee is not None:
            if nominee not in groups:
                groups[nominee] = writer.add_outline_item(
                    title=context["nominees"][nominee]["title"], page_number=start
                )
            parent = groups[nominee]
        writer.add_outline_item(title=part["title"], page_number=start, parent=parent)
    writer.add_metadata({"/Title": context["meta"]["title"]})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages), {}


def document_build_with_parts(*, document_id: int) -> GeneratedDocument | None:
    """`services.document_build` in this process, the queued parts of a pack first (what the workers do, one
    after the other): for the samples command, scripts and tests, where the parts' tasks do not run."""
    try:
        return services.document_build(document_id=document_id)
    except services.PartsPending:
        for part_id in (
            GeneratedDocument.objects.get(pk=document_id)
            .parts.filter(status=DocumentStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            services.document_build(document_id=part_id)
    return services.document_build(document_id=document_id)
