"""Words staff use on the case page (issue 12 point 7): timeline events say from → to and which
agency, in labels, never codes; attachments by file name and kind; violence types by label."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Role
from cases.intake import services as intake
from cases.intake.services import complaint_register
from cases.lifecycle import case_status_change
from cases.models import AccessLevel, CaseStatus, ViolenceType
from cases.services import case_grant_access
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text_of(page: str, section_id: str | None = None) -> str:
    if section_id:
        page = page.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def case_page(client, uptd, rsud, signing_ca, login_verified):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd,
                                   data=complaint_input(violence_types=["kdrt", "other"]))
    case = complaint.case
    case_status_change(actor=officer, case=case, to=CaseStatus.TRIAGED, reason="triage")
    case_grant_access(actor=None, case=case, agency=rsud, level=AccessLevel.SERVICE,
                      check_actor=False)
    intake.attachment_add(actor=officer, complaint=complaint,
                          uploaded=SimpleUploadedFile("Hasil visum.pdf", PDF, "application/pdf"))
    login_verified(client, officer)
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_timeline_says_from_and_to_in_labels_and_names_the_agency(case_page):
    timeline = text_of(case_page, "timeline")
    assert "Status berubah: dari Terdaftar → ke Terverifikasi" in timeline
    assert "Akses diberikan: RSUD Uji: Layanan" in timeline
    for code in ("rsud-uji", "uptd-uji", "registered", "triaged", "service", "walk_in"):
        assert code not in timeline


def test_attachments_are_shown_by_file_name_and_kind(case_page):
    complaints = text_of(case_page, "complaints")
    assert "Hasil visum.pdf (Dokumen PDF," in complaints
    assert "application/pdf" not in complaints
    assert "Lampiran 1" not in complaints


def test_violence_types_are_shown_by_label(case_page):
    text = text_of(case_page)
    assert str(ViolenceType.OTHER.label) in text and "KDRT" in text
    assert "OTHER" not in text and "KDRT, OTHER" not in text


def test_the_timeline_reads_its_names_in_constant_queries(uptd, rsud, polres, django_assert_num_queries):
    from cases.selectors import case_timeline_rows

    officer = member(uptd, Role.ADMIN_OFFICER)
    case = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input()).case
    case_grant_access(actor=None, case=case, agency=rsud, level=AccessLevel.SERVICE, check_actor=False)
    with django_assert_num_queries(3):
        few = case_timeline_rows(case=case)
    for agency in (polres, rsud):
        case_grant_access(actor=None, case=case, agency=agency, level=AccessLevel.FULL, check_actor=False,
                          reason="Pendampingan hukum", legal_basis="investigation_request")
    case_status_change(actor=officer, case=case, to=CaseStatus.TRIAGED, reason="triage")
    with django_assert_num_queries(3):
        many = case_timeline_rows(case=case)
    assert len(many) > len(few)
    assert any("Unit PPA Polres Uji" in e.detail for e in many)


def test_the_timeline_names_the_officers_role_and_the_receiving_agency_once(case_page, uptd):
    timeline = text_of(case_page, "timeline")
    assert "(—)" not in timeline  # an assignment's role is a word, never a dash
    assert re.search(r"Petugas ditugaskan: [^·]+ \(petugas pengaduan\) ·", timeline)
    assert f"Kasus dibuka · {uptd.name} ·" in timeline
    assert f"{uptd.name} · {uptd.name}" not in timeline


def test_the_registered_data_names_each_complaint_and_writes_the_date_of_birth_as_the_page_does(
        client, uptd, login_verified):
    from datetime import date

    from cases.intake.services import VictimInput

    head = member(uptd, Role.HEAD)
    victim = VictimInput(full_name="Wulan Sekar Arum", category="adult_woman", region="3174",
                         date_of_birth=date(1990, 12, 2))
    first = complaint_register(actor=head, receiving_agency=uptd, data=complaint_input(victims=[victim]))
    complaint_register(actor=head, receiving_agency=uptd, join_case=first.case,
                       data=complaint_input(channel="whatsapp"))
    login_verified(client, head)
    page = client.post(reverse("cases:reveal", args=[first.case.pk])).content.decode()
    registered = text_of(page, "registered")
    # Two complaints: each block of registered data says which one it is.
    assert re.search(r"Datang langsung · diterima \d{2} \w{3} \d{4} \d{2}\.\d{2} WIB", registered)
    assert re.search(r"WhatsApp · diterima \d{2} \w{3} \d{4} \d{2}\.\d{2} WIB", registered)
    assert "02 Des 1990" in registered and "1990-12-02" not in registered


def test_the_case_pages_selects_say_choose_in_words_not_dashes(case_page):
    # The assignment (and, for the head, grant) selects start with an option people read, not
    # Django's "---------".
    assert "---------" not in case_page
    assert "— pilih —" in case_page
