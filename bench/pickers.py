"""The pages that used to list every visible unit as an <option>, timed on a grown province (issue 14, item 3).

Runs against an existing PostgreSQL database holding `seed_scale` data (never a fresh one: growing it takes
minutes) through django.test.Client as demo accounts, and prints per page the median and 95th percentile
time, the SQL query count, the page size and the number of <option> tags. Numbers are for comparing
before/after on the same machine; nothing here asserts a time.

    DATABASE_URL=postgres://…/portal_scale python -m bench.pickers [--requests 15]
"""

import argparse
import os
import sys
import tempfile

from bench.run import _measure


def _configure() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database loaded with seed_scale")
    os.environ.pop("REDIS_URL", None)
    os.environ["DEBUG"] = "0"  # what production renders (cached templates)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["SECURE_COOKIES"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="bench-static-")  # empty: WhiteNoise has nothing to scan
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _pages():
    from django.urls import reverse

    from units.enums import UnitKind
    from units.models import Person, Unit

    school = Unit.objects.get(
        name="Trường Mầm non Hoa Sen", parent__kind=UnitKind.OFFICE, parent__name__endswith="Bình Lâm"
    )
    teacher = Person.objects.filter(unit=school).order_by("pk").first()
    people = reverse("units:person_list")
    pages = [
        ("so.chuyenvien", "Cá nhân toàn Sở", people),
        ("so.chuyenvien", "Cá nhân lọc một trường", f"{people}?unit={school.pk}"),
        ("pgd-bl.chuyenvien", "Cá nhân của Phòng", people),
        ("so.quantri", "Điều chuyển (Sở)", reverse("units:person_transfer", args=[teacher.pk])),
        ("so.quantri", "Tạo khối thi đua (Sở)", reverse("units:block_create")),
        ("so.quantri", "Nhật ký (Sở)", reverse("audit:list")),
    ]
    try:  # the endpoint exists only once the pickers are in
        pages.append(("so.chuyenvien", "Gợi ý «hoa sen»", reverse("units:picker") + "?q=hoa+sen"))
    except Exception:  # noqa: BLE001 (NoReverseMatch on the code before the pickers)
        pass
    return pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args(argv)
    _configure()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    load = open("/proc/loadavg").read().split()[:3]
    print(f"load average {' '.join(load)}; {args.requests} requests per page")
    print(f"{'trang':<28} {'tài khoản':<20} {'trung vị':>9} {'p95':>9} {'truy vấn':>8} {'KB':>8} {'<option':>8}")
    clients: dict[str, Client] = {}
    for username, name, url in _pages():
        if username not in clients:
            clients[username] = Client(HTTP_HOST="localhost")
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        result = _measure(client, url, args.requests)
        options = client.get(url).content.decode().count("<option")
        print(
            f"{name:<28} {username:<20} {result['median']:>7.0f}ms {result['p95']:>7.0f}ms "
            f"{result['queries']:>8} {result['kb']:>8.0f} {options:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
