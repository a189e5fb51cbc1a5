"""Through a real browser (R4): closing a meeting with undecided agenda items asks, for each, decide or
defer; left without a choice it stays open; deferred, the items go to the next weekly meeting,
created from the schedule, with a note of where they came from."""

from __future__ import annotations

from datetime import time

import pytest

from meetings import services
from meetings.models import Meeting, MeetingKind, MeetingStatus
from tests.meetings.helpers import make_meeting, make_team, propose_and_open, register, select

pytestmark = pytest.mark.django_db(transaction=True)


def test_closing_asks_defer_or_decide_and_carries_the_deferred_items(page, live_server, sign_in, uptd,
                                                                     screenshot):
    team = make_team(uptd)
    services.schedule_update(actor=team.sekretaris, weekday=1, time=time(10, 0), place="Ruang Rapat")
    decided, waiting = register(uptd, name="Ani Satu", nik=""), register(uptd, name="Budi Dua", nik="")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [decided, waiting])
    select(team, meeting, decided.case, uptd)
    item = meeting.agenda.get(case=waiting.case)
    page.on("dialog", lambda dialog: dialog.accept())  # "Tutup rapat?"

    sign_in(page, team.sekretaris)
    page.goto(f"{live_server.url}/rapat/{meeting.pk}/")
    rows = page.locator("#undecided tbody tr")
    assert rows.count() == 1 and waiting.case.number in rows.first.inner_text()
    screenshot(page, "meeting-closing-undecided")

    # Without a choice the meeting stays open and says why.
    page.click("#close-meeting")
    page.wait_for_load_state()
    assert page.get_by_text(str(services.CLOSE_UNDECIDED)).is_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN

    # Deferred with a reason, it closes and the item goes to the next weekly meeting.
    page.check(f"#defer_{item.pk}")
    page.fill(f"input[name=reason_{item.pk}]", "Menunggu hasil visum")
    page.click("#close-meeting")
    page.wait_for_load_state()
    assert page.get_by_text("1 agenda yang ditunda dibawa ke rapat").is_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED
    nxt = Meeting.objects.get(kind=MeetingKind.REGULAR)
    page.goto(f"{live_server.url}/rapat/{nxt.pk}/agenda/")
    carried = page.locator(f"#agenda tr[data-case='{waiting.case.number}'] .carried")
    assert "Menunggu hasil visum" in carried.inner_text()
    screenshot(page, "meeting-carried-agenda")
