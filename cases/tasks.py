"""Thin Celery tasks of the cases app: they call services and tolerate running twice."""

from celery import shared_task


@shared_task(name="cases.tasks.sla_sweep", acks_late=True)
def sla_sweep() -> dict:
    from cases.sla import sla_sweep as sweep

    return sweep()
