"""The one owner of a service item's status (R11): the transition table and the only function
that changes it. Planned → in progress → delivered; planned or in progress → cancelled, with a
reason. Delivered and cancelled are final."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.errors import ApplicationError
from plans.models import ItemStatus

S = ItemStatus

ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.DELIVERED, S.CANCELLED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}

ITEM_TRANSITION_REFUSED = _('Status layanan tidak dapat diubah dari "{from_}" menjadi "{to}".')
CANCEL_REASON_REQUIRED = _("Tuliskan alasan pembatalan layanan.")
ITEM_STATUS_UNKNOWN = _("Status layanan tidak dikenal.")


def item_status_allowed(from_: str, to: str) -> bool:
    return to in ITEM_TRANSITIONS.get(from_, frozenset())


def item_status_check(*, from_: str, to: str, reason: str) -> str:
    """Refuse a transition the table does not hold, or a cancellation without reason; return the
    cleaned reason."""
    if to not in ITEM_TRANSITIONS:
        raise ApplicationError(ITEM_STATUS_UNKNOWN, field="status")
    if not item_status_allowed(from_, to):
        raise ApplicationError(str(ITEM_TRANSITION_REFUSED).format(
            from_=S(from_).label, to=S(to).label), field="status")
    reason = (reason or "").strip()
    if to == S.CANCELLED and not reason:
        raise ApplicationError(CANCEL_REASON_REQUIRED, field="reason")
    return reason
