"""Screenshots of each role's home page and of the dashboards, at desktop and phone sizes, for the README.

`make screenshots` (Debian's Chromium, as the browser journeys): a throw-away SQLite database under
/tmp, migrated and seeded with the demo province (`seed_demo`), served by `runserver` on a free port with
jobs in process, then Playwright logs in as each demo account and saves PNG files to docs/screenshots/.
The files are committed; run it again after a visible change.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
PASSWORD = "tdkt2025"  # units.demo.DEMO_PASSWORD
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# (file name, account, path, what it shows): each role's home, then the dashboard of each level.
SHOTS = [
    ("home-secretary", "mn-hoasen-bl.thuky", "/", "Thư ký TĐKT của trường: việc cần làm"),
    ("home-head", "mn-hoasen-bl.hieutruong", "/", "Hiệu trưởng: việc chờ duyệt, ký"),
    ("home-council", "mn-hoasen-bl.hoidong", "/", "Thành viên Hội đồng: phiên họp, phiếu đang mở"),
    ("home-reviewer", "pgd-bl.chuyenvien", "/", "Chuyên viên Phòng: hộp thẩm định, đơn vị trễ hạn"),
    ("home-admin", "so.quantri", "/", "Quản trị Sở: tài khoản, cơ cấu"),
    ("dashboard-truong", "mn-hoasen-bl.hieutruong", "/bang-dieu-khien/", "Bảng điều khiển cấp trường"),
    ("dashboard-phong", "pgd-bl.truongphong", "/bang-dieu-khien/", "Bảng điều khiển cấp Phòng"),
    ("dashboard-so", "so.chuyenvien", "/bang-dieu-khien/", "Bảng điều khiển cấp Sở"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict, port: int) -> subprocess.Popen:
    python = sys.executable
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/tai-khoan/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("runserver did not answer within 20 s")


def take(out: Path, only: set[str] | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="portal-screens-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "REDIS_URL": "",
        "MEDIA_ROOT": str(scratch / "media"),
    }
    port = _free_port()
    server = _serve(env, port)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            for size, viewport in SIZES.items():
                for name, account, path, _caption in SHOTS:
                    if only and name not in only:
                        continue
                    context = browser.new_context(
                        viewport=viewport, base_url=f"http://127.0.0.1:{port}", locale="vi-VN", device_scale_factor=1
                    )
                    page = context.new_page()
                    page.goto("/tai-khoan/login/")
                    page.get_by_label("Tên đăng nhập").fill(account)
                    page.get_by_label("Mật khẩu").fill(PASSWORD)
                    page.get_by_role("button", name="Đăng nhập").click()
                    page.wait_for_load_state("networkidle")
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{size}.png"
                    page.screenshot(path=str(target), full_page=size == "desktop")
                    written.append(target)
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", default="", help="comma-separated shot names (default: all)")
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name}
    for path in take(Path(args.out), only or None):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
