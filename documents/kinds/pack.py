"""The dossier pack (bộ hồ sơ): one PDF of a dossier's tờ trình, danh sách, biên bản(s), báo cáo thành tích
and evidence PDFs, with a contents page first and one bookmark per part (documents.pack merges it).

Its context is the list of its parts, each with the inputs hash of its own document, so the pack's inputs
hash is the hash of its parts' hashes: a changed nomination changes its báo cáo's entry (and so the pack),
the other parts keep their hashes and their files. The part kinds are looked up in the registry at run
time: a kind not registered is left out.

Built in a fixed number of queries whatever the number of nominations: the tờ trình, the danh sách and
each biên bản are built by their own kinds (each constant; the meetings are a handful, not one per
nomination); a báo cáo thành tích is represented by a fingerprint of every row its builder reads (the
nomination, its report, the nominee and units, the award records, the linked initiatives, its number),
taken in bulk, instead of its built context. The exact hash of each báo cáo is taken on the worker when
the pack asks for its parts (`documents.pack`).
"""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Prefetch, Q

from awards.models import AwardRecord
from councils.enums import RoundStatus
from councils.models import Meeting
from nominations.enums import RECEIVED_STATES, Procedure
from nominations.models import Attachment, Dossier, Nomination
from nominations.selectors import dossier_get_visible
from units.rules import Cap, can

from .. import pack as pack_render
from .. import registry, services
from ..models import DocumentNumber
from ..registry import DocumentKind, register

KIND = "dossier_pack"
SUBMISSION, SUBMISSION_LIST, MINUTES, REPORT = "submission", "submission_list", "minutes", "achievement_report"
EVIDENCE = "evidence"  # a part that is a nominations.Attachment, merged as uploaded
PDF = "application/pdf"
# Rounds whose votes count: a meeting with one of these "voted" on its agenda.
VOTED_ROUNDS = (RoundStatus.CLOSED, RoundStatus.PUBLISHED)


def may_request(user, dossier) -> bool:
    """Who files or signs for the proposing unit; once received, who appraises it (as for the tờ trình)."""
    if can(user, Cap.FILE, dossier.unit) or can(user, Cap.SIGN, dossier.unit):
        return True
    return (
        dossier.receiving_unit_id is not None
        and dossier.status in RECEIVED_STATES
        and can(user, Cap.APPRAISE, dossier.receiving_unit)
    )


def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _exact_part(kind: DocumentKind, obj, *, key: str, variant: str, title: str) -> dict:
    context = kind.build(obj, variant=variant, options={})
    digest = services.inputs_hash(kind, variant=variant, options={}, context=context, file_format="pdf")
    return {"key": key, "kind": kind.code, "object_id": obj.pk, "variant": variant, "hash": digest, "title": title}


def _variant_for(kind: DocumentKind, wanted: str) -> str:
    codes = kind.variant_codes()
    return wanted if wanted in codes else kind.default_variant()


def _meetings(dossier: Dossier, nominations: list[Nomination]) -> list[Meeting]:
    """The meetings of the proposing unit's own council (the Hội đồng of the level that submits, LAW.md (d):
    "school council vote + biên bản → tờ trình …") that voted on the dossier's nominations or on those they
    roll up from: a council votes on what its unit received, so a Phòng's roll-up dossier carries the
    biên bản of its council's vote on the schools' nominations. The receiving level's own biên bản (which
    names other units' nominees) is not part of the proposing unit's dossier."""
    ids = {n.pk for n in nominations} | {n.source_id for n in nominations if n.source_id}
    if not ids:
        return []
    return list(
        Meeting.objects.filter(
            council__unit_id=dossier.unit_id, agenda__nomination_id__in=ids, rounds__status__in=VOTED_ROUNDS
        )
        .select_related("council")
        .distinct()
        .order_by("date", "start_time", "id")
    )


def _report_fingerprints(dossier: Dossier, kind: DocumentKind) -> dict[int, str]:
    """nomination id -> a hash of every row the báo cáo's builder reads, for the nominations with a report.
    Four queries, whatever the number of nominations."""
    rows = list(
        Nomination.objects.filter(dossier_id=dossier.pk, report__isnull=False)
        .values(
            "pk",
            "version",
            "updated_at",
            "report__version",
            "report__updated_at",
            "person_id",
            "person__updated_at",
            "person__unit__updated_at",
            "person__unit__parent__updated_at",
            "unit_id",
            "unit__updated_at",
            "unit__parent__updated_at",
            "unit__head__updated_at",
            "award_type__updated_at",
            "dossier__version",
            "dossier__updated_at",
            "dossier__unit__updated_at",
            "dossier__unit__parent__updated_at",
            "dossier__unit__head__updated_at",
            "dossier__receiving_unit__updated_at",
            "dossier__receiving_unit__head__updated_at",
        )
        .order_by("pk")
    )
    if not rows:
        return {}
    person_ids = {r["person_id"] for r in rows if r["person_id"]}
    unit_ids = {r["unit_id"] for r in rows if r["unit_id"]}
    records: dict[tuple, list] = {}
    for rec in (
        AwardRecord.objects.filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids))
        .values("person_id", "unit_id")
        .annotate(n=Count("id"), last=Max("updated_at"), revoked=Count("revocation"))
        .order_by("person_id", "unit_id")
    ):
        records[(rec["person_id"], rec["unit_id"])] = [rec["n"], rec["last"], rec["revoked"]]
    initiatives: dict[int, list] = {}
    for link in (
        Nomination.initiatives.through.objects.filter(nomination_id__in=[r["pk"] for r in rows])
        .values("nomination_id", "initiative_id", "initiative__updated_at")
        .order_by("nomination_id", "initiative_id")
    ):
        initiatives.setdefault(link["nomination_id"], []).append(
            [link["initiative_id"], link["initiative__updated_at"]]
        )
    numbers = dict(
        DocumentNumber.objects.filter(
            kind=REPORT,
            content_type=ContentType.objects.get_for_model(Nomination),
            object_id__in=[r["pk"] for r in rows],
        ).values_list("object_id", "number")
    )
    template = services._template_fingerprint(kind.template)
    out = {}
    for row in rows:
        holder = (row["person_id"], None) if row["person_id"] else (None, row["unit_id"])
        out[row["pk"]] = _digest(
            [template, row, records.get(holder), initiatives.get(row["pk"]), numbers.get(row["pk"])]
        )
    return out


