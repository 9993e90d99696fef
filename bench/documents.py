"""`python -m bench.documents`: our document engine against bare WeasyPrint on the same HTML, in one run.

For each document, the HTML our templates produce is rendered by the engine
(`documents.rendering.pdf_render`: the portal's URL fetcher, one shared FontConfiguration, the signature
anchors) and by bare WeasyPrint (`HTML(string=…, base_url=…).write_pdf()` with its default fetcher, the
same HTML with the stylesheet and font URLs rewritten to file:// paths, so both embed the same fonts).
Runs alternate engine / bare after one warm-up of each; the table gives the median wall time, the median
CPU time of this process, the time per page and the ratio engine / bare (target ≤ 1.15).

- The letter: the "submission" kind of a small demo dossier (migrate and `seed_demo` on a throw-away
  SQLite file, the dossier the samples use), or a one-page tờ trình of `bench/templates/letter.html` while
  that kind is not registered.
- Lists of 100 / 500 / 2,000 rows: the "submission_list" kind's template on a generated context (no
  database), or `bench/templates/list.html` (seed 004's DANH SÁCH, landscape, `table.list`) while that kind
  is not registered.
- `--pack` (optional): the "dossier_pack" kind of a 200-nominee dossier rendered by 2 Celery worker
  processes: needs `--database-url` to an empty PostgreSQL database and REDIS_URL (a Redis no other worker
  listens on). Seeds, starts `celery -A config worker --concurrency=1 -Q celery,documents,notifications`
  twice, requests the pack, waits,
  reports the wall time from the request to the ready file and the time per page (target ≤ 20 s).

    python -m bench.documents [--runs 3] [--rows 100,500,2000] [--no-demo]
    REDIS_URL=redis://127.0.0.1:6379/9 python -m bench.documents --pack --database-url postgres://…/empty_db

Numbers are for comparing on the same machine; nothing here asserts a time.
"""

import argparse
import datetime
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
LETTER_TEMPLATE = BENCH_DIR / "templates" / "letter.html"
LIST_TEMPLATE = BENCH_DIR / "templates" / "list.html"
DEFAULT_ROWS = (100, 500, 2000)
RUNS = 3
PACK_NOMINEES = 200
PACK_TIMEOUT = 900  # seconds to wait for the pack before giving up

