"""R26 (SKB E.1.d): after selection the Ketua coordinates the case until termination. A selection
names the Ketua — or the official she designates (an active signing delegation) — as the case's
coordinator, besides the coordinating agency; when the minutes are signed, the agencies the
decision names (serving agencies, the coordinating agency, action-item owners) and the coordinator
are told (``decision_signed_notify``, called by ``meetings.signing`` inside the signing
transaction; the e-mails go after commit)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Membership, Role, SigningDelegation, User
from agencies.selectors import agency_heads
from common.errors import ApplicationError
from common.notifications import notify

COORDINATOR_INVALID = _("Koordinator kasus adalah Ketua Tim Percepatan atau pejabat yang ditunjuknya "
                        "(dengan penunjukan yang berlaku).")
NO_CHAIR = _("Belum ada Ketua Tim Percepatan aktif untuk menjadi koordinator kasus. Pilih pejabat yang "
             "ditunjuk.")


def coordinator_candidates(*, day=None) -> QuerySet[User]:
    """Who may coordinate a selected case on ``day``: the Ketua and the officials she designated
    (a signing delegation in force)."""
    day = day or timezone.localdate()
    chairs = Membership.objects.active(day).filter(role=Role.TP_KETUA).values("user_id")
    designated = SigningDelegation.objects.filter(revoked_at__isnull=True, valid_from__lte=day,
                                                  valid_until__gte=day).values("official_id")
    return (User.objects.filter(Q(pk__in=chairs) | Q(pk__in=designated), is_active=True)
            .order_by("full_name", "pk"))


def coordinator_resolve(coordinator: User | None) -> User:
    """The coordinator a selection names: the one chosen, if she may coordinate; by default the
    Ketua."""
    candidates = coordinator_candidates()
    if coordinator is not None:
        if not candidates.filter(pk=coordinator.pk).exists():
            raise ApplicationError(COORDINATOR_INVALID, field="case_coordinator")
        return coordinator
    chair = (User.objects.filter(is_active=True, pk__in=Membership.objects.active().filter(
        role=Role.TP_KETUA).values("user_id")).order_by("pk").first())
    if chair is None:
        raise ApplicationError(NO_CHAIR, field="case_coordinator")
    return chair


def decision_signed_notify(*, decision, doc_code: str) -> int:
    """Tell every agency a signed decision names — its head(s) and admin officers — what it is
    named for, and the case's coordinator; once per decision and agency (dedupe keys). Titles carry
    the case number only. Returns how many notifications were created."""
    case = decision.case
    roles: dict[int, tuple] = {}

    def name(agency, label):
        entry = roles.setdefault(agency.pk, (agency, []))
        if label not in entry[1]:
            entry[1].append(label)

    if decision.is_selection:
        for agency in decision.serving_agencies.all():
            name(agency, "pelaksana layanan")
        if decision.coordinator_agency_id:
            name(decision.coordinator_agency, "lembaga koordinator")
    for ai in decision.action_items.select_related("responsible_agency"):
        name(ai.responsible_agency, "penanggung jawab tindak lanjut")
    created = 0
    for agency, labels in roles.values():
        staff = agency_heads(agency=agency, also_roles=[Role.ADMIN_OFFICER])
        granted = decision.is_selection and agency.pk != case.receiving_agency_id and (
            "pelaksana layanan" in labels or "lembaga koordinator" in labels)
        url = (reverse("cases:detail", args=[case.pk]) if granted or agency.pk == case.receiving_agency_id
               else reverse("meetings:agency"))
        created += len(notify(
            users=staff, kind="decision_signed", case=case, url=url,
            title=f"{case.number}: keputusan rapat ditandatangani (notula {doc_code}) — lembaga Anda "
                  f"sebagai {', '.join(labels)}",
            dedupe_key=f"decision-signed:{decision.pk}:{agency.pk}"))
    if decision.is_selection and decision.case_coordinator_id:
        created += len(notify(
            users=[decision.case_coordinator], kind="case_coordinator", case=case,
            url=reverse("meetings:case-history", args=[case.pk]),
            title=f"{case.number}: Anda koordinator kasus ini sampai terminasi (notula {doc_code})",
            dedupe_key=f"case-coordinator:{decision.pk}"))
    return created
