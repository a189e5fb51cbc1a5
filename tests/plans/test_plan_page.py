"""The plan page under the case (``/kasus/<pk>/rencana/``): every version readable, the user's own
agency's items highlighted; an agency outside the case gets 404 without the case number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import services as plans
from plans.models import PlanVersion
from tests.plans.test_plan_services import add, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(conference, selected, catalogue, people, rsud, polres):
    add(people["officer"], selected, catalogue["visum"], rsud)
    plans.plan_approve(actor=people["uptd_head"], version=PlanVersion.objects.get())
    add(people["officer"], selected, catalogue["penyidikan"], polres)
    return selected


def test_the_hospital_sees_every_version_and_its_own_items_highlighted(two_versions, people, client,
                                                                      login_verified):
    client.force_login(fresh(people["nurse"]))
    resp = client.get(reverse("plans:plan", args=[two_versions.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'id="version-1" data-status="approved"' in html and 'id="version-2" data-status="draft"' in html
    assert html.count('class="own"') == 2  # the visum in version 1 and its copy in version 2
    assert "Penyidikan" in html and "Dokter forensik" in html


def test_an_agency_outside_the_case_gets_404(two_versions, lbh, client):
    from agencies.models import Role
    from tests.factories import AgencyFactory, member

    outsider = member(AgencyFactory(code="dinsos-uji", name="Dinsos Uji", kind="social_service"),
                      Role.SOCIAL_WORKER)
    client.force_login(outsider)
    resp = client.get(reverse("plans:plan", args=[two_versions.pk]))
    assert resp.status_code == 404 and two_versions.number not in resp.content.decode()


def test_the_case_page_links_to_the_plan(two_versions, people, client):
    client.force_login(fresh(people["nurse"]))
    html = client.get(reverse("cases:detail", args=[two_versions.pk])).content.decode()
    assert reverse("plans:plan", args=[two_versions.pk]) in html


def test_the_page_reads_in_a_fixed_number_of_queries(two_versions, people, catalogue, rsud, client,
                                                     django_assert_max_num_queries):
    client.force_login(fresh(people["nurse"]))
    url = reverse("plans:plan", args=[two_versions.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    for _ in range(3):
        add(people["officer"], two_versions, catalogue["visum"], rsud)
    plans.plan_approve(actor=people["uptd_head"], version=PlanVersion.objects.get(number=2))
    add(people["officer"], two_versions, catalogue["visum"], rsud)
    with django_assert_max_num_queries(before):
        client.get(url)
