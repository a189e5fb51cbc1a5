"""Writers for the access log and for django-simple-history's acting user.

Audited models (those with HistoricalRecords) are changed only by ``save()`` so that every change
lands in history; ``update_with_history`` is the single sanctioned way to change many rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string

from common.models import AccessAction, AccessLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def agency_of(user):
    """The agency an access is logged under when the caller names none.

    Which agency a user acts for is the agencies app's business, and ``common`` imports no domain
    app: ``settings.AUDIT_AGENCY_OF`` names the function (``user -> Agency | None``)."""
    return import_string(settings.AUDIT_AGENCY_OF)(user)


def access_log_record(*, request=None, user, action: AccessAction, obj: models.Model,
                      case=None, level: str = "", reason: str = "", agency=None) -> AccessLog:
    if agency is None:
        agency = agency_of(user)
    return AccessLog.objects.create(
        user=user,
        agency=agency,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        case=case,
        level=level,
        reason=reason,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
    )


def save_with_history(instance: models.Model, *, actor, update_fields=None,
                      reason: str | None = None) -> None:
    """Save one audited instance, recording ``actor`` as the history user and, when given, the
    service action as the history row's change reason (a code such as ``membership_update``)."""
    instance._history_user = actor
    if reason is not None:
        instance._change_reason = reason
    try:
        if update_fields is not None:
            instance.save(update_fields=update_fields)
        else:
            instance.save()
    finally:
        if reason is not None:
            del instance._change_reason


@transaction.atomic
def update_with_history(queryset: models.QuerySet, *, actor, **changes) -> int:
    """Row-by-row update so each change is written to history (never ``QuerySet.update``)."""
    count = 0
    for obj in queryset.select_for_update():
        for field, value in changes.items():
            setattr(obj, field, value)
        save_with_history(obj, actor=actor, update_fields=list(changes))
        count += 1
    return count
