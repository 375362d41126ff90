"""Celery tasks of the notification centre: thin wrappers calling one service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from designation import notifications


@shared_task(
    name="designation.tasks.send_notification_emails",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails(key: str) -> str:
    """Email the notifications of one event (each recipient once, even when retried)."""
    return f"{notifications.send_emails(key=key)} sent for {key}"


@shared_task(
    name="designation.tasks.send_notification_emails_for",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails_for(keys: list[str]) -> str:
    """Email the notifications of many events (the nightly jobs' batches), each once."""
    return f"{notifications.send_emails_for(keys=keys)} sent for {len(keys)} events"


@shared_task(name="designation.tasks.purge_notifications")
def purge_notifications(today_iso: str | None = None) -> str:
    """Nightly: remove notifications older than twelve months."""
    day = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return f"{notifications.purge(today=day)} notifications removed"
