"""SOP: every complaint received since the last meeting gets exactly one screening outcome,
decided in bulk at the meeting; proposed cases join the agenda."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.errors import ApplicationError
from meetings import services
from meetings.models import AgendaKind, Screening
from tests.meetings.helpers import make_meeting, register

pytestmark = pytest.mark.django_db


def test_bulk_screening_records_one_outcome_each_and_proposes_to_the_agenda(team, uptd, polres):
    given = [register(uptd, name=f"Korban Satu{i}", nik=f"31740541019000{i:02d}") for i in range(3)]
    given.append(register(polres, name="Korban Polres", nik="3174054101900777"))
    meeting = make_meeting(team)

    rows = services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={
        str(given[0].public_id): "noted", str(given[1].public_id): "outside_criteria",
        str(given[2].public_id): "proposed", str(given[3].public_id): "proposed"})

    assert len(rows) == 4
    assert set(meeting.agenda.values_list("case_id", flat=True)) == {given[2].case_id, given[3].case_id}
    assert set(meeting.agenda.values_list("kind", flat=True)) == {AgendaKind.PROPOSED}


def test_an_outcome_set_twice_is_refused_and_nothing_of_the_batch_is_saved(team, uptd):
    first, second = register(uptd, name="Ani Satu", nik=""), register(uptd, name="Budi Dua", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting,
                              outcomes={str(first.public_id): "noted"})

    with pytest.raises(ApplicationError) as exc:
        services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={
            str(second.public_id): "proposed", str(first.public_id): "outside_criteria"})

    assert exc.value.message == services.SCREENING_ALREADY
    assert Screening.objects.get(complaint=first).outcome == "noted"
    assert not Screening.objects.filter(complaint=second).exists()
    assert not meeting.agenda.exists()


def test_the_database_refuses_a_second_outcome_whatever_the_code_does(team, uptd):
    complaint = register(uptd)
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting,
                              outcomes={str(complaint.public_id): "noted"})

    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(meeting=meeting, complaint=complaint, case=complaint.case,
                                 outcome="proposed", decided_by=team.sekretaris)
    with pytest.raises(ValueError):
        row = Screening.objects.get(complaint=complaint)
        row.outcome = "proposed"
        row.save()


def test_a_plain_member_cannot_screen(team, uptd):
    complaint = register(uptd)
    meeting = make_meeting(team)
    with pytest.raises(ApplicationError) as exc:
        services.screening_record(actor=team.anggota, meeting=meeting,
                                  outcomes={str(complaint.public_id): "noted"})
    assert exc.value.message == services.NOT_EDITOR


def test_the_screening_page_shows_number_and_initials_never_the_name(client, team, uptd):
    complaint = register(uptd, name="Wulan Sekar Arum")
    meeting = make_meeting(team)
    client.force_login(team.anggota)
    body = client.get(reverse("meetings:screening", args=[meeting.pk])).content.decode()
    assert complaint.case.number in body and "WSA" in body
    assert "Wulan" not in body and "3174054101900099" not in body


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_screening_list_and_meeting_list_take_a_constant_number_of_queries(client, team, uptd, polres):
    meeting = make_meeting(team)
    client.force_login(team.anggota)
    register(uptd, name="Ani Satu", nik="")
    register(polres, name="Budi Dua", nik="")
    screening_url = reverse("meetings:screening", args=[meeting.pk])
    list_url = reverse("meetings:list")
    few_screening, few_list = _count(client, screening_url), _count(client, list_url)
    for i in range(8):
        register(uptd if i % 2 else polres, name=f"Korban Lain{i}", nik="")
        make_meeting(team, days=2 + i)
    assert _count(client, screening_url) == few_screening
    assert _count(client, list_url) == few_list
