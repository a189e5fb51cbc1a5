"""Thin Celery tasks of the cases app: they call services and tolerate running twice."""

from celery import shared_task


@shared_task(name="cases.tasks.sla_sweep", acks_late=True, ignore_result=True)
def sla_sweep() -> dict:
    """Beat runs this every two minutes (CELERY_BEAT_SCHEDULE). Idempotent: a duplicate or late
    delivery finds nothing left to do; concurrent runs split the work (SKIP LOCKED)."""
    from cases.sla import sla_sweep as sweep

    return sweep()
