"""The rule functions. Each is pure: (facts, params) -> list of Reason, in Vietnamese.

No literal of the law lives here: every number, title code and choice comes
from `params` (AwardRule.params in the database). DEFAULTS documents the keys
each kind understands; unknown keys are refused when a rule is saved.
"""

import datetime
import math

from ..enums import (
    DISCIPLINE_RANK,
    RATING_RANK,
    RATING_SHORT,
    SCOPE_RANK,
    DisciplineKind,
    InitiativeScope,
    RuleKind,
    ServicePeriodKind,
    TaskRating,
)
from ..schoolyear import school_year_bounds, school_year_label
from .base import MET, NOT_MET, NOTE, REVIEW, Reason, VoteFacts

DEFAULTS: dict[str, dict] = {
    RuleKind.SAME_YEAR: {
        "required_titles": [],
        "min_rating": None,
        "achievements": [],  # "excellent" (HTXS) and/or "initiative"
        "achievements_mode": "any",  # "any" (Luật 2022 Đ.23: OR) or "all" (draft amendment: AND)
        "initiative_scope": InitiativeScope.BASE,
        "initiative_kinds": ["initiative", "research"],
        "initiative_reuse": True,  # see INITIATIVE_REUSE below
    },
    RuleKind.CHAIN: {
        "alternatives": [],  # each: titles, ratings, years, initiatives, initiative_scope, prior_titles
        "end_offset": 0,  # 0: the chain ends with the year under consideration
        # One achievement, one award (LAW.md (a), (g) 10): years up to an earlier award of the same form
        # earned it and do not count again; the next chain starts the year after.
        "restart_after_award": True,
        "initiative_reuse": True,  # see INITIATIVE_REUSE below
    },
    RuleKind.COLLECTIVE: {"requirements": []},
    RuleKind.HEAD_COLLECTIVE: {"collective_titles": [], "include_managers": True},
    RuleKind.SERVICE_YEARS: {
        "years": 20,
        "reduced_years": 15,
        "disadvantaged_min_years": 5,
        "exclude_discipline": True,
        "once_in_lifetime": True,
    },
    RuleKind.BLOCKING: {"pending": False, "discipline_in_year": False, "min_kind": "reprimand", "once_per_year": False},
    RuleKind.QUOTA: {"base_title": None, "share": None, "rounding": "floor", "max_count": None},
    RuleKind.COUNCIL_VOTE: {
        "approval_share": 0.5,
        "strict": True,
        "quorum_share": 0.6667,
        "denominator": "total",
        # bandit: secret_ballot is a flag of the vote rule, not a password
        "secret_ballot": True,  # nosec B105
        # No rule for a tie or for more passing nominations than places was found (LAW.md (b), (g) 13-14):
        # unverified parameters read by councils/revote.py. tie_rule: "revote" | "fail";
        # over_quota: "rank" (by share of "đồng ý", the last place's ties re-voted) | "revote" (all re-voted).
        "tie_rule": "revote",
        "over_quota": "rank",
    },
}

# initiative_reuse: may an initiative already counted for another award of the person (one whose rules read
# initiatives, given for a year the initiative falls in) count again? CV 1168/BNV-BTĐKT (06/02/2026) rules on
# re-using initiatives already counted for CSTĐCS, but only a truncated excerpt was read (LAW.md, [V partial]):
# the default True (counted, with a note naming the award and its decision) is an unverified parameter;
# set it to False on a rule (e.g. Bằng khen) once the text is checked, and such initiatives no longer count.
INITIATIVE_REUSE = True

# Understood by every kind, applied by the engine around the function:
# applies_to: "individual" | "collective" | "both" (default) — skip the rule for other candidates;
# on_fail: "not_met" (default) | "review" — when the rule is one criterion among several the law allows,
# failing it asks a reviewer instead of refusing.
COMMON_PARAMS = {"applies_to": "both", "on_fail": "not_met"}

# Kinds that check_eligibility runs; quota and council_vote are read by quota_usage and the ballots.
ELIGIBILITY_KINDS = (
    RuleKind.BLOCKING,
    RuleKind.SAME_YEAR,
    RuleKind.CHAIN,
    RuleKind.COLLECTIVE,
    RuleKind.HEAD_COLLECTIVE,
    RuleKind.SERVICE_YEARS,
)


def with_defaults(kind: str, params: dict) -> dict:
    return {**DEFAULTS.get(kind, {}), **(params or {})}


