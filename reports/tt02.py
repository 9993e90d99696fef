"""The statistical forms on emulation and commendation that the Home Affairs sector collects, as data.

Thông tư 02/2023/TT-BNV (chế độ báo cáo thống kê ngành Nội vụ), forms 0601.N, 0602.N and 0603.N of the
TĐKT group, due on 15 December of the reporting year. LAW.md (d) names the forms and the due date only; the
rows and columns below are those of a third party's reproduction of the forms (LAW.md source S39), not
checked against the circular's own text: each is marked unverified on the sheet (`NOTES`) and in
docs/architecture.md. When the circular is checked or replaced, this module is what changes; the code that
counts (`statistics.py`) reads only these tables.

How the portal's data maps onto the forms is also decided here, and also unverified (see `NOTES`):
- a record counts in the year of its decision date (01/01–31/12), revoked records left out;
- a catalog award belongs to a column by its code (`*_COLUMNS`); the state-level form adds every other
  award decided by the President or the Prime Minister under "Các hình thức khen thưởng khác";
- the "phương thức" rows follow the record's `commendation_kind`;
- the "đối tượng" rows of a person follow `is_manager` today (not at the time of the award) and the kind
  of the person's unit: a manager of a Sở is "lãnh đạo cấp vụ, sở", a manager of any other unit is
  "các cấp lãnh đạo khác từ phó phòng trở lên", anyone else "người trực tiếp công tác";
- rows the portal holds no data for (enterprises, households, businesspeople, leaders of a ministry or
  province, resistance awards) are written 0.
"""

from dataclasses import dataclass

from awards.enums import AuthorityKind, CommendationKind
from campaigns.enums import CampaignKind, ReachKind
from units.enums import UnitKind

CIRCULAR = "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ trưởng Bộ Nội vụ"
DUE = "Ngày nhận báo cáo: ngày 15 tháng 12 năm báo cáo"


@dataclass(frozen=True)
class Row:
    """A line of a form: its label, its code (mã số; "" for a heading), its unit and what it counts."""

    label: str
    code: str = ""
    unit: str = ""
    key: str = ""  # what statistics.py counts for the line; "" for a heading, "none" for no data (0)


@dataclass(frozen=True)
class AwardColumn:
    label: str
    codes: tuple[str, ...]
    collective: bool = True  # the form has a Tập thể column for it
    individual: bool = True  # and a Cá nhân column


# --- 0601.N: Số phong trào thi đua -------------------------------------------------------------------------

FORM_0601 = "0601.N/BNV-TĐKT"
TITLE_0601 = "SỐ PHONG TRÀO THI ĐUA"

# The columns: the level that launches (cấp chủ trì phát động), by the launching unit's kind.
LEVELS_0601 = [
    ("central", "Cấp Trung ương (Hội đồng Thi đua – Khen thưởng Trung ương)"),
    ("ministry_province", "Cấp bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương"),
    ("unit", "Cơ quan, tổ chức, đơn vị"),
]
LEVEL_OF_LAUNCHER = {UnitKind.MINISTRY: "ministry_province", UnitKind.PROVINCIAL_AUTHORITY: "ministry_province"}
DEFAULT_LEVEL = "unit"

# Scope (phạm vi): a campaign reaching emulation blocks is a cụm/khối campaign; one launched by a ministry,
# a province or the Sở over its whole subtree is a sector/local one; anything else is a unit's own.
SECTOR_LAUNCHERS = (UnitKind.MINISTRY, UnitKind.PROVINCIAL_AUTHORITY, UnitKind.DEPARTMENT)
BLOCK_REACH = ReachKind.BLOCKS
# Method: thường xuyên hàng năm for regular campaigns; every other kind (theo đợt, chuyên đề, đặc biệt) is
# counted as chuyên đề.
REGULAR_KINDS = (CampaignKind.REGULAR,)

ROWS_0601 = [
    Row("Tổng số", "01", key="all"),
    Row("1. Chia theo phạm vi tổ chức thi đua"),
    Row("- Toàn quốc", "02", key="none"),
    Row("- Bộ, ban, ngành, đoàn thể, địa phương", "03", key="scope_sector"),
    Row("- Cụm, khối thi đua do Hội đồng Thi đua – Khen thưởng các cấp tổ chức", "04", key="scope_block"),
    Row("- Cơ quan, tổ chức, đơn vị", "05", key="scope_unit"),
    Row("2. Chia theo thời hạn thi đua"),
    Row("- Dưới 1 năm", "06", key="under_1"),
    Row("- 1 năm", "07", key="one_year"),
    Row("- Từ 1 năm đến dưới 3 năm", "08", key="from_1_to_3"),
    Row("- Từ 3 năm đến dưới 5 năm", "09", key="from_3_to_5"),
    Row("- Từ 5 năm trở lên", "10", key="from_5"),
    Row("3. Chia theo phương thức tổ chức phong trào thi đua"),
    Row("- Thi đua theo chuyên đề", "11", key="thematic"),
    Row("- Thi đua thường xuyên hàng năm", "12", key="regular"),
]

# --- 0602.N and 0603.N: numbers of awards -------------------------------------------------------------------

