"""Shared by the meeting services: messages, guards and the identity check."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from cases.models import Case, Victim
from common import crypto
from common.errors import ActionNotAllowed, ApplicationError
from meetings import policies
from meetings.models import (
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)

# Messages shared by pages, API and tests.
NOT_EDITOR = _("Hanya sekretaris, ketua, atau wakil ketua Tim Percepatan yang dapat mengubah rapat.")
NOT_PRESENTER = _("Paparan kasus disiapkan oleh petugas lembaga penerima kasus ini.")
NOT_RESPONSIBLE = _("Perkembangan tindak lanjut dicatat oleh petugas lembaga penanggung jawab.")
REASON_REQUIRED = _("Alasan wajib diisi.")
START_IN_PAST = _("Waktu rapat harus di masa depan.")
PLACE_REQUIRED = _("Tempat atau tautan rapat wajib diisi.")
NOT_SCHEDULED = _("Hanya rapat yang masih terjadwal yang dapat diubah jadwalnya atau dibatalkan.")
MEETING_CANCELLED = _("Rapat ini dibatalkan.")
ALREADY_OPENED = _("Rapat ini sudah dibuka.")
NOT_OPEN = _("Rapat belum dibuka: catat kehadiran dan pimpinan rapat terlebih dahulu.")
NO_PRESIDING_OFFICER = _("Rapat tidak dapat dibuka: Ketua atau, bila Ketua berhalangan, Wakil Ketua "
                         "Tim Percepatan harus hadir.")
OPEN_TOO_EARLY = _("Rapat rutin tidak dapat dibuka sebelum hari yang dijadwalkan. Untuk mengadakannya lebih "
                   "awal, jadwalkan ulang terlebih dahulu dengan alasan.")
CLOSE_UNDECIDED = _("Rapat belum dapat ditutup: masih ada agenda yang belum diputuskan. Untuk setiap agenda, "
                    "pilih tunda ke rapat berikutnya, atau catat keputusannya terlebih dahulu.")
NO_NEXT_MEETING = _("Agenda yang ditunda menunggu rapat berikutnya, tetapi belum ada jadwal rapat mingguan. "
                    "Atur jadwal mingguan atau jadwalkan rapat sewaktu-waktu: agenda itu akan dibawa ke "
                    "sana.")
ATTENDEE_NOT_MEMBER = _("Peserta yang dicatat harus anggota aktif Tim Percepatan.")
ATTENDEES_NONE = _("Centang anggota Tim Percepatan yang hadir; pimpinan rapat (Ketua atau Wakil Ketua) "
                   "harus termasuk.")
ATTENDANCE_CLOSED = _("Kehadiran tidak dapat diubah setelah rapat ditutup.")
MINUTES_LOCKED = _("Notula sudah tidak berstatus draf: isi rapat tidak dapat diubah.")
MINUTES_SIGNED = _("Notula sudah ditandatangani: keputusan dan tindak lanjutnya tidak dapat diubah.")
MEETING_NOT_CLOSED = _("Tutup rapat terlebih dahulu sebelum notula diajukan untuk ditandatangani.")
SCREENING_EMPTY = _("Pilih hasil penyaringan untuk minimal satu pengaduan.")
SCREENING_ALREADY = _("Pengaduan ini sudah memiliki hasil penyaringan; hasil tidak dapat diubah.")
SCREENING_OUTCOME_UNKNOWN = _("Hasil penyaringan tidak dikenal.")
SCREENING_COMPLAINT_INVALID = _("Pengaduan tidak ditemukan atau sudah dibatalkan.")
AGENDA_DUPLICATE = _("Kasus ini sudah ada di agenda rapat.")
AGENDA_NOT_PENDING = _("Agenda ini sudah dibahas atau ditunda.")
DECISION_NOT_ON_AGENDA = _("Kasus ini tidak ada di agenda rapat: keputusan tidak dapat dicatat.")
DECISION_ITEM_DEFERRED = _("Agenda ini ditunda ke rapat berikutnya: keputusan tidak dapat dicatat.")
DECISION_KIND_INVALID = _("Jenis keputusan ini tidak berlaku untuk agenda tersebut.")
DECISION_NEEDS_AGENCIES = _("Penetapan menyebut lembaga pelaksana layanan dan lembaga koordinator.")
DECISION_NEEDS_REASON = _("Keputusan ini wajib disertai alasan.")
PRESENTATION_INCOMPLETE = _("Kronologi singkat, kondisi terkini korban, dan hambatan wajib diisi.")
HAS_NAME = _("Teks memuat nama korban atau terlapor. Gunakan nomor kasus dan inisial saja; "
             "tidak ada yang disimpan.")
HAS_NIK = _("Teks memuat NIK. Hapus nomor identitas; tidak ada yang disimpan.")
HAS_AGE = _("Teks ini masuk notula yang dibaca semua pihak: jangan menulis usia pasti korban (sebut anak, "
            "remaja atau dewasa); tidak ada yang disimpan.")
ASSESSMENT_INCOMPLETE = _("Keempat dimensi asesmen bersama wajib dinilai.")
ORAL_PRESENTER_REQUIRED = _("Sebutkan siapa yang menyampaikan paparan lisan (nama dan lembaga).")
DECISION_NEEDS_PRESENTATION = _("Penetapan harus berdasarkan hasil asesmen: paparan kasus (kronologi, "
                                "kondisi terkini, hambatan) belum ada. Lembaga penerima menuliskannya, "
                                "atau sekretaris mencatat paparan lisan di rapat.")
DECISION_NEEDS_ASSESSMENT = _("Penetapan harus berdasarkan hasil asesmen: asesmen bersama (empat "
                              "dimensi) belum dicatat.")
DECISION_NEEDS_BASIS = _("Penetapan harus berdasarkan hasil asesmen: paparan kasus dan asesmen bersama "
                         "(empat dimensi) belum ada.")
DECISION_NEEDS_CRITERION_5 = _("Menurut verifikasi, kasus ini tidak memenuhi kriteria program terpadu (atau "
                               "belum diverifikasi). Kasus hanya dapat ditetapkan bila rapat menetapkannya "
                               "sebagai kasus prioritas percontohan (kriteria 5), dengan alasan.")
CRITERION_5_NEEDS_REASON = _("Kriteria 5 (kasus prioritas percontohan) wajib disertai alasan.")
ACTION_ITEM_NEEDS_DECISION = _("Catat keputusan agenda ini sebelum menambahkan tindak lanjut.")
ACTION_ITEM_INCOMPLETE = _("Tindak lanjut wajib menyebut uraian, lembaga penanggung jawab, dan batas waktu.")
ACTION_ITEM_DUE_PAST = _("Batas waktu tindak lanjut tidak boleh sebelum tanggal rapat.")
ACTION_ITEM_HAS_FOLLOW_UP = _("Tindak lanjut yang sudah memiliki perkembangan tidak dapat dihapus.")
FOLLOW_UP_STATUS_INVALID = _("Status perkembangan hanya 'berjalan' atau 'selesai'.")
FOLLOW_UP_EVIDENCE_REQUIRED = _("Tindak lanjut yang selesai wajib disertai bukti atau keterangan.")
FOLLOW_UP_ALREADY_DONE = _("Tindak lanjut ini sudah selesai.")
FOLLOW_UP_NOT_LIVE = _("Tindak lanjut berlaku setelah rapat ditutup.")
FOLLOW_UP_TIME_INVALID = _("Waktu perkembangan tidak boleh di masa depan atau sebelum rapat.")

EDITABLE_MEETING = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN, MeetingStatus.CLOSED)


# --- guards ----------------------------------------------------------------------------------------

def require_editor(actor: User) -> None:
    """Only the secretary, the chair or the vice-chair change a meeting (``NOT_EDITOR``)."""
    if not policies.can_edit(actor):
        raise ActionNotAllowed(NOT_EDITOR)


def meeting_lock(meeting: Meeting) -> Meeting:
    """The meeting's row again, locked until the transaction ends: concurrent edits queue here."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def minutes_lock(meeting: Meeting) -> Minutes:
    """The meeting's minutes, locked until the transaction ends."""
    return Minutes.objects.select_for_update().get(meeting=meeting)


