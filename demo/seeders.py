"""Seeds the demo province through each app's services, in dependency order.

Each app that has demo data exposes a `seed_*` function in its `demo.py`;
this module is the only place that knows them all.
"""

import random

from django.contrib.auth import get_user_model

from awards import demo as awards_demo
from campaigns import demo as campaigns_demo
from demo import nominations as nominations_demo
from demo import workbench as workbench_demo
from units.demo import DEMO_PASSWORD, seed_authorities, seed_personas, seed_units

MARKER_USERNAME = "so.quantri"
User = get_user_model()

DEMO_ACCOUNTS = [
    ("admin", "Quản trị hệ thống (toàn quyền, trang quản trị)"),
    ("so.quantri", "Quản trị – Sở GD&ĐT Sơn Hà"),
    ("so.chuyenvien", "Chuyên viên thẩm định – Sở GD&ĐT"),
    ("pgd-bl.chuyenvien", "Chuyên viên thẩm định – Phòng GD&ĐT Bình Lâm"),
    ("pgd-bl.truongphong", "Thủ trưởng – Phòng GD&ĐT Bình Lâm"),
    ("mn-hoasen-bl.thuky", "Thư ký TĐKT – Trường Mầm non Hoa Sen (Bình Lâm)"),
    ("mn-hoasen-bl.hieutruong", "Thủ trưởng – Trường Mầm non Hoa Sen (Bình Lâm)"),
    ("mn-hoasen-bl.hoidong", "Thành viên Hội đồng TĐKT – Trường Mầm non Hoa Sen (Bình Lâm)"),
    ("mn-hoasen-bl.quantri", "Quản trị – Trường Mầm non Hoa Sen (Bình Lâm)"),
    ("pgd-bl.thuky", "Thư ký TĐKT – Phòng GD&ĐT Bình Lâm"),
    ("so.thuky", "Thư ký TĐKT – Sở GD&ĐT"),
    ("so.hoidong", "Thành viên Hội đồng TĐKT – Sở GD&ĐT"),
    ("kiemnhiem.thuky", "Thư ký TĐKT – THCS Nguyễn Du (Đông Hải); Hội đồng TĐKT – Mầm non Hoa Sen (Bình Lâm)"),
    ("xa-binhlam.chuyenvien", "Chuyên viên – UBND xã Bình Lâm (ghi quyết định khen thưởng cấp xã)"),
    ("tinh.chuyenvien", "Chuyên viên Ban Thi đua – Khen thưởng – UBND tỉnh Sơn Hà (ghi quyết định cấp tỉnh)"),
]
DEMO_ACCOUNTS_TO_PRINT = [
    f"Mật khẩu chung của mọi tài khoản mẫu: {DEMO_PASSWORD}",
    *[f"  {username:<26} {label}" for username, label in DEMO_ACCOUNTS],
]


def seed_all() -> bool:
    """Create the demo data unless it is there already. Returns True if it created anything.

    On an existing demo only the accounts added since it was seeded are created (`seed_personas`).
    """
    if User.objects.filter(username=MARKER_USERNAME).exists():
        return seed_personas() > 0
    # bandit: reproducible demo data, not a secret
    rng = random.Random(2024)  # nosec B311
    result = seed_units(rng=rng)
    admin = User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="admin@tdkt.local")
    admin.first_name, admin.last_name = "Quản trị", "hệ thống"
    admin.save(update_fields=["first_name", "last_name"])
    awards_demo.seed(units=result.units, rng=rng)
    campaigns_demo.seed(units=result.units, rng=rng)
    # The reform of 01/07/2025 moves schools; the history and campaigns above predate it.
    seed_authorities(result)
    awards_demo.seed_routes(units=result.units)
    seed_personas()
    nominations_demo.seed(rng=rng)
    workbench_demo.seed()
    return True