GIVEN = ["Thị An", "Văn Bình", "Thị Chi", "Thị Dung", "Văn Giang", "Thị Hà", "Quốc Khánh", "Thị Lan", "Đức Minh"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
SCHOOLS = ["Trường Mầm non Hoa Sen", "Trường Tiểu học Kim Đồng", "Trường THCS Nguyễn Du", "Trường TH Lê Văn Tám"]
SUMMARY = (
    "Hoàn thành xuất sắc nhiệm vụ năm học; có sáng kiến được Hội đồng sáng kiến cơ sở công nhận; "
    "tích cực tham gia các phong trào thi đua của ngành."
)
AWARDS = [("Chiến sĩ thi đua cơ sở", 0.2), ("Lao động tiên tiến", 0.8)]


# --- HTML -----------------------------------------------------------------------------------------------


def _verification() -> dict:
    """What `services.verification_context` gives a real document: a code, its URL and the QR code."""
    import segno

    url = "https://tdkt.example.gov.vn/van-ban/xac-thuc/ABCDEFGH23"
    return {"code": "ABCDEFGH23", "url": url, "qr": segno.make(url, error="m").png_data_uri(border=0, scale=4)}


def _common(doc_type: str, excerpt: str) -> dict:
    from documents import layout

    head = layout.Letterhead(
        parent_body="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO BÌNH LÂM",
        issuer="TRƯỜNG MẦM NON HOA SEN",
        number=layout.number_line(5, "TTr", "MNHS"),
        place_date=layout.date_line("Bình Lâm", datetime.date(2026, 5, 20)),
    )
    return {
        "title": f"{doc_type} {excerpt}",
        "letterhead": head.as_dict(),
        "doc_type": doc_type,
        "excerpt": excerpt,
        "addressees": layout.addressees(["Phòng Giáo dục và Đào tạo Bình Lâm"]),
        "bases": [],
        "receivers": layout.receivers([], keep="VP", as_above=True),
        "signature": layout.Signature(title="Hiệu trưởng", name="Trần Thị Mai").as_dict(),
        "verification": _verification(),
    }


def _synthetic_letter_html() -> tuple[str, str]:
    from documents import layout

    context = _common("TỜ TRÌNH", "Về việc đề nghị khen thưởng năm học 2025-2026")
    context["bases"] = layout.legal_bases(
        [
            "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
            "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ",
            "Thông tư số 29/2023/TT-BGDĐT ngày 29 tháng 12 năm 2023 của Bộ Giáo dục và Đào tạo",
        ]
    )
    context["paragraphs"] = [
        "Căn cứ kết quả bình xét của Hội đồng Thi đua – Khen thưởng nhà trường ngày 15/5/2026, Trường Mầm non "
        "Hoa Sen kính trình Phòng Giáo dục và Đào tạo Bình Lâm xem xét, đề nghị khen thưởng cho 2 tập thể "
        "và 12 cá nhân đã có thành tích xuất sắc trong năm học 2025-2026, cụ thể như sau:",
        "Danh hiệu Chiến sĩ thi đua cơ sở: 3 cá nhân; danh hiệu Lao động tiên tiến: 9 cá nhân; danh hiệu Tập "
        "thể lao động xuất sắc: 1 tập thể; Giấy khen: 1 tập thể.",
        "(Có danh sách, biên bản họp Hội đồng và báo cáo thành tích kèm theo.)",
        "Trường Mầm non Hoa Sen kính trình Phòng Giáo dục và Đào tạo Bình Lâm xem xét, quyết định./.",
    ]
    return _from_source(LETTER_TEMPLATE, context), "stand-in letter (bench/templates/letter.html)"


def _from_source(path: Path, context: dict) -> str:
    from django.template import engines

    from documents.rendering import DOCUMENT_CSS, STATIC_PREFIX

    template = engines["django"].from_string(path.read_text(encoding="utf-8"))
    return template.render({**context, "css_url": STATIC_PREFIX + DOCUMENT_CSS})


def _list_rows(rows: int) -> list[dict]:
    """Rows as the "submission_list" kind builds them: a section, a group row per award, then the nominees."""
    out, index = [{"kind": "section", "text": "B. CÁ NHÂN"}], 0
    for position, (award, share) in enumerate(AWARDS):
        count = round(rows * share) if position < len(AWARDS) - 1 else rows - index
        out.append({"kind": "group", "text": f"{award} ({count} cá nhân)"})
        for _ in range(count):
            index += 1
            out.append(
                {
                    "kind": "row",
                    "tt": index,
                    "name": f"{FAMILY[index % len(FAMILY)]} {GIVEN[index % len(GIVEN)]}",
                    "work": f"Giáo viên, {SCHOOLS[index % len(SCHOOLS)]}",
                    "years": f"{5 + index % 25} năm",
                    "summary": SUMMARY,
                    "contact": [f"ĐT: 09{index:08d}", f"Email: gv{index}@truong.edu.vn"],
                }
            )
    return out


def _list_html(rows: int) -> tuple[str, str]:
    """A list of `rows` nominees: a generated context with the keys of the kind's build(), no database."""
    from documents import registry
    from documents.rendering import html_render

    context = _common("Danh sách đề nghị khen thưởng", "")
    context["letterhead"].update(number="", place_date="")
    context.update(
        addressees=[],
        receivers=[],
        reference="(Kèm theo Tờ trình số 05/TTr-MNHS ngày 20/05/2026 của Trường Mầm non Hoa Sen)",
        header=["TT", "Họ và tên", "Đơn vị công tác", "Thâm niên", "Tóm tắt thành tích", "Số điện thoại, email"],
        rows=_list_rows(rows),
        totals=f"Tổng số: {rows} cá nhân.",
    )
    kind = registry.get("submission_list")
    if kind is not None:
        return html_render(kind.template, context), f'kind "submission_list" ({kind.template})'
    return _from_source(LIST_TEMPLATE, context), "stand-in list (bench/templates/list.html)"


def _letter_from_demo() -> tuple[str, str] | None:
    """The "submission" kind of the samples' demo dossier, on a throw-away SQLite demo; None without it."""
    from documents import registry, samples
    from documents.rendering import html_render

    kind = registry.get("submission")
    if kind is None:
        return None
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=io.StringIO())
    dossier = samples.demo_object(kind)
    if dossier is None:
        print("letter: no demo dossier found; using the stand-in letter")
        return None
    context = kind.build(dossier, variant=kind.default_variant(), options={})
    print(f"letter: demo database ready in {time.perf_counter() - started:.1f} s (migrate, seed_demo)")
    html = html_render(kind.template, {**context, "verification": _verification()})
    return html, f'kind "submission" of dossier {dossier.pk} ({dossier.unit.name})'


