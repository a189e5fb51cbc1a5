"""Demo complaints for the two receiving agencies: registered, with consents given and withdrawn,
responded, an emergency triaged and referred, voided and joined — and one case a third agency sees
through a grant. Everything goes through the services.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency, User
from cases.consent import consent_record, consent_withdraw
from cases.intake.services import (
    ComplaintInput,
    PerpetratorInput,
    VictimInput,
    complaint_register,
    complaint_void,
    initial_response_record,
)
from cases.models import (
    AccessLevel,
    Complaint,
    ConsentForm,
    ConsentGiver,
    ConsentPurpose,
    ConsentScope,
    GrantSource,
)
from cases.services import case_grant_access, case_officer_assign
from triage.services import emergency_refer, triage_record

DEMO_COMPLAINTS = [
    # receiving agency, registering user, hours ago received, channel, victims, violence types
    ("uptd-ppa-dki", "uptd.admin", 2, "walk_in",
     [("Sari Nurhaliza", "adult_woman", "3174054101900001", "081234567801",
       "Jl. Tebet Barat Dalam No. 7, Jakarta Selatan")], ["kdrt"]),
    ("uptd-ppa-dki", "uptd.admin", 20, "hotline",
     [("Aulia Putri", "child", "3171066505120002", "081234567802",
       "Jl. Kramat Raya No. 12, Jakarta Pusat"),
      ("Bagas Pratama", "child", "3171060907140003", "",
       "Jl. Kramat Raya No. 12, Jakarta Pusat")], ["tpks", "kbe"]),
    ("polres-jaksel", "polres.admin", 30, "walk_in",
     [("Melati Rahayu", "adult_woman", "3174026708950003", "081234567803",
       "Jl. Pejaten Raya No. 3, Jakarta Selatan")], ["tppo"]),
]


#: The kecamatan of each demo street, by Kemendagri code (agencies.wilayah).
DEMO_KECAMATAN = {"Jl. Tebet Barat Dalam": "31.74.01",  # Tebet
                  "Jl. Kramat Raya": "31.71.04",  # Senen
                  "Jl. Pejaten Raya": "31.74.04"}  # Pasar Minggu


def complaints_seed(agencies: dict[str, Agency], users: dict[str, User]) -> None:
    """The demo complaints, once (nothing when there are complaints already)."""
    if Complaint.objects.exists():
        return
    now = timezone.now()
    complaints = []
    for code, username, hours, channel, victims, vtypes in DEMO_COMPLAINTS:
        has_child = any(cat == "child" for _, cat, *_ in victims)
        data = ComplaintInput(
            channel=channel, violence_types=vtypes,
            received_at=now - timedelta(hours=hours),
            received_at_reason="" if hours < 1 else "Dicatat setelah pendampingan awal (demo)",
            victims=[VictimInput(full_name=n, category=cat, nik=nik, phone=ph, address=addr,
                                 region="3174" if "Selatan" in addr else "3171",
                                 kecamatan=DEMO_KECAMATAN[addr.split(" No.")[0]],
                                 estimated_age=9 if cat == "child" else 29)
                     for n, cat, nik, ph, addr in victims],
            perpetrators=[PerpetratorInput(relation="spouse" if "kdrt" in vtypes else "acquaintance",
                                           power_relation=True)],
            chronology="Kronologi demo: korban datang didampingi keluarga dan menceritakan kejadian.",
            consent_to_share=True, consent_by="parent" if has_child else "victim",
            # The children live with the accused: the case page warns everyone who may contact them.
            safe_to_contact=not has_child,
            safe_contact="Hanya melalui ibu, hari kerja pukul 09.00–12.00 di sekolah" if has_child else "",
        )
        complaints.append(complaint_register(actor=users[username], receiving_agency=agencies[code],
                                             data=data))
    # A third agency sees one UPTD case at `service` level through a grant.
    case_grant_access(actor=users["uptd.kepala"], case=complaints[1].case,
                      agency=agencies["rsud-tarakan"], level=AccessLevel.SERVICE,
                      source=GrantSource.MANUAL, source_ref="demo: rujukan visum")
    _consents(agencies, users, complaints)
    _more_states(agencies, users, now, first_case=complaints[0].case)


def _consents(agencies, users, complaints):
    """Beyond registration's share consents: a written referral consent naming the hospital, given
    by a child's mother; a contact consent that the victim later withdrew."""
    child = complaints[1].victims.order_by("id").first()
    consent_record(actor=users["uptd.kepala"], victim=child, purpose=ConsentPurpose.REFER,
                   given_by=ConsentGiver.PARENT, giver_relation="ibu kandung", giver_name="Siti Rahmawati",
                   scope=ConsentScope.NAMED_AGENCIES, agencies=[agencies["rsud-tarakan"]],
                   form=ConsentForm.WRITTEN)
    adult = complaints[0].victims.get()
    contact = consent_record(actor=users["uptd.admin"], victim=adult, purpose=ConsentPurpose.CONTACT,
                             given_by=ConsentGiver.VICTIM, given_at=complaints[0].received_at)
    consent_withdraw(actor=users["uptd.admin"], consent=contact,
                     note="Korban meminta tidak dihubungi lewat telepon; hanya saat datang ke kantor.")


