"""Columns of the "Xuất Excel" of the units app's lists (core.exports)."""

from django.db.models import Count

from core.exports import Column, ExportSpec

from .models import Unit
from .selectors import people_visible_to


def _school_year(year) -> str:
    return f"{year}-{year + 1}" if year else ""


UNIT_LIST = ExportSpec(
    title="Danh sách đơn vị",
    filename="danh-sach-don-vi",
    columns=[
        Column("Tên đơn vị", "name", 40),
        Column("Loại", "get_kind_display", 16),
        Column("Cấp học", "get_school_level_display", 16),
        Column("Đơn vị cấp trên", "parent.name", 36),
        Column("Số cán bộ", "people_count", 12),
    ],
)


def unit_list_rows(user, queryset) -> list[Unit]:
    """The rows of the page's queryset (`units.selectors.unit_list`, filtered and sorted), each with the
    number of active people of its subtree the user may read, as the page counts them.

    The page's own count is a correlated subquery per unit: fine for 25 rows, a minute for a province's
    1,600 units on SQLite. Here the rows are the page's (`pk__in` its queryset, which drops the subquery), and
    the people are counted once, grouped by unit, then added up the tree by path.
    """
    order = [str(o) for o in queryset.query.order_by] or ["path"]
    by_count = [o for o in order if o.lstrip("-") == "people_count"]
    plain = [o for o in order if o.lstrip("-") != "people_count"]
    rows = list(Unit.objects.filter(pk__in=queryset.values("pk")).select_related("parent").order_by(*plain, "path"))
    per_unit = people_visible_to(user).filter(is_active=True).values("unit__path").annotate(n=Count("id")).order_by()
    subtree: dict[str, int] = {}
    for row in per_unit:
        path = row["unit__path"]
        # "/1/5/23/" counts for "/1/", "/1/5/" and "/1/5/23/".
        for end in range(1, len(path)):
            if path[end] == "/":
                prefix = path[: end + 1]
                subtree[prefix] = subtree.get(prefix, 0) + row["n"]
    for unit in rows:
        unit.people_count = subtree.get(unit.path, 0)
    if by_count:
        rows.sort(key=lambda u: u.people_count, reverse=by_count[0].startswith("-"))
    return rows


PERSON_LIST = ExportSpec(
    title="Danh sách cán bộ",
    filename="danh-sach-can-bo",
    columns=[
        Column("Họ và tên", "full_name", 30),
        Column("Giới tính", "get_gender_display", 10),
        Column("Ngày sinh", "date_of_birth", 12),
        Column("Chức vụ", "position", 24),
        Column("Cán bộ quản lý", "is_manager", 14),
        Column("Đơn vị công tác", "unit.name", 36),
        Column("Ngày vào ngành", "service_start", 14),
        Column("Điện thoại", "phone", 14),
        Column("Thư điện tử", "email", 26),
        Column("Đang công tác", "is_active", 14),
    ],
)


BLOCK_LIST = ExportSpec(
    title="Danh sách khối thi đua",
    filename="khoi-thi-dua",
    columns=[
        Column("Tên khối thi đua", "name", 40),
        Column("Đơn vị tổ chức", "owner.name", 36),
        Column("Năm học", lambda b: _school_year(b.school_year), 12),
        Column("Số đơn vị", "member_count", 12),
    ],
)
