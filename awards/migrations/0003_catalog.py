"""The catalog of titles and commendations and their rules, as of LAW.md (a), (b), (g).

Values the research could not verify against the current text carry
is_verified=False; administrators correct them in the admin (history is kept)
or add a dated row, never by editing this file.
"""

import datetime

from django.db import migrations

LAW_2022 = datetime.date(2024, 1, 1)  # Luật Thi đua, khen thưởng 06/2022/QH15 in force
REFORM = datetime.date(2025, 7, 1)  # two-tier local government; Phòng GD&ĐT abolished
BEFORE_REFORM = REFORM - datetime.timedelta(days=1)

LUAT = "Luật Thi đua, khen thưởng số 06/2022/QH15"
ND98 = "Nghị định 98/2023/NĐ-CP"
ND129 = "Nghị định 129/2025/NĐ-CP; Luật Thi đua, khen thưởng 2022 Điều 80 khoản 2, 3"
TT29 = "Thông tư 29/2023/TT-BGDĐT"

LDTT_CRITERIA = (
    "Hoàn thành tốt nhiệm vụ trở lên; có tinh thần tự lực, tự cường, đoàn kết, tương trợ, "
    "tích cực tham gia phong trào thi đua."
)
CSTDCS_CRITERIA = (
    "Đạt tiêu chuẩn danh hiệu Lao động tiên tiến và hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được "
    "cơ sở công nhận, hoặc có đề tài, đề án, công trình khoa học và công nghệ đã được nghiệm thu."
)
TTLDTT_CRITERIA = (
    "Hoàn thành tốt nhiệm vụ; tích cực tham gia phong trào thi đua thường xuyên; trên 50% thành viên đạt "
    "Lao động tiên tiến; không có thành viên bị kỷ luật từ cảnh cáo trở lên; nội bộ đoàn kết."
)
TTLDXS_CRITERIA = (
    "Hoàn thành xuất sắc nhiệm vụ; tích cực trong phong trào thi đua; 100% thành viên hoàn thành nhiệm vụ, "
    "trong đó ít nhất 70% đạt Lao động tiên tiến; có cá nhân đạt Chiến sĩ thi đua cơ sở; nội bộ đoàn kết."
)

