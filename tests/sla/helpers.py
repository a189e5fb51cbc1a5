"""Complaints for the SLA tests, registered through the real service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agencies.models import Agency, Role, User
from cases.intake.services import ComplaintInput, ReporterInput, VictimInput, complaint_register


@dataclass
class Staff:
    agency: Agency
    officer: User        # admin officer who registers; the complaint's assignee
    other_officer: User  # a second admin officer of the receiving agency
    konselor: User       # case worker of the agency: never told about the SLA
    head: User
    chair: User          # Ketua Tim Percepatan
    tp_member: User      # an ordinary Tim Percepatan member: not escalated to
    outsider: User       # an officer of another receiving agency


def make_staff(agency: Agency, other_agency: Agency) -> Staff:
    from tests.factories import AgencyFactory, member

    team = AgencyFactory(code=f"kemenpppa-{agency.code}", name="KemenPPPA Uji", kind="ministry",
                         institution="kemenpppa")
    return Staff(
        agency=agency,
        officer=member(agency, Role.ADMIN_OFFICER),
        other_officer=member(agency, Role.ADMIN_OFFICER),
        konselor=member(agency, Role.KONSELOR),
        head=member(agency, Role.HEAD),
        chair=member(team, Role.TP_KETUA),
        tp_member=member(team, Role.TP_ANGGOTA),
        outsider=member(other_agency, Role.ADMIN_OFFICER),
    )


def complaint_data(*, name: str = "Sari Wulandari Uji", nik: str = "", phone: str = "",
                   received_at: datetime | None = None, **kw) -> ComplaintInput:
    return ComplaintInput(
        channel=kw.pop("channel", "walk_in"),
        victims=[VictimInput(full_name=name, category="adult_woman", nik=nik, phone=phone)],
        violence_types=kw.pop("violence_types", ["kdrt"]),
        chronology=kw.pop("chronology", "Korban datang melapor kekerasan dalam rumah tangga."),
        reporter=kw.pop("reporter", ReporterInput(is_victim=True)),
        received_at=received_at,
        received_at_reason="Diterima lewat hotline malam hari" if received_at else "",
        consent_to_share=True, consent_by="victim",
        **kw,
    )


def register(staff, **kw):
    """Register one complaint at the current (possibly travelled) time as the agency's officer."""
    assignee = kw.pop("assignee", None)
    return complaint_register(actor=staff.officer, receiving_agency=staff.agency,
                              data=complaint_data(**kw), assignee=assignee)
