"""Bảng điều khiển: a level's figures over its subtree and a school year (`dashboards.py`), with SVG charts."""

import zlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from awards.schoolyear import school_year_label
from core.rules import view_rule
from units import selectors as unit_selectors
from units.enums import UnitKind
from units.models import Unit
from units.rules import Cap, can, is_superuser
from units.view_rules import UNIT_READ

from . import charts
from .dashboards import dashboard_for, level_label, parse_year, year_choices

REGISTRATION_SERIES = [
    charts.Series("submitted", "Đã gửi cấp trên", "success"),
    charts.Series("in_progress", "Đang soạn, chờ duyệt hoặc bị trả lại", "warning"),
    charts.Series("missing", "Chưa đăng ký", "light"),
]
COUNT_SERIES = [charts.Series("n", "Số lượng", "primary")]
SHARE_SERIES = [charts.Series("share", "Tỷ lệ (%)", "primary")]
QUOTA_SERIES = [
    charts.Series("within", "Đã khen trong hạn mức", "success"),
    charts.Series("over", "Vượt hạn mức", "danger"),
]


def _default_unit(request) -> Unit:
    """The active role's unit; for a superuser without a role, the highest Sở (else the first root unit: the
    province's People's Committee sits outside the education tree); otherwise not found."""
    if request.active_role is not None:
        return request.active_role.unit
    if is_superuser(request.user):
        units = Unit.objects.order_by("depth", "path")
        root = units.filter(kind=UnitKind.DEPARTMENT).first() or units.filter(parent__isnull=True).first()
        if root is not None:
            return root
    raise Http404


def _charts(board) -> dict:
    f = board.figures
    return {
        "registrations": charts.bar_chart(
            "chart-registrations",
            "Đăng ký thi đua theo phong trào (số đơn vị)",
            REGISTRATION_SERIES,
            [
                (
                    r.campaign.name,
                    r.overview_url,
                    {"submitted": r.submitted, "in_progress": r.in_progress, "missing": r.missing},
                    f"{r.submitted}/{r.expected}",
                )
                for r in board.campaigns_shown
            ],
        ),
        "dossiers": charts.bar_chart(
            "chart-dossiers",
            "Hồ sơ đề nghị theo trạng thái",
            COUNT_SERIES,
            [(s.label, s.url, {"n": s.count}, str(s.count)) for s in f["dossiers"]],
        ),
        "nominations": charts.bar_chart(
            "chart-nominations",
            "Đề nghị khen thưởng theo trạng thái",
            COUNT_SERIES,
            [(s.label, s.url, {"n": s.count}, str(s.count)) for s in f["nominations"]],
        ),
        "awards_by_year": charts.bar_chart(
            "chart-awards-year",
            "Số khen thưởng theo năm học",
            COUNT_SERIES,
            [
                (label, url, {"n": n}, str(n))
                for (y, label), (_, n, url) in zip(f["years"], f["award_totals"], strict=True)
            ],
        ),
        "staff_share": _share_chart(
            "chart-staff-share", "Tỷ lệ khen thưởng cá nhân cho giáo viên, nhân viên (%)", f["shares"], "staff_percent"
        ),
        "team_share": _share_chart(
            "chart-team-share", "Tỷ lệ khen thưởng tập thể cho tập thể nhỏ (tổ) (%)", f["shares"], "team_percent"
        ),
        "quotas": charts.bar_chart(
            "chart-quotas",
            "Sử dụng hạn mức (% của mức tối đa)",
            QUOTA_SERIES,
            [
                (
                    f"{q.unit_name} – {q.award_name}",
                    q.url,
                    # Bars stop at twice the quota; the text says the real figures.
                    {"within": min(q.percent, 100), "over": min(max(q.percent - 100, 0), 100)},
                    f"{q.decided}/{q.allowed}",
                )
                for q in f["quotas"]
                if q.percent is not None
            ],
            scale_max=100,
            limit=100,
            limit_label="100 %",
        ),
    }


# The figures are statistics over a whole subtree (at the Sở about 230,000 award records over five years:
# ~0.5 s of SQL and CPU): they are rendered once and kept DASHBOARD_CACHE_SECONDS in Django's cache (Redis in
# production, shared by the workers), keyed by everything that changes them. Bump the version when the figures'
# template or their computation changes shape, so no worker reads an older rendering.
_CACHE_VERSION = 1


