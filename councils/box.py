"""The ballot box steps the round workflow runs (workflows.py): freeze at the opening, seal and count.

Counting reads the ballots as aggregates only (GROUP BY item, choice); no function here returns or logs
a single ballot.
"""

import hashlib
import random
import secrets
import uuid
from collections import defaultdict

from django.utils import timezone

from awards.engine import council_vote_rule
from awards.enums import RuleKind
from awards.models import WILDCARD, AwardRule, in_force_q
from core.exceptions import ServiceError
from nominations.enums import NominationStatus

from . import revote, tally
from .enums import AttendanceStatus
from .models import AgendaItem, Attendance, Ballot, PaperCount, ReceiptCode, Recusal

_system_random = random.SystemRandom()


def votable_items(meeting, only_ids=None):
    """The agenda items still before the council (their nomination is PASSED_TO_COUNCIL), or those of
    `only_ids` among them (a re-vote round)."""
    rows = AgendaItem.objects.filter(meeting=meeting, nomination__status=NominationStatus.PASSED_TO_COUNCIL)
    if only_ids is not None:
        rows = rows.filter(pk__in=only_ids)
    return list(
        rows.select_related(
            "nomination__award_type", "nomination__person__unit", "nomination__unit", "nomination__dossier"
        ).order_by("position", "id")
    )


def attendance_counts(meeting) -> tuple[int, int, int, list[int]]:
    """(total members, present, present or written, ids of present members)."""
    members = list(meeting.council.members.values_list("id", flat=True))
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    present = [m for m in members if marks.get(m) == AttendanceStatus.PRESENT]
    written = [m for m in members if marks.get(m) == AttendanceStatus.WRITTEN]
    return len(members), len(present), len(present) + len(written), present


def item_rule(council, code: str, on_date) -> dict:
    """The rule of one title: its own catalog rule if it has one (CSTĐCS, CSTĐ tỉnh …), else the council's
    standing rules (which start from the catalog's "*" rule and may be changed per council). The tie and
    over-quota rules (councils/revote.py) come from the title's rule, else the "*" rule, else the defaults."""
    params = council_vote_rule(code, on_date=on_date)
    revote_rules = {"award_code": code, "tie_rule": params["tie_rule"], "over_quota": params["over_quota"]}
    own = AwardRule.objects.filter(in_force_q(on_date), kind=RuleKind.COUNCIL_VOTE, award_code=code).exists()
    if own and code != WILDCARD:
        approval = tally.share(params["approval_share"])
        return {
            **revote_rules,
            "approval": f"{approval.numerator}/{approval.denominator}",
            "strict": bool(params["strict"]),
            "denominator": params["denominator"],
            "legal_basis": params["legal_basis"],
            "is_verified": bool(params["is_verified"]),
        }
    return {
        **revote_rules,
        "approval": f"{council.approval_numerator}/{council.approval_denominator}",
        "strict": council.approval_strict,
        "denominator": council.denominator,
        "legal_basis": council.rules_basis or "Quy chế hoạt động của Hội đồng",
        "is_verified": False,
    }


def guard_open(ctx) -> str | None:
    meeting = ctx.obj.meeting
    council = meeting.council
    if not votable_items(meeting, ctx.obj.rules.get("item_ids")):
        return "Chưa có đề nghị nào trong nội dung bình xét để bỏ phiếu."
    total, present, _voting, _ids = attendance_counts(meeting)
    quorum = tally.share(f"{council.quorum_numerator}/{council.quorum_denominator}")
    if not tally.quorum_met(present=present, total=total, quorum=quorum):
        return (
            f"Chưa đủ số thành viên dự họp: có mặt {present}/{total}, cần từ {tally.share_label(quorum)} "
            "tổng số thành viên Hội đồng."
        )
    return None


def freeze(ctx) -> dict:
    """The columns the opening sets: the rules of each item and the entitled members, frozen."""
    from .services import recusals_refresh

    round_ = ctx.obj
    meeting = round_.meeting
    council = meeting.council
    recusals_refresh(meeting=meeting)
    total, present, voting, present_ids = attendance_counts(meeting)
    recused = defaultdict(list)
    for item_id, member_id in Recusal.objects.filter(item__meeting=meeting).values_list("item_id", "member_id"):
        recused[item_id].append(member_id)
    items = {}
    # A re-vote round (councils/revote.py) was created over some items of an earlier round only.
    revote_of, only_ids = round_.rules.get("revote_of"), round_.rules.get("item_ids")
    votable = votable_items(meeting, only_ids)
    for item in votable:
        rule = item_rule(council, item.nomination.award_type.code, meeting.date)
        items[str(item.pk)] = {**rule, "recused": sorted(recused[item.pk])}
    return {
        "rules": {
            **({"revote_of": revote_of, "item_ids": only_ids} if revote_of else {}),
            "places": revote.places_by_award(meeting, votable),
            "total_members": total,
            "present": present,
            "voting_members": voting,
            "allow_abstention": council.allow_abstention,
            "items": items,
        },
        "entitled_member_ids": sorted(present_ids),
        "opened_at": timezone.now(),
    }


