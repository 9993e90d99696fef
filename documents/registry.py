"""One registry mapping each document kind to its template and its context builder.

A kind module (`documents/kinds/*.py`) declares a `DocumentKind` and calls
`register`. The engine knows nothing of dossiers or councils: it asks the kind
for the object (through the owning app's selector, so an object outside the
user's scope is a 404), for who may ask for a render, and for the context. The
context is plain data (str, int, list, dict): its canonical JSON hash is the
render's inputs hash, so the same inputs never render twice and a changed
object makes the older file stale.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Variant:
    code: str
    label: str


@dataclass(frozen=True)
class DocumentKind:
    code: str  # "submission"; also the folder of its files and the URL segment
    label: str  # "Tờ trình đề nghị khen thưởng"
    model: type[models.Model]
    template: str  # "documents/submission.html"
    build: Callable[..., dict]  # build(obj, *, variant: str, options: dict) -> JSON-able context
    get_visible: Callable[[Any, int], models.Model]  # (user, pk) -> obj; Http404 outside the user's scope
    may_request: Callable[[Any, models.Model], bool]  # may the user have it rendered (and signed)?
    variants: tuple[Variant, ...] = ()  # e.g. normal / simplified; the first is the default
    docx: Callable[[dict], bytes] | None = None  # a DOCX of the same context, for offices that edit before signing
    # A kind made of other documents (the dossier pack) renders itself: render(doc) -> (pdf bytes, pages, anchors).
    render: Callable | None = None
    filename: str = ""  # download name stem; defaults to code
    order: int = 100  # position in the documents panel
    option_fields: tuple[str, ...] = field(default=())  # options the panel's form may pass (e.g. offsets)

    def variant_codes(self) -> list[str]:
        return [v.code for v in self.variants]

    def default_variant(self) -> str:
        return self.variants[0].code if self.variants else ""


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in _KINDS and _KINDS[kind.code] is not kind:
        raise ValueError(f"document kind {kind.code!r} registered twice")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def kinds_for(model: type[models.Model]) -> list[DocumentKind]:
    return [k for k in all_kinds() if k.model is model or k.model._meta.concrete_model is model]
