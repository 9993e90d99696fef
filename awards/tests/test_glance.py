"""The eligibility and quota pages read at a glance (issue 12, item 7): the verdict first, the reasons folded
under a line that counts them, opened on demand."""

import re

import pytest
from django.urls import reverse

from awards.enums import TaskRating
from awards.rules_engine import MET, NOT_MET, REVIEW, Reason
from awards.templatetags.awards_reasons import reasons_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(tree, person_factory):
    return person_factory(tree["school_a1"], full_name="Lê Thị Giỏi")


def test_check_page_shows_the_verdict_before_its_folded_reasons(client, personas, teacher, record, rate):
    record(teacher, "LDTT", 2024)
    rate(teacher, 2024, TaskRating.EXCELLENT)
    client.force_login(personas["head_a1"])
    url = reverse("awards:person_check", args=[teacher.pk])
    html = client.get(url, {"award": "CSTDCS", "year": 2024, "on_date": "20/06/2025"}).content.decode()
    section = html[html.index('id="check-result"') :]
    verdict, fold = section.index("Đủ điều kiện"), section.index('<details class="reasons-fold')
    assert (verdict < fold, "<details open" in section) == (True, False)
    assert re.search(r"<summary>Lý do, căn cứ \(\d+ đạt\)</summary>", section)


def test_unit_page_states_each_quota_before_how_it_is_computed(client, personas, tree):
    client.force_login(personas["head_a1"])
    response = client.get(reverse("awards:unit_history", args=[tree["school_a1"].pk]))
    quota = response.context["quota"]
    table = response.content.decode().split('id="quota-table"')[1].split("</table>")[0]
    states = re.findall(r"Vượt hạn mức|Trong hạn mức|Chưa tính được", table)
    assert len(states) == len(quota) > 0
    assert table.count('<details class="reasons-fold') == sum(1 for q in quota if q.reasons)


def test_reasons_summary_counts_the_ones_that_decide_first():
    reasons = [Reason(MET, "a"), Reason(NOT_MET, "b"), Reason(MET, "c"), Reason(REVIEW, "d")]
    assert (reasons_summary(reasons), reasons_summary([])) == ("1 không đạt, 1 cần xem xét, 2 đạt", "ghi chú")