# code, name, short name, category, recipient, commendation kind, authority, criteria, legal basis,
# from, to, rank, verified
TYPES = [
    ("LDTT", "Lao động tiên tiến", "LĐTT", "title", "individual", "merit", "unit_head", LDTT_CRITERIA,
     f"{LUAT}; {ND98}", LAW_2022, BEFORE_REFORM, 10, False),
    ("LDTT", "Lao động tiên tiến", "LĐTT", "title", "individual", "merit", "commune_chair", LDTT_CRITERIA,
     f"{LUAT}; {ND129}", REFORM, None, 10, True),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "CSTĐCS", "title", "individual", "merit", "district_chair",
     CSTDCS_CRITERIA, f"{LUAT} Điều 23", LAW_2022, BEFORE_REFORM, 20, False),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "CSTĐCS", "title", "individual", "merit", "commune_chair",
     CSTDCS_CRITERIA, f"{LUAT} Điều 23; {ND129}", REFORM, None, 20, True),
    ("CSTD_BO", "Chiến sĩ thi đua cấp Bộ (ngành Giáo dục)", "CSTĐ Bộ", "title", "individual", "merit", "minister",
     "Có thành tích tiêu biểu xuất sắc, được lựa chọn trong số những cá nhân có 03 lần liên tục đạt Chiến sĩ thi đua "
     "cơ sở; có sáng kiến được áp dụng hiệu quả, có khả năng nhân rộng trong phạm vi bộ, ngành, tỉnh hoặc đề tài "
     "khoa học có ảnh hưởng trong phạm vi bộ, ngành, tỉnh.",
     f"{LUAT} (Chiến sĩ thi đua bộ, ban, ngành, tỉnh)", LAW_2022, None, 30, True),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", "CSTĐ tỉnh", "title", "individual", "merit", "provincial_chair",
     "Có thành tích tiêu biểu xuất sắc, được lựa chọn trong số những cá nhân có 03 lần liên tục đạt Chiến sĩ thi đua "
     "cơ sở; có sáng kiến được áp dụng hiệu quả, có khả năng nhân rộng trong phạm vi tỉnh.",
     f"{LUAT} (Chiến sĩ thi đua bộ, ban, ngành, tỉnh)", LAW_2022, None, 31, True),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "CSTĐ toàn quốc", "title", "individual", "merit", "prime_minister",
     "Được lựa chọn trong số những cá nhân có 02 lần liên tục đạt Chiến sĩ thi đua bộ, ban, ngành, tỉnh; có sáng "
     "kiến, đề tài có phạm vi ảnh hưởng toàn quốc được người đứng đầu bộ, ngành, tỉnh công nhận.",
     f"{LUAT} Điều 21", LAW_2022, None, 40, True),
    ("TTLDTT", "Tập thể lao động tiên tiến", "TTLĐTT", "title", "collective", "merit", "district_chair",
     TTLDTT_CRITERIA, f"{LUAT}; Luật Thi đua, khen thưởng 2003 Điều 28 (tham khảo)", LAW_2022, BEFORE_REFORM, 50,
     False),
    ("TTLDTT", "Tập thể lao động tiên tiến", "TTLĐTT", "title", "collective", "merit", "commune_chair",
     TTLDTT_CRITERIA, f"{LUAT}; {ND129}", REFORM, None, 50, False),
    ("TTLDXS", "Tập thể lao động xuất sắc", "TTLĐXS", "title", "collective", "merit", "provincial_chair",
     TTLDXS_CRITERIA, f"{LUAT}; thủ tục hành chính theo {ND98}", LAW_2022, None, 55, False),
    ("CO_CP", "Cờ thi đua của Chính phủ", "Cờ thi đua CP", "title", "collective", "merit", "prime_minister",
     "Tặng hằng năm cho tập thể tiêu biểu xuất sắc nhất trong số các tập thể dẫn đầu cụm, khối thi đua; hoàn thành "
     "vượt mức các chỉ tiêu; tổ chức đảng, đoàn thể trong sạch, vững mạnh.",
     f"{LUAT} Điều 25", LAW_2022, None, 60, True),
    ("CO_BO", "Cờ thi đua của Bộ Giáo dục và Đào tạo", "Cờ thi đua Bộ", "title", "collective", "merit", "minister",
     "Tiêu chuẩn theo Thông tư 29/2023/TT-BGDĐT (chưa đối chiếu chi tiết).", TT29, LAW_2022, None, 61, False),
    ("CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", "Cờ thi đua tỉnh", "title", "collective", "merit",
     "provincial_chair", "Tiêu chuẩn theo quy định của UBND tỉnh (chưa đối chiếu chi tiết).", LUAT, LAW_2022, None,
     62, False),
    ("BK_BO", "Bằng khen của Bộ trưởng Bộ Giáo dục và Đào tạo", "Bằng khen Bộ", "commendation", "both", "merit",
     "minister",
     "Một trong các tiêu chuẩn (Điều 74 khoản 1 điểm d): 02 năm liên tục đạt Chiến sĩ thi đua cơ sở, hoặc 02 năm "
     "liên tục hoàn thành xuất sắc nhiệm vụ và có 02 sáng kiến (hoặc đề tài) được áp dụng tại cơ sở trong giai đoạn.",
     f"{LUAT} Điều 74", LAW_2022, None, 70, True),
    ("BK_TINH", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Bằng khen tỉnh", "commendation", "both", "merit",
     "provincial_chair",
     "Một trong các tiêu chuẩn (Điều 74 khoản 1 điểm d): 02 năm liên tục đạt Chiến sĩ thi đua cơ sở, hoặc 02 năm "
     "liên tục hoàn thành xuất sắc nhiệm vụ và có 02 sáng kiến (hoặc đề tài) được áp dụng tại cơ sở trong giai đoạn.",
     f"{LUAT} Điều 74", LAW_2022, None, 71, True),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "Bằng khen Thủ tướng", "commendation", "both", "merit",
     "prime_minister",
     "Đã được tặng Bằng khen cấp bộ, tỉnh, sau đó có 05 năm liên tục hoàn thành xuất sắc nhiệm vụ và 05 sáng kiến "
     "được công nhận cấp cơ sở (theo Nghị định 65/2014/NĐ-CP; quy định hiện hành chưa đối chiếu). Phải lấy ý kiến "
     "UBND tỉnh.",
     f"{LUAT}; {ND98} Điều 31 (lấy ý kiến)", LAW_2022, None, 80, False),
    ("GK", "Giấy khen", "Giấy khen", "commendation", "both", "merit", "unit_head",
     "Tiêu chuẩn theo Thông tư 29/2023/TT-BGDĐT và quy định của địa phương (chưa đối chiếu chi tiết).",
     f"{LUAT} Điều 80; {TT29}", LAW_2022, BEFORE_REFORM, 90, False),
    ("GK", "Giấy khen", "Giấy khen", "commendation", "both", "merit", "commune_chair",
     "Tiêu chuẩn theo Thông tư 29/2023/TT-BGDĐT và quy định của địa phương (chưa đối chiếu chi tiết).",
     f"{ND129}; {TT29}", REFORM, None, 90, False),
    ("KNC_GD", "Kỷ niệm chương «Vì sự nghiệp giáo dục»", "KNC Vì sự nghiệp giáo dục", "commendation", "individual",
     "seniority", "minister",
     "Nhà giáo, cán bộ quản lý giáo dục có từ 20 năm công tác trong ngành Giáo dục trở lên (không phân biệt nam, nữ); "
     "sớm hơn 05 năm nếu có từ 05 năm công tác tại vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn; không tính "
     "thời gian bị kỷ luật; mỗi người chỉ được tặng một lần.",
     TT29, LAW_2022, None, 95, True),
    ("HCLD3", "Huân chương Lao động hạng Ba", "Huân chương LĐ hạng Ba", "commendation", "both", "merit", "president",
     "Tiêu chuẩn theo Luật Thi đua, khen thưởng 2022 (chưa đối chiếu chi tiết); thường đã được tặng Bằng khen của "
     "Thủ tướng Chính phủ. Phải lấy ý kiến UBND tỉnh và công khai danh sách.",
     f"{LUAT}; {ND98} Điều 31", LAW_2022, None, 100, False),
]

