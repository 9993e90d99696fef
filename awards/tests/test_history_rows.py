"""The history page's year rows written in Python ({% history_rows %}) give the bytes of the template loop they
replaced, on a real history and on rows holding every branch (revoked, other kinds, no rating, no decision date,
no issuer, an initiative without scope, texts that need escaping)."""

import datetime

import pytest
from django.template import Context, Template

from awards import selectors
from awards.enums import CommendationKind, InitiativeScope, InitiativeStatus, TaskRating
from awards.models import AwardRecord, AwardType, Initiative, Revocation, TaskEvaluation
from awards.templatetags.awards_history import history_rows

# The loop as person_history.html wrote it before.
LOOP = Template(
    "{% for row in history.rows %}\n"
    "<tr><td>{{ row.year }}-{{ row.year|add:1 }}</td>\n"
    '<td>{{ row.evaluation.get_rating_display|default:"—" }}</td>\n'
    '<td>{% for r in row.merit %}<div>{{ r.award_type.name }}{% if r.decision_number %} <small class="text-muted">(QĐ {{ r.decision_number }}{% if r.decision_date %} ngày {{ r.decision_date|date:"d/m/Y" }}{% endif %}{% if r.issuer %}, {{ r.issuer }}{% endif %})</small>{% endif %}</div>{% endfor %}\n'
    '{% for r in row.revoked %}<div class="text-decoration-line-through text-muted" title="Đã thu hồi">{{ r.award_type.name }} (đã thu hồi theo QĐ {{ r.revocation.decision_number }})</div>{% endfor %}</td>\n'
    '<td>{% for r in row.other %}<div>{{ r.award_type.name }} <small class="text-muted">({{ r.get_commendation_kind_display }}; không tính cho khen theo công trạng)</small></div>{% endfor %}</td>\n'
    '<td>{% for i in row.initiatives %}<div>{{ i.title }} <small class="text-muted">({{ i.get_status_display }}{% if i.scope %}, {{ i.get_scope_display }}{% endif %})</small></div>{% endfor %}</td></tr>\n'
    '{% empty %}<tr><td colspan="5">Chưa có dữ liệu khen thưởng, xếp loại.</td></tr>\n'
    "{% endfor %}"
)


def _render(rows) -> str:
    return LOOP.render(Context({"history": {"rows": rows}}))


@pytest.mark.parametrize("years", [0, 1, 6])
def test_history_rows_are_the_templates_bytes(tree, person_factory, full_history, years):
    person = person_factory(tree["school_a1"])
    if years:
        full_history(person, years)
    rows = selectors.person_history(person)["rows"]
    assert len(rows) >= years
    assert str(history_rows(rows)) == _render(rows)


def _record(name, **fields):
    return AwardRecord(award_type=AwardType(name=name), **fields)


def test_every_branch_and_escaping_are_the_templates_bytes():
    tricky = "Danh hiệu <b>&</b> \"ngoặc\" 'đơn'"
    rows = [
        {
            "year": 2024,
            "evaluation": TaskEvaluation(rating=TaskRating.EXCELLENT),
            "merit": [
                _record(
                    tricky, decision_number="12/QĐ<x>", decision_date=datetime.date(2025, 6, 5), issuer="UBND & Sở"
                ),
                _record("Không ngày", decision_number="13/QĐ", decision_date=None, issuer=""),
                _record("Không số", decision_number="", decision_date=datetime.date(2025, 6, 5), issuer="UBND"),
            ],
            "revoked": [
                _record("Thu hồi", revocation=Revocation(decision_number="9/QĐ-TH <a>")),
                _record("Thu hồi không QĐ"),
            ],
            "other": [_record(tricky, commendation_kind=CommendationKind.AD_HOC)],
            "initiatives": [
                Initiative(title=tricky, status=InitiativeStatus.RECOGNISED, scope=InitiativeScope.PROVINCIAL),
                Initiative(title="Chưa xét", status=InitiativeStatus.REGISTERED, scope=""),
            ],
        },
        {"year": 999, "evaluation": None, "merit": [], "revoked": [], "other": [], "initiatives": []},
        {
            "year": 2023,
            "evaluation": TaskEvaluation(rating=""),
            "merit": [_record("Năm xa", decision_number="1", decision_date=datetime.date(999, 1, 2), issuer="")],
            "revoked": [],
            "other": [],
            "initiatives": [],
        },
    ]
    assert str(history_rows(rows)) == _render(rows)
    assert str(history_rows([])) == _render([])
