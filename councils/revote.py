"""Ties and places: which results of a round stand, and which nominations the council votes on again.

LAW.md (b) and (g) 13-14 give the vote threshold and its denominator but no rule for a tie or for more
nominations reaching the threshold than there are places. Both are therefore parameters of the catalog's
council-vote rule (awards AwardRule, kind council_vote, defaults in awards/rules_engine/functions.py),
marked unverified:

- `tie_rule` — a tie is a count of "đồng ý" exactly at the threshold of a strict rule ("quá nửa" with
  half for: 2 of 4). "revote" (default): the council votes on it again; "fail": it does not pass.
- `over_quota` — more nominations of one title pass than the places left (the smaller of the campaign's
  cap and the legal quota, awards.engine.quota_usage for the council's unit, minus the records already
  decided and the nominations this meeting already approved). "rank" (default): ranked by share of
  "đồng ý"; those above the last place keep it, those sharing the last place's share are voted on again
  for the places left, the others do not pass; "revote": every passing nomination of the title is voted
  on again.

`decide` is pure (no queries). `places_by_award` reads the quotas once per school year at the opening.
"""

from collections import defaultdict
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from awards.engine import quota_usage
from campaigns.models import CampaignAward
from core.exceptions import ServiceError
from nominations.enums import NominationStatus

from . import tally
from .enums import MeetingStatus, RoundStatus
from .models import AgendaItem, Meeting, Round
from .rules import is_meeting_chair

PASSED, FAILED, REVOTE = "passed", "failed", "revote"
OUTCOME_LABELS = {PASSED: "Đạt", FAILED: "Không đạt", REVOTE: "Bỏ phiếu lại"}
UNVERIFIED = " (quy tắc mặc định của phần mềm, chưa đối chiếu văn bản)"
# Statuses of a nomination this council already approved: it holds a place.
APPROVED_STATES = (NominationStatus.APPROVED_BY_COUNCIL, NominationStatus.FORWARDED, NominationStatus.AWARDED)


def is_tie(result: dict) -> bool:
    """A count of "đồng ý" exactly at the threshold of a strict rule: neither clearly above nor below it."""
    if not result["strict"] or result["denominator"] <= 0:
        return False
    approval = tally.share(result["approval"])
    return result["votes_for"] * approval.denominator == approval.numerator * result["denominator"]


def _share(result: dict) -> Fraction:
    return Fraction(result["votes_for"], result["denominator"]) if result["denominator"] else Fraction(0)


def _percent(value: Fraction) -> str:
    return f"{float(value * 100):.1f}".replace(".", ",") + "%"


def decide(results: dict[str, dict], items: dict[str, dict], places: dict[str, dict]) -> dict[str, dict]:
    """Each result with its `outcome` (passed / failed / revote) and `note` (why, naming the rule).

    `results` and `items` are keyed by agenda item id (the round's results and frozen item rules);
    `places` by award code: {"places": int, "basis": str} for titles with a limit.
    """
    decided = {}
    for key, result in results.items():
        rule = items.get(key, {})
        outcome, note = (PASSED if result["passed"] else FAILED), ""
        if is_tie(result):
            label = tally.share_label(tally.share(result["approval"]))
            tie_rule = rule.get("tie_rule", "revote")
            head = (
                f"Ngang phiếu: {result['votes_for']}/{result['denominator']} phiếu đồng ý, đúng bằng {label}, "
                f"mà quy tắc cần trên {label}."
            )
            if tie_rule == "revote":
                outcome = REVOTE
                note = f"{head} Theo quy tắc xử lý ngang phiếu, Hội đồng bỏ phiếu lại đề nghị này{UNVERIFIED}."
            else:
                note = f"{head} Theo quy tắc xử lý ngang phiếu, đề nghị không đạt{UNVERIFIED}."
        decided[key] = {**result, "outcome": outcome, "note": note}

    by_award = defaultdict(list)
    for key, result in decided.items():
        code = items.get(key, {}).get("award_code")
        if result["outcome"] == PASSED and code in places:
            by_award[code].append(key)
    for code, keys in by_award.items():
        limit, basis = places[code]["places"], places[code]["basis"]
        if len(keys) <= limit:
            continue
        mode = items[keys[0]].get("over_quota", "rank")
        head = f"Vượt chỉ tiêu: {len(keys)} đề nghị đạt ngưỡng, chỉ còn {max(limit, 0)} chỉ tiêu ({basis})."
        if limit <= 0:
            for key in keys:
                decided[key].update(outcome=FAILED, note=f"{head} Không còn chỉ tiêu nên đề nghị không đạt.")
            continue
        if mode == "revote":
            for key in keys:
                decided[key].update(
                    outcome=REVOTE,
                    note=f"{head} Theo quy tắc xử lý vượt chỉ tiêu, Hội đồng bỏ phiếu lại các đề nghị này{UNVERIFIED}.",
                )
            continue
        ranked = sorted(keys, key=lambda k: _share(decided[k]), reverse=True)
        last = _share(decided[ranked[limit - 1]])
        above = [k for k in ranked if _share(decided[k]) > last]
        at_last = [k for k in ranked if _share(decided[k]) == last]
        rule_name = f"Theo quy tắc xử lý vượt chỉ tiêu (xếp theo tỷ lệ phiếu đồng ý){UNVERIFIED}"
        for key in ranked:
            share_text = _percent(_share(decided[key]))
            if key in above:
                decided[key]["note"] = f"{head} {rule_name}: trong chỉ tiêu, tỷ lệ đồng ý {share_text}."
            elif key in at_last and len(above) + len(at_last) > limit:
                decided[key].update(
                    outcome=REVOTE,
                    note=(
                        f"{head} {rule_name}: {len(at_last)} đề nghị cùng tỷ lệ đồng ý {share_text} cho "
                        f"{limit - len(above)} chỉ tiêu cuối; Hội đồng bỏ phiếu lại các đề nghị này."
                    ),
                )
            elif key in at_last:
                decided[key]["note"] = f"{head} {rule_name}: trong chỉ tiêu, tỷ lệ đồng ý {share_text}."
            else:
                decided[key].update(
                    outcome=FAILED,
                    note=f"{head} {rule_name}: xếp sau chỉ tiêu (tỷ lệ đồng ý {share_text}), đề nghị không đạt.",
                )
    return decided