def require_draft(meeting: Meeting) -> Minutes:
    """The meeting's records may change only while it is not cancelled and its minutes are a draft."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError(MEETING_CANCELLED)
    minutes = minutes_lock(meeting)
    if minutes.status == MinutesStatus.SIGNED:
        raise ApplicationError(MINUTES_SIGNED)
    if minutes.status != MinutesStatus.DRAFT:
        raise ApplicationError(MINUTES_LOCKED)
    return minutes


def require_opened(meeting: Meeting) -> None:
    """Discussion (assessment, decision) needs an opened meeting: attendance and presiding officer
    recorded (``NOT_OPEN``)."""
    if meeting.opened_at is None:
        raise ApplicationError(NOT_OPEN)


def clean_text(value: str | None) -> str:
    """A typed text without surrounding blanks; ``None`` is empty."""
    return (value or "").strip()


_NIK_RUN = re.compile(r"\d[\d .\-]{14,}\d")
#: An exact age: "berusia 9 tahun", "usia: 9", "umur 9 th".
_EXACT_AGE = re.compile(r"\b(?:ber)?(?:usia|umur)\s*:?\s*\d{1,3}\b", re.IGNORECASE)


class IdentityFound(ApplicationError):
    """The identity check refused a text. ``message`` (and so the API's answer, the log and the
    exception's text) is the generic constant; ``word`` — the word that matched a name — and
    ``form_field`` — the input it was found in — are kept apart, for the page to show the word in
    that form field (``identity_to_form``), and nowhere else."""

    def __init__(self, message, *, form_field: str | None = None, word: str = ""):
        super().__init__(message)
        self.form_field = form_field
        self.word = word

    def __repr__(self) -> str:  # never the word
        return f"IdentityFound({self.message!r})"


def _name_tokens(case: Case) -> tuple[list[list[str]], list[str]]:
    """The keyed indexes of the case's victims and perpetrators, and the plain tokens of victims
    stored without an index (decrypted here)."""
    from cases.models import Perpetrator

    indexes, plain = [], []
    for v in Victim.objects.filter(case=case).only("name_index", "full_name"):
        if v.name_index:
            indexes.append(list(v.name_index))
        else:
            plain.extend(t for t in crypto.name_tokens(v.full_name) if len(t) >= 3)
    indexes.extend(list(i or []) for i in
                   Perpetrator.objects.filter(complaint__case=case).values_list("name_index", flat=True))
    return indexes, plain


def identity_match(*, case: Case, text: str, allowed: Iterable[str] = ()) -> tuple[str, str] | None:
    """(the message, the matched word) when ``text`` carries a NIK or a name token of ``case``'s
    victims or perpetrators — except the ``allowed`` common words —, else None."""
    if not text:
        return None
    for run in _NIK_RUN.findall(text) + re.findall(r"\d{16,}", text):
        if len(crypto.normalise_nik(run)) >= 16:
            return HAS_NIK, ""
    allowed = {t for w in allowed for t in crypto.name_tokens(w)}
    tokens = sorted(t for t in crypto.name_tokens(text) if len(t) >= 3 and t not in allowed)
    if not tokens:
        return None
    indexes, plain = _name_tokens(case)
    for token in tokens:
        hashed = crypto.blind_index("name", token)
        if token in plain or any(hashed in index for index in indexes):
            return HAS_NAME, token
    return None


def identity_check(*, case: Case, texts: Iterable[str] | dict[str, str],
                   allowed: dict[str, Iterable[str]] | None = None, minutes: bool = False) -> None:
    """Refuse text that carries the name of a victim or perpetrator of ``case`` (a name token of
    three letters or more, matched through the keyed blind indexes; victims stored without an
    index are decrypted here) or anything shaped like a NIK (16 digits). ``texts`` by field name
    (the refusal names the field) or a list; ``allowed``: by field, the words the writer confirmed
    are common words (only the presentation's narrative takes them). ``minutes``: the texts go into
    the minutes every reader gets (decision reasons, action items, notes): no exact age either."""
    fields = list(texts.items() if isinstance(texts, dict) else ((None, t) for t in texts))
    allowed = allowed or {}
    for field, text in fields:
        if minutes and text and _EXACT_AGE.search(text):
            raise IdentityFound(HAS_AGE, form_field=field)
    for field, text in fields:
        found = identity_match(case=case, text=text or "", allowed=allowed.get(field, ()))
        if found is not None:
            raise IdentityFound(found[0], form_field=field, word=found[1])


def meeting_url(meeting: Meeting) -> str:
    """The meeting's page, for a notification's link."""
    return reverse("meetings:detail", args=[meeting.pk])
