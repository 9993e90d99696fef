"""What must hold before a dossier travels: the engine's verdict per nomination and a completeness list.

Pure functions over rows already loaded, returning Vietnamese reasons, plus
`verdicts_refresh`, which asks the awards engine for every nomination of the
candidates given, handing in the codes proposed for the same candidate in the
same dossier as *pending* (a CSTĐCS next to the same person's LĐTT is "to be
decided in this round", not "missing").
"""

import datetime
import json
from collections import defaultdict

from django.db.models import prefetch_related_objects
from django.utils import timezone

from awards import engine
from awards.enums import AuthorityKind, Verdict
from awards.rules_engine.base import NOT_MET, REVIEW

from .enums import Procedure
from .report import report_award_codes, report_missing

# Awards whose nomination needs at least one evidence file under the normal procedure: those decided at the
# province or above, where the achievement report must be substantiated. [U] a documented default of the
# portal, not an article of law (LAW.md (d) lists the report, not its evidence); change it here.
EVIDENCE_REQUIRED_AUTHORITIES = frozenset(
    {
        AuthorityKind.PROVINCIAL_CHAIR,
        AuthorityKind.MINISTER,
        AuthorityKind.PRIME_MINISTER,
        AuthorityKind.PRESIDENT,
    }
)
# How many problems a refusal lists before "và N vấn đề khác".
MAX_LISTED = 8


def pending_pairs(nominations) -> frozenset:
    """What a dossier proposes, as the engine's `pending` expects it: {(("person"|"unit", pk), code)}.

    Handed in whole, so a collective's members and a head's unit count as proposed too (a TTLĐXS of the
    school beside its teachers' LĐTT, a principal's CSTĐCS beside the school's TTLĐXS).
    """
    return frozenset(
        (("person", n.person_id) if n.person_id else ("unit", n.unit_id), n.award_type.code) for n in nominations
    )


# The lower levels' nominations still on their way to a decision: in the same round as what rolled up from them.
LIVE_BELOW = ("proposed", "accepted", "passed_to_council", "approved_by_council", "forwarded")


def round_pending(nominations, *, depth: int = 6) -> frozenset:
    """`pending_pairs` of `nominations` plus what the dossiers they rolled up from still propose.

    A level's roll-up dossier carries only what it cannot decide: a school's TTLĐXS goes up while its
    teachers' LĐTT stay below for the level that decides them. Those LĐTT are proposed in the same round,
    so the collective's check counts them as pending, not missing. One query per level of the chain.
    """
    from .models import Nomination

    pairs = set(pending_pairs(nominations))
    source_ids = {n.source_id for n in nominations if n.source_id}
    dossier_ids = (
        set(Nomination.objects.filter(pk__in=source_ids).values_list("dossier_id", flat=True)) if source_ids else set()
    )
    seen = set()
    while dossier_ids and depth:
        seen |= dossier_ids
        rows = list(
            Nomination.objects.filter(dossier_id__in=dossier_ids, status__in=LIVE_BELOW).values_list(
                "person_id", "unit_id", "award_type__code", "source__dossier_id"
            )
        )
        pairs |= {(("person", p) if p else ("unit", u), code) for p, u, code, _ in rows}
        dossier_ids = {below for *_, below in rows if below} - seen
        depth -= 1
    return frozenset(pairs)


def verdicts_refresh(nominations, *, year: int, on_date: datetime.date | None = None, pending=None) -> None:
    """Run the engine for each candidate of `nominations` (all of one dossier) and store verdict and reasons.

    `pending` is the dossier's `pending_pairs` (default: those of `nominations`), handed to the engine. One
    engine call for all the candidates (`check_codes_many`: each candidate's facts loaded once for all its
    awards, in queries that do not grow with the candidates), then at most two UPDATEs. It runs on writes (adding,
    importing, sending), never on a page render.
    """
    by_candidate = defaultdict(list)
    for n in nominations:
        by_candidate[("p", n.person_id) if n.person_id else ("u", n.unit_id)].append(n)
    pending = round_pending(nominations) if pending is None else pending
    now = timezone.now()
    groups = list(by_candidate.values())
    wanted = [
        (group[0].person if group[0].person_id else group[0].unit, [n.award_type.code for n in group])
        for group in groups
    ]
    checked = engine.check_codes_many(wanted, year, on_date=on_date, pending=pending) if wanted else []
    changed, same = [], []
    for group, found in zip(groups, checked, strict=True):
        results = {r.award_code: r for r in found}
        for n in group:
            before = (n.verdict, n.reasons)
            result = results.get(n.award_type.code)
            if result is None:
                n.verdict = ""
                n.reasons = [
                    {
                        "status": NOT_MET,
                        "text": f"«{n.award_type.name}» không có hiệu lực vào ngày xét.",
                        "legal_basis": "",
                    }
                ]
            else:
                n.verdict = result.verdict
                n.reasons = [{"status": r.status, "text": r.text, "legal_basis": r.legal_basis} for r in result.reasons]
            n.checked_at = now
            (same if (n.verdict, n.reasons) == before else changed).append(n)
    if changed:
        _verdicts_store(changed, now)
    if same:
        # A check that finds what the last one found (most rows when a dossier is sent) only dates it.
        type(same[0]).objects.filter(pk__in=[n.pk for n in same]).update(checked_at=now)


