"""The history page's outlook rows written in Python ({% outlook_rows %}) give the bytes of the template loop
that included awards/verdict.html and awards/reasons.html for each award."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import set_script_prefix

from awards import engine, selectors
from awards.rules_engine.base import MET, NOT_MET, NOTE, REVIEW, Reason
from awards.schoolyear import current_school_year
from awards.templatetags.awards_reasons import outlook_rows, reasons_html

# The loop as person_history.html wrote it before.
LOOP = Template(
    "{% for result in outlook %}\n"
    "<tr><td><a href=\"{% url 'awards:catalog_detail' result.award_type.pk %}\">{{ result.award_type.name }}</a>"
    '</td><td>{% include "awards/verdict.html" %}</td><td>{% include "awards/reasons.html" with '
    "reasons=result.reasons %}</td></tr>\n{% endfor %}"
)
REASONS = Template('{% include "awards/reasons.html" %}')


@pytest.mark.parametrize("years", [0, 1, 6])
def test_outlook_rows_are_the_templates_bytes(tree, person_factory, full_history, years):
    person = person_factory(tree["school_a1"], is_manager=years == 6, service_start=datetime.date(1990, 9, 1))
    if years:
        full_history(person, years)
    today = datetime.date.today()
    outlook = engine.check_codes(person, selectors.individual_codes_in_force(today), current_school_year())
    assert {r.verdict for r in outlook} >= {"not_eligible"}
    assert str(outlook_rows(outlook)) == LOOP.render(Context({"outlook": outlook}))


@pytest.mark.parametrize(
    "reasons",
    [
        [],
        [Reason(MET, "Đạt <b>&</b> \"ngoặc\" 'đơn'", "Điều 1 <Luật>")],
        [Reason(NOT_MET, "Không đạt", ""), Reason(REVIEW, "Xem", "Khoản 2"), Reason(NOTE, "Ghi chú", "")],
        [Reason(NOTE, "Chỉ ghi chú", "")],
    ],
    ids=["none", "escaped", "every-status", "note-only"],
)
def test_reasons_html_is_the_includes_bytes(reasons):
    assert reasons_html(reasons) == REASONS.render(Context({"reasons": reasons}))


def test_outlook_rows_follow_the_script_prefix(tree, person_factory):
    """The catalog addresses are kept per script prefix: a portal served under /tdkt/ links there."""
    person = person_factory(tree["school_a1"])
    today = datetime.date.today()
    outlook = engine.check_codes(person, selectors.individual_codes_in_force(today), current_school_year())
    plain = str(outlook_rows(outlook))
    set_script_prefix("/tdkt/")
    try:
        prefixed = str(outlook_rows(outlook))
        assert prefixed == LOOP.render(Context({"outlook": outlook}))
    finally:
        set_script_prefix("/")
    assert 'href="/tdkt/' in prefixed and prefixed == plain.replace('href="/', 'href="/tdkt/')
    assert str(outlook_rows(outlook)) == plain