# --- bare WeasyPrint ------------------------------------------------------------------------------------


def _bare_version(html: str, folder: Path) -> tuple[str, str]:
    """The same HTML for bare WeasyPrint: the stylesheet copied with its font URLs as file:// paths."""
    from django.contrib.staticfiles import finders

    from documents.rendering import DOCUMENT_CSS, STATIC_PREFIX

    css = Path(finders.find(DOCUMENT_CSS)).read_text(encoding="utf-8")
    fonts = Path(finders.find("fonts/LiberationSerif-Regular.ttf")).parent
    css = css.replace(STATIC_PREFIX + "fonts/", fonts.as_uri() + "/")
    css_file = folder / "document.css"
    css_file.write_text(css, encoding="utf-8")
    return html.replace(STATIC_PREFIX + DOCUMENT_CSS, css_file.as_uri()), folder.as_uri() + "/"


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _measure(html: str, bare_html: str, base_url: str, runs: int) -> dict:
    from weasyprint import HTML

    from documents.rendering import pdf_render

    def engine():
        return pdf_render(html).pdf

    def bare():
        return HTML(string=bare_html, base_url=base_url).write_pdf()

    samples = {"engine": ([], []), "bare": ([], [])}
    pages = {}
    for _ in range(runs):
        for name, render in (("engine", engine), ("bare", bare)):
            wall, cpu = time.perf_counter(), time.process_time()
            pdf = render()
            samples[name][0].append(time.perf_counter() - wall)
            samples[name][1].append(time.process_time() - cpu)
            pages[name] = _page_count(pdf)
    row = {"pages": pages["engine"], "bare_pages": pages["bare"]}
    for name, (walls, cpus) in samples.items():
        row[name] = statistics.median(walls)
        row[f"{name}_cpu"] = statistics.median(cpus)
    row["ratio"] = row["engine"] / row["bare"]
    return row


