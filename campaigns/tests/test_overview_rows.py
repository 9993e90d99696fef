"""The registration overview's rows written in Python (`overview_rows`) against the template loop they replace.

The loop below is registration_overview.html's before the change, verbatim: rendered over the same rows it must give
the same bytes as `overview_rows_html`, for rows of every kind (no registration, each status, flagged lines with and
without explanations, a name that needs escaping, a parent without a short name, no parent, an empty page)."""

import pytest
from django.template import engines

from campaigns.enums import RegistrationStatus
from campaigns.overview_rows import overview_rows_html
from campaigns.selectors import OverviewRow

OLD_LOOP = """{% for u in page %}
<tr><td>{{ u.name }}</td><td class="d-none d-md-table-cell">{{ u.parent_short_name|default:u.parent_name }}</td>
<td>{% if u.registration_id %}<a href="{{ u.registration_url }}">{% if u.registration_status == 'submitted' %}Đã gửi{% elif u.registration_status == 'returned' %}Đã trả lại{% elif u.registration_status == 'awaiting_head' %}Chờ thủ trưởng duyệt{% else %}Đang soạn{% endif %}</a>{% else %}<span class="text-danger">Chưa đăng ký</span>{% endif %}</td>
<td class="registration-flags">{% if u.flagged_lines %}<span class="text-danger">⚠ {{ u.flagged_lines }} dòng</span>{% if u.unexplained_lines %} <span class="small text-danger">({{ u.unexplained_lines }} chưa giải trình)</span>{% else %} <span class="small text-muted">(đã giải trình)</span>{% endif %}{% endif %}</td></tr>
{% empty %}<tr><td colspan="4">Không có đơn vị nào.</td></tr>
{% endfor %}"""  # noqa: E501


def _row(pk, name, *, status=None, flagged=0, unexplained=0, parent=("Phòng GD&ĐT A", "PGD A")):
    return OverviewRow(
        pk=pk,
        name=name,
        registration_id=pk * 10 if status else None,
        registration_status=status,
        parent_name=parent[0],
        parent_short_name=parent[1],
        flagged_lines=flagged,
        unexplained_lines=unexplained,
        registration_url=f"/dang-ky/{pk * 10}/?a=1&b=2" if status else "",
    )


ROWS = [
    _row(1, "Trường Tiểu học A1"),
    _row(2, "Trường <Mầm non> \"Hoa\" & 'Sen'", status=RegistrationStatus.DRAFT, parent=("Phòng <B>", "")),
    _row(3, "Trường THCS", status=RegistrationStatus.AWAITING_HEAD, flagged=3, unexplained=2),
    _row(4, "Trường THPT", status=RegistrationStatus.SUBMITTED, flagged=1234, unexplained=0),
    _row(5, "Trường Chuyên", status=RegistrationStatus.RETURNED, flagged=2, unexplained=2, parent=(None, None)),
    _row(6, "Trung tâm", status="other", parent=("Sở GD&ĐT", None)),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], ROWS[3:], []], ids=["all", "one", "tail", "empty"])
def test_rows_are_the_old_loop_byte_for_byte(rows):
    old = engines["django"].from_string(OLD_LOOP).render({"page": rows})
    assert str(overview_rows_html(rows)) == old
    if rows:
        assert "&lt;Mầm non&gt;" in old or rows is not ROWS  # the escaping was exercised where present
