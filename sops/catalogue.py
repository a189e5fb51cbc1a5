"""The catalogue: the five UPTD PPA SOPs of Perbup HSS 63/2021 (Lampiran I–V) as data (docs/sops.md).

Each step: code, activity, actor, standard time in minutes (``minutes`` is the upper bound of a
range such as "15–30 menit"; ``None`` where the seed says "sesuai waktu layanan" or the copy we
hold is illegible), and the output document. Steps are in the order the SOP runs them. A case runs
an SOP as an ``SopRun`` (sops/models.py) that records these steps.

Where the seed table and the articles (Pasal) disagree or the table is damaged, the articles
decide; docs/sops.md lists each such choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from agencies.models import Role

#: Actors that are not system roles (the client and the reporter act in SOP I and II).
CLIENT = "klien"
REPORTER = "pelapor"
ACTOR_LABELS = {
    CLIENT: _("Klien"),
    REPORTER: _("Pelapor"),
    Role.ADMIN_OFFICER: _("Petugas Admin"),
    Role.HEAD: _("Kepala UPTD PPA"),
    Role.KONSELOR: _("Konselor"),
    Role.MEDIATOR: _("Mediator"),
    Role.RELAWAN: _("Relawan SATGAS"),
    Role.PENDAMPING: _("Pendamping kasus"),
}


@dataclass(frozen=True)
class SopStep:
    code: str
    name: str
    actor: str
    minutes: int | None
    output: str
    min_minutes: int | None = None
    #: Done only when needed ("bila perlu"): never reported as skipped.
    optional: bool = False
    #: A crisis-intervention step of SOP IV, recorded as a CRISIS_STEP event (docs/triage.md §6).
    crisis: bool = False

    @property
    def actor_label(self) -> str:
        return str(ACTOR_LABELS.get(self.actor, self.actor))

    @property
    def standard_time(self) -> str:
        if self.minutes is None:
            return str(_("sesuai waktu layanan"))
        if self.min_minutes:
            return f"{self.min_minutes}–{self.minutes} {_('menit')}"
        return f"{self.minutes} {_('menit')}"


@dataclass(frozen=True)
class Sop:
    code: str
    name: str
    annex: str
    steps: tuple[SopStep, ...]

    def step(self, code: str) -> SopStep | None:
        return next((s for s in self.steps if s.code == code), None)

    def index(self, code: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.code == code)

    @property
    def label(self) -> str:
        return f"SOP {self.code} — {self.name}"


S = SopStep
A, H, K, M, R, P = (Role.ADMIN_OFFICER, Role.HEAD, Role.KONSELOR, Role.MEDIATOR, Role.RELAWAN,
                    Role.PENDAMPING)

SOP_I = Sop("I", "Penanganan pengaduan korban kekerasan perempuan dan anak secara langsung", "Lampiran I", (
    S("1", "Melapor secara langsung dan mengisi formulir pendaftaran", CLIENT, 15,
      "Berkas laporan (formulir pendaftaran)"),
    S("2", "Menerima pendaftaran dan mencatat dalam buku agenda pendaftaran", A, 10,
      "Berkas kasus tercatat dalam buku agenda"),
    S("3", "Membuat laporan hasil identifikasi kasus (memperhatikan keadaan korban dan langkah "
           "intervensi krisis) dan menyiapkan asesmen kebutuhan", H, 30, "Laporan hasil identifikasi",
      min_minutes=15),
    S("4", "Menyampaikan informasi standar layanan dan melakukan asesmen kebutuhan penanganan",
      K, 30, "Asesmen kebutuhan: alternatif tindak lanjut penanganan"),
    S("5", "Menandatangani naskah kesepakatan layanan dan penanganan bersama korban/pendamping",
      H, 15, "Naskah kesepakatan layanan"),
    S("6", "Melaksanakan investigasi kasus (mediasi/negosiasi)", M, 60,
      "Surat perjanjian atau alternatif penanganan lain", min_minutes=30),
    S("7", "Menandatangani surat perjanjian bersama para pihak, konselor dan mediator", H, 30,
      "Surat perjanjian bertanda tangan; draf surat rujukan"),
    S("8", "Memberikan bantuan psikologis/hukum (konseling)", K, 30, "Laporan layanan konseling"),
    S("9", "Memimpin penyiapan bahan mediasi hingga penyelesaian yang diterima para pihak", H, 90,
      "Surat perjanjian", min_minutes=30),
))

SOP_II = Sop("II", "Pendampingan kasus bagi perempuan dan anak korban kekerasan", "Lampiran II", (
    S("1", "Menyerahkan surat permohonan pendampingan kasus", REPORTER, 5,
      "Surat permohonan pendampingan"),
    S("2", "Menerima surat permohonan dan mencatat dalam buku agenda pendampingan", R, 10,
      "Permohonan tercatat dalam buku agenda"),
    S("3", "Memberikan disposisi pembuatan surat persetujuan pendampingan", H, 10,
      "Disposisi kepala UPTD PPA"),
    S("4", "Membuat surat persetujuan pendampingan kasus", R, 15, "Draf surat persetujuan pendampingan"),
    S("5a", "Verifikasi: surat tidak benar/kurang lengkap, dikembalikan untuk diperbaiki", H, 10,
      "Surat dikembalikan dengan catatan", optional=True),
    S("5b", "Verifikasi: surat benar/lengkap, ditandatangani dan diteruskan ke relawan", H, 10,
      "Surat persetujuan pendampingan bertanda tangan"),
    S("6", "Melakukan identifikasi kasus dan melaporkan hasilnya", R, 60,
      "Laporan hasil identifikasi (kronologi kasus)"),
    S("7", "Memutuskan pendampingan sesuai kebutuhan korban dan membuat surat tugas", H, 30,
      "Surat tugas; disposisi keputusan pendampingan"),
))

SOP_III = Sop("III", "Pelayanan pengaduan dengan jangkauan", "Lampiran III", (
    S("1", "Menerima dan mencatat berkas pengaduan dengan jangkauan", A, None, "Agenda pengaduan jangkauan"),
    S("2", "Menerima agenda pengaduan jangkauan dan memverifikasi laporan", H, None,
      "Laporan terverifikasi"),
    S("3", "Membuat dan menandatangani surat perintah pelaksanaan penjangkauan", H, None,
      "Surat perintah penjangkauan"),
    S("4", "Menyusun perencanaan penjangkauan dan koordinasi dengan aparat keamanan bila perlu",
      P, None, "Rencana penjangkauan"),
    S("5a", "Mendatangi tempat penjangkauan, memperkenalkan diri dan meminta persetujuan korban",
      P, None, "Persetujuan korban"),
    S("5b", "Menyampaikan tujuan penjangkauan kepada korban", P, 30, "Strategi keamanan"),
    S("5c", "Mendiskusikan hal keamanan yang diperhatikan korban", P, 30, "Strategi keamanan"),
    S("5d", "Melakukan wawancara dengan korban setelah korban menyatakan persetujuan", P, 120,
      "Identifikasi kasus", min_minutes=60),
    S("5e", "Membuat laporan hasil identifikasi", P, 120, "Laporan hasil identifikasi", min_minutes=60),
    S("6", "Menerima hasil identifikasi, memverifikasi laporan dan menyiapkan asesmen kebutuhan",
      H, 15, "Asesmen kebutuhan"),
    S("7", "Melengkapi dokumen kasus dan membuat draf surat rujukan", P, 15,
      "Kelengkapan dokumen kasus; draf surat rujukan"),
    S("8", "Menyetujui dan menandatangani surat rujukan ke lembaga layanan lain", H, 5,
      "Surat rujukan bertanda tangan"),
    S("9a", "Menghubungi dan berkoordinasi dengan lembaga layanan lain, membuat laporan penanganan",
      P, 60, "Dokumen rujukan; laporan penanganan"),
    S("9b", "Memantau keadaan korban secara berkala pada lembaga rujukan", P, None,
      "Laporan penanganan kasus"),
    S("10", "Mendokumentasikan laporan penanganan", H, 10, "Dokumentasi laporan penanganan kasus"),
))

SOP_IV = Sop("IV", "Penanganan pengaduan secara langsung dengan intervensi krisis", "Lampiran IV", (
    S("1", "Menerima dan mencatat identitas korban yang datang dalam kondisi krisis", A, 5,
      "Identitas korban tercatat dalam dokumen pendaftaran"),
    S("2", "Identifikasi singkat sambil menenangkan korban (teknik relaksasi) dan melaporkan "
           "tindak lanjut", P, 30, "Hasil identifikasi dan laporan", min_minutes=15),
    S("3", "Merekomendasikan penanganan berdasarkan prioritas rujukan yang tepat dengan kondisi korban",
      K, 15, "Disposisi/rujukan"),
    S("4", "Menandatangani surat pengantar rujukan sesuai tingkat krisis", H, 5,
      "Surat pengantar rujukan bertanda tangan", crisis=True),
    S("5a", "Membawa korban ke tempat prioritas rujukan (layanan medis) atau ke tempat yang lebih aman",
      P, 30, "Korban di tempat aman / layanan prioritas", crisis=True),
    S("5p", "Meminta bantuan keamanan kepada kepolisian (bila perlu)", P, 30,
      "Permintaan bantuan kepolisian", optional=True, crisis=True),
    S("5b", "Memantau korban sampai aman dan nyaman menyampaikan masalah", P, 120,
      "Kondisi keamanan dan kenyamanan korban"),
    S("5c", "Identifikasi kasus dan informasi standar layanan yang tersedia", P, 120,
      "Berkas identifikasi lengkap"),
    S("6", "Menerima tindak lanjut dan merekomendasikan draf naskah kesepakatan layanan", H, 30,
      "Draf naskah kesepakatan layanan"),
    S("7a", "Korban/keluarga menyetujui dan menandatangani naskah kesepakatan layanan", P, 5,
      "Naskah kesepakatan bertanda tangan"),
    S("7b", "Melaksanakan mediasi/negosiasi/investigasi/intervensi/pendampingan kasus", P, 120,
      "Laporan hasil mediasi/intervensi/pendampingan", min_minutes=60),
    S("8", "Koordinasi dan laporan akhir penanganan kasus", H, 60, "Laporan akhir penanganan kasus"),
    S("9", "Memantau keadaan korban secara berkala pada unit layanan rujukan", P, None,
      "Laporan penanganan kasus"),
    S("10", "Mendokumentasikan laporan penanganan kasus", K, 10, "Dokumentasi laporan"),
))

SOP_V = Sop("V", "Pelayanan pengaduan secara langsung", "Lampiran V", (
    S("1", "Menerima pendaftaran korban dan mencatat dalam formulir registrasi", A, 30,
      "Berkas kasus / formulir registrasi"),
    S("2a", "Mengidentifikasi kasus (memperhatikan langkah intervensi krisis bila perlu)", P, 30,
      "Hasil identifikasi dan laporan", min_minutes=15),
    S("2b", "Merekomendasikan draf naskah kesepakatan layanan untuk persetujuan korban", P, 15,
      "Naskah kesepakatan penanganan"),
    S("3", "Melaporkan kasus secara tertulis dan mengajukan surat rujukan sesuai kebutuhan korban",
      K, 5, "Laporan tertulis dan pengajuan rujukan"),
    S("4", "Menerima laporan dan memerintahkan petugas admin menyiapkan surat rujukan", H, 10,
      "Disposisi penyiapan surat rujukan"),
    S("5", "Menyiapkan surat rujukan (jika korban setuju)", A, 10, "Draf surat rujukan"),
    S("6", "Menandatangani hasil identifikasi dan surat rujukan", H, 10, "Surat rujukan bertanda tangan"),
))

SOPS: dict[str, Sop] = {s.code: s for s in (SOP_I, SOP_II, SOP_III, SOP_IV, SOP_V)}
SOP_CHOICES = [(s.code, s.label) for s in SOPS.values()]
#: The crisis steps an emergency opens (docs/triage.md §6): referral cover letter, escort, police help.
CRISIS_SOP = "IV"
CRISIS_STEPS = tuple(s for s in SOP_IV.steps if s.crisis)
#: Step that the emergency referral itself fulfils (the head signs the referral cover letter).
REFERRAL_COVER_LETTER_STEP = "4"


def get_sop(code: str) -> Sop | None:
    return SOPS.get(code)


def default_sop_for(complaint, *, is_emergency: bool = False) -> str:
    """Which SOP a complaint follows unless the officer picks another: crisis intervention for an
    emergency, outreach for an outreach complaint, case accompaniment for a referral/request, and
    the direct-complaint SOP I otherwise."""
    if is_emergency:
        return "IV"
    return {"outreach": "III", "referral": "II"}.get(getattr(complaint, "channel", ""), "I")