def validate_params(kind: str, params) -> list[str]:
    """Vietnamese problems with a rule's parameters (empty when fine)."""
    if kind not in DEFAULTS:
        return [f"Loại quy tắc «{kind}» không có hàm xử lý."]
    if not isinstance(params, dict):
        return ["Tham số phải là một đối tượng JSON ({...})."]
    problems = [
        f"Tham số «{key}» không dùng cho loại quy tắc này."
        for key in params
        if key not in DEFAULTS[kind] and key not in COMMON_PARAMS
    ]
    if params.get("applies_to", "both") not in ("individual", "collective", "both"):
        problems.append("«applies_to» chỉ nhận individual, collective hoặc both.")
    if params.get("on_fail", "not_met") not in ("not_met", "review"):
        problems.append("«on_fail» chỉ nhận not_met hoặc review.")
    p = with_defaults(kind, params)
    for key in ("share", "approval_share", "quorum_share"):
        value = p.get(key)
        if value is not None and (not isinstance(value, int | float) or not 0 <= value <= 1):
            problems.append(f"«{key}» phải là một tỉ lệ từ 0 đến 1 (ví dụ 0.15).")
    if p.get("rounding") not in (None, "floor", "ceil", "round"):
        problems.append("«rounding» chỉ nhận floor, ceil hoặc round.")
    if p.get("achievements_mode") not in (None, "any", "all"):
        problems.append("«achievements_mode» chỉ nhận any (hoặc) hoặc all (và).")
    if p.get("denominator") not in (None, "total", "present"):
        problems.append("«denominator» chỉ nhận total (tổng số thành viên) hoặc present (số có mặt).")
    if kind == RuleKind.CHAIN:
        if not p["alternatives"]:
            problems.append("Quy tắc chuỗi năm cần ít nhất một phương án (alternatives).")
        for alt in p["alternatives"]:
            if not isinstance(alt, dict) or not isinstance(alt.get("years"), int) or alt["years"] < 1:
                problems.append("Mỗi phương án cần «years» là số năm liên tục (số nguyên ≥ 1).")
    return problems


def _label(facts, code: str) -> str:
    return facts.labels.get(code, code)


def _labels(facts, codes) -> str:
    return " hoặc ".join(_label(facts, c) for c in codes)


def _y(year: int) -> str:
    return school_year_label(year)


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _initiatives(facts, years, scope: str, kinds) -> list:
    wanted = SCOPE_RANK.get(scope, 1)
    return [
        i
        for i in facts.initiatives
        if i.year in years and SCOPE_RANK.get(i.scope, 0) >= wanted and (not kinds or i.kind in kinds)
    ]


def _left_out(facts, codes, year: int) -> list[Reason]:
    """Notes naming the records of `codes` in `year` that did not count: revoked by the check date,
    or đột xuất / chuyên đề (not merit)."""
    notes = []
    for r in getattr(facts, "revoked_records", ()):
        if r.code in codes and r.year == year:
            number = f" (quyết định {r.decision_number})" if r.decision_number else ""
            notes.append(
                Reason(NOTE, f"Năm học {_y(year)}: {_label(facts, r.code)}{number} đã bị thu hồi, không được tính.")
            )
    for r in facts.holds(codes, year, merit_only=False):
        if not r.merit:
            notes.append(
                Reason(
                    NOTE,
                    f"Năm học {_y(year)}: {_label(facts, r.code)} khen {r.commendation_label} "
                    "không được tính làm căn cứ khen theo công trạng.",
                )
            )
    return notes


def _usable_initiatives(facts, items, reuse: bool) -> tuple[list, list[Reason]]:
    """The initiatives that count and a note for each one already counted for another award
    (which award, which year, its decision): counted again when `reuse`, else left out."""
    counted, notes = [], []
    for item in items:
        used = [r for r in item.used_for if not (r.code == facts.award_code and r.year == facts.year)]
        if not used:
            counted.append(item)
            continue
        first = used[0]
        number = f" (quyết định {first.decision_number})" if first.decision_number else ""
        text = (
            f"Sáng kiến «{item.title}» ({_y(item.year)}) đã được tính cho {_label(facts, first.code)} "
            f"năm học {_y(first.year)}{number}"
        )
        if reuse:
            counted.append(item)
            notes.append(Reason(NOTE, text + "; theo tham số hiện hành vẫn được tính lại (CV 1168/BNV-BTĐKT)."))
        else:
            notes.append(Reason(NOTE, text + "; không được tính lại (CV 1168/BNV-BTĐKT)."))
    return counted, notes