FORM_0602 = "0602.N/BNV-TĐKT"
TITLE_0602 = "SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC"
STATE_AUTHORITIES = (AuthorityKind.PRESIDENT, AuthorityKind.PRIME_MINISTER)
COLUMNS_0602 = [
    AwardColumn("Huân chương", ("HCLD1", "HCLD2", "HCLD3", "HCDL1", "HCDL2", "HCDL3", "HCHCM", "HCSAO")),
    AwardColumn("Huy chương", ("HUYCHUONG",)),
    AwardColumn("Giải thưởng Hồ Chí Minh", ("GT_HCM",), collective=False),
    AwardColumn("Giải thưởng Nhà nước", ("GT_NN",), collective=False),
    AwardColumn("Danh hiệu vinh dự Nhà nước (Nhà giáo nhân dân, Nhà giáo ưu tú…)", ("NGND", "NGUT")),
    AwardColumn("Cờ thi đua của Chính phủ", ("CO_CP",), individual=False),
    AwardColumn("Bằng khen của Thủ tướng Chính phủ", ("BK_TTG",)),
    AwardColumn("Danh hiệu Chiến sĩ thi đua toàn quốc", ("CSTD_TQ",), collective=False),
]
# Every other award decided by the President or the Prime Minister.
OTHER_0602 = "Các hình thức khen thưởng khác"

FORM_0603 = "0603.N/BNV-TĐKT"
TITLE_0603 = "SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, ĐOÀN THỂ TRUNG ƯƠNG VÀ TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG"
COLUMNS_0603 = [
    AwardColumn("Bằng khen", ("BK_BO", "BK_TINH")),
    AwardColumn("Chiến sĩ thi đua cấp bộ, cấp tỉnh", ("CSTD_BO", "CSTD_TINH"), collective=False),
    AwardColumn(
        "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
        ("CO_BO", "CO_TINH"),
        individual=False,
    ),
    AwardColumn(
        "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
        ("KNC_GD",),
        collective=False,
    ),
]

# The "phương thức" rows, by the record's commendation kind.
METHOD_ROWS = [
    ("- Thường xuyên", CommendationKind.MERIT),
    ("- Chuyên đề", CommendationKind.THEMATIC),
    ("- Đột xuất", CommendationKind.AD_HOC),
    ("- Đối ngoại", CommendationKind.FOREIGN),
    ("- Cống hiến", CommendationKind.LIFETIME),
    ("- Niên hạn", CommendationKind.SENIORITY),
]
SECTOR_LEADER_UNITS = (UnitKind.DEPARTMENT,)


def award_rows(first_code: int, *, with_proposers: bool) -> list[Row]:
    """The rows of 0602 (with the rows by the unit proposing to the Prime Minister) and of 0603."""
    codes = iter(range(first_code, first_code + 30))
    rows = [Row("Tổng số", f"{next(codes):02d}", key="all")]
    if with_proposers:
        rows += [
            Row("1. Chia theo đơn vị ban hành tờ trình Thủ tướng Chính phủ về khen thưởng"),
            Row("- Bộ, ban, ngành, đoàn thể Trung ương", f"{next(codes):02d}", "Bộ, ngành", key="unknown"),
            Row("- Tỉnh, thành phố trực thuộc Trung ương", f"{next(codes):02d}", "Tỉnh, TP", key="unknown"),
        ]
    number = 2 if with_proposers else 1
    rows += [
        Row(f"{number}. Chia theo đối tượng khen thưởng"),
        Row("- Tập thể", f"{next(codes):02d}", "Tập thể", key="collective"),
        Row("Trong đó: Doanh nghiệp", f"{next(codes):02d}", "Doanh nghiệp", key="none"),
        Row("- Hộ gia đình", f"{next(codes):02d}", "Hộ", key="none"),
        Row("- Cá nhân", f"{next(codes):02d}", "Người", key="individual"),
        Row("+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", f"{next(codes):02d}", "Người", key="none"),
        Row("+ Lãnh đạo cấp vụ, sở, ngành và tương đương", f"{next(codes):02d}", "Người", key="sector_leader"),
        Row("+ Doanh nhân", f"{next(codes):02d}", "Người", key="none"),
        Row("+ Các cấp lãnh đạo khác từ phó phòng trở lên", f"{next(codes):02d}", "Người", key="other_leader"),
        Row(
            "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu (công nhân, nông dân…)",
            f"{next(codes):02d}",
            "Người",
            key="worker",
        ),
        Row(f"{number + 1}. Chia theo phương thức khen thưởng"),
    ]
    rows += [Row(label, f"{next(codes):02d}", key=f"method:{kind}") for label, kind in METHOD_ROWS]
    rows.append(Row("- Kháng chiến", f"{next(codes):02d}", key="none"))
    return rows


NOTES = [
    "Các biểu lấy theo bản sao biểu 0601.N, 0602.N, 0603.N của Thông tư 02/2023/TT-BNV do bên thứ ba "
    "dựng lại (chưa đối chiếu với văn bản gốc): dòng, cột và mã số cần kiểm tra trước khi gửi.",
    "Năm báo cáo tính theo ngày quyết định khen thưởng từ 01/01 đến 31/12 (chưa đối chiếu thời kỳ số liệu "
    "của Thông tư); phong trào tính theo ngày ban hành kế hoạch (hoặc ngày bắt đầu thi đua).",
    "Đối tượng cá nhân xếp theo «cán bộ quản lý» hiện nay của người được khen (không theo thời điểm khen) "
    "và loại đơn vị: quản lý của Sở là «lãnh đạo cấp vụ, sở», quản lý đơn vị khác là «lãnh đạo khác từ phó "
    "phòng trở lên» (chưa đối chiếu).",
    "Cổng không có dữ liệu về doanh nghiệp, hộ gia đình, doanh nhân, lãnh đạo cấp bộ, cấp tỉnh và khen "
    "thưởng kháng chiến: các dòng này ghi 0. Dòng chia theo đơn vị trình Thủ tướng (biểu 0602) để trống.",
    "Danh hiệu không có cột trong biểu (ví dụ Tập thể lao động xuất sắc ở biểu 0603) không được tính.",
    "Phong trào thi đua theo đợt và thi đua đặc biệt được tính là thi đua theo chuyên đề; phong trào theo "
    "năm học (không ghi thời gian) được tính là 1 năm (chưa đối chiếu).",
]
