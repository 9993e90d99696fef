"""Celery interface of the nominations app: thin tasks that call one function."""

from celery import shared_task

from .orphans import orphan_files_clean


@shared_task(name="nominations.clean_orphan_files", acks_late=True, time_limit=600, ignore_result=True)
def clean_orphan_files() -> int:
    """Beat, daily: delete evidence files left in storage without a row (a rolled-back upload)."""
    return len(orphan_files_clean().deleted)