def _scope_label(scope: str) -> str:
    try:
        return InitiativeScope(scope).label.lower()
    except ValueError:
        return scope


def _missing_title(facts, code: str, year: int, who: str = "") -> Reason:
    """A title of `year` with no decision: still to be decided only when proposed in the open round."""
    subject = f"{who} " if who else ""
    if year == facts.year and code in facts.pending:
        return Reason(
            REVIEW,
            f"{subject}Chưa có quyết định công nhận {_label(facts, code)} năm học {_y(year)}; "
            f"đang đề nghị cùng đợt xét, phải được công nhận {_label(facts, code)} trong đợt này.",
        )
    return Reason(
        NOT_MET,
        f"{subject}Chưa được công nhận {_label(facts, code)} năm học {_y(year)} "
        "(không có quyết định, cũng không được đề nghị trong đợt xét đang mở).",
    )


# --- same-year prerequisites -------------------------------------------------


def same_year(facts, params: dict) -> list[Reason]:
    """Conditions inside the year under consideration: titles already held, a minimum rating,
    and achievements (HTXS, a recognised initiative) combined with OR ("any") or AND ("all")."""
    p = with_defaults(RuleKind.SAME_YEAR, params)
    year, reasons = facts.year, []
    rating = facts.ratings.get(year)
    if p["min_rating"]:
        wanted = TaskRating(p["min_rating"])
        if rating is None:
            reasons.append(Reason(REVIEW, f"Chưa có kết quả đánh giá, xếp loại năm học {_y(year)}."))
        elif RATING_RANK[rating] < RATING_RANK[wanted]:
            reasons.append(
                Reason(
                    NOT_MET,
                    f"Xếp loại năm học {_y(year)} là {RATING_SHORT[rating]}; cần từ {RATING_SHORT[wanted]} trở lên.",
                )
            )
        else:
            reasons.append(Reason(MET, f"Xếp loại năm học {_y(year)}: {RATING_SHORT[rating]}."))
    for code in p["required_titles"]:
        if facts.holds([code], year):
            reasons.append(Reason(MET, f"Đã được công nhận {_label(facts, code)} năm học {_y(year)}."))
        else:
            reasons.append(_missing_title(facts, code, year))
            reasons.extend(_left_out(facts, [code], year))
    achievements = p["achievements"]
    initiative_notes = []
    if achievements:
        found, missing, unknown = [], [], []
        for what in achievements:
            if what == "excellent":
                if rating == TaskRating.EXCELLENT:
                    found.append(f"hoàn thành xuất sắc nhiệm vụ năm học {_y(year)}")
                elif rating is None:
                    unknown.append("kết quả xếp loại (HTXS)")
                else:
                    missing.append(
                        f"hoàn thành xuất sắc nhiệm vụ (xếp loại năm học {_y(year)}: {RATING_SHORT[rating]})"
                    )
            elif what == "initiative":
                items, notes = _usable_initiatives(
                    facts,
                    _initiatives(facts, {year}, p["initiative_scope"], p["initiative_kinds"]),
                    p["initiative_reuse"],
                )
                initiative_notes.extend(notes)
                scope = _scope_label(p["initiative_scope"])
                if items:
                    found.append(f"sáng kiến được công nhận {scope}: «{items[0].title}»")
                else:
                    missing.append(f"sáng kiến, đề tài được công nhận từ {scope} trở lên trong năm học {_y(year)}")
        joiner = " hoặc " if p["achievements_mode"] == "any" else " và "
        if p["achievements_mode"] == "any":
            if found:
                reasons.append(Reason(MET, "Có " + "; ".join(found) + "."))
            elif unknown:
                reasons.append(Reason(REVIEW, "Chưa đủ dữ liệu: " + ", ".join(unknown) + "."))
            else:
                reasons.append(Reason(NOT_MET, "Cần " + joiner.join(missing) + "; chưa có."))
        else:
            for text in found:
                reasons.append(Reason(MET, f"Có {text}."))
            for text in missing:
                reasons.append(Reason(NOT_MET, f"Cần đồng thời {text}; chưa có."))
            for text in unknown:
                reasons.append(Reason(REVIEW, f"Chưa đủ dữ liệu: {text}."))
    return reasons + initiative_notes