def outcome_of(result: dict) -> str:
    """The outcome of a stored result (results stored before ties were decided carry only `passed`)."""
    return result.get("outcome") or (PASSED if result["passed"] else FAILED)


def revote_item_ids(round_) -> list[int]:
    """The agenda items of a round the council must vote on again."""
    return sorted(int(k) for k, r in (round_.results or {}).items() if outcome_of(r) == REVOTE)


def revote_pending(round_) -> bool:
    """A published round sent items back to a vote that are still before the council."""
    return round_.status == RoundStatus.PUBLISHED and _still_before_council(revote_item_ids(round_)).exists()


def _still_before_council(item_ids):
    return AgendaItem.objects.filter(pk__in=item_ids, nomination__status=NominationStatus.PASSED_TO_COUNCIL)


def places_by_award(meeting, items) -> dict[str, dict]:
    """Places left per award code for the agenda `items` (AgendaItems with nomination__dossier__campaign and
    nomination__award_type loaded): the smaller of the campaign's cap and the legal quota of the council's
    unit for the school year, minus records decided and nominations this meeting already approved.
    Titles without a limit are left out. A few queries per school year, whatever the number of items."""
    council = meeting.council
    by_year = defaultdict(set)
    campaigns = defaultdict(set)
    for item in items:
        n = item.nomination
        by_year[n.dossier.school_year].add(n.award_type.code)
        if n.dossier.campaign_id:
            campaigns[n.award_type.code].add(n.dossier.campaign_id)
    caps = {}
    campaign_ids = {c for ids in campaigns.values() for c in ids}
    for campaign_id, code, cap in CampaignAward.objects.filter(
        campaign_id__in=campaign_ids, cap__isnull=False
    ).values_list("campaign_id", "award_type__code", "cap"):
        if campaign_id in campaigns.get(code, ()):
            caps[code] = min(cap, caps.get(code, cap))
    approved = defaultdict(int)
    for code in AgendaItem.objects.filter(meeting=meeting, nomination__status__in=APPROVED_STATES).values_list(
        "nomination__award_type__code", flat=True
    ):
        approved[code] += 1
    places = {}
    for year, codes in by_year.items():
        lines = quota_usage(council.unit, year, caps={c: caps[c] for c in codes if c in caps}, on_date=meeting.date)
        for line in lines:
            if line.award_code not in codes or line.allowed is None:
                continue
            left = line.allowed - line.decided - approved[line.award_code]
            basis = "; ".join(r.text for r in line.reasons if r.text) or "chỉ tiêu"
            places[line.award_code] = {"places": left, "basis": basis, "allowed": line.allowed}
    return places


def latest_results(meeting, rounds=None) -> dict[int, dict]:
    """Per agenda item id, its result in the latest *published* round that voted on it, with that round's number:
    a re-voted item's result comes from the re-vote."""
    if rounds is None:
        rounds = list(meeting.rounds.order_by("number"))
    final = {}
    for round_ in sorted(rounds, key=lambda r: r.number):
        if round_.status != RoundStatus.PUBLISHED:
            continue
        for key, result in round_.results.items():
            final[int(key)] = {**result, "round": round_.number, "outcome": outcome_of(result)}
    return final


@transaction.atomic
def round_revote(*, by, round_: Round) -> Round:
    """A new round of the same meeting over the items `round_` sent back to a vote (a tie, or over the places),
    those still before the council. Only the meeting's chair, once `round_` is published (its other results
    have gone to the nominations and hold their places). The new round is opened like any other: it
    freezes the rules, the places left and the entitled members again."""
    meeting = Meeting.objects.select_for_update().get(pk=round_.meeting_id)
    if by is not None and not is_meeting_chair(by, meeting):
        raise PermissionDenied
    round_ = Round.objects.get(pk=round_.pk)
    if round_.status != RoundStatus.PUBLISHED:
        raise ServiceError("Chỉ bỏ phiếu lại sau khi công bố kết quả của vòng bỏ phiếu.")
    if meeting.status == MeetingStatus.ENDED:
        raise ServiceError("Phiên họp đã kết thúc.")
    if Round.objects.filter(meeting=meeting, status__in=[RoundStatus.CREATED, RoundStatus.OPEN]).exists():
        raise ServiceError("Đã có một vòng bỏ phiếu chưa kết thúc.")
    ids = sorted(_still_before_council(revote_item_ids(round_)).values_list("pk", flat=True))
    if not ids:
        raise ServiceError("Vòng bỏ phiếu này không có đề nghị nào cần bỏ phiếu lại.")
    number = (Round.objects.filter(meeting=meeting).aggregate(m=Max("number"))["m"] or 0) + 1
    return Round.objects.create(meeting=meeting, number=number, rules={"revote_of": round_.number, "item_ids": ids})
