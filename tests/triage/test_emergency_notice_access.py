"""Issue 12 point 8: an agency is told of an emergency, but a notice links to the case only for
those who can open it. A provider not yet referred (Dinas Sosial) is told whom to contact; once
the head gives it access, what it is told opens the case."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import AccessLevel
from cases.policies import case_access_level
from cases.services import case_grant_access
from common.models import Notification
from triage import services

from .conftest import triage_answers

pytestmark = pytest.mark.django_db


def _opened(user, n):
    client = Client()
    client.force_login(user)
    resp = client.post(reverse("notifications:open"), {"id": n.pk})
    assert resp.status_code == 302
    return client.get(resp["Location"])


def test_an_emergency_notice_links_only_for_those_who_can_open_the_case(uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])  # needs medis and konseling
    case = complaint.case
    # The hospital already works the case (summary grant); Dinas Sosial has no access yet.
    case_grant_access(actor=people["head"], case=case, agency=providers["hospital"],
                      level=AccessLevel.SUMMARY)
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["no_safe_place"]))

    nurse_notice = Notification.objects.get(user=providers["nurse"], case=case, kind="emergency_provider")
    assert nurse_notice.url == reverse("triage:detail", args=[case.pk])
    assert _opened(providers["nurse"], nurse_notice).status_code == 200

    dinsos_notice = Notification.objects.get(user=providers["social_worker"], case=case,
                                             kind="emergency_provider")
    assert dinsos_notice.url == ""  # no link to a page that answers 404
    assert case.number in dinsos_notice.title
    assert "belum dapat membuka kasus ini" in dinsos_notice.title
    assert uptd.name in dinsos_notice.title  # whom to contact
    resp = _opened(providers["social_worker"], dinsos_notice)
    assert resp.status_code == 200 and resp.request["PATH_INFO"] == reverse("notifications:inbox")

    # Every notice with a link went to someone who can open the case.
    for n in Notification.objects.filter(case=case).exclude(url="").select_related("user"):
        assert case_access_level(n.user, case) >= AccessLevel.SUMMARY, n.user

def test_the_receiving_head_and_chair_get_the_linked_notice(uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["no_safe_place"]))
    head_notice = Notification.objects.get(user=people["head"], case=complaint.case, kind="emergency")
    assert head_notice.url == reverse("triage:detail", args=[complaint.case.pk])