# --- consecutive-year chains ---------------------------------------------------


def _previous_award(facts, before: int):
    earlier = [r for r in facts.records if r.code == facts.award_code and r.merit and r.year < before]
    return max(earlier, key=lambda r: r.year) if earlier else None


def _chain_wanted(facts, titles, ratings) -> str:
    return " và ".join(
        part
        for part in (
            _labels(facts, titles) if titles else "",
            "/".join(RATING_SHORT[TaskRating(r)] for r in ratings) if ratings else "",
        )
        if part
    )


def _chain_alternative(
    facts, alt: dict, end: int, restart: bool = True, reuse: bool = INITIATIVE_REUSE
) -> tuple[str, list[Reason]]:
    years_needed = alt["years"]
    window = list(range(end - years_needed + 1, end + 1))
    titles, ratings = alt.get("titles") or [], alt.get("ratings") or []
    reasons, status = [], MET
    held_years = []
    first, last = window[0], window[-1]
    wanted = None  # what each year needs, worded once, on the first year that lacks it
    previous = _previous_award(facts, facts.year) if restart and facts.award_code else None
    if previous is not None and previous.year >= window[0]:
        status = NOT_MET
        number = f" (quyết định {previous.decision_number})" if previous.decision_number else ""
        reasons.append(
            Reason(
                NOT_MET,
                f"Các năm đến năm học {_y(previous.year)} đã được tính cho {_label(facts, previous.code)}{number}: "
                f"một thành tích chỉ khen một lần; chuỗi {years_needed} năm tính lại từ năm học "
                f"{_y(previous.year + 1)} (sớm nhất đủ điều kiện năm học {_y(previous.year + years_needed)}).",
            )
        )
        window = [y for y in window if y > previous.year]
    for y in window:
        ok, pending = True, False
        if titles:
            held = facts.holds(titles, y)
            if not held:
                ok = False
                pending = y == facts.year and any(t in facts.pending for t in titles)
                revoked = [r for r in getattr(facts, "revoked_records", ()) if r.code in titles and r.year == y]
                if revoked:
                    number = f" (quyết định {revoked[0].decision_number})" if revoked[0].decision_number else ""
                    reasons.append(
                        Reason(
                            NOTE,
                            f"Năm học {_y(y)}: {_label(facts, revoked[0].code)}{number} "
                            "đã bị thu hồi, không được tính.",
                        )
                    )
                excluded = facts.holds(titles, y, merit_only=False)
                if excluded:
                    reasons.append(
                        Reason(
                            NOTE,
                            f"Năm học {_y(y)}: {_label(facts, excluded[0].code)} khen {excluded[0].commendation_label} "
                            "không được tính làm căn cứ khen theo công trạng.",
                        )
                    )
        if ratings:
            rating = facts.ratings.get(y)
            if rating not in ratings:
                ok = False
                pending = pending or (rating is None and y == facts.year)
        if ok:
            held_years.append(y)
            continue
        if wanted is None:
            wanted = _chain_wanted(facts, titles, ratings)
        if pending:
            status = REVIEW if status == MET else status
            reasons.append(
                Reason(REVIEW, f"Năm học {_y(y)} (năm xét) chưa có kết quả {wanted}; đang đề nghị cùng đợt xét.")
            )
        elif y == facts.year and titles and not facts.holds(titles, y):
            status = NOT_MET
            reasons.append(
                Reason(
                    NOT_MET,
                    f"Năm học {_y(y)} (năm xét) chưa được công nhận {wanted} (không có quyết định, cũng không "
                    "được đề nghị trong đợt xét đang mở).",
                )
            )
        else:
            status = NOT_MET
            reasons.append(
                Reason(NOT_MET, f"Năm học {_y(y)} không đạt {wanted}: chuỗi {years_needed} năm liên tục bị gián đoạn.")
            )
    wanted_text = _labels(facts, titles) if titles else "/".join(RATING_SHORT[TaskRating(r)] for r in ratings)
    if status == MET:
        reasons.insert(
            0,
            Reason(
                MET,
                f"Có {years_needed} năm liên tục đạt {wanted_text} (" + ", ".join(_y(y) for y in window) + ").",
            ),
        )
    count = alt.get("initiatives") or 0
    if count:
        scope = alt.get("initiative_scope") or InitiativeScope.BASE
        items, notes = _usable_initiatives(
            facts, _initiatives(facts, set(window), scope, alt.get("initiative_kinds")), reuse
        )
        reasons.extend(notes)
        if len(items) >= count:
            reasons.append(
                Reason(MET, f"Có {len(items)} sáng kiến/đề tài được công nhận {_scope_label(scope)} trong giai đoạn.")
            )
        else:
            # Initiatives are recognised before the council votes on titles (LAW.md (f)), so none is pending.
            status = NOT_MET
            reasons.append(
                Reason(
                    NOT_MET,
                    f"Cần {count} sáng kiến/đề tài được công nhận từ {_scope_label(scope)} trở lên trong giai đoạn "
                    f"{_y(first)} – {_y(last)}; hiện có {len(items)}.",
                )
            )
    prior = alt.get("prior_titles") or []
    if prior:
        before = [r for r in facts.records if r.code in prior and r.merit and r.year < first]
        if before:
            reasons.append(Reason(MET, f"Đã được tặng {_label(facts, before[0].code)} năm học {_y(before[0].year)}."))
        else:
            status = NOT_MET
            reasons.append(Reason(NOT_MET, f"Cần đã được tặng {_labels(facts, prior)} trước giai đoạn xét."))
    return status, reasons


