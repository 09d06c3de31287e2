"""Tickets' background work, run by Celery beat (console/settings.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.db import DatabaseError

from tickets.services import service_level_warnings_send


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def service_level_warnings_task() -> int:
    """Warn about tickets about to miss (or past) a reply or resolution time. Idempotent: one
    warning per ticket and due time (tickets.services.service_level_warnings_send)."""
    return service_level_warnings_send()