def _cache_key(request, unit: Unit, year: int, today) -> str:
    """The account, its active role (a superuser without one: "none"), the unit shown, the school year, the day
    (overdue figures move with it) and the settings that change the figures: never shared between accounts.

    And the session: signing in again starts afresh (after a change of roles, say), and tests, whose accounts and
    roles may reuse ids after each rollback, never read another test's figures."""
    role = request.active_role.pk if request.active_role is not None else "none"
    session = request.session.session_key or "-"
    return (
        f"workbench:dashboard:v{_CACHE_VERSION}:{request.user.pk}:{role}:{session}:{unit.pk}:{year}"
        f":{today.isoformat()}:{settings.NOMINATION_APPRAISAL_DAYS}"
    )


def refresh_every(seconds: int) -> str:
    """The page's «cập nhật sau mỗi …» in words ("" when the figures are not kept)."""
    if seconds <= 0:
        return ""
    if seconds % 60:
        return f"{seconds} giây"
    return f"{seconds // 60} phút"


def _figures(request, unit: Unit, year: int, today) -> tuple[dict, object | None]:
    """(what the cache keeps: when computed and the figures' HTML, the board when computed by this request)."""
    board = dashboard_for(request.user, unit, year, today=today)
    html = render_to_string(
        "workbench/includes/dashboard_figures.html", {"board": board, "unit": unit, "charts": _charts(board)}
    )
    # A datetime and compressed bytes, picklable and small for Redis: the Sở's figures are 94 kB of HTML, 9 kB
    # compressed (BENCHMARKS.md, "Province scale: fixes").
    return {"at": timezone.now(), "html": zlib.compress(html.encode(), 6)}, board


@view_rule(UNIT_READ)
def dashboard(request):
    """`?unit=<id>` (default: the active role's unit; 404 outside the user's units) and `?nam=<school year>`.

    The figures come from the cache when kept (see `_cache_key`); «Làm mới» (`?lam_moi=1` with the same unit and
    year: a read, it changes no table, so a GET) recomputes them for this account at once and comes back to the
    page's address without it."""
    today = timezone.localdate()
    wanted = request.GET.get("unit", "")
    unit = unit_selectors.unit_get_visible(request.user, wanted) if wanted else _default_unit(request)
    year = parse_year(request.GET.get("nam"), today)
    seconds = max(0, int(settings.DASHBOARD_CACHE_SECONDS))
    key = _cache_key(request, unit, year, today)
    if request.GET.get("lam_moi"):
        if seconds:
            kept, _ = _figures(request, unit, year, today)
            cache.set(key, kept, seconds)
        query = {"nam": year} | ({"unit": unit.pk} if wanted else {})
        return redirect(f"{reverse('workbench:dashboard')}?{urlencode(query)}")
    kept = cache.get(key) if seconds else None
    board = None
    if kept is None:
        kept, board = _figures(request, unit, year, today)
        if seconds:
            cache.set(key, kept, seconds)
    parent = unit.parent if unit.parent_id and can(request.user, Cap.READ, unit.parent) else None
    context = {
        "unit": unit,
        "parent": parent,
        "level": level_label(unit),
        "year": year,
        "year_label": school_year_label(year),
        "years": year_choices(today),
        "today": today,
        "computed_at": kept["at"],
        "refresh_every": refresh_every(seconds),
        # Rendered (and escaped) by the figures' template in _figures; the cache holds only that output.
        "figures_html": mark_safe(zlib.decompress(kept["html"]).decode()),  # nosec B308, B703
    }
    if board is not None:
        context["board"] = board  # tests read it; not in the cache
    return render(request, "workbench/dashboard.html", context)


def _share_chart(chart_id: str, title: str, shares, attr: str):
    """A year-by-year share (%) chart of the shares table: `attr` is the share's percent field (None: no data)."""
    rows = []
    for share in shares:
        percent = getattr(share, attr)
        rows.append((share.label, share.url, {"share": percent or 0}, "—" if percent is None else f"{percent}%"))
    has_data = any(getattr(share, attr) is not None for share in shares)
    return charts.bar_chart(chart_id, title, SHARE_SERIES, rows, scale_max=100, has_data=has_data)
