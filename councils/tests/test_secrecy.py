"""No page, admin screen, history table, audit entry or log line can link a ballot to a voter."""

import logging

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, models
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from councils import views
from councils.models import Ballot, ReceiptCode, VoterRoll

from .conftest import mark, open_round

BOX = (Ballot, VoterRoll, ReceiptCode)


def test_ballot_box_columns_neither_order_nor_time_nor_name():
    expected = {
        Ballot: {"id", "round", "item", "choice"},
        VoterRoll: {"id", "round", "member"},
        ReceiptCode: {"id", "round", "code"},
    }
    for model, names in expected.items():
        fields = model._meta.concrete_fields
        assert {f.name for f in fields} == names
        assert isinstance(model._meta.pk, models.UUIDField)
        assert not [f for f in fields if isinstance(f, models.DateField | models.TimeField | models.AutoField)]
        assert model._meta.ordering == []
    assert not [
        f
        for f in Ballot._meta.concrete_fields
        if f.is_relation
        and f.related_model is not None
        and f.related_model._meta.label in ("auth.User", "councils.CouncilMember")
    ]


@pytest.mark.django_db
def test_ballot_box_database_columns():
    with connection.cursor() as cursor:
        columns = {
            model._meta.db_table: sorted(
                c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
            )
            for model in BOX
        }
    assert columns == {
        "councils_ballot": ["choice", "id", "item_id", "round_id"],
        "councils_voterroll": ["id", "member_id", "round_id"],
        "councils_receiptcode": ["code", "id", "round_id"],
    }


def test_ballot_box_not_in_admin_history_or_audit():
    from audit.registry import AUDITED_MODELS

    assert [m for m in BOX if m in admin.site._registry] == []
    history_models = {m.__name__ for m in apps.get_app_config("councils").get_models()}
    assert {f"Historical{m.__name__}" for m in BOX} & history_models == set()
    assert [a.model for a in AUDITED_MODELS if a.model in BOX] == []


def test_vote_view_hides_its_post_body_from_error_reports(board, rf: RequestFactory):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    request = rf.post(reverse("councils:ballot", args=[round_.pk]), {f"item-{board['items'][1].pk}": "against"})
    request.user = board["users"]["p_a1"]
    request._messages = CookieStorage(request)
    request.session = {}
    views.ballot(request, pk=round_.pk)
    masked = SafeExceptionReporterFilter().get_post_parameters(request)
    assert masked.dict() == {f"item-{board['items'][1].pk}": "********************"}


def test_no_log_line_and_no_page_shows_a_choice(board, client, caplog, settings):
    settings.DEBUG = True  # the SQL of every statement goes to the django.db.backends logger
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    n1_item, n2_item = board["items"]
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # as a deployer turning the SQL log on would
    client.force_login(board["users"]["p_a1"])
    response = client.post(reverse("councils:ballot", args=[round_.pk]), {f"item-{n2_item.pk}": "against"}, follow=True)
    assert "Mã biên nhận" in response.content.decode()
    logged = "\n".join(f"{r.getMessage()} {getattr(r, 'sql', '')} {getattr(r, 'params', '')}" for r in caplog.records)
    assert "councils_round" in logged, "the SQL log ran, so the filter is what keeps the ballot out"
    assert [
        t for t in ("councils_ballot", "councils_voterroll", "councils_receiptcode", "against") if t in logged
    ] == []
    # Pages: the chair's round page and progress show counts and names of voters, never a choice.
    client.force_login(board["users"]["chair"])
    page = client.get(reverse("councils:round_detail", args=[round_.pk])).content.decode()
    progress = client.get(reverse("councils:round_progress", args=[round_.pk])).content.decode()
    assert "Đã bỏ phiếu <strong>1/4</strong>" in progress
    assert ("Không đồng ý" in page, "Kết quả kiểm phiếu" in page) == (False, False)
