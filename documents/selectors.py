"""Every read of the documents app goes through the kind's own selector: a document is visible exactly when
the object it is of is visible to the user (404 otherwise, without saying whether the document exists)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from . import registry
from .models import GeneratedDocument, ScannedOriginal


@dataclass
class Visible:
    doc: GeneratedDocument
    obj: object
    kind: registry.DocumentKind


def document_get_visible(user, pk) -> Visible:
    doc = GeneratedDocument.objects.filter(pk=pk).select_related("content_type").first()
    if doc is None:
        raise Http404
    kind = registry.get(doc.kind)
    if kind is None or ContentType.objects.get_for_model(kind.model).pk != doc.content_type_id:
        raise Http404
    obj = kind.get_visible(user, doc.object_id)  # Http404 outside the user's scope
    return Visible(doc=doc, obj=obj, kind=kind)


def object_get_visible(user, kind_code: str, object_id: int):
    kind = registry.get(kind_code)
    if kind is None:
        raise Http404
    return kind, kind.get_visible(user, object_id)


@dataclass
class PanelRow:
    kind: registry.DocumentKind
    variant: registry.Variant | None
    latest: GeneratedDocument | None
    latest_docx: GeneratedDocument | None
    may_request: bool


def panel_rows(user, obj) -> list[PanelRow]:
    """The document kinds of `obj` (already visible to `user`) with the latest PDF and DOCX of each."""
    kinds = registry.kinds_for(type(obj))
    if not kinds:
        return []
    content_type = ContentType.objects.get_for_model(obj)
    latest: dict[tuple[str, str, str], GeneratedDocument] = {}
    for doc in GeneratedDocument.objects.filter(
        content_type=content_type, object_id=obj.pk, kind__in=[k.code for k in kinds]
    ).order_by("-created_at", "-id"):
        latest.setdefault((doc.kind, doc.variant, doc.file_format), doc)
    rows = []
    for kind in kinds:
        may = kind.may_request(user, obj)
        for variant in kind.variants or (None,):
            code = variant.code if variant else ""
            rows.append(
                PanelRow(
                    kind=kind,
                    variant=variant,
                    latest=latest.get((kind.code, code, "pdf")),
                    latest_docx=latest.get((kind.code, code, "docx")),
                    may_request=may,
                )
            )
    return rows


def scans_of(obj) -> list[ScannedOriginal]:
    content_type = ContentType.objects.get_for_model(obj)
    return list(ScannedOriginal.objects.filter(content_type=content_type, object_id=obj.pk))