UNVERIFIED_BASIS_VOTE = "Quy chế hoạt động của Hội đồng Thi đua - Khen thưởng đơn vị (mặc định của cổng)"

# award code, kind, params, legal basis, from, verified, description
RULES = [
    ("*", "blocking", {"pending": True}, f"{ND98} Điều 4 (nguyên tắc xét khen thưởng)", LAW_2022, True,
     "Không đề nghị khen thưởng khi đang bị xem xét kỷ luật, thanh tra, điều tra."),
    ("LDTT", "same_year", {"min_rating": "good"}, f"{LUAT}; {ND98}", LAW_2022, True,
     "LĐTT: hoàn thành tốt nhiệm vụ trở lên."),
    ("LDTT", "blocking", {"discipline_in_year": True, "min_kind": "reprimand", "once_per_year": True},
     f"{LUAT} (một thành tích chỉ khen một lần); bị kỷ luật không xét LĐTT: quy định địa phương", LAW_2022, False,
     "Bị kỷ luật trong năm không xét; mỗi năm học một lần."),
    ("CSTDCS", "same_year",
     {"required_titles": ["LDTT"], "achievements": ["excellent", "initiative"], "achievements_mode": "any",
      "initiative_scope": "base"},
     f"{LUAT} Điều 23", LAW_2022, True,
     "CSTĐCS: đạt LĐTT và (HTXS hoặc có sáng kiến cấp cơ sở). Dự thảo sửa luật đổi «hoặc» thành «và»: "
     "đặt achievements_mode = all."),
    ("CSTDCS", "blocking", {"discipline_in_year": True, "min_kind": "reprimand", "once_per_year": True},
     f"{LUAT} (một thành tích chỉ khen một lần)", LAW_2022, False, "Mỗi năm học một lần."),
    ("CSTDCS", "head_collective", {"collective_titles": ["TTLDXS"], "include_managers": True},
     "Nghị định 65/2014/NĐ-CP (thủ trưởng xét theo thành tích tập thể); Kế hoạch 345/KH-PGDĐT Vĩnh Thuận", LAW_2022,
     False, "Hiệu trưởng, phó hiệu trưởng: trường phải đạt TTLĐXS."),
    ("CSTDCS", "quota", {"base_title": "LDTT", "share": 0.15, "rounding": "floor"},
     "Nghị định 91/2017/NĐ-CP (đã hết hiệu lực): không quá 15% số LĐTT", LAW_2022, False,
     "Số CSTĐCS không quá 15% số LĐTT của đơn vị, làm tròn xuống."),
    ("CSTD_TINH", "chain",
     {"alternatives": [{"titles": ["CSTDCS"], "years": 3, "initiatives": 1, "initiative_scope": "provincial"}]},
     f"{LUAT} (Chiến sĩ thi đua bộ, ban, ngành, tỉnh)", LAW_2022, True,
     "03 lần liên tục CSTĐCS và sáng kiến phạm vi tỉnh."),
    ("CSTD_BO", "chain",
     {"alternatives": [{"titles": ["CSTDCS"], "years": 3, "initiatives": 1, "initiative_scope": "provincial"}]},
     f"{LUAT} (Chiến sĩ thi đua bộ, ban, ngành, tỉnh)", LAW_2022, True,
     "03 lần liên tục CSTĐCS và sáng kiến phạm vi bộ, ngành."),
    ("CSTD_TQ", "chain",
     {"alternatives": [{"titles": ["CSTD_TINH", "CSTD_BO"], "years": 2, "initiatives": 1,
                        "initiative_scope": "national"}]},
     f"{LUAT} Điều 21", LAW_2022, True, "02 lần liên tục CSTĐ bộ/tỉnh và sáng kiến phạm vi toàn quốc."),
    ("BK_TINH", "chain",
     {"alternatives": [{"titles": ["CSTDCS"], "years": 2},
                       {"ratings": ["excellent"], "years": 2, "initiatives": 2, "initiative_scope": "base"}],
      "applies_to": "individual", "on_fail": "review"},
     f"{LUAT} Điều 74 khoản 1 điểm d", LAW_2022, True,
     "02 năm liên tục CSTĐCS, hoặc 02 năm liên tục HTXS và 02 sáng kiến cấp cơ sở."),
    ("BK_BO", "chain",
     {"alternatives": [{"titles": ["CSTDCS"], "years": 2},
                       {"ratings": ["excellent"], "years": 2, "initiatives": 2, "initiative_scope": "base"}],
      "applies_to": "individual", "on_fail": "review"},
     f"{LUAT} Điều 74 khoản 1 điểm d", LAW_2022, True,
     "02 năm liên tục CSTĐCS, hoặc 02 năm liên tục HTXS và 02 sáng kiến cấp cơ sở."),
    ("BK_TTG", "chain",
     {"alternatives": [{"prior_titles": ["BK_TINH", "BK_BO"], "ratings": ["excellent"], "years": 5, "initiatives": 5,
                        "initiative_scope": "base"}],
      "applies_to": "individual", "on_fail": "review"},
     "Nghị định 65/2014/NĐ-CP (đã hết hiệu lực); quy định hiện hành chưa đối chiếu", LAW_2022, False,
     "Đã có Bằng khen bộ/tỉnh, sau đó 05 năm liên tục HTXS và 05 sáng kiến cấp cơ sở."),
    ("TTLDTT", "collective",
     {"requirements": [{"what": "title", "code": "LDTT", "min_share": 0.5, "strict": True},
                       {"what": "no_discipline", "min_kind": "warning"},
                       {"what": "note", "text": "Hoàn thành tốt nhiệm vụ, nội bộ đoàn kết: Hội đồng xem xét."}]},
     "Luật Thi đua, khen thưởng 2003 Điều 28 (tham khảo); quy định Luật 2022 chưa đối chiếu", LAW_2022, False,
     "Trên 50% thành viên đạt LĐTT; không có thành viên bị kỷ luật từ cảnh cáo trở lên."),
    ("TTLDTT", "blocking", {"once_per_year": True}, f"{LUAT} (một thành tích chỉ khen một lần)", LAW_2022, True,
     "Mỗi năm học một lần."),
    ("TTLDXS", "collective",
     {"requirements": [{"what": "rating", "min_rating": "complete", "min_share": 1.0},
                       {"what": "title", "code": "LDTT", "min_share": 0.7},
                       {"what": "title", "code": "CSTDCS", "min_count": 1},
                       {"what": "note",
                        "text": "Tập thể hoàn thành xuất sắc nhiệm vụ, nội bộ đoàn kết: Hội đồng xem xét."}]},
     f"{LUAT}; thủ tục hành chính theo {ND98}", LAW_2022, True,
     "100% thành viên hoàn thành nhiệm vụ, ít nhất 70% LĐTT, có CSTĐCS."),
    ("TTLDXS", "blocking", {"once_per_year": True}, f"{LUAT} (một thành tích chỉ khen một lần)", LAW_2022, True,
     "Mỗi năm học một lần."),
    ("KNC_GD", "service_years",
     {"years": 20, "reduced_years": 15, "disadvantaged_min_years": 5, "exclude_discipline": True,
      "once_in_lifetime": True},
     TT29, LAW_2022, True, "20 năm trong ngành; 15 năm nếu có từ 5 năm ở vùng ĐBKK; trừ thời gian kỷ luật; một lần."),
    ("*", "council_vote",
     # bandit: secret_ballot is a flag of the vote rule, not a password
     {"approval_share": 0.5, "strict": True, "quorum_share": 0.6667, "denominator": "total", "secret_ballot": True},  # nosec B105
     UNVERIFIED_BASIS_VOTE, LAW_2022, False, "Mặc định: quá nửa tổng số thành viên; họp khi có từ 2/3 thành viên."),
    ("CSTDCS", "council_vote",
     {"approval_share": 0.7, "strict": False, "quorum_share": 0.6667, "denominator": "total", "secret_ballot": True},  # nosec B105
     UNVERIFIED_BASIS_VOTE, LAW_2022, False, "Từ 70% tổng số thành viên Hội đồng đồng ý (bỏ phiếu kín)."),
    ("CO_CP", "council_vote",
     {"approval_share": 0.8, "strict": False, "quorum_share": 0.6667, "denominator": "total", "secret_ballot": True},  # nosec B105
     UNVERIFIED_BASIS_VOTE, LAW_2022, False, "Từ 80% tổng số thành viên (chưa đối chiếu)."),
]
for code in ("CSTD_TINH", "CSTD_BO", "CSTD_TQ"):
    RULES.append(
        (code, "council_vote",
         {"approval_share": 0.9, "strict": False, "quorum_share": 0.6667, "denominator": "total",
          # bandit: secret_ballot is a flag of the vote rule, not a password
          "secret_ballot": True},  # nosec B105
         "Nghị định 91/2017/NĐ-CP Điều 45 khoản 8 (đã hết hiệu lực; giá trị hiện hành chưa đối chiếu)", LAW_2022,
         False, "Bỏ phiếu kín, từ 90% tổng số thành viên Hội đồng đồng ý; thành viên vắng mặt gửi phiếu bằng văn bản.")
    )
