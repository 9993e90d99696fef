"""The render task's retries and the sweep of lost renders (no broker needed: tasks applied in process)."""

import datetime

import pytest
from django.utils import timezone

from documents import services, tasks
from documents.enums import DocumentStatus
from documents.models import GeneratedDocument

pytestmark = pytest.mark.django_db


def _scripted(monkeypatch, script):
    """document_build raising the scripted exceptions in turn, then returning None (the row is gone)."""
    calls = []

    def build(*, document_id):
        calls.append(document_id)
        step = script[len(calls) - 1] if len(calls) <= len(script) else None
        if step is not None:
            raise step
        return None

    monkeypatch.setattr(tasks, "document_build", build)
    return calls


class _Again(Exception):
    def __init__(self, kwargs):
        super().__init__(kwargs)
        self.kwargs = kwargs


def _drive(monkeypatch, **kwargs) -> list[dict]:
    """Run the task as the broker would: each retry delivered again with the kwargs it asked for."""
    monkeypatch.setattr(tasks.render_document, "retry", lambda *, kwargs, **rest: _Again(kwargs))
    deliveries = [kwargs]
    while True:
        try:
            tasks.render_document(**deliveries[-1])
            return deliveries
        except _Again as again:
            deliveries.append(again.kwargs)


def _queued(check_kind, school, personas, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda doc_id: None)
    return services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])


def test_errors_keep_their_three_retries_after_a_long_wait_for_parts(check_kind, school, personas, monkeypatch):
    doc = _queued(check_kind, school, personas, monkeypatch)
    waits = [services.PartsPending(ready=1, total=4)] * 8
    calls = _scripted(monkeypatch, waits + [RuntimeError("db gone")] * 3)

    deliveries = _drive(monkeypatch, document_id=doc.pk)

    assert len(calls) == 12  # 8 waits, 3 errors retried, then the build that succeeds
    assert deliveries[-1] == {"document_id": doc.pk, "errors": 3, "waits": 8}
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.QUEUED and doc.error == ""


def test_a_fourth_error_fails_the_row_with_its_reason(check_kind, school, personas, monkeypatch):
    doc = _queued(check_kind, school, personas, monkeypatch)
    calls = _scripted(monkeypatch, [RuntimeError("db gone")] * 4)

    _drive(monkeypatch, document_id=doc.pk)

    assert len(calls) == 4
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert doc.error.startswith("Không tạo được văn bản sau nhiều lần thử") and "(RuntimeError)" in doc.error


def test_a_wait_past_its_bound_fails_the_pack_and_leaves_the_errors_alone(check_kind, school, personas, monkeypatch):
    doc = _queued(check_kind, school, personas, monkeypatch)
    monkeypatch.setattr(tasks, "WAIT_RETRIES", 5)
    calls = _scripted(monkeypatch, [services.PartsPending(ready=0, total=2)] * 10)

    _drive(monkeypatch, document_id=doc.pk, errors=2)

    assert len(calls) == 6
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED and doc.error.startswith("Các phần của bộ hồ sơ chưa tạo xong")


def _age(doc, seconds):
    GeneratedDocument.objects.filter(pk=doc.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_asking_again_sends_a_queued_row_whose_task_was_lost(
    check_kind, school, personas, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_REQUEUE_AFTER = 120
    sent = []
    doc = _queued(check_kind, school, personas, monkeypatch)
    monkeypatch.setattr(services, "_enqueue", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])
    assert (again.pk, sent) == (doc.pk, [])  # a fresh queued row: its task is on its way, nothing sent twice

    _age(doc, 121)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])
        services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])
    assert sent == [doc.pk]  # the first request sends it again (and touches the row), the second does not


def test_the_sweep_sends_lost_renders_once_and_leaves_live_ones(check_kind, school, personas, monkeypatch, settings):
    settings.DOCUMENT_REQUEUE_AFTER = 120
    settings.DOCUMENT_RENDER_LEASE = 30
    doc = _queued(check_kind, school, personas, monkeypatch)
    sent = []
    monkeypatch.setattr(services, "_enqueue", sent.append)

    assert services.documents_requeue_stale() == 0  # fresh

    _age(doc, 121)
    assert (services.documents_requeue_stale(), services.documents_requeue_stale()) == (1, 0)
    assert sent == [doc.pk]

    GeneratedDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.RENDERING)
    _age(doc, 140)  # a worker's lease ran out 110 s ago: its message may still come back
    assert services.documents_requeue_stale() == 0
    _age(doc, 151)  # lease + requeue time: lost
    assert services.documents_requeue_stale() == 1
    GeneratedDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.READY)
    _age(doc, 10_000)
    assert services.documents_requeue_stale() == 0
    assert sent == [doc.pk, doc.pk]


def test_a_broker_down_at_commit_leaves_the_row_queued_without_an_error_page(
    check_kind, school, personas, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.render_document, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        doc = services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])
    assert len(callbacks) == 1  # the send was tried, failed, and did not raise
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.QUEUED
