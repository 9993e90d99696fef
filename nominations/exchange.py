"""Export of one decision for exchange: Excel (.xlsx) and JSON, the same metadata and the same list.

Made for the Home Affairs sector's emulation and commendation database (Cơ sở dữ liệu thi đua, khen
thưởng, TT 14/2024/TT-BNV) and the civil-servant database; every column and key is documented in
`docs/decision_exchange.md`. The portal holds no live connection to either: a person downloads the
file and hands it over. Text cells go through `core.excel` (a value starting with = + - @ is written as
text, never as a formula).
"""

import json

from awards.schoolyear import school_year_label
from core.excel import Sheet, build_workbook_sheets
from units.enums import Gender

from .decisions import DecisionLine
from .models import Decision

FORMAT = "cong-thong-tin-tdkt/quyet-dinh-khen-thuong/1"
COLUMNS = [
    ("stt", "STT"),
    ("ho_ten", "Họ và tên / tên tập thể"),
    ("doi_tuong", "Đối tượng"),
    ("ngay_sinh", "Ngày sinh"),
    ("gioi_tinh", "Giới tính"),
    ("chuc_vu", "Chức vụ"),
    ("don_vi", "Đơn vị"),
    ("danh_hieu", "Danh hiệu thi đua"),
    ("hinh_thuc", "Hình thức khen thưởng"),
    ("nam_hoc", "Năm học"),
    ("da_thu_hoi", "Đã thu hồi"),
]
WIDTHS = [6, 32, 10, 12, 10, 20, 36, 30, 40, 11, 10]
GENDER_LABELS = dict(Gender.choices)


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _dmy(day) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def decision_metadata(decision: Decision) -> dict:
    """The decision's header (số, ngày, cơ quan ban hành, người ký, trích yếu …); dates ISO 8601."""
    revocation = decision.revocation
    return {
        "so": decision.number,
        "ngay": _iso(decision.date),
        "co_quan_ban_hanh": decision.issuer,
        "nguoi_ky": decision.signer,
        "chuc_vu_nguoi_ky": decision.signer_title,
        "trich_yeu": decision.excerpt,
        "nam_hoc": school_year_label(decision.school_year),
        "don_vi_trinh": decision.deciding_unit.name,
        "thu_hoi": None
        if revocation is None
        else {
            "so": revocation.decision_number,
            "ngay": _iso(revocation.decision_date),
            "co_quan_ban_hanh": revocation.issuer,
            "ly_do": revocation.reason,
        },
    }


def decision_list_rows(lines: list[DecisionLine]) -> list[dict]:
    """The granted lines (the list attached to the decision), numbered; dates ISO 8601."""
    rows = []
    for index, line in enumerate((line for line in lines if line.granted), start=1):
        n = line.nomination
        person = n.person
        if person is not None:
            unit = person.unit
        else:
            unit = n.unit.parent if n.unit.parent_id else n.unit
        record = line.record
        rows.append(
            {
                "stt": index,
                "ho_ten": n.candidate_name,
                "doi_tuong": "ca_nhan" if person is not None else "tap_the",
                "ngay_sinh": _iso(person.date_of_birth) if person is not None else "",
                "gioi_tinh": GENDER_LABELS.get(person.gender, "") if person is not None else "",
                "chuc_vu": person.position if person is not None else "",
                "don_vi": unit.name,
                "danh_hieu": line.title_name,
                "hinh_thuc": line.form_name,
                "nam_hoc": school_year_label(record.school_year if record else n.dossier.school_year),
                "da_thu_hoi": bool(record and record.revocation_id),
            }
        )
    return rows


def decision_json(decision: Decision, lines: list[DecisionLine]) -> bytes:
    """UTF-8 JSON: {"dinh_dang", "quyet_dinh": metadata, "danh_sach": rows}."""
    payload = {"dinh_dang": FORMAT, "quyet_dinh": decision_metadata(decision), "danh_sach": decision_list_rows(lines)}
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


DOER = {"ca_nhan": "Cá nhân", "tap_the": "Tập thể"}


def decision_xlsx(decision: Decision, lines: list[DecisionLine]) -> bytes:
    """Two sheets: "Quyết định" (one row per field) and "Danh sách" (the list); dates dd/mm/yyyy as text."""
    meta = decision_metadata(decision)
    revocation = decision.revocation
    header = [
        ["Số quyết định", meta["so"]],
        ["Ngày quyết định", _dmy(decision.date)],
        ["Cơ quan ban hành", meta["co_quan_ban_hanh"]],
        ["Người ký", meta["nguoi_ky"]],
        ["Chức vụ người ký", meta["chuc_vu_nguoi_ky"]],
        ["Trích yếu", meta["trich_yeu"]],
        ["Năm học", meta["nam_hoc"]],
        ["Đơn vị trình", meta["don_vi_trinh"]],
        [
            "Thu hồi",
            f"Quyết định số {revocation.decision_number} ngày {_dmy(revocation.decision_date)}: {revocation.reason}"
            if revocation
            else "Không",
        ],
    ]
    rows = []
    for row in decision_list_rows(lines):
        rows.append(
            [
                row["stt"],
                row["ho_ten"],
                DOER[row["doi_tuong"]],
                _dmy_from_iso(row["ngay_sinh"]),
                row["gioi_tinh"],
                row["chuc_vu"],
                row["don_vi"],
                row["danh_hieu"],
                row["hinh_thuc"],
                row["nam_hoc"],
                "Có" if row["da_thu_hoi"] else "Không",
            ]
        )
    return build_workbook_sheets(
        [
            Sheet("Quyết định", ["Trường thông tin", "Nội dung"], header, [24, 80]),
            Sheet("Danh sách", [label for _, label in COLUMNS], rows, WIDTHS),
        ]
    )


def _dmy_from_iso(value: str) -> str:
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def export_filename(decision: Decision, extension: str) -> str:
    """An ASCII name: the decision's id and date (a number such as 12/QĐ-UBND holds a slash)."""
    return f"quyet-dinh-{decision.pk}-{decision.date:%Y%m%d}.{extension}"