# Rows per UPDATE of `_verdicts_store`: three parameters each, within PostgreSQL's 65,535 and SQLite's 32,766.
VERDICT_BATCH = 1000


def _verdicts_store(nominations, now) -> None:
    """Write the nominations' verdict, reasons and check time: one UPDATE … FROM (VALUES …) per 1,000 rows.

    Django's bulk_update builds a CASE WHEN expression per row and field and resolves each in Python: about
    3 s of CPU for 1,000 nominations, ten times the engine's check itself. This statement hands the values
    in as a table instead (PostgreSQL and SQLite ≥ 3.33; other databases keep bulk_update).
    """
    from django.db import connection

    model = type(nominations[0])
    if connection.vendor not in ("postgresql", "sqlite"):
        model.objects.bulk_update(nominations, ["verdict", "reasons", "checked_at"])
        return
    table = connection.ops.quote_name(model._meta.db_table)
    reasons = "CAST(v.reasons AS jsonb)" if connection.vendor == "postgresql" else "v.reasons"
    checked_at = model._meta.get_field("checked_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(nominations), VERDICT_BATCH):
            batch = nominations[start : start + VERDICT_BATCH]
            params = []
            for n in batch:
                params += [n.pk, n.verdict, json.dumps(n.reasons)]
            cursor.execute(
                # bandit: a quoted table name and %s placeholders only; the values travel in params
                f"WITH v(id, verdict, reasons) AS (VALUES {', '.join(['(%s, %s, %s)'] * len(batch))}) "  # nosec B608
                f"UPDATE {table} SET verdict = v.verdict, reasons = {reasons}, checked_at = %s "
                f"FROM v WHERE {table}.id = v.id",
                [*params, checked_at],
            )


def nomination_problems(
    nomination, *, procedure: str, attachment_count: int, report_codes: frozenset | None = None
) -> list[str]:
    """Why one nomination is not ready to travel (empty: ready). Reads only the row and the count given;
    `report_codes`: `report.report_award_codes()` read once by a caller with many rows."""
    problems = []
    award = nomination.award_type
    if not nomination.summary.strip():
        problems.append("chưa có tóm tắt thành tích")
    # the full report, for the awards that need it
    problems += report_missing(nomination, procedure=procedure, codes=report_codes)
    if procedure == Procedure.NORMAL and award.authority_kind in EVIDENCE_REQUIRED_AUTHORITIES and not attachment_count:
        problems.append("chưa có minh chứng (tệp PDF, JPEG hoặc PNG)")
    if not nomination.verdict:
        problems.append("chưa kiểm tra được điều kiện khen thưởng")
    elif nomination.verdict == Verdict.NOT_ELIGIBLE and not nomination.is_overridden:
        problems.append(
            "không đủ điều kiện theo kiểm tra tự động; chỉ gửi được khi chuyên viên cấp trên ghi ý kiến "
            "(tiêu chuẩn áp dụng và lý do)"
        )
    return [f"{nomination.candidate_name} – {award.name}: {p}" for p in problems]


def dossier_problems(dossier, nominations, attachment_counts: dict[int, int]) -> list[str]:
    """The completeness checklist of a dossier and of the nominations that travel with it."""
    prefetch_related_objects(list(nominations), "report")  # one query for all reports, none if already selected
    problems = []
    if not nominations:
        problems.append("Hồ sơ chưa có đề nghị nào.")
    if not dossier.submission_number.strip():
        problems.append("Chưa ghi số tờ trình.")
    if dossier.submission_date is None:
        problems.append("Chưa ghi ngày tờ trình.")
    if not dossier.submission_signer.strip():
        problems.append("Chưa ghi người ký tờ trình.")
    if dossier.procedure == Procedure.SIMPLIFIED and not dossier.summary.strip():
        problems.append("Thủ tục đơn giản: chưa có bản tóm tắt thành tích của hồ sơ.")
    if dossier.receiving_unit_id is None:
        problems.append("Chưa xác định được đơn vị tiếp nhận hồ sơ (tuyến trình).")
    codes = report_award_codes()
    for n in nominations:
        problems += [
            p[0].upper() + p[1:] + "."
            for p in nomination_problems(
                n, procedure=dossier.procedure, attachment_count=attachment_counts.get(n.pk, 0), report_codes=codes
            )
        ]
    return problems


def refusal_text(problems: list[str]) -> str:
    listed = problems[:MAX_LISTED]
    more = len(problems) - len(listed)
    text = "Hồ sơ chưa đủ để gửi: " + " ".join(listed)
    return text + (f" (và {more} vấn đề khác)." if more else "")


def reasons_summary(reasons: list[dict]) -> list[dict]:
    """The reasons a page shows: failures and review points first."""
    order = {NOT_MET: 0, REVIEW: 1}
    return sorted(reasons, key=lambda r: order.get(r.get("status"), 2))
