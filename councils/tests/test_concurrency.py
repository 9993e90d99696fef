"""Twenty simultaneous casts of one member on PostgreSQL: exactly one sheet is accepted."""

import threading

import pytest
from django.db import connection, connections

from core.exceptions import ServiceError
from councils import services
from councils.models import Ballot, ReceiptCode, VoterRoll

from .conftest import mark, open_round

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (SELECT ... FOR UPDATE and concurrent connections); set DATABASE_URL to run it",
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_casts_of_one_member_count_once(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    user, seat = board["users"]["chair"], board["seats"]["chair"]
    choices = {item.pk: "for" for item in services.ballot_items(round_, seat)}
    barrier = threading.Barrier(20)
    outcomes = []
    lock = threading.Lock()

    def cast():
        try:
            barrier.wait()
            services.ballot_cast(by=user, round_=round_, choices=choices)
            result = "ok"
        except ServiceError as exc:
            result = str(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=cast) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(set(outcomes)) == sorted({"ok", services.ALREADY_VOTED})
    assert outcomes.count("ok") == 1
    assert (VoterRoll.objects.count(), Ballot.objects.count(), ReceiptCode.objects.count()) == (1, 2, 1)
