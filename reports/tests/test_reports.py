"""«Báo cáo, thống kê»: the unit summary as Excel (the PDF's figures) and the TT 02/2023 statistical forms."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards.enums import CommendationKind
from awards.services import award_record_create
from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, CampaignStatus
from campaigns.models import Campaign
from core.excel import XLSX_CONTENT_TYPE
from documents.kinds.reports import unit_summary_build

YEAR = 2026  # the calendar year of the statistics
SCHOOL_YEAR = 2025  # 2025-2026: its decisions are dated June 2026
DECIDED = datetime.date(2026, 6, 15)


def _record(recipient, code, **extra):
    key = "unit" if recipient.__class__.__name__ == "Unit" else "person"
    extra.setdefault("decision_date", DECIDED)
    extra.setdefault("decision_number", f"{recipient.pk}-{code}-{extra['decision_date']:%Y%m%d}/QĐ")
    return award_record_create(by=None, award_code=code, school_year=SCHOOL_YEAR, **{key: recipient}, **extra)


def _sheets(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def _table(rows: list[list]) -> list[list]:
    """The rows below the header (the first row whose first cell is STT or Chỉ tiêu)."""
    top = next(i for i, row in enumerate(rows) if row[0] in ("STT", "Chỉ tiêu"))
    return rows[top + 1 :]


def _line(rows: list[list], code: str) -> list:
    """A form's line by its mã số."""
    [line] = [row for row in _table(rows) if row[1] == code]
    return line


@pytest.fixture
def awarded(tree, person_factory):
    """Awards decided in 2026 in School A1 (a manager, a teacher, the school), School A2 and School B1."""
    principal = person_factory(tree["school_a1"], is_manager=True, position="Hiệu trưởng")
    teacher = person_factory(tree["school_a1"])
    _record(principal, "BK_TINH")
    _record(teacher, "BK_TINH")
    _record(teacher, "CSTD_TQ")
    _record(teacher, "KNC_GD", commendation_kind=CommendationKind.SENIORITY)
    _record(tree["school_a1"], "CO_TINH")
    _record(tree["school_a1"], "TTLDXS")  # no column of 0603: not counted
    _record(tree["school_a1"], "HCLD3")
    _record(teacher, "BK_BO", decision_date=datetime.date(2025, 12, 30))  # the year before: not counted
    _record(person_factory(tree["school_a2"]), "BK_TINH", commendation_kind=CommendationKind.AD_HOC)
    _record(person_factory(tree["school_b1"]), "BK_TINH")
    return {"principal": principal, "teacher": teacher}


# --- who may have them ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["unit_summary_xlsx", "statistics_xlsx"])
def test_reports_answer_the_head_forbid_the_secretary_and_hide_from_outsiders(client, tree, personas, name):
    url = reverse(f"reports:{name}", args=[tree["school_a1"].pk])
    observed = {}
    for who in ("head_a1", "reviewer_a", "secretary_a1", "secretary_a2", "reviewer_b", "outsider"):
        client.force_login(personas[who])
        observed[who] = client.get(url).status_code
    assert observed == {
        "head_a1": 200,
        "reviewer_a": 200,
        "secretary_a1": 403,
        "secretary_a2": 404,
        "reviewer_b": 404,
        "outsider": 404,
    }


@pytest.mark.parametrize(("name", "query"), [("unit_summary_xlsx", "nam_hoc=20x5"), ("statistics_xlsx", "nam=1899")])
def test_reports_refuse_a_malformed_year(client, tree, personas, name, query):
    client.force_login(personas["head_a1"])
    assert client.get(reverse(f"reports:{name}", args=[tree["school_a1"].pk]) + "?" + query).status_code == 404


# --- the unit summary -------------------------------------------------------------------------------------


def test_unit_summary_xlsx_has_the_figures_of_the_pdf(client, tree, personas, awarded):
    client.force_login(personas["reviewer_a"])
    url = reverse("reports:unit_summary_xlsx", args=[tree["office_a"].pk])
    sheets = _sheets(client.get(url + f"?nam_hoc={SCHOOL_YEAR}"))
    context = unit_summary_build(tree["office_a"], options={"school_year": str(SCHOOL_YEAR)})
    awards = _table(sheets["I. Kết quả khen thưởng"])
    assert [row[1:] for row in awards[:-1]] == [
        [r["award"], r["prev_individual"], r["prev_collective"], r["individual"], r["collective"]]
        for r in context["awards"]
    ]
    # Hand-counted: Phòng A's subtree in 2025-2026 has 6 individual awards (A1: five, the Bằng khen of the Bộ
    # decided in 2025 included; A2: one) and 3 collective ones (A1); B1's are another Phòng's.
    assert awards[-1][1:] == ["Tổng cộng", 0, 0, 6, 3]
    statuses = _table(sheets["III. Đề nghị khen thưởng"])
    assert statuses[-1] == [None, "Tổng cộng", context["statuses_total"]]
    assert sheets["I. Kết quả khen thưởng"][0][0] == "BÁO CÁO TỔNG HỢP KẾT QUẢ THI ĐUA, KHEN THƯỞNG NĂM HỌC 2025-2026"


def test_unit_page_offers_the_excel_summary_to_its_head_only(client, tree, personas):
    url = reverse("units:detail", args=[tree["school_a1"].pk])
    client.force_login(personas["head_a1"])
    assert reverse("reports:unit_summary_xlsx", args=[tree["school_a1"].pk]) in client.get(url).content.decode()
    client.force_login(personas["secretary_a1"])
    assert reverse("reports:unit_summary_xlsx", args=[tree["school_a1"].pk]) not in client.get(url).content.decode()


