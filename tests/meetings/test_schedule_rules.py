"""Issue 13 points 3, 4 and 6 — the weekly meeting held when scheduled (R2), nothing lost at closing
(R4), and only signed decisions count (R3, R7). Dates are set with time-machine, in 2027 (within the
pilot, after the test signing CA was made)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import CaseEvent, CaseStatus
from common.errors import ApplicationError
from common.models import Notification
from common.timefmt import date_label
from meetings import selectors, services
from meetings.events import AGENDA_WITHDRAWN, DECISION_OVERTAKEN
from meetings.models import (
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    CarryReason,
    Decision,
    DecisionKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from meetings.signing import addendum_create, minutes_content_hash, minutes_sign
from tests.meetings.helpers import register, select

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
PASSWORD = "sandi-uji-12345"


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    """Tests here sign minutes: a temporary CA and storage."""
    return signing_ca


def at(y, m, d, hh=9, mm=0):
    return time_machine.travel(datetime(y, m, d, hh, mm, tzinfo=TZ), tick=False)


def sign(meeting, user):
    device = TOTPDevice.objects.get_or_create(user=user, name="uji", defaults={"confirmed": True})[0]
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"
    return minutes_sign(actor=user, meeting=meeting, password=PASSWORD, otp_token=token,
                        shown_hash=minutes_content_hash(meeting),
                        request=RequestFactory().post("/", REMOTE_ADDR="127.0.0.1"))


def weekly_tuesday(team):
    services.schedule_update(actor=team.sekretaris, weekday=1, time=time(10, 0), place="Ruang Rapat")


def adhoc(team, minutes=5):
    return services.meeting_create(actor=team.sekretaris, place="Ruang Rapat",
                                   starts_at=timezone.now() + timedelta(minutes=minutes))


def open_(team, meeting, ids=None):
    return services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=ids or team.ids)


def propose(team, meeting, complaints):
    services.screening_record(actor=team.sekretaris, meeting=meeting,
                              outcomes={str(c.public_id): "proposed" for c in complaints})


def close_and_ready(team, meeting, deferrals=None):
    services.meeting_close(actor=team.sekretaris, meeting=meeting, deferrals=deferrals)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)


# --- R2: held when scheduled ---------------------------------------------------------------------

def test_a_regular_meeting_cannot_be_opened_before_its_day_unless_rescheduled(team, client):
    with at(2027, 2, 1):  # a Monday; the weekly meeting is on Tuesday 10:00
        weekly_tuesday(team)
        meeting = services.meeting_ensure_next_regular()
        with pytest.raises(ApplicationError) as exc:
            open_(team, meeting)
        assert exc.value.message == services.OPEN_TOO_EARLY
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.SCHEDULED and not meeting.attendance.exists()
        # The page says so and offers no "open" button, only rescheduling.
        client.force_login(team.sekretaris)
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert 'id="open-too-early"' in page and 'id="open-form"' not in page
        response = client.post(reverse("meetings:open", args=[meeting.pk]), {"attendees": team.ids},
                               follow=True)
        assert str(services.OPEN_TOO_EARLY) in response.content.decode()

        # Rescheduled with a reason to this afternoon, it moves its date and may be opened today.
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, reason="Ketua dinas luar besok",
                                    starts_at=datetime(2027, 2, 1, 15, 0, tzinfo=TZ))
    with at(2027, 2, 1, 15, 5):
        meeting = open_(team, meeting)
    assert meeting.status == MeetingStatus.OPEN and meeting.held_on_schedule is False


def test_a_meeting_opened_late_is_not_on_schedule_and_the_minutes_print_when_it_really_ran(team, client):
    with at(2027, 2, 8):  # Monday
        weekly_tuesday(team)
        meeting = services.meeting_ensure_next_regular()  # Tuesday 9 February 10:00
    with at(2027, 2, 10, 10, 7):  # Wednesday: the day has passed — opened late
        client.force_login(team.sekretaris)
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert 'id="open-late"' in page
        meeting = open_(team, meeting)
        assert meeting.held_on_schedule is False
    with at(2027, 2, 10, 11, 42):
        services.meeting_close(actor=team.sekretaris, meeting=meeting)
        client.logout()  # idle for more than 30 minutes: signed in again
        client.force_login(team.sekretaris)
        page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "10 Feb 2027 10.07 WIB" in page  # opened (one date-time format everywhere)
    assert "10 Feb 2027 11.42 WIB" in page  # closed
    assert "Rabu, 10 Februari 2027" in page  # the day it was held, not the planned Tuesday
    assert "tidak sesuai jadwal" in page


def test_a_meeting_never_opened_or_cancelled_is_flagged_the_next_day_and_counts_as_not_held(team):
    with at(2027, 2, 15):  # Monday
        weekly_tuesday(team)
        missed = services.meeting_ensure_next_regular()  # Tuesday 16 February
        cancelled = adhoc(team, minutes=60 * 24 * 2)  # Wednesday 17 February
        services.meeting_cancel(actor=team.sekretaris, meeting=cancelled, reason="Libur nasional")
    with at(2027, 2, 16, 23, 30):  # still its day
        assert services.meeting_deadline_sweep()["missed"] == 0
    with at(2027, 2, 17, 0, 30):  # the next day
        assert services.meeting_deadline_sweep()["missed"] == 1
        assert services.meeting_deadline_sweep()["missed"] == 0
    missed.refresh_from_db()
    assert missed.held_on_schedule is False and missed.status == MeetingStatus.SCHEDULED
    flagged = Notification.objects.filter(kind="meeting_missed")
    assert set(flagged.values_list("user", flat=True)) == {team.sekretaris.pk, team.ketua.pk}
    with at(2027, 2, 18, 1, 0):
        assert services.meeting_deadline_sweep()["missed"] == 1  # the cancelled one, the day after
        assert selectors.kpi_summary()["not_held"] == 1  # the regular one (the other was ad hoc)
    assert flagged.count() == 4


# --- R4: nothing lost at closing -----------------------------------------------------------------

@pytest.fixture
def discussed(team, uptd, polres):
    """An open ad-hoc meeting: two proposed cases and one the secretary added; one case selected."""
    with at(2027, 3, 1, 9):
        complaints = [register(uptd, name="Ani Satu", nik=""), register(polres, name="Budi Dua", nik="")]
        extra = register(uptd, name="Citra Tiga", nik="")
        meeting = adhoc(team)
        propose(team, meeting, complaints)
        services.agenda_add(actor=team.sekretaris, meeting=meeting, case=extra.case)
        late = register(uptd, name="Dewi Empat", nik="")  # received, not screened at this meeting
    with at(2027, 3, 1, 9, 10):
        open_(team, meeting)
        select(team, meeting, complaints[0].case, uptd)
    return meeting, complaints[1].case, extra.case, late


def test_closing_with_undecided_items_without_choosing_is_refused(discussed, team, client):
    meeting, undecided, added, _ = discussed
    with at(2027, 3, 1, 11):
        with pytest.raises(ApplicationError) as exc:
            services.meeting_close(actor=team.sekretaris, meeting=meeting)
        assert exc.value.message == services.CLOSE_UNDECIDED
        item = meeting.agenda.get(case=undecided)
        with pytest.raises(ApplicationError):  # choosing for one item is not enough
            services.meeting_close(actor=team.sekretaris, meeting=meeting, deferrals={item.pk: ""})
        # The page lists each undecided item with "decide" and "defer".
        client.force_login(team.sekretaris)
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert f'name="defer_{item.pk}"' in page and undecided.number in page and added.number in page
        response = client.post(reverse("meetings:close", args=[meeting.pk]), follow=True)
        assert str(services.CLOSE_UNDECIDED) in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    assert not meeting.agenda.filter(status=AgendaStatus.DEFERRED).exists()


def test_deferred_items_carry_to_a_newly_created_next_meeting(discussed, team, client):
    meeting, undecided, added, late = discussed
    with at(2027, 3, 1, 11):
        weekly_tuesday(team)
        assert not Meeting.objects.filter(kind=MeetingKind.REGULAR).exists()
        items = {i.case_id: i for i in selectors.undecided_items(meeting=meeting)}
        client.force_login(team.sekretaris)
        first, second = items[undecided.pk].pk, items[added.pk].pk
        response = client.post(reverse("meetings:close", args=[meeting.pk]), {
            f"defer_{first}": "1", f"reason_{first}": "Menunggu hasil visum", f"defer_{second}": "1"},
            follow=True)
        assert "2 agenda yang ditunda dibawa ke rapat" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    # The next weekly meeting was created from the schedule, with both items and where they came from.
    nxt = Meeting.objects.get(kind=MeetingKind.REGULAR)
    assert timezone.localtime(nxt.starts_at) == datetime(2027, 3, 2, 10, 0, tzinfo=TZ)
    carried = {i.case_id: i for i in nxt.agenda.filter(carried_from__meeting=meeting,
                                                          carry_reason=CarryReason.DEFERRED)}
    assert set(carried) == {undecided.pk, added.pk}
    assert carried[added.pk].kind == AgendaKind.OTHER  # the secretary's item too
    assert carried[added.pk].carry_reason == CarryReason.DEFERRED
    assert carried[undecided.pk].carried_from.defer_reason == "Menunggu hasil visum"
    with at(2027, 3, 1, 11, 5):
        page = client.get(reverse("meetings:agenda", args=[nxt.pk])).content.decode()
        # The minutes state what was screened and what carried over.
        minutes = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
        assert late in selectors.screening_candidates(meeting=nxt)  # it waits on the next screening list
    assert "Dibawa dari rapat 01 Mar 2027" in page and "Menunggu hasil visum" in page
    assert "Pengaduan disaring dalam rapat ini: 2." in minutes
    # The complaint received but not screened, and the one the secretary added without screening.
    assert "Pengaduan belum disaring saat rapat ditutup, dibawa ke rapat berikutnya: 2." in minutes
    assert "Agenda ditunda dan dibawa ke rapat berikutnya: 2." in minutes


def test_with_no_schedule_the_secretary_is_told_and_the_items_wait_for_the_next_meeting(discussed, team,
                                                                                         client):
    meeting, undecided, added, _ = discussed
    with at(2027, 3, 1, 11):
        client.force_login(team.sekretaris)
        deferrals = {f"defer_{i.pk}": "1" for i in selectors.undecided_items(meeting=meeting)}
        response = client.post(reverse("meetings:close", args=[meeting.pk]), deferrals, follow=True)
        assert str(services.NO_NEXT_MEETING) in response.content.decode()
        assert Meeting.objects.count() == 1
        told = Notification.objects.get(kind="schedule_missing")
        assert (told.user, told.url) == (team.sekretaris, reverse("meetings:schedule"))
        nxt = adhoc(team, minutes=60 * 24)  # the secretary schedules one: the items come with its agenda
    assert set(nxt.agenda.filter(carried_from__meeting=meeting, carry_reason=CarryReason.DEFERRED)
               .values_list("case", flat=True)) == {undecided.pk, added.pk}


# --- R3, R7: only signed decisions count --------------------------------------------------------

def test_the_weekly_count_takes_only_signed_selections_by_iso_week(team, uptd, client):
    with at(2027, 1, 11, 9):  # Monday of the week counted
        weekly_tuesday(team)
        c1, c2, c3, c4 = (register(uptd, name=n, nik="") for n in ("Ani Satu", "Budi Dua", "Citra Tiga",
                                                                   "Dewi Empat"))
        regular = services.meeting_ensure_next_regular()
    with at(2027, 1, 12, 10, 5):  # Tuesday: the weekly meeting selects two; signed
        propose(team, regular, [c1, c2])
        open_(team, regular)
        select(team, regular, c1.case, uptd)
        select(team, regular, c2.case, uptd)
        close_and_ready(team, regular)
    with at(2027, 1, 12, 14):
        original = sign(regular, team.ketua)
    with at(2027, 1, 14, 10):  # Thursday: an ad-hoc meeting selects one; its minutes are never signed
        unsigned = adhoc(team)
        propose(team, unsigned, [c3])
    with at(2027, 1, 14, 10, 10):
        open_(team, unsigned)
        select(team, unsigned, c3.case, uptd)
        close_and_ready(team, unsigned)
    with at(2027, 1, 15, 10):  # Friday: an addendum withdraws one of Tuesday's selections; signed
        addendum = addendum_create(actor=team.sekretaris, minutes=original)
        open_(team, addendum)
        services.decision_record(actor=team.sekretaris, meeting=addendum, case=c2.case,
                                 kind=DecisionKind.NOT_SELECT, reason="Ternyata sudah ditangani daerah asal")
        close_and_ready(team, addendum)
    with at(2027, 1, 15, 11):
        sign(addendum, team.ketua)
    with at(2027, 1, 16, 9):  # Saturday: another ad-hoc meeting selects one; signed
        saturday = adhoc(team)
        propose(team, saturday, [c4])
        # The unsigned selection of Thursday went back to the next weekly meeting's agenda.
        back = AgendaItem.objects.get(case=c3.case, carried_from__isnull=False)
        assert (back.meeting.kind, back.carry_reason) == (MeetingKind.REGULAR, CarryReason.UNSIGNED)
    with at(2027, 1, 16, 9, 10):
        open_(team, saturday)
        select(team, saturday, c4.case, uptd)
        close_and_ready(team, saturday)
    with at(2027, 1, 16, 12):
        sign(saturday, team.ketua)

    with at(2027, 1, 18, 9):  # the Monday after
        report = selectors.weekly_selections()
        week = report.week_of(date(2027, 1, 13))
        assert (week.monday, week.count, week.met, week.missed) == (date(2027, 1, 11), 2, True, False)
        # c1 (Tuesday) and c4 (ad hoc, Saturday): c2 was withdrawn by the addendum, c3 is unsigned.
        assert {d.case for d in selectors.selections_counted()} == {c1.case, c4.case}
        assert report.total == 2
        assert date(2027, 1, 4) in [w.monday for w in report.missed]
        assert date(2027, 1, 11) not in [w.monday for w in report.missed]
        assert report.weeks[0].monday == date(2026, 6, 1)  # the ISO week of 4 June 2026
        assert report.target_total == 2 * 53
        assert report.target_to_date == 2 * len([w for w in report.weeks if w.ended])
        client.force_login(team.anggota)
        page = client.get(reverse("meetings:list")).content.decode()
    assert 'id="pilot-target"' in page and "11 Jan 2027" not in page.split('id="missed-weeks"')[1]
    assert "04 Jan 2027" in page.split('id="missed-weeks"')[1]


def test_a_decision_in_unsigned_minutes_returns_and_the_newer_decision_supersedes_it(team, uptd):
    with at(2027, 1, 18, 10):
        complaint = register(uptd, name="Ani Satu", nik="")
        first = adhoc(team)
        propose(team, first, [complaint])
    with at(2027, 1, 18, 10, 10):
        open_(team, first)
        older = select(team, first, complaint.case, uptd)
        close_and_ready(team, first)  # …and never signed in time
    with at(2027, 1, 19, 10):
        second = adhoc(team)
        back = second.agenda.get(case=complaint.case)
        assert (back.carried_from, back.carry_reason) == (older.agenda_item, CarryReason.UNSIGNED)
    with at(2027, 1, 19, 10, 10):
        open_(team, second)
        newer = services.decision_record(actor=team.sekretaris, meeting=second, case=complaint.case,
                                         kind=DecisionKind.NOT_SELECT, reason="Ditangani lembaga penerima")
        assert newer.supersedes == older
        close_and_ready(team, second)
    with at(2027, 1, 19, 12):
        sign(second, team.ketua)
    with at(2027, 1, 20, 12):
        sign(first, team.ketua)  # signed last, but older: the newer decision stands
    older.refresh_from_db()
    complaint.case.refresh_from_db()
    assert older.applied_at is None
    assert complaint.case.status == CaseStatus.HANDLED_BY_AGENCY
    assert CaseEvent.objects.filter(case=complaint.case, event_type=DECISION_OVERTAKEN.code).exists()
    assert not selectors.selections_counted().filter(case=complaint.case).exists()


def test_a_case_back_for_unsigned_minutes_leaves_the_coming_agenda_once_they_are_signed(team, uptd):
    with at(2027, 1, 25, 10):
        complaint = register(uptd, name="Ani Satu", nik="")
        first = adhoc(team)
        propose(team, first, [complaint])
    with at(2027, 1, 25, 10, 10):
        open_(team, first)
        select(team, first, complaint.case, uptd)
        close_and_ready(team, first)
        coming = adhoc(team, minutes=60 * 24 * 2)
        assert coming.agenda.filter(case=complaint.case).exists()
    with at(2027, 1, 25, 14):
        sign(first, team.ketua)
    assert not coming.agenda.filter(case=complaint.case).exists()
    assert CaseEvent.objects.filter(case=complaint.case, event_type=AGENDA_WITHDRAWN.code).exists()
    assert Decision.objects.get(case=complaint.case).applied_at is not None


def test_minutes_unsigned_for_two_days_remind_the_signer_once_then_the_chair(team, uptd):
    with at(2027, 2, 1, 10):
        complaint = register(uptd, name="Ani Satu", nik="")
        meeting = adhoc(team)
        propose(team, meeting, [complaint])
    with at(2027, 2, 1, 10, 10):
        # The ketua is away: the wakil presides and signs.
        open_(team, meeting, ids=[team.sekretaris.pk, team.wakil.pk, team.anggota.pk])
        select(team, meeting, complaint.case, uptd)
        close_and_ready(team, meeting)
    reminders = Notification.objects.filter(kind="minutes_unsigned")
    with at(2027, 2, 3, 9):
        assert services.meeting_deadline_sweep()["signer"] == 0
    with at(2027, 2, 3, 11):
        assert services.meeting_deadline_sweep()["signer"] == 1
        assert services.meeting_deadline_sweep()["signer"] == 0
    assert list(reminders.values_list("user", flat=True)) == [team.wakil.pk]
    with at(2027, 2, 5, 11):
        assert services.meeting_deadline_sweep() == {"missed": 0, "signer": 0, "chair": 1}
        assert services.meeting_deadline_sweep()["chair"] == 0
    assert set(reminders.values_list("user", flat=True)) == {team.wakil.pk, team.ketua.pk}
    assert reminders.count() == 2
    # Once signed, the inbox shows the reminders as done.
    from common.notifications import notifications_resolve_done

    with at(2027, 2, 5, 12):
        sign(meeting, team.wakil)
    assert all(n.is_done for n in notifications_resolve_done(reminders))


def test_the_beat_runs_the_deadline_sweep(settings, team):
    from meetings.tasks import meeting_deadline_sweep

    entry = settings.CELERY_BEAT_SCHEDULE["meetings-deadline-sweep"]
    assert entry["task"] == meeting_deadline_sweep.name == "meetings.tasks.meeting_deadline_sweep"
    with at(2027, 2, 22):
        weekly_tuesday(team)
        services.meeting_ensure_next_regular()
    with at(2027, 2, 24, 8):
        assert meeting_deadline_sweep.apply().get() == {"missed": 1, "signer": 0, "chair": 0}
        assert meeting_deadline_sweep.apply().get()["missed"] == 0  # a second run changes nothing


def test_the_demo_meetings_follow_the_schedule_and_were_opened_on_their_day():
    from demo.seed import seed

    seed()
    schedule = selectors.schedule_active()
    held = Meeting.objects.filter(opened_at__isnull=False)
    assert held.count() == 2
    for m in held:
        planned = timezone.localtime(m.scheduled_for)
        assert (planned.weekday(), planned.time()) == (schedule.weekday, schedule.time)
        assert timezone.localdate(m.opened_at) == planned.date() and m.held_on_schedule
        assert m.closed_at > m.opened_at
        # The minutes print when it really ran: a meeting of a morning, not one closed in the minute
        # it opened.
        assert m.closed_at - m.opened_at >= timedelta(hours=1)
    assert services.meeting_deadline_sweep()["missed"] == 0
    # What closing told the Ketua names a day a meeting was held, not the day the demo was seeded.
    held_days = {date_label(m.starts_at, lang="id") for m in held}
    flags = Notification.objects.filter(kind="emergency_unformalised")
    assert flags.exists()
    for flag in flags:
        assert any(day in flag.title for day in held_days), flag.title


def test_an_ad_hoc_meeting_created_before_the_next_one_takes_the_deferred_items(discussed, team, client):
    """Closing carries deferred items to the next meeting scheduled; an ad-hoc meeting the secretary
    then schedules before it is the nearest meeting, so the items come to its agenda (with where they
    came from) and leave the later one — none is lost, none is listed twice."""
    meeting, undecided, added, _ = discussed
    with at(2027, 3, 1, 11):
        weekly_tuesday(team)
        deferrals = {i.pk: "Menunggu hasil visum" for i in selectors.undecided_items(meeting=meeting)}
        services.meeting_close(actor=team.sekretaris, meeting=meeting, deferrals=deferrals)
        tuesday = Meeting.objects.get(kind=MeetingKind.REGULAR)
        assert set(tuesday.agenda.filter(carried_from__meeting=meeting, carry_reason=CarryReason.DEFERRED)
                   .values_list("case", flat=True)) == {undecided.pk, added.pk}
    with at(2027, 3, 1, 13):
        earlier = adhoc(team, minutes=60)  # today 14.00, before Tuesday's meeting
    carried = {i.case_id: i for i in earlier.agenda.filter(carried_from__meeting=meeting,
                                                            carry_reason=CarryReason.DEFERRED)}
    assert set(carried) == {undecided.pk, added.pk}
    assert carried[added.pk].kind == AgendaKind.OTHER
    assert not tuesday.agenda.filter(case__in=[undecided, added]).exists()
    with at(2027, 3, 1, 13, 5):
        client.force_login(team.sekretaris)
        page = client.get(reverse("meetings:agenda", args=[earlier.pk])).content.decode()
    assert "Dibawa dari rapat 01 Mar 2027" in page and "Menunggu hasil visum" in page


def test_a_rescheduled_meeting_is_titled_by_its_new_date_so_the_minutes_carry_no_false_date(team, client):
    with at(2027, 2, 1):  # Monday; the weekly meeting is on Tuesday 2 February
        weekly_tuesday(team)
        meeting = services.meeting_ensure_next_regular()
        assert meeting.title == "Rapat penelaahan mingguan 02 Feb 2027"
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, reason="Ketua dinas luar besok",
                                    starts_at=datetime(2027, 2, 1, 15, 0, tzinfo=TZ))
    with at(2027, 2, 1, 15, 5):
        open_(team, meeting)
        client.force_login(team.sekretaris)
        listing = client.get(reverse("meetings:list")).content.decode()
        minutes = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Rapat penelaahan mingguan 01 Feb 2027"
    assert "Rapat penelaahan mingguan 01 Feb 2027" in listing
    assert "02 Feb 2027" not in minutes.split("Jadwal")[0]  # the heading names the day it was held
    assert "Senin, 01 Februari 2027" in minutes


def test_a_typed_title_stays_when_the_meeting_is_rescheduled(team):
    with at(2027, 2, 1):
        meeting = services.meeting_create(actor=team.sekretaris, place="Ruang Rapat",
                                          title="Rapat khusus TPPO",
                                          starts_at=timezone.now() + timedelta(days=2))
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, reason="Ruang dipakai",
                                    starts_at=timezone.now() + timedelta(days=3))
    meeting.refresh_from_db()
    assert meeting.title == "Rapat khusus TPPO"


def test_cancelling_a_regular_meeting_asks_once_and_says_it_counts_as_not_held(team, client):
    with at(2027, 2, 1):
        weekly_tuesday(team)
        meeting = services.meeting_ensure_next_regular()
        client.force_login(team.sekretaris)
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    form = page.split('id="cancel-form"')[1].split(">")[0]
    assert "tidak dapat diurungkan" in form and "dihitung tidak terlaksana" in form
    assert "dibawa ke rapat berikutnya" in form


def test_the_missed_weeks_list_says_it_shows_only_the_latest_twelve(team, client):
    with at(2027, 1, 18, 9):  # 33 weeks of the pilot ended (1 June 2026 to 17 January), none met
        client.force_login(team.anggota)
        page = client.get(reverse("meetings:list")).content.decode()
    missed = page.split('id="missed-weeks"')[1].split("</details>")[0]
    assert "Minggu yang tidak mencapai target: 33" in missed
    assert missed.count("<li>") == 12
    assert "Ditampilkan 12 minggu terakhir." in missed


def test_opening_with_nobody_ticked_says_to_tick_who_is_present(team, client):
    with at(2027, 3, 1, 9):
        meeting = adhoc(team)
        client.force_login(team.sekretaris)
        response = client.post(reverse("meetings:open", args=[meeting.pk]), {}, follow=True)
    page = response.content.decode()
    assert "Centang anggota Tim Percepatan yang hadir" in page
    assert "harus anggota aktif" not in page  # nobody was named who is not a member
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_closing_a_meeting_held_early_carries_its_deferred_items_to_the_following_week(team, uptd, client):
    """The weekly meeting of Tuesday 2 February is rescheduled to Monday and held then: what it
    defers goes to the meeting of Tuesday 9 February, created for it — not back to itself."""
    with at(2027, 2, 1, 9):
        weekly_tuesday(team)
        complaint = register(uptd, name="Ani Satu", nik="")
        meeting = services.meeting_ensure_next_regular()
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, reason="Ketua dinas luar besok",
                                    starts_at=datetime(2027, 2, 1, 15, 0, tzinfo=TZ))
    with at(2027, 2, 1, 15, 5):
        open_(team, meeting)
        propose(team, meeting, [complaint])
        item = meeting.agenda.get(case=complaint.case)
    with at(2027, 2, 1, 16):
        client.force_login(team.sekretaris)
        response = client.post(reverse("meetings:close", args=[meeting.pk]), {f"defer_{item.pk}": "1"},
                               follow=True)
    assert "1 agenda yang ditunda dibawa ke rapat 09 Feb 2027 10.00 WIB" in response.content.decode()
    nxt = Meeting.objects.get(kind=MeetingKind.REGULAR, status=MeetingStatus.SCHEDULED)
    assert timezone.localtime(nxt.starts_at) == datetime(2027, 2, 9, 10, 0, tzinfo=TZ)
    assert nxt.agenda.get(case=complaint.case).carried_from == item