def chain(facts, params: dict) -> list[Reason]:
    """Consecutive school years, each holding a title (merit only) or a rating; a gap year breaks it.
    Several alternatives may be given; one is enough."""
    p = with_defaults(RuleKind.CHAIN, params)
    end = facts.year - (p["end_offset"] or 0)
    outcomes = [
        _chain_alternative(facts, alt, end, p["restart_after_award"], p["initiative_reuse"])
        for alt in p["alternatives"]
    ]
    for status, reasons in outcomes:
        if status == MET:
            return reasons
    for status, reasons in outcomes:
        if status == REVIEW:
            return reasons
    if len(outcomes) == 1:
        return outcomes[0][1]
    merged = []
    for number, (_, reasons) in enumerate(outcomes, start=1):
        merged.extend(Reason(r.status, f"Phương án {number}: {r.text}") for r in reasons)
    return merged


# --- collectives from members --------------------------------------------------


def _share_ok(count: int, total: int, share: float, strict: bool) -> bool:
    return count * 1.0 > share * total if strict else count * 1.0 >= share * total - 1e-9


def _members_left_out(facts, code: str) -> list[Reason]:
    """Members' records of `code` in the year that were not counted, grouped by why."""
    why_counts: dict[str, list[str]] = {}
    for m in facts.members:
        if code in m.codes:
            continue
        for record, why in m.left_out:
            if record.code == code:
                number = record.decision_number or "không số"
                why_counts.setdefault(why, []).append(number)
                break
    return [
        Reason(
            NOTE,
            f"{len(numbers)} thành viên có {_label(facts, code)} năm học {_y(facts.year)} không được tính ({why}; "
            f"quyết định {', '.join(sorted(set(numbers)))}).",
        )
        for why, numbers in sorted(why_counts.items())
    ]