# --- the statistical forms ----------------------------------------------------------------------------------


def test_statistics_0603_counts_the_subtree_the_user_reads(client, tree, personas, awarded):
    client.force_login(personas["reviewer_a"])
    sheets = _sheets(client.get(reverse("reports:statistics_xlsx", args=[tree["office_a"].pk]) + f"?nam={YEAR}"))
    form = sheets["0603.N"]
    headers = next(row for row in form if row[0] == "Chỉ tiêu")
    total = dict(zip(headers, _line(form, "01"), strict=True))
    # Bằng khen: A1's two and A2's one (B1's is another Phòng's); CSTĐ cấp bộ, tỉnh: none; Cờ: A1; KNC: A1's teacher.
    assert (
        total["Tổng số"],
        total["Bằng khen: cá nhân"],
        total["Bằng khen: tập thể"],
        total["Chiến sĩ thi đua cấp bộ, cấp tỉnh: cá nhân"],
    ) == (5, 3, 0, 0)
    lines = {code: _line(form, code)[3] for code in ("02", "05", "07", "09", "10", "11", "13", "16")}
    assert lines == {
        "02": 1,  # tập thể: the Cờ thi đua
        "05": 4,  # cá nhân
        "07": 0,  # lãnh đạo cấp vụ, sở
        "09": 1,  # lãnh đạo khác: the principal's Bằng khen
        "10": 3,  # người trực tiếp công tác
        "11": 3,  # thường xuyên (A1's Bằng khen twice, the Cờ)
        "13": 1,  # đột xuất (A2's)
        "16": 1,  # niên hạn (the Kỷ niệm chương)
    }


def test_statistics_0602_counts_state_awards_and_the_head_of_a_school_sees_only_it(client, tree, personas, awarded):
    client.force_login(personas["head_a1"])
    sheets = _sheets(client.get(reverse("reports:statistics_xlsx", args=[tree["school_a1"].pk]) + f"?nam={YEAR}"))
    form = sheets["0602.N"]
    headers = next(row for row in form if row[0] == "Chỉ tiêu")
    total = dict(zip(headers, _line(form, "01"), strict=True))
    assert (
        total["Tổng số"],
        total["Huân chương: tập thể"],
        total["Danh hiệu Chiến sĩ thi đua toàn quốc: cá nhân"],
    ) == (2, 1, 1)
    assert _line(form, "02")[3] == "—"  # by the unit proposing to the Prime Minister: no data
    bk = next(row for row in sheets["0603.N"] if row[1] == "01")
    assert bk[3] == 4  # A1's own: two Bằng khen, the Cờ, the Kỷ niệm chương (A2's left out)
    assert any("chưa đối chiếu" in (row[1] or "") for row in _table(sheets["Ghi chú"]))


def test_statistics_0601_counts_campaigns_launched_in_the_year(client, tree, personas):
    office_a, office_b = tree["office_a"], tree["office_b"]
    regular = campaign_services.campaign_create(
        by=None,
        launched_by=office_a,
        name="Thi đua năm học",
        kind=CampaignKind.REGULAR,
        school_year=SCHOOL_YEAR,
        issued_on=datetime.date(2026, 9, 10),
    )
    thematic = campaign_services.campaign_create(
        by=None,
        launched_by=office_a,
        name="Chuyên đề chuyển đổi số",
        kind=CampaignKind.THEMATIC,
        school_year=SCHOOL_YEAR,
        issued_on=datetime.date(2026, 3, 1),
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 5, 31),
    )
    other = campaign_services.campaign_create(
        by=None,
        launched_by=office_b,
        name="Của Phòng B",
        kind=CampaignKind.REGULAR,
        school_year=SCHOOL_YEAR,
        issued_on=datetime.date(2026, 9, 10),
    )
    # Launching checks deadlines and notifies: beside the point here, the status is what counts.
    Campaign.objects.filter(pk__in=[regular.pk, thematic.pk, other.pk]).update(status=CampaignStatus.LAUNCHED)
    client.force_login(personas["reviewer_a"])
    sheets = _sheets(client.get(reverse("reports:statistics_xlsx", args=[office_a.pk]) + f"?nam={YEAR}"))
    form = sheets["0601.N"]
    lines = {code: _line(form, code)[2] for code in ("01", "05", "06", "07", "11", "12")}
    assert lines == {"01": 2, "05": 2, "06": 1, "07": 1, "11": 1, "12": 1}
    assert _line(form, "01")[5] == 2  # Cơ quan, tổ chức, đơn vị


@pytest.mark.parametrize("count", [1, 12])
def test_statistics_query_count_constant(client, tree, personas, person_factory, count, django_assert_max_num_queries):
    for _ in range(count):
        _record(person_factory(tree["school_a1"]), "BK_TINH")
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:statistics_xlsx", args=[tree["office_a"].pk]) + f"?nam={YEAR}")
    assert _line(_sheets(response)["0603.N"], "01")[3] == count


def test_report_home_lists_the_units_the_user_may_report_for(client, tree, personas):
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("reports:home"))
    assert [u.name for u in response.context["units"]] == ["Phòng GD&ĐT A"]
    client.force_login(personas["secretary_a1"])
    assert list(client.get(reverse("reports:home")).context["units"]) == []