def seal(ctx) -> None:
    """At the close: rewrite the ballot rows and receipt codes in random order with new random ids, then count."""
    round_ = ctx.obj
    rows = list(Ballot.objects.filter(round=round_).values_list("item_id", "choice"))
    codes = list(ReceiptCode.objects.filter(round=round_).values_list("code", flat=True))
    _system_random.shuffle(rows)
    _system_random.shuffle(codes)
    Ballot.objects.filter(round=round_).delete()
    ReceiptCode.objects.filter(round=round_).delete()
    Ballot.objects.bulk_create(
        [Ballot(id=uuid.uuid4(), round=round_, item_id=item_id, choice=choice) for item_id, choice in rows]
    )
    ReceiptCode.objects.bulk_create([ReceiptCode(id=uuid.uuid4(), round=round_, code=code) for code in codes])
    count(ctx)


def ballots_digest(round_) -> str:
    """SHA-256 of the sorted ballot rows ("item_id:choice" lines): re-computable from the table at any time."""
    lines = sorted(
        f"{item_id}:{choice}"
        for item_id, choice in Ballot.objects.filter(round=round_).values_list("item_id", "choice")
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def results_of(round_) -> dict:
    """Results per agenda item id (as strings): electronic counts plus confirmed paper counts."""
    rules = round_.rules
    electronic = defaultdict(lambda: defaultdict(int))
    for item_id, choice, n in _aggregate(round_):
        electronic[item_id][choice] = n
    papers = {
        p.item_id: {
            "issued": p.issued,
            "for": p.votes_for,
            "against": p.votes_against,
            "abstain": p.votes_abstain,
            "invalid": p.invalid,
        }
        for p in PaperCount.objects.filter(round=round_, confirmed_by__isnull=False)
    }
    entitled = set(round_.entitled_member_ids)
    results = {}
    for key, rule in rules.get("items", {}).items():
        item_id = int(key)
        recused = set(rule["recused"])
        result = tally.item_result(
            approval=tally.share(rule["approval"]),
            strict=rule["strict"],
            denominator_kind=rule["denominator"],
            total_members=rules["total_members"],
            voting_members=rules["voting_members"],
            recused=len(recused),
            electronic_issued=len(entitled - recused),
            electronic=electronic[item_id],
            paper=papers.get(item_id),
        )
        results[key] = result.as_dict()
    return revote.decide(results, rules.get("items", {}), rules.get("places", {}))


def _aggregate(round_):
    from django.db.models import Count

    return Ballot.objects.filter(round=round_).values_list("item_id", "choice").annotate(n=Count("id")).order_by()


def count(ctx) -> None:
    round_ = ctx.obj
    round_.results = results_of(round_)
    round_.ballots_sha256 = ballots_digest(round_)
    round_.save(update_fields=["results", "ballots_sha256"])


def guard_publish(ctx) -> str | None:
    if PaperCount.objects.filter(round=ctx.obj, confirmed_by__isnull=True).exists():
        return "Còn kết quả phiếu giấy chưa được thành viên Ban kiểm phiếu thứ hai xác nhận."
    return None


def results_to_nominations(ctx) -> None:
    """Each result goes to the nomination's workflow as the chair (council_approve / council_reject)."""
    from core.workflow import NotAllowedError, transition
    from nominations.models import Nomination

    round_ = ctx.obj
    items = AgendaItem.objects.filter(pk__in=[int(k) for k in round_.results]).select_related("nomination")
    for item in items:
        result = round_.results[str(item.pk)]
        nomination = Nomination.objects.get(pk=item.nomination_id)
        if nomination.status != NominationStatus.PASSED_TO_COUNCIL:
            continue  # decided by an earlier round
        if revote.outcome_of(result) == revote.REVOTE:
            continue  # a tie or over the places: still before the council, for a re-vote round
        summary = (
            f"Vòng {round_.number}, phiên họp ngày {round_.meeting.date:%d/%m/%Y}: "
            f"{result['votes_for']}/{result['denominator']} phiếu đồng ý (cần "
            f"{'trên' if result['strict'] else 'từ'} {tally.share_label(tally.share(result['approval']))})."
        )
        if result.get("note"):
            summary = f"{summary} {result['note']}"
        action = "council_approve" if revote.outcome_of(result) == revote.PASSED else "council_reject"
        try:
            transition(nomination, action, by=ctx.by, version=None, comment=summary)
        except NotAllowedError:
            raise ServiceError(
                "Không chuyển được kết quả vào hồ sơ đề nghị: người công bố cần có quyền thẩm định của đơn vị "
                "tiếp nhận hồ sơ."
            ) from None


def new_receipt_code() -> str:
    """Ten characters of an unambiguous alphabet (no 0/O, 1/I): about 50 bits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))
