"""`manage.py documents_samples --out docs/samples`: a sample PDF of every registered document kind.

For each kind of `documents.registry.all_kinds()`, the demo object of its model (`documents.samples`) is
rendered in this process, as a worker would (`documents.services.document_build`), into <out>/<code>.pdf,
with page 1 as <out>/<code>.png (`pdftoppm -r 50`) for the README. A kind whose model has no demo object is
skipped and named. Needs the demo (`seed_demo`); asks as the demo superuser, so every kind may be asked.

`seed_demo` holds no council meeting; unless `--no-meeting`, the command first adds one, once, to the
database it runs on (`demo.councils.seed_meeting`: Mầm non Hoa Sen's dossier voted by the council of
Phòng Bình Lâm), so run it on a throw-away demo database, not on one the browser journeys use.
"""

import shutil
import subprocess  # nosec B404  # pdftoppm with a fixed argument list, no shell
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo import councils as councils_demo
from documents import pack, registry, samples, services
from documents.enums import DocumentStatus

PNG_DPI = 50


def page_one_png(pdf: Path, png: Path) -> None:
    """Page 1 of `pdf` as `png` (pdftoppm of poppler-utils, also used by the tests)."""
    stem = png.with_suffix("")
    # bandit: developer command; pdftoppm from PATH, fixed flags, no shell
    subprocess.run(  # nosec B603, B607
        ["pdftoppm", "-r", str(PNG_DPI), "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(stem)],
        check=True,
        capture_output=True,
    )


def sample_render(kind: registry.DocumentKind, obj, *, by, out: Path) -> Path:
    """Render `kind` of `obj` in this process and copy the file to <out>/<code>.pdf; returns that path."""
    doc = services.document_request(kind_code=kind.code, obj=obj, by=by, variant=kind.default_variant())
    doc = pack.document_build_with_parts(document_id=doc.pk)  # a pack's parts first
    if doc is None or doc.status != DocumentStatus.READY:
        raise CommandError(f"{kind.code}: không tạo được văn bản: {doc.error if doc else 'mất bản ghi'}")
    target = out / f"{kind.code}.pdf"
    with doc.file.open("rb") as source, open(target, "wb") as handle:
        shutil.copyfileobj(source, handle)
    return target


class Command(BaseCommand):
    help = "Tạo bản PDF mẫu (và ảnh trang 1) của mọi loại văn bản từ dữ liệu mẫu, vào thư mục --out."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/samples", help="thư mục ghi tệp (mặc định docs/samples)")
        parser.add_argument("--kinds", default="", help="chỉ các loại này (mã, cách nhau bởi dấu phẩy)")
        parser.add_argument(
            "--no-meeting", action="store_true", help="không thêm phiên họp Hội đồng mẫu khi dữ liệu mẫu chưa có"
        )

    def handle(self, *args, out, kinds, no_meeting, **options):
        by = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if by is None:
            raise CommandError("Chưa có dữ liệu mẫu: chạy `manage.py seed_demo` trước.")
        wanted = {code.strip() for code in kinds.split(",") if code.strip()}
        unknown = wanted - {kind.code for kind in registry.all_kinds()}
        if unknown:
            raise CommandError(f"Loại văn bản không tồn tại: {', '.join(sorted(unknown))}.")
        if not no_meeting and councils_demo.meeting_with_closed_round() is None:
            meeting = councils_demo.seed_meeting()
            if meeting is not None:
                self.stdout.write(f"Đã thêm phiên họp mẫu: {meeting} (hồ sơ Trường Mầm non Hoa Sen).")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        made, skipped = [], []
        for kind in registry.all_kinds():
            if wanted and kind.code not in wanted:
                continue
            obj = samples.demo_object(kind)
            if obj is None:
                skipped.append(kind.code)
                self.stdout.write(f"Bỏ qua {kind.code} ({kind.label}): dữ liệu mẫu không có đối tượng phù hợp.")
                continue
            pdf = sample_render(kind, obj, by=by, out=folder)
            page_one_png(pdf, pdf.with_suffix(".png"))
            made.append(kind.code)
            self.stdout.write(f"{pdf} ({kind.label}: {obj})")
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo {len(made)} văn bản mẫu trong {folder}.")
            + (f" Bỏ qua: {', '.join(skipped)}." if skipped else "")
        )
