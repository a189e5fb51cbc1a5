"""Who works the case (docs/access.md "Who works the case"): the receiving agency's head, acting
head and admin officers name the officer of a case or a complaint, on the page and in the API; the
assigned officer gets `full`; a reassignment ends the previous one; only the agency's case-work
staff may be named; the complaint forms show only to those who may use them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Role
from cases.intake.services import complaint_register
from cases.models import AccessLevel, Attachment, CaseAssignment, CaseEvent, ComplaintOutcome, EventType
from cases.policies import case_access_level
from cases.services import case_grant_access
from tests.factories import UserFactory, member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REFUSAL = "harus staf penanganan kasus lembaga penerima"


@pytest.fixture
def world(uptd):
    admin = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=admin, receiving_agency=uptd, data=complaint_input())
    return {"admin": admin, "head": member(uptd, Role.HEAD), "complaint": complaint,
            "case": complaint.case}


def test_the_head_assigns_a_companion_who_then_sees_the_identity_and_a_reassignment_ends_it(
        world, uptd, client, login_verified):
    case, head = world["case"], world["head"]
    companion, second = member(uptd, Role.PENDAMPING), member(uptd, Role.KONSELOR)
    assert case_access_level(companion, case) == AccessLevel.SUMMARY
    login_verified(client, head)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert companion.display_name in page.content.decode()  # offered in the list

    answer = client.post(reverse("cases:assign", args=[case.pk]), {"assignee": companion.pk})

    assert answer.status_code == 302
    assert case_access_level(companion, case) == AccessLevel.FULL
    companion_client = type(client)()
    companion_client.force_login(companion)
    shown = companion_client.post(reverse("cases:reveal", args=[case.pk]))
    assert "Wulan Sekar Arum" in shown.content.decode()

    client.post(reverse("cases:assign", args=[case.pk]), {"assignee": second.pk})

    assert case_access_level(companion, case) == AccessLevel.SUMMARY
    assert case_access_level(second, case) == AccessLevel.FULL
    ended = CaseEvent.objects.get(case=case, event_type=EventType.CASE_ASSIGNMENT_ENDED)
    assert ended.payload == {"user_id": companion.pk, "role": "case_officer", "reason": "reassigned"}
    assert "Petugas yang menangani" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_admin_officer_assigns_a_complaint_through_the_api_and_the_previous_assignee_loses_full(
        world, uptd, client):
    complaint, admin = world["complaint"], world["admin"]
    first, second = member(uptd, Role.PENDAMPING), member(uptd, Role.KONSELOR)
    url = reverse("api:complaint-assignment", kwargs={"pk": complaint.case_id,
                                                        "complaint": complaint.public_id})
    client.force_login(admin)
    assert client.post(url, {"assignee": first.username}, content_type="application/json").status_code == 200
    answer = client.post(url, {"assignee": second.username}, content_type="application/json")

    assert answer.status_code == 200
    complaint.refresh_from_db()
    assert complaint.assignee == second
    assert case_access_level(second, complaint.case) == AccessLevel.FULL
    assert case_access_level(first, complaint.case) == AccessLevel.SUMMARY
    # A JSON number is not a username: a typed 400, nothing changed.
    wrong = client.post(url, {"assignee": 5}, content_type="application/json")
    assert wrong.status_code == 400 and "assignee" in wrong.json()


@pytest.mark.parametrize("who", ["other_agency", "system_admin", "tp_member", "ministry_viewer"])
def test_only_the_agencys_case_work_staff_can_be_assigned_and_a_refusal_saves_nothing(
        who, world, uptd, polres, client, login_verified):
    case, complaint, head = world["case"], world["complaint"], world["head"]
    candidate = {
        "other_agency": lambda: member(polres, Role.INVESTIGATOR),
        "system_admin": lambda: member(uptd, Role.SYSTEM_ADMIN),
        "tp_member": lambda: member(uptd, Role.TP_ANGGOTA),
        "ministry_viewer": lambda: member(uptd, Role.MINISTRY_VIEWER),
    }[who]()
    before = (CaseAssignment.objects.count(), CaseEvent.objects.count())
    login_verified(client, head)

    page = client.post(reverse("cases:assign", args=[case.pk]), {"assignee": candidate.pk})
    assert page.status_code == 400
    assert REFUSAL in page.content.decode()
    complaint_page = client.post(reverse("cases:complaint-assign", args=[case.pk, complaint.public_id]),
                                 {"assignee": candidate.pk})
    assert complaint_page.status_code == 400
    assert REFUSAL in complaint_page.content.decode()
    for url in (reverse("api:case-assignment", args=[case.pk]),
                reverse("api:complaint-assignment", args=[case.pk, complaint.public_id])):
        api = client.post(url, {"assignee": candidate.username}, content_type="application/json")
        assert api.status_code == 400
        assert REFUSAL in api.json()["assignee"][0]

    assert (CaseAssignment.objects.count(), CaseEvent.objects.count()) == before
    complaint.refresh_from_db()
    assert complaint.assignee_id != candidate.pk
    assert case_access_level(candidate, case) != AccessLevel.FULL


def test_the_assignee_list_offers_only_the_agencys_case_work_staff(world, uptd, polres, client,
                                                                  login_verified):
    staff = [member(uptd, Role.PENDAMPING, user=UserFactory(full_name="Pendamping Sari")),
             member(uptd, Role.INVESTIGATOR, user=UserFactory(full_name="Penyidik Dedi"))]
    outsiders = [member(polres, Role.INVESTIGATOR, user=UserFactory(full_name="Penyidik Lain")),
                 member(uptd, Role.SYSTEM_ADMIN, user=UserFactory(full_name="Admin Sistem")),
                 member(uptd, Role.TP_KETUA, user=UserFactory(full_name="Ketua Tim")),
                 member(uptd, Role.MINISTRY_VIEWER, user=UserFactory(full_name="Pemantau Kementerian"))]
    login_verified(client, world["head"])
    form = client.get(reverse("cases:detail", args=[world["case"].pk])).context["assign_form"]
    offered = set(form.fields["assignee"].queryset)
    assert set(staff) <= offered
    assert not offered & set(outsiders)


def test_who_may_not_assign_is_refused(world, uptd, client):
    konselor, companion = member(uptd, Role.KONSELOR), member(uptd, Role.PENDAMPING)
    case = world["case"]
    client.force_login(konselor)
    assert "case-assign-form" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert client.post(reverse("cases:assign", args=[case.pk]), {"assignee": companion.pk}).status_code == 404
    api = client.post(reverse("api:case-assignment", args=[case.pk]), {"assignee": companion.username},
                      content_type="application/json")
    assert api.status_code == 403
    assert not CaseAssignment.objects.filter(user=companion).exists()


@pytest.mark.parametrize("who", ["tp_member", "granted_hospital"])
def test_complaint_forms_are_hidden_and_refused_with_404_for_who_sees_the_case_but_may_not_act(
        who, world, uptd, rsud, client):
    case, complaint = world["case"], world["complaint"]
    if who == "tp_member":
        user = member(uptd, Role.TP_ANGGOTA)
    else:
        user = member(rsud, Role.HEALTH_WORKER)
        case_grant_access(actor=world["head"], case=case, agency=rsud, level=AccessLevel.SERVICE)
    client.force_login(user)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    kwargs = {"pk": case.pk, "complaint": complaint.public_id}
    for route in ("cases:respond", "cases:void", "cases:attach", "cases:complaint-assign"):
        assert reverse(route, kwargs=kwargs) not in html
    assert reverse("cases:assign", args=[case.pk]) not in html

    assert client.post(reverse("cases:respond", kwargs=kwargs),
                       {"method": "phone", "successful": "1", "result": "Korban aman"}).status_code == 404
    assert client.post(reverse("cases:void", kwargs=kwargs),
                       {"reason": "Tercatat ganda oleh petugas"}).status_code == 404
    assert client.post(reverse("cases:attach", kwargs=kwargs),
                       {"file": SimpleUploadedFile("surat.pdf", PDF, "application/pdf")}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.responded_at is None and complaint.outcome != ComplaintOutcome.VOIDED
    assert not Attachment.objects.filter(complaint=complaint).exists()


def test_the_registration_form_offers_only_the_agencys_case_work_staff_as_assignee(world, uptd, client):
    companion = member(uptd, Role.PENDAMPING)
    outsiders = [member(uptd, Role.SYSTEM_ADMIN), member(uptd, Role.TP_ANGGOTA),
                 member(uptd, Role.MINISTRY_VIEWER)]
    client.force_login(world["admin"])
    form = client.get(reverse("cases:register")).context["form"]
    offered = set(form.fields["assignee"].queryset)
    assert companion in offered
    assert not offered & set(outsiders)


def test_the_acting_head_assigns_a_case_through_the_api(world, uptd, client, login_verified):
    from datetime import timedelta

    from django.utils import timezone

    from agencies.services import acting_head_appoint

    acting, companion = member(uptd, Role.MEDIATOR), member(uptd, Role.PENDAMPING)
    today = timezone.localdate()
    acting_head_appoint(actor=world["head"], agency=uptd, user=acting, start=today,
                        end=today + timedelta(days=3), reference="SP-PLT/uji")
    login_verified(client, acting)
    url = reverse("api:case-assignment", args=[world["case"].pk])
    answer = client.post(url, {"assignee": companion.username}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["assignee"] == companion.username
    assert case_access_level(companion, world["case"]) == AccessLevel.FULL
