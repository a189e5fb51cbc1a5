"""Demo data for meetings (the last step of ``demo.seed.seed``): the weekly schedule, two past
meetings — the older with its minutes ready to sign, the later still a draft — with action items
done, open and overdue, and the coming meeting whose screening list holds the recent complaints.

Everything goes through the services. Only the demo moves the past meetings back in time
(``_backdate``): a real meeting is never recorded in the past.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, User
from cases.intake.services import (
    ComplaintInput,
    PerpetratorInput,
    VictimInput,
    complaint_register,
    initial_response_record,
)
from common.audit import save_with_history
from common.models import Notification
from common.timefmt import date_label
from demo.people import DEMO_PASSWORD
from meetings import services
from meetings.models import ActionItem, Meeting, MeetingKind
from meetings.services.meetings import meeting_title
from meetings.signing import minutes_content_hash, minutes_sign
from triage.services import triage_record

PLACE = "Ruang Rapat Lt. 3 KemenPPPA, Jl. Medan Merdeka Barat 15, Jakarta Pusat"

# receiving agency, registering user, days ago, victim name (fictional), initials source, types
PAST_COMPLAINTS = [
    ("uptd-ppa-dki", "uptd.admin", 24, "Rini Astuti", ["kdrt"]),
    ("polres-jaksel", "polres.admin", 23, "Dina Marlina", ["tpks"]),
    ("uptd-ppa-dki", "uptd.admin", 22, "Yuni Kartika", ["kbe"]),
    ("uptd-ppa-dki", "uptd.admin", 10, "Lestari Wulandari", ["kdrt", "tppo"]),
    ("polres-jaksel", "polres.admin", 9, "Intan Permatasari", ["tpks"]),
    ("uptd-ppa-dki", "uptd.admin", 8, "Nita Safitri", ["kdrt"]),
]


def _register(agencies, users, code, username, days, name, vtypes):
    return complaint_register(actor=users[username], receiving_agency=agencies[code], data=ComplaintInput(
        channel="walk_in", violence_types=vtypes, received_at=timezone.now() - timedelta(days=days),
        received_at_reason="Data demo: pengaduan lama", consent_to_share=True, consent_by="victim",
        victims=[VictimInput(full_name=name, category="adult_woman", estimated_age=31, region="3174")],
        perpetrators=[PerpetratorInput(relation="spouse", power_relation=True)],
        chronology="Kronologi demo: korban menceritakan kekerasan yang dialami."))


# Complaints presented at a past meeting: their victims' current condition was known, so the
# receiving agency had reached them.
PRESENTED = (0, 1, 3, 4)


def _respond(users, complaint, username):
    initial_response_record(actor=users[username], complaint=complaint, method="visit", successful=True,
                            responded_at=complaint.received_at + timedelta(hours=3),
                            responded_at_reason="Data demo: respons awal dari berkas kertas",
                            result="Korban ditemui; kebutuhan layanan dicatat.")


DEMO_MEETING_LENGTH = timedelta(hours=1, minutes=35)


def _backdate(meeting: Meeting, weeks: int, actor: User) -> None:
    """Move a meeting held just now back to the weekly slot ``weeks`` weeks ago (the schedule's day
    and time), keeping its times relative to the slot: it reads as a weekly meeting opened on its
    day (R2), held on schedule."""
    from meetings.selectors import schedule_active

    schedule = schedule_active()
    meeting = Meeting.objects.get(pk=meeting.pk)
    before = date_label(meeting.starts_at, lang="id")
    today = timezone.localdate()
    day = today - timedelta(days=7 * weeks)
    day += timedelta(days=schedule.weekday - day.weekday())
    slot = timezone.make_aware(datetime.combine(day, schedule.time))
    shift = meeting.starts_at - slot
    for f in ("scheduled_for", "starts_at", "opened_at", "closed_at", "created_at"):
        if getattr(meeting, f):
            setattr(meeting, f, getattr(meeting, f) - shift)
    # What closing told the Ketua names the meeting by its day: the day it now reads as.
    after = date_label(slot, lang="id")
    for note in Notification.objects.filter(kind="emergency_unformalised",
                                            dedupe_key__endswith=f":{meeting.pk}"):
        note.title = note.title.replace(before, after)
        note.save(update_fields=["title"])
    meeting.scheduled_for = meeting.starts_at = slot
    meeting.held_on_schedule = True
    # The demo holds the meeting in a few seconds; the minutes print the times it ran (R2), so it
    # reads as a morning meeting: closed an hour and a half after it opened.
    if meeting.opened_at and meeting.closed_at:
        meeting.closed_at = meeting.opened_at + DEMO_MEETING_LENGTH
    # The past weekly meetings read as weekly meetings of their own date.
    meeting.kind = MeetingKind.REGULAR
    meeting.title = meeting_title(meeting.starts_at, MeetingKind.REGULAR)
    save_with_history(meeting, actor=actor)
    days = timedelta(days=(today - day).days)
    for ai in ActionItem.objects.filter(meeting=meeting):
        ai.due_date -= days
        save_with_history(ai, actor=actor, update_fields=["due_date"])


def _hold(users, agencies, complaints, *, proposed, noted, outside, decisions, actions):
    sek, ketua = users["tp.sekretaris"], users["tp.ketua"]
    meeting = services.meeting_create(actor=sek, starts_at=timezone.now() + timedelta(minutes=5), place=PLACE)
    outcomes = {**{str(complaints[i].public_id): "proposed" for i in proposed},
                **{str(complaints[i].public_id): "noted" for i in noted},
                **{str(complaints[i].public_id): "outside_criteria" for i in outside}}
    services.screening_record(actor=sek, meeting=meeting, outcomes=outcomes)
    attendees = [users[u].pk for u in ("tp.ketua", "tp.wakil", "tp.sekretaris", "tp.teknis", "tp.anggota",
                                       "kemensos.anggota")]
    services.meeting_open(actor=sek, meeting=meeting, attendee_ids=attendees)
    made = []
    for index, kind, serving, reason in decisions:
        case = complaints[index].case
        item = meeting.agenda.get(case=case)
        uptd = case.receiving_agency.code == "uptd-ppa-dki"
        presenter = users["uptd.pendamping"] if uptd else users["polres.penyidik"]
        services.presentation_save(
            actor=presenter, item=item,
            chronology=f"Korban ({case.initials}) melapor kekerasan berulang; pelaku dalam relasi kuasa.",
            current_condition="Korban tinggal sementara di rumah aman, kondisi fisik stabil, cemas berat.",
            obstacles="Visum belum terjadwal; korban butuh pendamping hukum untuk laporan polisi.")
        services.assessment_save(actor=ketua, item=item,
                                 ratings={"violence": 3, "urgency": 3, "psychosocial": 4, "coordination": 2},
                                 notes={"violence": "Fisik dan psikis",
                                        "urgency": "Pelaku masih mencari korban",
                                        "psychosocial": "Perlu konseling segera",
                                        "coordination": "Jadwal visum"})
        made.append(services.decision_record(
            actor=ketua, meeting=meeting, case=case, kind=kind, reason=reason,
            serving_agencies=[agencies[c] for c in serving],
            coordinator_agency=agencies[serving[0]] if serving else None))
    for decision_index, text, agency, due_days in actions:
        services.action_item_add(actor=sek, decision=made[decision_index], description=text,
                                 responsible_agency=agencies[agency],
                                 due_date=timezone.localdate() + timedelta(days=due_days))
    services.minutes_update_notes(actor=sek, meeting=meeting,
                                  notes="Rapat berjalan lancar. Seluruh lembaga menyepakati pembagian peran.")
    # Closing asks, for each item still undecided, defer or decide (R4): the demo defers them, and
    # they come back on the next meeting's agenda with a note of where they came from.
    from meetings.selectors import undecided_items

    reason = "Waktu rapat habis; dibahas pada rapat berikutnya."
    services.meeting_close(actor=sek, meeting=meeting,
                           deferrals={item.pk: reason for item in undecided_items(meeting=meeting)})
    return meeting


def _sign(meeting: Meeting, signer: User) -> None:
    """The presiding officer signs with the demo password and a code from the demo TOTP secret
    (``demo.people``), exactly as on the signing page."""
    device = TOTPDevice.objects.filter(user=signer, confirmed=True).first()
    # One step back, so a code the demo user types right after seeding is still fresh.
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0 + device.step, digits=6):06d}"
    # Re-authentication counts failures per username and IP (django-axes): the seeding machine.
    request = HttpRequest()
    request.method = "POST"
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    minutes_sign(actor=signer, meeting=meeting, password=DEMO_PASSWORD, otp_token=token,
                 shown_hash=minutes_content_hash(meeting), request=request)


def meetings_seed(agencies: dict[str, Agency], users: dict[str, User]) -> None:
    """The meetings, once (nothing when there is a meeting already)."""
    if Meeting.objects.exists():
        return
    sek = users["tp.sekretaris"]
    services.schedule_update(actor=sek, weekday=1, time=time(10, 0), place=PLACE,
                             online_link="https://zoom.example/terpadu-rapat-mingguan")
    complaints = [_register(agencies, users, *row) for row in PAST_COMPLAINTS]
    # The cases presented at a meeting were answered within hours (their paper file entered late,
    # so the 24-hour breach recorded at registration stays). The one only noted (index 2) and the
    # one outside the criteria (index 5) were never answered: a decision does not stop the clock,
    # so they stay in their agency's work queue, overdue (R1).
    for index in PRESENTED:
        _respond(users, complaints[index], PAST_COMPLAINTS[index][1])
    # Verified before their meeting: a selection rests on the triage's criteria (R23). The
    # perpetrator was registered in a power relation (condition f); all need several services.
    for index in (0, 1, 3):
        triage_record(actor=users[PAST_COMPLAINTS[index][1]], complaint=complaints[index],
                      emergency_conditions=[], complexity_conditions=["power_relation"],
                      needs_multiple_services=True, cross_region=index == 3,
                      notes="Verifikasi demo: butuh layanan medis, hukum dan psikologis.")

    # Three weeks ago: two selections (target met), one noted; minutes ready to sign.
    first = _hold(users, agencies, complaints, proposed=[0, 1], noted=[2], outside=[], decisions=[
        (0, "select", ["uptd-ppa-dki", "rsud-tarakan", "lbh-apik"], "Memenuhi kriteria 1, 2 dan 3."),
        (1, "select", ["polres-jaksel", "rsud-tarakan", "lpsk"], "Perlu perlindungan LPSK."),
    ], actions=[
        (0, "Visum et repertum dan layanan medis di RSUD Tarakan", "rsud-tarakan", 5),
        (0, "Pendampingan hukum untuk laporan polisi", "lbh-apik", 7),
        (1, "Asesmen kebutuhan perlindungan oleh LPSK", "lpsk", 10),
    ])
    _backdate(first, 3, sek)
    ai_done, _ai_overdue, _ai_lpsk = ActionItem.objects.filter(meeting=first).order_by("id")
    services.follow_up_add(actor=users["rsud.nakes"], action_item=ai_done, status="done",
                           evidence="Visum selesai; hasil diserahkan kepada penyidik (demo).",
                           happened_at=timezone.now() - timedelta(days=18))
    services.minutes_mark_ready(actor=sek, meeting=first)
    _sign(first, users["tp.ketua"])

    # Last week: one selection, one deferred (target not met), one outside criteria; minutes draft.
    second = _hold(users, agencies, complaints, proposed=[3, 4], noted=[], outside=[5], decisions=[
        (3, "select", ["uptd-ppa-dki", "dinsos-dki"], "Kasus lintas wilayah; butuh rehabilitasi sosial."),
        (4, "defer", [], "Menunggu hasil visum sebelum asesmen bersama."),
    ], actions=[
        (0, "Penempatan di rumah aman Dinas Sosial", "dinsos-dki", 14),
        (0, "Konseling psikologis mingguan", "uptd-ppa-dki", 30),
    ])
    _backdate(second, 1, sek)
    services.follow_up_add(actor=users["dinsos.peksos"], action_item=ActionItem.objects.filter(
        meeting=second, responsible_agency=agencies["dinsos-dki"]).get(), status="open",
        evidence="Koordinasi dengan pengelola rumah aman (demo).")
    # Last week's minutes wait for the presiding officer's signature (the demo's signing walk).
    services.minutes_mark_ready(actor=sek, meeting=second)
    # The sweep marks the overdue item (due two weeks ago, never done) and reminds where due soon.
    services.action_item_sweep()
    # The coming meeting with its agenda (the deferred case comes back); the recent complaints
    # registered by demo.complaints wait on its screening list.
    services.meeting_ensure_next_regular()
