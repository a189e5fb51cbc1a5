"""Thin Celery tasks of the common app: ids in, a service call, safe to run twice."""

import smtplib

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

BEAT_KEY = "terpadu:beat:last"


@shared_task(name="common.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Beat liveness: the health page reads when the scheduler last ticked."""
    now = timezone.now().isoformat()
    cache.set(BEAT_KEY, now, timeout=None)
    return now


@shared_task(name="common.tasks.send_notification_email", acks_late=True, ignore_result=True,
             autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
             retry_backoff=30, retry_backoff_max=30 * 60, retry_jitter=True, max_retries=8)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification. A second delivery finds ``emailed_at`` set and sends nothing;
    a mail server that is down is retried with backoff (the inbox row is there meanwhile)."""
    from common.notifications import notification_send_email

    return notification_send_email(notification_id=notification_id)
