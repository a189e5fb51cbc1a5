"""What was registered, shown again by access level (docs/access.md#what-was-registered).

One builder for the case page and the case API: ``registered_sections`` reads the case's
complaints with their victims, perpetrators and reporter in a fixed number of queries and returns
three sections — ``summary`` always, ``service`` from the service level, ``full`` only when the
identity has been revealed ("Tampilkan identitas", logged by ``services.identity_reveal``). A
section the caller may not see is ``None``: its values are never read, so never decrypted.
Labels come from the model choices (Indonesian), never the internal codes.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import dateformat
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from agencies.models import Service
from cases.models import (
    AccessLevel,
    AgeBand,
    Case,
    Complaint,
    DisabilityType,
    Perpetrator,
    PerpetratorLink,
    PerpetratorRelation,
    Victim,
    ViolenceForm,
    ViolenceType,
)
from common.timefmt import date_label, datetime_label


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return _("Lainnya")


def may_contact_victim(*, level: int, is_receiving_staff: bool) -> bool:
    """Who may contact the victim, and so must see the "not safe to contact" warning first: the
    receiving agency's staff (they record the first response) and anyone from the service level."""
    return is_receiving_staff or level >= AccessLevel.SERVICE


def registered_sections(*, case: Case, level: int, revealed: bool, consents) -> dict:
    """``consents``: the case's consents (``consent.case_consents``), already read by the caller."""
    complaints = list(
        Complaint.objects.filter(case=case).select_related("reporter")
        .prefetch_related(Prefetch("perpetrators", queryset=Perpetrator.objects.order_by("id")),
                          Prefetch("perpetrators__links",
                                   queryset=PerpetratorLink.objects.order_by("victim_id")))
        .order_by("received_at", "id")
    )
    victims = list(Victim.objects.filter(case=case).order_by("id"))
    codes = {code for c in complaints for code in c.stated_needs}
    need_names = dict(Service.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}

    summary = {
        "not_safe_to_contact": any(not c.safe_to_contact for c in complaints),
        "consent_basis": [
            {"victim": k.victim.initials, "purpose": k.get_purpose_display(),
             "given_by": k.get_given_by_display(), "withdrawn": k.withdrawn_at is not None}
            for k in consents
        ],
        "complaints": [
            {"id": str(c.public_id),
             # Which complaint this is, as the "Pengaduan" card names it (the page; not in the API).
             "heading": _("%(channel)s · diterima %(when)s") % {
                 "channel": c.get_channel_display(), "when": datetime_label(c.received_at)},
             "violence_types": [_label(ViolenceType, t) for t in c.violence_types],
             "violence_forms": [_label(ViolenceForm, f) for f in c.violence_forms],
             "incident_month": dateformat.format(c.incident_date, "F Y") if c.incident_date else "",
             "stated_needs": [need_names.get(n, _("Lainnya")) for n in c.stated_needs],
             "safe_to_contact": c.safe_to_contact}
            for c in complaints
        ],
    }
    service = None
    initials = {v.pk: v.initials for v in victims}
    if level >= AccessLevel.SERVICE or revealed:
        service = {
            "complaints": [
                {"id": str(c.public_id), "safe_contact": c.safe_contact,
                 "perpetrator_relations": _relations(c, initials)}
                for c in complaints
            ],
            "victims": [
                {"initials": v.initials, "age_band": _label(AgeBand, v.age_band_at_incident),
                 "disability": _label(DisabilityType, v.disability)}
                for v in victims
            ],
        }
    full = None
    if revealed:
        full = {
            "complaints": [
                {"id": str(c.public_id), "chronology": c.chronology, "incident_place": c.incident_place,
                 "perpetrator_names": [p.full_name for p in c.perpetrators.all() if p.full_name],
                 "reporter": _reporter(c)}
                for c in complaints
            ],
            "victims": [
                {"initials": v.initials, "full_name": v.full_name, "nik": v.nik, "phone": v.phone,
                 "address": v.address, "date_of_birth": v.date_of_birth,
                 "date_of_birth_label": _date_of_birth_label(v.date_of_birth)}
                for v in victims
            ],
        }
    rows = []
    if service is not None:
        rows = list(zip(service["victims"], full["victims"] if full else [None] * len(victims), strict=True))
    return {"victim_rows": rows,
            "level": AccessLevel.FULL if revealed else AccessLevel(min(int(level), AccessLevel.SERVICE)),
            "summary": summary, "service": service, "full": full}


def _date_of_birth_label(iso: str) -> str:
    """A stored date of birth (ISO text) as the page writes dates (``02 Des 1990``)."""
    try:
        day = parse_date(iso) if iso else None
    except ValueError:
        day = None
    return date_label(day) if day else iso


def _reporter(complaint: Complaint) -> dict | None:
    try:
        r = complaint.reporter
    except Complaint.reporter.RelatedObjectDoesNotExist:
        return None
    return {"is_victim": r.is_victim, "full_name": r.full_name, "phone": r.phone, "address": r.address,
            "relation": r.relation}


def _relations(complaint: Complaint, initials: dict[int, str]) -> list[str]:
    """Each perpetrator's relation, per victim (a relation is per victim): "Orang tua (ayah/ibu)"
    with one victim, "Orang tua (ayah/ibu) — AB" when the complaint has several. Never a name."""
    several = len({link.victim_id for p in complaint.perpetrators.all() for link in p.links.all()}) > 1
    return [f"{_label(PerpetratorRelation, link.relation)} — {initials.get(link.victim_id, '?')}" if several
            else _label(PerpetratorRelation, link.relation)
            for p in complaint.perpetrators.all() for link in p.links.all()]
