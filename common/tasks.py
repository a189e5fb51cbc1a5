from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="common.tasks.heartbeat")
def heartbeat() -> str:
    """Beat liveness: the health page reads when the scheduler last ticked."""
    now = timezone.now().isoformat()
    cache.set("terpadu:beat:last", now, timeout=None)
    return now


@shared_task(name="common.tasks.send_notification_email", acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    from common.notifications import notification_send_email

    return notification_send_email(notification_id=notification_id)