for code in ("CSTD_TINH", "CSTD_BO", "CSTD_TQ", "CO_CP", "CO_BO", "CO_TINH"):
    RULES.append((code, "blocking", {"once_per_year": True}, f"{LUAT} (một thành tích chỉ khen một lần)", LAW_2022,
                  True, "Mỗi năm học một lần."))


def load(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    AwardRule = apps.get_model("awards", "AwardRule")
    for (code, name, short, category, recipient, kind, authority, criteria, basis, start, end, rank,
         verified) in TYPES:
        AwardType.objects.update_or_create(
            code=code,
            effective_from=start,
            defaults=dict(
                name=name, short_name=short, category=category, recipient_kind=recipient, commendation_kind=kind,
                authority_kind=authority, criteria=criteria, legal_basis=basis, effective_to=end, rank=rank,
                is_verified=verified,
            ),
        )
    for code, kind, params, basis, start, verified, description in RULES:
        AwardRule.objects.get_or_create(
            award_code=code, kind=kind, effective_from=start,
            defaults=dict(params=params, legal_basis=basis, is_verified=verified, description=description),
        )


def unload(apps, schema_editor):
    apps.get_model("awards", "AwardRule").objects.filter(effective_from=LAW_2022).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_history_rules_initiatives")]

    operations = [migrations.RunPython(load, unload)]