def collective(facts, params: dict) -> list[Reason]:
    """A collective title computed from its members' ratings, titles and discipline in the year."""
    p = with_defaults(RuleKind.COLLECTIVE, params)
    if not facts.is_collective:
        return [Reason(NOT_MET, "Danh hiệu này chỉ xét cho tập thể.")]
    members, year, reasons = facts.members, facts.year, []
    total = len(members)
    if not total:
        return [Reason(REVIEW, "Tập thể chưa có thành viên nào trong danh sách cán bộ.")]
    for req in p["requirements"]:
        what = req.get("what")
        strict = bool(req.get("strict"))
        if what == "rating":
            wanted = TaskRating(req.get("min_rating", TaskRating.COMPLETE))
            rated = [m for m in members if m.rating]
            count = sum(1 for m in rated if RATING_RANK[m.rating] >= RATING_RANK[wanted])
            share = req.get("min_share", 1.0)
            text = (
                f"{count}/{total} thành viên xếp loại từ {RATING_SHORT[wanted]} trở lên năm học {_y(year)} "
                f"(cần {'trên' if strict else 'từ'} {share:.0%})."
            )
            if _share_ok(count, total, share, strict):
                reasons.append(Reason(MET, text))
            elif len(rated) < total:
                reasons.append(Reason(REVIEW, text + f" Còn {total - len(rated)} thành viên chưa có kết quả xếp loại."))
            else:
                reasons.append(Reason(NOT_MET, text))
        elif what == "title":
            code = req["code"]
            count = sum(1 for m in members if code in m.codes)
            proposed = sum(1 for m in members if code not in m.codes and code in m.pending)
            if "min_share" in req:
                share = req["min_share"]
                text = (
                    f"{count}/{total} thành viên đạt {_label(facts, code)} "
                    f"(cần {'trên' if strict else 'từ'} {share:.0%})."
                )

                def ok(n, share=share, strict=strict):
                    return _share_ok(n, total, share, strict)
            else:
                needed = req.get("min_count", 1)
                text = f"{count} thành viên đạt {_label(facts, code)} (cần ít nhất {needed})."

                def ok(n, needed=needed):
                    return n >= needed

            if ok(count):
                status = MET
            elif proposed and ok(count + proposed):
                # Only members proposed in the same open round count as "to be decided".
                status = REVIEW
                text += f" Có thêm {proposed} thành viên đang đề nghị {_label(facts, code)} cùng đợt xét."
            else:
                status = NOT_MET
            reasons.append(Reason(status, text))
            reasons.extend(_members_left_out(facts, code))
        elif what == "no_discipline":
            kind = DisciplineKind(req.get("min_kind", DisciplineKind.WARNING))
            count = sum(1 for m in members if m.discipline_rank >= DISCIPLINE_RANK[kind])
            if count:
                reasons.append(
                    Reason(NOT_MET, f"Có {count} thành viên bị kỷ luật từ {kind.label.lower()} trở lên trong năm học.")
                )
            else:
                reasons.append(Reason(MET, f"Không có thành viên bị kỷ luật từ {kind.label.lower()} trở lên."))
        elif what == "note":
            reasons.append(Reason(NOTE, req.get("text", "")))
    return reasons


# --- head of a unit -------------------------------------------------------------


def head_collective(facts, params: dict) -> list[Reason]:
    """The head (and, if set, the managers) of a unit is judged on the collective title of that unit."""
    p = with_defaults(RuleKind.HEAD_COLLECTIVE, params)
    if facts.is_collective or not facts.led_units:
        return []
    codes, year, reasons = p["collective_titles"], facts.year, []
    for unit in facts.led_units:
        held = [r for r in unit.records if r.code in codes and r.year == year and r.merit]
        if held:
            reasons.append(Reason(MET, f"{unit.name} đạt {_label(facts, held[0].code)} năm học {_y(year)}."))
            continue
        other = [r for r in unit.records if r.year == year]
        if other:
            reasons.append(
                Reason(
                    NOT_MET,
                    f"{unit.name} đạt {_label(facts, other[0].code)}, không đạt {_labels(facts, codes)} năm học "
                    f"{_y(year)}: thủ trưởng, cán bộ quản lý chỉ được đề nghị khi tập thể đạt danh hiệu này.",
                )
            )
        elif any(c in unit.pending for c in codes):
            reasons.append(
                Reason(
                    REVIEW,
                    f"{unit.name} chưa có quyết định {_labels(facts, codes)} năm học {_y(year)}, đang đề nghị "
                    "cùng đợt xét; thủ trưởng, cán bộ quản lý chỉ được đề nghị khi tập thể đạt danh hiệu này.",
                )
            )
        else:
            reasons.append(
                Reason(
                    NOT_MET,
                    f"{unit.name} chưa được công nhận {_labels(facts, codes)} năm học {_y(year)} (không có quyết "
                    "định, cũng không được đề nghị trong đợt xét đang mở); thủ trưởng, cán bộ quản lý chỉ được "
                    "đề nghị khi tập thể đạt danh hiệu này.",
                )
            )
    return reasons


# --- years of service ---------------------------------------------------------------


def _overlap_days(start, end, lo, hi) -> int:
    a, b = max(start, lo), min(end or hi, hi)
    return max((b - a).days + 1, 0)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months; a day the target month lacks (29/02, 31/04) rolls to the 1st of
    the next month, so a period from 29/02/2004 reaches 15 years on 01/03/2019 (28/02/2019 is the last
    day of the 15th year)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    try:
        return datetime.date(year, month + 1, day.day)
    except ValueError:
        return datetime.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)


