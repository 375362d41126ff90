"""Celery tasks for designations: thin wrappers taking ISO dates and calling one service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from journey import renewal


@shared_task(name="journey.tasks.refresh_designations")
def refresh_designations(today_iso: str | None = None) -> str:
    """Nightly: designation states, renewal enrollments and reminders for the day."""
    day = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return str(renewal.refresh_designations(today=day))
