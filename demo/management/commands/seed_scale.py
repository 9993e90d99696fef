import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import scale as province


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu quy mô tỉnh để đo hiệu năng: khoảng 1.500 trường, 4.500 tổ, 60.000 cá nhân, 5 năm học lịch sử, "
        "25.000 đề nghị ở mọi trạng thái (nhân với --scale). Chạy seed_demo trước nếu chưa có dữ liệu mẫu. "
        "Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="hệ số nhân mọi số lượng (mặc định 1.0)")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên (mặc định 1)")

    def handle(self, *args, scale: float, seed: int, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale phải lớn hơn 0 và không quá 10.")
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())  # its accounts stay usable (password tdkt2025)
        if province.scale_present():
            self.stdout.write("Dữ liệu quy mô tỉnh đã có; không thay đổi gì.")
            return
        plan = province.Plan.of(scale)
        self.stdout.write(
            f"Nạp dữ liệu quy mô tỉnh (hệ số {scale:g}, hạt giống {seed}): thêm {plan.intermediates} đơn vị cấp "
            f"trung gian, {plan.schools} trường, {plan.nominations} đề nghị, một hồ sơ {province.BIG_DOSSIER} đề nghị."
        )
        with transaction.atomic():
            grower = province.Grower(plan=plan, seed=seed, out=self.stdout)
            added = grower.run()
        province.analyze()
        for name, count in sorted(added.items()):
            self.stdout.write(f"  {name:<28} +{count:>9,}".replace(",", "."))
        self.stdout.write(
            f"Hồ sơ {province.BIG_DOSSIER} đề nghị (Phòng GD&ĐT Bình Lâm đang thẩm định): mã {grower.big_dossier.pk}"
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu quy mô tỉnh trong {elapsed:.0f} giây."))
