"""Demo data for DKI Jakarta: agencies, the service catalogue, one user per role, demo cases.

Idempotent: every object is looked up by a natural key first. Later issues extend ``seed``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import (
    TOTP_REQUIRED_ROLES,
    Agency,
    AgencyKind,
    Institution,
    Membership,
    Region,
    Role,
    Service,
    ServiceCategory,
    SigningDelegation,
    User,
)
from agencies.services import agency_create, membership_create

DEMO_PASSWORD = "demo-Terpadu-2026"

SERVICES = [
    ("medis", "Layanan medis", ServiceCategory.HEALTH),
    ("visum", "Visum et repertum", ServiceCategory.HEALTH),
    ("bantuan-hukum", "Bantuan hukum", ServiceCategory.LEGAL),
    ("rehabilitasi-sosial", "Rehabilitasi sosial", ServiceCategory.SOCIAL),
    ("konseling", "Dukungan psikologis / konseling", ServiceCategory.PSYCHOLOGICAL),
    ("perlindungan-keamanan", "Perlindungan keamanan", ServiceCategory.SECURITY),
    ("rumah-aman", "Rumah aman / shelter", ServiceCategory.SECURITY),
    ("mediasi", "Mediasi", ServiceCategory.OTHER),
    ("takedown-konten", "Penurunan konten (KBE)", ServiceCategory.OTHER),
    ("restitusi", "Fasilitasi restitusi/kompensasi", ServiceCategory.LEGAL),
    ("pemulihan-lain", "Pemulihan lainnya", ServiceCategory.OTHER),
]

# code, name, kind, institution, region, parent code, services
AGENCIES = [
    ("kemenpppa", "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak", AgencyKind.MINISTRY,
     Institution.KEMENPPPA, Region.NATIONAL, None, []),
    ("kemensos", "Kementerian Sosial", AgencyKind.MINISTRY, Institution.KEMENSOS, Region.NATIONAL,
     None, []),
    ("uptd-ppa-dki", "UPTD PPA Provinsi DKI Jakarta", AgencyKind.UPTD_PPA, Institution.PEMPROV_DKI,
     Region.PROVINCE, None, ["konseling", "mediasi", "rumah-aman", "pemulihan-lain"]),
    ("polda-metro", "Unit PPA Polda Metro Jaya", AgencyKind.POLICE_UNIT, Institution.POLRI,
     Region.PROVINCE, None, ["perlindungan-keamanan"]),
    ("polres-jaksel", "Unit PPA Polres Metro Jakarta Selatan", AgencyKind.POLICE_UNIT,
     Institution.POLRI, Region.JAKARTA_SELATAN, "polda-metro", ["perlindungan-keamanan"]),
    ("rsud-tarakan", "RSUD Tarakan", AgencyKind.HOSPITAL, Institution.PEMPROV_DKI,
     Region.JAKARTA_PUSAT, None, ["medis", "visum", "konseling"]),
    ("puskesmas-tebet", "Puskesmas Kecamatan Tebet", AgencyKind.PUSKESMAS, Institution.PEMPROV_DKI,
     Region.JAKARTA_SELATAN, None, ["medis"]),
    ("dinsos-dki", "Dinas Sosial Provinsi DKI Jakarta", AgencyKind.SOCIAL_SERVICE,
     Institution.PEMPROV_DKI, Region.PROVINCE, None, ["rehabilitasi-sosial", "rumah-aman"]),
    ("lbh-apik", "LBH APIK Jakarta (Posbakum)", AgencyKind.LEGAL_AID, Institution.KEMENKUM,
     Region.PROVINCE, None, ["bantuan-hukum"]),
    ("lpsk", "Lembaga Perlindungan Saksi dan Korban", AgencyKind.LPSK, Institution.LPSK,
     Region.NATIONAL, None, ["perlindungan-keamanan", "restitusi", "rumah-aman"]),
    ("komdigi", "Kementerian Komunikasi dan Digital", AgencyKind.KOMDIGI, Institution.KOMDIGI,
     Region.NATIONAL, None, ["takedown-konten"]),
    ("yayasan-pulih", "Yayasan Pulih", AgencyKind.COMMUNITY, Institution.COMMUNITY,
     Region.JAKARTA_SELATAN, None, ["konseling", "pemulihan-lain"]),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    memberships: tuple[tuple[str, str], ...]  # (agency code, role)
    staff: bool = False


USERS = [
    DemoUser("uptd.admin", "Rina Marlina", (("uptd-ppa-dki", Role.ADMIN_OFFICER),)),
    DemoUser("uptd.pendamping", "Dewi Lestari", (("uptd-ppa-dki", Role.PENDAMPING),)),
    DemoUser("uptd.konselor", "Siti Rahmawati, M.Psi.", (("uptd-ppa-dki", Role.KONSELOR),)),
    DemoUser("uptd.mediator", "Yohanes Sitorus", (("uptd-ppa-dki", Role.MEDIATOR),)),
    DemoUser("uptd.relawan", "Ayu Kartika", (("uptd-ppa-dki", Role.RELAWAN),)),
    DemoUser("uptd.kepala", "Dr. Endang Susilowati", (("uptd-ppa-dki", Role.HEAD),)),
    DemoUser("polres.penyidik", "Iptu Ratna Sari", (("polres-jaksel", Role.INVESTIGATOR),)),
    DemoUser("polres.admin", "Brigpol Wulan Anggraini", (("polres-jaksel", Role.ADMIN_OFFICER),)),
    DemoUser("polres.kepala", "AKP Hendra Wijaya", (("polres-jaksel", Role.HEAD),)),
    DemoUser("rsud.nakes", "dr. Maya Puspita", (("rsud-tarakan", Role.HEALTH_WORKER),)),
    DemoUser("dinsos.peksos", "Agus Salim, S.Tr.Sos.", (("dinsos-dki", Role.SOCIAL_WORKER),)),
    DemoUser("lbh.advokat", "Nurul Hidayah, S.H.", (("lbh-apik", Role.LEGAL_AID),)),
    DemoUser("lpsk.petugas", "Bambang Prasetyo", (("lpsk", Role.LPSK_OFFICER),)),
    DemoUser("komdigi.petugas", "Fajar Nugroho", (("komdigi", Role.KOMDIGI_OFFICER),)),
    DemoUser("tp.pengarah", "Ir. Suharti, M.A.", (("kemenpppa", Role.TP_PENGARAH),)),
    DemoUser("tp.ketua", "Dra. Ratih Handayani", (("kemenpppa", Role.TP_KETUA),)),
    DemoUser("tp.wakil", "Drs. Ahmad Fauzi", (("uptd-ppa-dki", Role.TP_WAKIL_KETUA),)),
    DemoUser("tp.teknis", "Lina Marpaung", (("dinsos-dki", Role.TP_PENDAMPING_TEKNIS),)),
    DemoUser("tp.anggota", "Kompol Dian Pertiwi", (("polda-metro", Role.TP_ANGGOTA),)),
    DemoUser("tp.sekretaris", "Sri Wahyuni", (("uptd-ppa-dki", Role.TP_SEKRETARIS),)),
    DemoUser("kemen.pemantau", "Hana Permata", (("kemenpppa", Role.MINISTRY_VIEWER),)),
    # A ministry official who also sits on the Tim Percepatan: acts there in that role.
    DemoUser("kemensos.anggota", "Teguh Santoso",
             (("kemensos", Role.MINISTRY_VIEWER), ("kemensos", Role.TP_ANGGOTA))),
    DemoUser("pejabat.ditunjuk", "Dr. Maria Ulfa",
             (("kemenpppa", Role.TP_ANGGOTA),)),
    DemoUser("admin", "Administrator Sistem", (("uptd-ppa-dki", Role.SYSTEM_ADMIN),), staff=True),
]


def demo_totp_secret(username: str) -> str:
    """A fixed, documented base32 TOTP secret per demo user (README table)."""
    raw = hashlib.sha256(f"terpadu-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(raw).decode()


def needs_totp(du: DemoUser) -> bool:
    return du.username == "pejabat.ditunjuk" or any(r in TOTP_REQUIRED_ROLES for _, r in du.memberships)


def _services() -> dict[str, Service]:
    out = {}
    for code, name, cat in SERVICES:
        s, _ = Service.objects.get_or_create(code=code, defaults={"name": name, "category": cat})
        out[code] = s
    return out


def _agencies(services: dict[str, Service]) -> dict[str, Agency]:
    out: dict[str, Agency] = {}
    for code, name, kind, inst, region, parent, svc in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            agency = agency_create(actor=None, code=code, name=name, kind=kind, institution=inst,
                                   region=region, parent=out.get(parent) if parent else None,
                                   services=[services[s] for s in svc])
        out[code] = agency
    return out


def _users(agencies: dict[str, Agency]) -> dict[str, User]:
    out = {}
    start = date(2026, 1, 1)
    for du in USERS:
        user = User.objects.filter(username=du.username).first()
        if user is None:
            user = User(username=du.username, full_name=du.full_name,
                        email=f"{du.username}@demo.terpadu.local",
                        is_staff=du.staff, is_superuser=du.staff)
            user.set_password(DEMO_PASSWORD)
            user.save()
        for code, role in du.memberships:
            if not Membership.objects.filter(user=user, agency=agencies[code], role=role).exists():
                membership_create(actor=None, user=user, agency=agencies[code], role=role,
                                  valid_from=start)
        if needs_totp(du) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            key = base64.b32decode(demo_totp_secret(du.username)).hex()
            TOTPDevice.objects.create(user=user, name="Demo", key=key, confirmed=True)
        out[du.username] = user
    # The designated official holds signing power for the pilot year.
    official = out["pejabat.ditunjuk"]
    if not SigningDelegation.objects.filter(official=official).exists():
        SigningDelegation.objects.create(
            official=official, granted_by=out["tp.ketua"], valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
            reason="SK Ketua Tim Percepatan No. 01/TP-PPA/2026 (demo)",
        )
    # A former officer whose membership has ended: they see the "ask the admin" page.
    former = User.objects.filter(username="mantan.petugas").first()
    if former is None:
        former = User(username="mantan.petugas", full_name="Petugas Lama")
        former.set_password(DEMO_PASSWORD)
        former.save()
        membership_create(actor=None, user=former, agency=agencies["uptd-ppa-dki"],
                          role=Role.PENDAMPING, valid_from=start,
                          valid_until=timezone.localdate() - timedelta(days=1))
    out["mantan.petugas"] = former
    return out


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


def _cases(agencies: dict[str, Agency], users: dict[str, User]):
    from cases.intake import ComplaintInput, PerpetratorInput, VictimInput, complaint_register
    from cases.models import AccessLevel, Complaint, GrantSource
    from cases.services import case_grant_access

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
                                 estimated_age=9 if cat == "child" else 29)
                     for n, cat, nik, ph, addr in victims],
            perpetrators=[PerpetratorInput(relation="spouse" if "kdrt" in vtypes else "acquaintance",
                                           power_relation=True)],
            chronology="Kronologi demo: korban datang didampingi keluarga dan menceritakan kejadian.",
            consent_to_share=True, consent_by="parent" if has_child else "victim",
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
    from cases.consent import consent_record, consent_withdraw
    from cases.models import ConsentForm, ConsentGiver, ConsentPurpose, ConsentScope

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
    from cases.intake import (
        ComplaintInput,
        PerpetratorInput,
        VictimInput,
        complaint_register,
        complaint_void,
        initial_response_record,
    )
    from triage.services import emergency_refer, triage_record

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

    voided = register("polres.admin", "polres-jaksel", "Uji Salah Input", "", "", ["kdrt"], 3)
    complaint_void(actor=users["polres.admin"], complaint=voided, reason="Pengaduan tercatat ganda")

    register("uptd.admin", "uptd-ppa-dki", "Sari Nurhaliza", "3174054101900001", "081234567801",
             ["kbe"], 0, join=first_case, channel="whatsapp")


def _signing(users: dict[str, User]) -> None:
    """A development CA and signer certificates for those who sign minutes."""
    from documents.signing import certificate_for, load_ca

    load_ca()
    for username, position in (("tp.ketua", "Ketua Tim Percepatan"),
                               ("tp.wakil", "Wakil Ketua Tim Percepatan"),
                               ("pejabat.ditunjuk", "Pejabat yang ditunjuk")):
        certificate_for(users[username], position=position)


@transaction.atomic
def seed() -> dict[str, User]:
    services = _services()
    agencies = _agencies(services)
    users = _users(agencies)
    _cases(agencies, users)
    _signing(users)
    from meetings.demo import seed as seed_meetings

    seed_meetings(agencies, users)
    return users