def _nominee(nomination: Nomination) -> str:
    return f"{nomination.candidate_name} – {nomination.award_type.name}"


def pack_build(dossier: Dossier, *, variant: str = "", options: dict | None = None) -> dict:
    """The pack's parts, in order, each with its own inputs hash (or fingerprint), and the images left out."""
    dossier = Dossier.objects.select_related("unit", "receiving_unit", "campaign").get(pk=dossier.pk)
    nominations = list(
        Nomination.objects.filter(dossier_id=dossier.pk)
        .select_related("person", "unit", "award_type")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("award_type__rank", "award_type__code", "id")
    )
    parts: list[dict] = []
    submission = registry.get(SUBMISSION)
    if submission is not None:
        wanted = Procedure.SIMPLIFIED.value if dossier.procedure == Procedure.SIMPLIFIED else Procedure.NORMAL.value
        parts.append(
            _exact_part(
                submission,
                dossier,
                key=SUBMISSION,
                variant=_variant_for(submission, wanted),
                title=submission.label,
            )
        )
    listing = registry.get(SUBMISSION_LIST)
    if listing is not None:
        parts.append(
            _exact_part(listing, dossier, key=SUBMISSION_LIST, variant=listing.default_variant(), title=listing.label)
        )
    minutes = registry.get(MINUTES)
    if minutes is not None:
        for meeting in _meetings(dossier, nominations):
            parts.append(
                _exact_part(
                    minutes,
                    meeting,
                    key=f"{MINUTES}-{meeting.pk}",
                    variant=minutes.default_variant(),
                    title=f"{minutes.label} ngày {meeting.date:%d/%m/%Y} ({meeting.council.name})",
                )
            )
    report = registry.get(REPORT)
    fingerprints = _report_fingerprints(dossier, report) if report is not None else {}
    nominees: list[dict] = []
    skipped: list[dict] = []
    for nomination in nominations:
        group: list[dict] = []
        if nomination.pk in fingerprints:
            group.append(
                {
                    "key": f"{REPORT}-{nomination.pk}",
                    "kind": REPORT,
                    "object_id": nomination.pk,
                    "variant": report.default_variant(),
                    "hash": fingerprints[nomination.pk],
                    "title": "Báo cáo thành tích",
                }
            )
        for attachment in nomination.attachments.all():
            label = attachment.description.strip() or attachment.original_name
            if attachment.content_type != PDF:
                skipped.append({"nominee": _nominee(nomination), "name": label, "reason": "tệp ảnh"})
                continue
            group.append(
                {
                    "key": f"{EVIDENCE}-{attachment.pk}",
                    "kind": EVIDENCE,
                    "object_id": attachment.pk,
                    "variant": "",
                    "hash": _digest([attachment.file.name, attachment.size, attachment.updated_at]),
                    "title": f"Minh chứng: {label}",
                }
            )
        if group:
            index = len(nominees)
            nominees.append({"index": index, "title": _nominee(nomination), "nomination_id": nomination.pk})
            for part in group:
                part["nominee"] = index
            parts.extend(group)
    unit = dossier.unit
    round_label = dossier.get_round_kind_display()  # "Tổng kết năm học" already ends with its noun
    year = dossier.school_year_label if round_label.endswith("năm học") else f"năm học {dossier.school_year_label}"
    return {
        "unit_name": unit.name,
        "subtitle": f"{round_label} {year}",
        "title": dossier.title,
        "parts": parts,
        "nominees": nominees,
        "skipped": skipped,
        "meta": {
            "title": f"Bộ hồ sơ đề nghị khen thưởng – {unit.name} – năm học {dossier.school_year_label}",
            "issuer": unit.name,
            "number": "",
            "date": None,
            "unit_id": unit.pk,
            "expected_pages": 1 + len(parts) // 25,
        },
    }


register(
    DocumentKind(
        code=KIND,
        label="Bộ hồ sơ đề nghị khen thưởng (ghép thành một tệp PDF)",
        model=Dossier,
        template="documents/pack_contents.html",
        build=pack_build,
        get_visible=dossier_get_visible,
        may_request=may_request,
        render=pack_render.pack_render,
        filename="bo-ho-so-de-nghi-khen-thuong",
        order=90,
    )
)