def calendar_span(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(full calendar months, days left) from `start` to `end`, both days included; (0, 0) if empty."""
    after = end + datetime.timedelta(days=1)
    if after <= start:
        return 0, 0
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and add_months(start, months) > after:
        months -= 1
    return months, (after - add_months(start, months)).days


def _span_sum(periods, lo: datetime.date, hi: datetime.date) -> tuple[int, int]:
    """Calendar months and days of the periods clipped to lo..hi. Days of different periods are summed
    but never turned into months (no day count stands in for a month)."""
    months = days = 0
    for p in periods:
        a, b = max(p.start, lo), min(p.end or hi, hi)
        m, d = calendar_span(a, b)
        months, days = months + m, days + d
    return months, days


def years_months_text(months: int, days: int = 0) -> str:
    """«X năm Y tháng» (and «Z ngày» when some days are left), exactly."""
    years, months = divmod(max(months, 0), 12)
    parts = [f"{years} năm"]
    if months:
        parts.append(f"{months} tháng")
    if days > 0:
        parts.append(f"{days} ngày")
    return " ".join(parts)


def service_years(facts, params: dict) -> list[Reason]:
    """Years in the sector up to the check date, minus breaks and (if set) disciplinary time;
    fewer years needed after enough years in a very disadvantaged area; optionally once in a lifetime."""
    p = with_defaults(RuleKind.SERVICE_YEARS, params)
    if facts.is_collective:
        return [Reason(NOT_MET, "Hình thức này chỉ xét cho cá nhân.")]
    reasons = []
    if p["once_in_lifetime"]:
        earlier = [r for r in facts.records if r.code == facts.award_code]
        if earlier:
            return [
                Reason(
                    NOT_MET,
                    f"Đã được tặng {_label(facts, facts.award_code)} năm học {_y(earlier[0].year)}; "
                    "hình thức này chỉ tặng một lần.",
                )
            ]
        reasons.append(Reason(MET, f"Chưa được tặng {_label(facts, facts.award_code)}."))
    start, today = facts.service_start, facts.on_date
    if start is None:
        return reasons + [Reason(REVIEW, "Chưa có ngày vào ngành nên chưa tính được thời gian công tác.")]
    if start > today:
        return reasons + [Reason(NOT_MET, "Ngày vào ngành sau ngày xét.")]
    # Calendar arithmetic (start + N years), never days / 365.2425: five school years are five years
    # whatever the leap days.
    total_m, total_d = calendar_span(start, today)
    breaks = _span_sum([s for s in facts.service_periods if s.kind == ServicePeriodKind.BREAK], start, today)
    disciplined = (0, 0)
    if p["exclude_discipline"]:
        disciplined = _span_sum([d for d in facts.discipline if d.kind != DisciplineKind.PENDING], start, today)
    months = total_m - breaks[0] - disciplined[0]
    days = total_d - breaks[1] - disciplined[1]
    while days < 0 and months > 0:  # borrow a month only to show a remainder; never the other way round
        months, days = months - 1, days + 30
    months, days = max(months, 0), max(days, 0)
    hard = _span_sum([s for s in facts.service_periods if s.kind == ServicePeriodKind.DISADVANTAGED], start, today)
    reduced = hard[0] >= p["disadvantaged_min_years"] * 12
    needed = p["reduced_years"] if reduced else p["years"]
    details = []
    if breaks != (0, 0):
        details.append(f"đã trừ {years_months_text(*breaks)} không công tác trong ngành")
    if disciplined != (0, 0):
        details.append(f"đã trừ {years_months_text(*disciplined)} thời gian bị kỷ luật")
    text = f"Thời gian công tác trong ngành tính đến {_d(today)}: {years_months_text(months, days)}"
    if details:
        text += " (" + "; ".join(details) + ")"
    text += "."
    if hard != (0, 0):
        text += f" Có {years_months_text(*hard)} công tác tại vùng đặc biệt khó khăn"
        text += (
            f" (từ {p['disadvantaged_min_years']} năm trở lên) nên cần {needed} năm."
            if reduced
            else f" (chưa đủ {p['disadvantaged_min_years']} năm để được giảm) nên cần {needed} năm."
        )
    else:
        text += f" Cần {needed} năm."
    reasons.append(Reason(MET if months >= needed * 12 else NOT_MET, text))
    return reasons


# --- blocking states ------------------------------------------------------------------


def blocking(facts, params: dict) -> list[Reason]:
    """States in which no award may be proposed: a pending discipline/inspection/investigation,
    a sanction during the year, or the same award already given for the same year."""
    p = with_defaults(RuleKind.BLOCKING, params)
    reasons, today = [], facts.on_date
    if p["pending"] and not facts.is_collective:
        pending = [
            d
            for d in facts.discipline
            if d.kind == DisciplineKind.PENDING and d.start <= today and (d.end is None or d.end >= today)
        ]
        if pending:
            reasons.append(
                Reason(
                    NOT_MET,
                    f"Đang trong thời gian xem xét kỷ luật, thanh tra, điều tra (từ {_d(pending[0].start)}): "
                    "chưa được đề nghị khen thưởng.",
                )
            )
    if p["discipline_in_year"] and not facts.is_collective:
        lo, hi = school_year_bounds(facts.year)
        wanted = DISCIPLINE_RANK[DisciplineKind(p["min_kind"])]
        hits = [
            d
            for d in facts.discipline
            if d.kind != DisciplineKind.PENDING
            and DISCIPLINE_RANK.get(d.kind, 0) >= wanted
            and _overlap_days(d.start, d.end, lo, hi) > 0
        ]
        if hits:
            reasons.append(
                Reason(
                    NOT_MET,
                    f"Bị kỷ luật ({DisciplineKind(hits[0].kind).label.lower()}) trong năm học {_y(facts.year)}.",
                )
            )
    if p["once_per_year"]:
        same = facts.holds([facts.award_code], facts.year, merit_only=False)
        if same:
            number = f" (quyết định {same[0].decision_number})" if same[0].decision_number else ""
            reasons.append(
                Reason(
                    NOT_MET,
                    f"Đã được tặng {_label(facts, facts.award_code)} năm học {_y(facts.year)}{number}: "
                    "một thành tích chỉ khen một lần.",
                )
            )
    return reasons


# --- quotas and council votes (not run by check_eligibility) ------------------------------


def quota_allowed(base_count: int | None, params: dict) -> tuple[int | None, str]:
    """How many awards a unit may give: a share of a base count (rounded as set) and/or a fixed maximum."""
    p = with_defaults(RuleKind.QUOTA, params)
    allowed, parts = None, []
    if p["share"] is not None and base_count is not None:
        raw = base_count * p["share"]
        rounder = {"floor": math.floor, "ceil": math.ceil, "round": round}[p["rounding"]]
        # A tiny epsilon keeps 20 × 0.15 = 3 from becoming 2.9999 before flooring.
        allowed = int(rounder(raw + 1e-9 if p["rounding"] == "floor" else raw))
        way = {"floor": "làm tròn xuống", "ceil": "làm tròn lên", "round": "làm tròn"}[p["rounding"]]
        parts.append(f"{p['share']:.0%} của {base_count} = {raw:g}, {way}: {allowed}")
    if p["max_count"] is not None:
        allowed = p["max_count"] if allowed is None else min(allowed, p["max_count"])
        parts.append(f"tối đa {p['max_count']}")
    return allowed, "; ".join(parts)


def council_vote(facts: VoteFacts, params: dict) -> list[Reason]:
    """Quorum and approval share of a council vote; the denominator is total members or those present."""
    p = with_defaults(RuleKind.COUNCIL_VOTE, params)
    reasons = []
    quorum = facts.present >= p["quorum_share"] * facts.total_members - 1e-9
    reasons.append(
        Reason(
            MET if quorum else NOT_MET,
            f"Có mặt {facts.present}/{facts.total_members} thành viên (cần từ {p['quorum_share']:.0%}).",
        )
    )
    denominator = facts.total_members if p["denominator"] == "total" else facts.present
    label = "tổng số thành viên" if p["denominator"] == "total" else "số thành viên có mặt"
    ok = denominator > 0 and _share_ok(facts.approvals, denominator, p["approval_share"], p["strict"])
    reasons.append(
        Reason(
            MET if ok else NOT_MET,
            f"{facts.approvals}/{denominator} phiếu đồng ý trên {label} "
            f"(cần {'trên' if p['strict'] else 'từ'} {p['approval_share']:.0%}).",
        )
    )
    return reasons


REGISTRY = {
    RuleKind.SAME_YEAR: same_year,
    RuleKind.CHAIN: chain,
    RuleKind.COLLECTIVE: collective,
    RuleKind.HEAD_COLLECTIVE: head_collective,
    RuleKind.SERVICE_YEARS: service_years,
    RuleKind.BLOCKING: blocking,
    RuleKind.COUNCIL_VOTE: council_vote,
}
