"""The catalog a process keeps (awards.engine.catalog_on) lasts exactly as long as the catalog's content: the
database draws a new stamp (migration awards.0008, triggers) on every write to the catalog or the rules, whoever
writes, and a rolled-back write leaves the stamp, and the catalog read under it, as they were."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from awards import engine
from awards.enums import AuthorityKind, AwardCategory, RecipientKind
from awards.models import AwardRule, AwardType

DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def award(db):
    return AwardType.objects.create(
        code="TEM",
        name="Danh hiệu tem",
        category=AwardCategory.TITLE,
        authority_kind=AuthorityKind.UNIT_HEAD,
        recipient_kind=RecipientKind.INDIVIDUAL,
        effective_from=datetime.date(2020, 1, 1),
        rank=5,
    )


def _rule(award) -> AwardRule:
    return AwardRule.objects.create(
        award_code=award.code, kind="same_year", params={}, effective_from=datetime.date(2020, 1, 1)
    )


def _raw_rename(name):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE awards_awardtype SET name = %s WHERE code = %s", [name, "TEM"])


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda award: AwardType.objects.filter(pk=award.pk).update(rank=6), id="queryset-update"),
        pytest.param(lambda award: award.save(), id="save"),
        pytest.param(lambda award: _raw_rename("Tên khác"), id="raw-sql"),
        pytest.param(lambda award: _rule(award), id="rule-insert"),
        pytest.param(lambda award: AwardRule.objects.filter(pk=_rule(award).pk).update(params={"x": 1}), id="rule-upd"),
        pytest.param(lambda award: _rule(award).delete(), id="rule-delete"),
        pytest.param(lambda award: AwardType.objects.filter(code="TEM").delete(), id="delete"),
        pytest.param(
            lambda award: AwardType.objects.bulk_create(
                [AwardType(code="TEM2", name="Tem hai", effective_from=datetime.date(2020, 1, 1), rank=7)]
            ),
            id="bulk-create",
        ),
    ],
)
def test_every_write_draws_a_new_stamp(award, write):
    before = engine.catalog_stamp()
    assert before
    write(award)
    assert engine.catalog_stamp() not in (None, before)


def test_the_kept_catalog_is_read_again_after_any_change(award):
    first = engine.catalog_on(DAY)
    with CaptureQueriesContext(connection) as ctx:
        again = engine.catalog_on(DAY)
    assert again is first and len(ctx.captured_queries) == 1  # the stamp only
    assert engine.catalog_on(DAY + datetime.timedelta(days=1)) is not first  # another day: read again

    AwardType.objects.filter(code="TEM").update(name="Danh hiệu tem (mới)")  # no save(), no signal
    changed = engine.catalog_on(DAY)
    assert changed.award_type("TEM").name == "Danh hiệu tem (mới)"

    rule = _rule(award)
    assert [r.pk for r in engine.catalog_on(DAY).rules if r.award_code == "TEM"] == [rule.pk]
    AwardRule.objects.filter(pk=rule.pk).update(effective_to=datetime.date(2021, 1, 1))
    assert [r.pk for r in engine.catalog_on(DAY).rules if r.award_code == "TEM"] == []


def test_a_rolled_back_change_leaves_the_catalog_as_it_was(award):
    assert engine.catalog_on(DAY).award_type("TEM").name == "Danh hiệu tem"
    with pytest.raises(RuntimeError), transaction.atomic():
        _raw_rename("Tên bỏ dở")
        assert engine.catalog_on(DAY).award_type("TEM").name == "Tên bỏ dở"  # kept under the uncommitted stamp
        raise RuntimeError
    assert engine.catalog_on(DAY).award_type("TEM").name == "Danh hiệu tem"


def test_the_kept_catalog_equals_a_fresh_read(award):
    _rule(award)
    kept = engine.catalog_on(DAY)
    kept = engine.catalog_on(DAY)
    fresh = engine._Catalog.load(DAY)
    assert [(r.pk, r.name) for r in kept.rows] == [(r.pk, r.name) for r in fresh.rows]
    assert [(r.pk, r.params) for r in kept.rules] == [(r.pk, r.params) for r in fresh.rules]
    assert kept.labels == fresh.labels and kept.types.keys() == fresh.types.keys()
