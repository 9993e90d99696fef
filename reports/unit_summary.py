"""The year's summary of a unit (tổng hợp kết quả thi đua, khen thưởng) as .xlsx.

The figures are those of the PDF: the document kind "unit_summary" builds its context with
`documents.kinds.reports.unit_summary_build`, and this module writes the same four tables from that same
context, one sheet each. Who may have it is the kind's own predicate (`unit_summary_may_request`: SIGN,
OVERSEE or APPRAISE on the unit); every such role reads the unit's whole subtree, so the counts over the
subtree name nothing the user may not read (and they name no one: counts only).
"""

from core.excel import Sheet, build_workbook_sheets
from documents.kinds.reports import unit_summary_build, unit_summary_may_request
from units.models import Unit

may_request = unit_summary_may_request


def _preamble(context: dict, title: str) -> list[str]:
    return [
        f"BÁO CÁO {context['excerpt'].upper()}",
        context["unit_name"],
        title,
    ]


def unit_summary_workbook(*, unit: Unit, school_year: int) -> bytes:
    """The four tables of the PDF summary of `unit` for the school year beginning in `school_year`."""
    context = unit_summary_build(unit, options={"school_year": str(school_year)})
    prev, year = context["previous_year"], context["school_year"]
    awards_total = context["awards_total"]
    award_rows = [
        [n, r["award"], r["prev_individual"], r["prev_collective"], r["individual"], r["collective"]]
        for n, r in enumerate(context["awards"], start=1)
    ]
    award_rows.append(
        [
            "",
            "Tổng cộng",
            awards_total["prev_individual"],
            awards_total["prev_collective"],
            awards_total["individual"],
            awards_total["collective"],
        ]
    )
    levels_total = context["levels_total"]
    level_rows = [
        [n, r["level"], r["schools"] if r["schools"] != "" else "—", r["individual"], r["collective"]]
        for n, r in enumerate(context["levels"], start=1)
    ]
    level_rows.append(
        ["", "Tổng cộng", levels_total["schools"], levels_total["individual"], levels_total["collective"]]
    )
    status_rows = [[n, r["status"], r["count"]] for n, r in enumerate(context["statuses"], start=1)]
    status_rows.append(["", "Tổng cộng", context["statuses_total"]])
    target_rows = [
        [n, r["award"], r["registered"], r["achieved"], r["rate"] or "—"]
        for n, r in enumerate(context["targets"], start=1)
    ]
    return build_workbook_sheets(
        [
            Sheet(
                "I. Kết quả khen thưởng",
                [
                    "STT",
                    "Danh hiệu, hình thức khen thưởng",
                    f"Năm học {prev}: cá nhân",
                    f"Năm học {prev}: tập thể",
                    f"Năm học {year}: cá nhân",
                    f"Năm học {year}: tập thể",
                ],
                award_rows,
                [6, 48, 16, 16, 16, 16],
                preamble=_preamble(context, "I. KẾT QUẢ KHEN THƯỞNG"),
            ),
            Sheet(
                "II. Theo cấp học",
                ["STT", "Cấp học", "Số trường", "Cá nhân được khen thưởng", "Tập thể được khen thưởng"],
                level_rows,
                [6, 36, 12, 22, 22],
                preamble=_preamble(context, f"II. KẾT QUẢ KHEN THƯỞNG NĂM HỌC {year} THEO CẤP HỌC"),
            ),
            Sheet(
                "III. Đề nghị khen thưởng",
                ["STT", "Trạng thái", "Số đề nghị"],
                status_rows,
                [6, 36, 14],
                preamble=_preamble(context, f"III. ĐỀ NGHỊ KHEN THƯỞNG NĂM HỌC {year}"),
            ),
            Sheet(
                "IV. Đăng ký và đạt được",
                ["STT", "Danh hiệu, hình thức khen thưởng", "Số đăng ký", "Số đạt được", "Tỷ lệ (%)"],
                target_rows,
                [6, 48, 12, 12, 12],
                preamble=_preamble(context, "IV. ĐĂNG KÝ THI ĐUA VÀ KẾT QUẢ ĐẠT ĐƯỢC"),
            ),
        ]
    )