def _more_states(agencies, users, now, *, first_case):
    """Responded, emergency (action first), voided and joined complaints, for both agencies."""
    def register(username, code, name, nik, phone, vtypes, hours, join=None, **kw):
        data = ComplaintInput(
            channel=kw.pop("channel", "walk_in"), violence_types=vtypes,
            received_at=now - timedelta(hours=hours),
            received_at_reason="Dicatat setelah pendampingan awal (demo)" if hours >= 1 else "",
            victims=[VictimInput(full_name=name, category=kw.pop("category", "adult_woman"), nik=nik,
                                 phone=phone, region="3174", estimated_age=kw.pop("age", 31))],
            perpetrators=[PerpetratorInput(relation=kw.pop("relation", "spouse"), power_relation=True)],
            chronology="Kronologi demo: korban menceritakan kejadian kepada petugas.",
            consent_to_share=True, consent_by=kw.pop("consent_by", "victim"),
            stated_needs=kw.pop("needs", []),
        )
        return complaint_register(actor=users[username], receiving_agency=agencies[code], data=data,
                                  join_case=join)

    responded = register("uptd.admin", "uptd-ppa-dki", "Dian Puspitasari", "3175014404920004",
                         "081234567804", ["kdrt"], 6)
    initial_response_record(actor=users["uptd.admin"], complaint=responded, method="phone",
                            successful=False)
    initial_response_record(actor=users["uptd.admin"], complaint=responded, method="visit",
                            successful=True, result="Korban ditemui dan dijadwalkan konseling.")

    emergency = register("polres.admin", "polres-jaksel", "Rara Amelia", "3174034511080005",
                         "081234567805", ["tpks"], 1, category="child", age=15, consent_by="guardian",
                         relation="family", needs=["visum", "rumah-aman", "konseling"])
    triage_record(actor=users["polres.admin"], complaint=emergency,
                  emergency_conditions=["severe_injury", "no_safe_place"],
                  complexity_conditions=["power_relation", "special_protection"],
                  needs_multiple_services=True, cross_region=False,
                  notes="Korban perlu visum dan rumah aman malam ini.")
    emergency_refer(actor=users["polres.kepala"], case=emergency.case,
                    agencies=[agencies["rsud-tarakan"], agencies["lpsk"]], hours=72)
    # The head names the investigator who works the case: while assigned she holds `full` access.
    case_officer_assign(actor=users["polres.kepala"], case=emergency.case, assignee=users["polres.penyidik"])

    voided = register("polres.admin", "polres-jaksel", "Uji Salah Input", "", "", ["kdrt"], 3)
    complaint_void(actor=users["polres.admin"], complaint=voided, reason="Pengaduan tercatat ganda")

    register("uptd.admin", "uptd-ppa-dki", "Sari Nurhaliza", "3174054101900001", "081234567801",
             ["kbe"], 0, join=first_case, channel="whatsapp")