def report(*, runs: int = RUNS, rows: tuple[int, ...] = DEFAULT_ROWS, demo: bool = True) -> list[dict]:
    """Letter and lists, engine against bare WeasyPrint; prints the table and returns its rows."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    documents = []
    letter = _letter_from_demo() if demo else None
    documents.append(("letter", *(letter or _synthetic_letter_html())))
    for n in rows:
        documents.append((f"list {n:,} rows", *_list_html(n)))

    results = []
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-docs-") as tmp:
        folder = Path(tmp)
        warm_html, _ = _synthetic_letter_html()
        _measure(warm_html, *_bare_version(warm_html, folder), runs=1)  # imports, fonts, first layout
        print(
            f"\nDocuments: engine (documents.rendering.pdf_render) against bare WeasyPrint on the same HTML; "
            f"median of {runs} alternating runs after a warm-up; wall and CPU seconds of this process"
        )
        header = (
            f"{'document':<18} {'pages':>5} {'engine s':>9} {'bare s':>8} {'ratio':>6} "
            f"{'engine cpu':>10} {'bare cpu':>9} {'ms/page':>8} {'bare ms/page':>12}"
        )
        print(header)
        print("-" * len(header))
        for label, html, source in documents:
            row = _measure(html, *_bare_version(html, folder), runs=runs)
            row.update(label=label, source=source)
            results.append(row)
            mismatch = "" if row["pages"] == row["bare_pages"] else f"  (bare: {row['bare_pages']} pages)"
            print(
                f"{label:<18} {row['pages']:>5} {row['engine']:>9.3f} {row['bare']:>8.3f} {row['ratio']:>6.2f} "
                f"{row['engine_cpu']:>10.3f} {row['bare_cpu']:>9.3f} "
                f"{1000 * row['engine'] / row['pages']:>8.1f} {1000 * row['bare'] / row['pages']:>12.1f}{mismatch}"
            )
        print("sources: " + "; ".join(f"{label}: {source}" for label, _, source in documents))
        worst = max(r["ratio"] for r in results)
        print(f"worst ratio engine/bare {worst:.2f} (target ≤ 1.15)")
    return results


# --- the pack on two workers ----------------------------------------------------------------------------


def _pack_dossier(nominees: int):
    """A dossier of `nominees` LĐTT nominations with their báo cáo thành tích, at Phòng Bình Lâm (bulk)."""
    from bench.nominations import _grow
    from nominations.models import AchievementReport, Dossier, Nomination

    dossier = Dossier.objects.get(pk=_grow(1, 2))
    nominations = list(Nomination.objects.filter(dossier=dossier).select_related("person").order_by("pk"))
    AchievementReport.objects.bulk_create(
        [
            AchievementReport(
                nomination=n,
                profile={"full_name": n.person.full_name, "position": n.person.position, "unit": dossier.unit.name},
                duties="Giảng dạy, chăm sóc, giáo dục học sinh theo phân công của nhà trường. " * 3,
                results=(SUMMARY + " ") * 12,
                measures="Đổi mới sinh hoạt chuyên môn theo nghiên cứu bài học; ứng dụng công nghệ thông tin. " * 6,
                compliance="Chấp hành tốt chủ trương của Đảng, chính sách và pháp luật của Nhà nước.",
            )
            for n in nominations
        ],
        ignore_conflicts=True,
    )
    return dossier, len(nominations)


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and their children (the prefork pool), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, seen, todo = 0, set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def _workers(count: int, env: dict, log_dir: Path) -> list[subprocess.Popen]:
    from config.stateless import QUEUES

    celery = str(Path(sys.executable).with_name("celery"))
    return [
        subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "worker",
                "--concurrency=1",
                "-Q",
                ",".join(QUEUES),  # every queue: the pack's renders go to "documents" (config/stateless.py)
                "--pool=prefork",
                "--loglevel=WARNING",
                f"--hostname=bench-docs-{i}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            stdout=open(log_dir / f"worker-{i}.log", "wb"),
            stderr=subprocess.STDOUT,
        )
        for i in range(count)
    ]


def _wait_for(workers: int) -> None:
    """Until `workers` Celery workers answer a ping (they import Django and connect to the broker)."""
    from config.celery import app

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1.0) or []) >= workers:
            return
    raise SystemExit(f"pack: {workers} workers did not answer within 120 s")


def pack(*, workers: int = 2, nominees: int = PACK_NOMINEES) -> int:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from documents import registry, services
    from documents.enums import DocumentStatus
    from documents.models import GeneratedDocument

    kind = registry.get("dossier_pack")
    if kind is None:
        print('pack: not measured – the "dossier_pack" kind is not registered')
        return 0
    from config.celery import app

    app.conf.task_always_eager = True  # the demo's own tasks (mail) run here, not on the measured workers
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=io.StringIO())
    dossier, count = _pack_dossier(nominees)
    app.conf.task_always_eager = False
    admin = get_user_model().objects.get(username="admin")
    log_dir = Path(tempfile.gettempdir()) / "tdkt-bench-pack-logs"  # kept after the run, for a failure
    log_dir.mkdir(exist_ok=True)
    env = {**os.environ}
    started_workers = _workers(workers, env, log_dir)
    try:
        _wait_for(workers)
        pids = [w.pid for w in started_workers]
        cpu_before = _cpu_seconds(pids)
        started = time.perf_counter()
        doc = services.document_request(kind_code="dossier_pack", obj=dossier, by=admin)
        while time.perf_counter() - started < PACK_TIMEOUT:
            doc.refresh_from_db()
            if doc.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                break
            time.sleep(0.2)
        wall = time.perf_counter() - started
        cpu = _cpu_seconds(pids) - cpu_before
    finally:
        for worker in started_workers:
            worker.terminate()
        for worker in started_workers:
            worker.wait(timeout=60)
    if doc.status != DocumentStatus.READY:
        print(f"pack: {doc.get_status_display()} after {wall:.1f} s: {doc.error} (worker logs in {log_dir})")
        return 1
    parts = GeneratedDocument.objects.exclude(pk=doc.pk).filter(status=DocumentStatus.READY).count()
    print(
        f"pack of a {count}-nominee dossier, {workers} workers: {wall:.1f} s from the request to the ready file, "
        f"{doc.pages} pages, {1000 * wall / max(doc.pages, 1):.0f} ms per page, {doc.size / 1e6:.1f} MB "
        f"({parts} other documents rendered; target ≤ 20 s)"
    )
    print(
        f"workers' CPU time {cpu:.1f} s ({1000 * cpu / max(doc.pages, 1):.0f} ms per page): on {workers} idle cores "
        f"the wall time could not be under {cpu / workers:.1f} s; load average now {os.getloadavg()[0]:.1f}"
    )
    return 0


def main(argv=None) -> int:
    from bench.run import _configure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"measured runs of each renderer (default {RUNS})")
    parser.add_argument("--rows", default=",".join(map(str, DEFAULT_ROWS)), help="list sizes, comma-separated")
    parser.add_argument("--no-demo", action="store_true", help="no demo database: the stand-in letter")
    parser.add_argument("--pack", action="store_true", help="only the pack of a 200-nominee dossier on 2 workers")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (needed by --pack)")
    parser.add_argument(
        "--skip-unconfigured", action="store_true", help="with --pack: say it skipped (exit 0) without the database"
    )
    args = parser.parse_args(argv)
    if args.pack and not (
        args.database_url.startswith(("postgres://", "postgresql://")) and os.environ.get("REDIS_URL")
    ):
        if args.skip_unconfigured:
            print(
                "pack: skipped – 2 real workers need BENCH_DATABASE_URL=postgres://…/an_empty_database and "
                "REDIS_URL=redis://…/9 (make bench BENCH_DATABASE_URL=… REDIS_URL=…)"
            )
            return 0
        print("pack: needs --database-url postgres://…/an_empty_database and REDIS_URL (workers share the broker)")
        return 2
    redis_url = os.environ.get("REDIS_URL", "")
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-docs-") as tmp:
        _configure(Path(tmp) / "bench.sqlite3")
        os.environ["MEDIA_ROOT"] = tmp
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        if args.pack:
            os.environ["REDIS_URL"] = redis_url  # _configure drops it: the pack needs the real workers
        import django

        django.setup()
        if args.pack:
            return pack()
        report(
            runs=max(1, args.runs), rows=tuple(int(n) for n in args.rows.split(",") if n.strip()), demo=not args.no_demo
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
