"""Demo people for DKI Jakarta: the service catalogue, the agencies, one user per role (with the
password and TOTP secrets ``seed_demo`` prints), and the signers' certificates.

Idempotent: every object is looked up by a natural key first.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

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
from agencies.services import agency_create, delegation_grant, membership_create
from documents.signing import certificate_for, load_ca

DEMO_PASSWORD = "demo-Terpadu-2026"
#: The designated official's signing delegation runs this many days from the day the demo is seeded.
DEMO_DELEGATION_DAYS = 365

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

#: Agencies that receive complaints although their kind does not by default (R1): a community
#: provider takes reports too (SKB B.2.a.1).
ALSO_RECEIVING = frozenset({"yayasan-pulih"})


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


def services_seed() -> dict[str, Service]:
    """The service catalogue, by code."""
    out = {}
    for code, name, cat in SERVICES:
        s, _ = Service.objects.get_or_create(code=code, defaults={"name": name, "category": cat})
        out[code] = s
    return out


def agencies_seed(services: dict[str, Service]) -> dict[str, Agency]:
    """The DKI Jakarta agencies and the ministries, by code."""
    out: dict[str, Agency] = {}
    for code, name, kind, inst, region, parent, svc in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            agency = agency_create(actor=None, code=code, name=name, kind=kind, institution=inst,
                                   region=region, parent=out.get(parent) if parent else None,
                                   services=[services[s] for s in svc],
                                   receives_complaints=True if code in ALSO_RECEIVING else None)
        out[code] = agency
    return out


def users_seed(agencies: dict[str, Agency]) -> dict[str, User]:
    """One user per role (``USERS``), a designated official and a former officer, by username."""
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
    # The designated official holds signing power for a year from the day the demo is seeded,
    # granted by the Ketua through the service (never a fixed date that a calendar overtakes).
    official = out["pejabat.ditunjuk"]
    today = timezone.localdate()
    if not SigningDelegation.objects.filter(official=official, revoked_at__isnull=True,
                                            valid_from__lte=today, valid_until__gte=today).exists():
        delegation_grant(actor=out["tp.ketua"], official=official, valid_from=today,
                         valid_until=today + timedelta(days=DEMO_DELEGATION_DAYS),
                         decree_number=f"01/TP-PPA/{today.year}",
                         reason=f"SK Ketua Tim Percepatan No. 01/TP-PPA/{today.year} (demo)")
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


def signing_seed(users: dict[str, User]) -> None:
    """A development CA and signer certificates for those who sign minutes."""
    load_ca()
    for username, position in (("tp.ketua", "Ketua Tim Percepatan"),
                               ("tp.wakil", "Wakil Ketua Tim Percepatan"),
                               ("pejabat.ditunjuk", "Pejabat yang ditunjuk")):
        certificate_for(users[username], position=position)
