"""Thin Celery tasks of the meetings app: a service call each, safe to run twice or late."""

from celery import shared_task


@shared_task(name="meetings.tasks.meeting_sweep", acks_late=True, ignore_result=True)
def meeting_sweep() -> dict:
    """Beat: create the next regular meeting with its agenda; remind members the day before.
    A duplicate run finds the meeting (unique slot) and the reminders (dedupe keys) in place."""
    from meetings.services import meeting_sweep as sweep

    return sweep()


@shared_task(name="meetings.tasks.action_item_sweep", acks_late=True, ignore_result=True)
def action_item_sweep() -> dict:
    """Beat: remind responsible agencies before the due date, mark overdue after it — once each
    (one alert row per kind by constraint; locked rows skipped)."""
    from meetings.services import action_item_sweep as sweep

    return sweep()


@shared_task(name="meetings.tasks.meeting_deadline_sweep", acks_late=True, ignore_result=True)
def meeting_deadline_sweep() -> dict:
    """Beat: flag meetings not held the day after (R2); remind about minutes unsigned for 2 days,
    then the chair (R7). Once each (one alert row per subject, kind and window)."""
    from meetings.services import meeting_deadline_sweep as sweep

    return sweep()


@shared_task(name="meetings.tasks.emergency_grant_sweep", acks_late=True, ignore_result=True)
def emergency_grant_sweep() -> dict:
    """Beat (R9): warn the head 24 h before a temporary emergency grant ends, or hold it while the
    decision waits in minutes ready for signature — once per stage and end time (alert rows by
    constraint; locked rows skipped)."""
    from meetings.services.emergencies import emergency_grant_sweep as sweep

    return sweep()
