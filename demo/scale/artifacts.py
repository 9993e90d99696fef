"""Generated documents, ready, sharing a few small real PDF files."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents.enums import DocumentStatus
from documents.models import VERIFICATION_LENGTH, GeneratedDocument
from nominations.enums import DossierStatus

from .base import (
    SAMPLE_FILES,
    _aware,
)


class DocumentSteps:
    # --- generated documents -----------------------------------------------------------------------

    def documents(self) -> None:
        from demo.nominations import _pdf

        files = []
        for n in range(SAMPLE_FILES):
            name = f"documents/scale/mau-{n + 1}.pdf"
            data = _pdf(f"Van ban mau quy mo tinh {n + 1}")
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
            files.append((name, data))
        sent = [d for d in self.dossier_rows if d.status not in (DossierStatus.DRAFT, DossierStatus.AWAITING_HEAD)]
        targets = (
            [("submission", d, d.title, d.submission_number, d.submission_date, d.unit) for d in sent]
            + [("decision", d, d.excerpt, d.number, d.date, d.deciding_unit) for d in self.decisions]
            + [
                ("minutes", m, "Biên bản họp Hội đồng Thi đua – Khen thưởng", "", m.date, m.council.unit)
                for m in self.published_meetings
            ]
        )
        types = {}
        rows = []
        for index, (kind, obj, title, number, day, unit) in enumerate(targets):
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            name, data = files[index % len(files)]
            rows.append(
                GeneratedDocument(
                    kind=kind,
                    variant=_default_variant(kind),
                    content_type=types[model],
                    object_id=obj.pk,
                    inputs_hash=hashlib.sha256(f"scale:{kind}:{index}:{title}".encode()).hexdigest(),
                    status=DocumentStatus.READY,
                    progress=100,
                    attempts=1,
                    file=name,
                    file_sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    pages=1,
                    title=title,
                    issuer=unit.name if unit else "",
                    number=number,
                    issued_on=day,
                    unit=unit,
                    verification_code=self._code(VERIFICATION_LENGTH),
                    built_at=_aware(day or self.today, 10),
                    duration_ms=80,
                )
            )
        self._bulk(GeneratedDocument, rows)


def _default_variant(kind_code: str) -> str:
    from documents import registry

    kind = registry.get(kind_code)
    return kind.default_variant() if kind else ""
