"""Through a real browser, a meeting from screening to the draft minutes: bulk screening → agenda
→ the receiving agency's presentation (a name is refused) → joint assessment → two selections and
an action item → the minutes preview shows them, with case numbers and initials only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from meetings.models import AgendaItem
from tests.factories import member
from tests.meetings.helpers import make_meeting, make_team, register

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page):
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/akun/masuk/")


def test_a_meeting_from_screening_to_draft_minutes(page, live_server, sign_in, uptd, polres, screenshot):
    team = make_team(uptd)
    presenter = member(uptd, Role.PENDAMPING)
    first = register(uptd, name="Wulan Sekar Arum", nik="3174054101900099")
    second = register(polres, name="Dewi Kartika Sari", nik="3174054101900088")
    third = register(uptd, name="Nur Aini", nik="")
    meeting = make_meeting(team)
    base = f"{live_server.url}/rapat/{meeting.pk}"

    # Screening in bulk: two proposed by ticking them, one noted on its own row.
    sign_in(page, team.sekretaris)
    page.goto(f"{base}/penyaringan/")
    assert "Wulan" not in page.content()
    page.check(f"#pick-{first.public_id}")
    page.check(f"#pick-{second.public_id}")
    page.select_option(f"#outcome-{third.public_id}", "noted")
    page.select_option("#bulk_outcome", "proposed")
    page.once("dialog", lambda d: d.accept())  # outcomes cannot be changed: asked once
    page.click("#screening-submit")
    assert page.get_by_text("3 pengaduan disaring.").is_visible()
    assert page.locator("#screening-empty").is_visible()
    screenshot(page, "meeting-screening")

    # Open the meeting: attendance and the presiding officer.
    page.goto(f"{base}/")
    for user in (team.ketua, team.sekretaris, team.anggota):
        page.get_by_label(user.display_name, exact=True).check()
    page.once("dialog", lambda d: d.accept())  # opening is asked once
    page.get_by_role("button", name="Buka rapat").click()
    assert page.locator("#presiding").inner_text() == team.ketua.display_name

    # The agenda lists both proposed cases.
    page.goto(f"{base}/agenda/")
    rows = page.locator("#agenda tbody tr")
    assert rows.count() == 2
    assert first.case.number in page.content() and second.case.number in page.content()
    item_a = AgendaItem.objects.get(meeting=meeting, case=first.case)
    item_b = AgendaItem.objects.get(meeting=meeting, case=second.case)

    # The receiving agency presents; a name is refused and nothing is saved.
    sign_out(page)
    sign_in(page, presenter)
    page.goto(f"{base}/agenda/{item_a.pk}/paparan/")
    page.fill("#id_chronology", "Korban Wulan mengalami KDRT berulang.")
    page.fill("#id_current_condition", "Di rumah aman, stabil.")
    page.fill("#id_obstacles", "Visum belum dijadwalkan.")
    page.get_by_role("button", name="Simpan paparan").click()
    # The refusal stands under the field it came from, with the matched word — only there.
    chronology_errors = page.locator("#presentation-form .field.has-error").inner_text()
    assert "Teks memuat nama korban" in chronology_errors and "“wulan”" in chronology_errors
    page.fill("#id_chronology", "Korban WSA mengalami KDRT berulang sejak 2025.")
    page.get_by_role("button", name="Simpan paparan").click()
    assert page.get_by_text("Paparan kasus disimpan.").is_visible()

    # Back to the secretary: joint assessment, decision, action item.
    sign_out(page)
    sign_in(page, team.sekretaris)
    page.goto(f"{base}/agenda/{item_a.pk}/")
    assert "KDRT berulang sejak 2025" in page.content()
    for name, value in (("violence", "3"), ("urgency", "4"), ("psychosocial", "3"), ("coordination", "2")):
        page.select_option(f"select[name={name}_rating]", value)
    page.fill("textarea[name=urgency_notes]", "Pelaku masih mencari korban.")
    page.get_by_role("button", name="Simpan asesmen").click()
    assert page.get_by_text("Asesmen bersama disimpan.").is_visible()

    def select_case(item, agency_names, coordinator):
        page.goto(f"{base}/agenda/{item.pk}/")
        page.select_option("#decision-form select[name=kind]", "select")
        for name in agency_names:
            page.locator("#decision-form").get_by_label(name, exact=True).check()
        page.select_option("#decision-form select[name=coordinator_agency]", label=coordinator)
        # Not triaged: the case is selected only as a priority pilot case (criterion 5), with a reason.
        assert "belum diverifikasi" in page.locator("#criteria").inner_text()
        page.get_by_role("button", name="Catat keputusan").click()
        assert "kriteria 5" in page.locator("#decision-form").inner_text()
        page.locator("#decision-form input[name=priority_pilot]").check()
        page.fill("#decision-form textarea[name=priority_reason]",
                  "Pola eksploitasi baru di wilayah uji coba.")
        page.get_by_role("button", name="Catat keputusan").click()
        assert page.get_by_text("Keputusan dicatat.").is_visible()

    select_case(item_a, [uptd.name, polres.name], uptd.name)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    page.fill("#action-form textarea[name=description]", "Jadwalkan visum et repertum")
    page.select_option("#action-form select[name=responsible_agency]", label=polres.name)
    page.fill("#action-form input[name=due_date]", due)
    page.get_by_role("button", name="Tambah tindak lanjut").click()
    assert page.get_by_text("Tindak lanjut ditambahkan.").is_visible()
    # No presentation was written for the second case: the refusal names what is missing, and the
    # secretary records the presentation given orally at the meeting, with the presenter named.
    page.goto(f"{base}/agenda/{item_b.pk}/")
    assert "paparan kasus dan asesmen bersama" in page.locator("#decision-basis-missing").inner_text()
    page.locator("#presentation summary").click()
    page.fill("#oral-presentation-form input[name=presenter]", "Iptu Sari, penyidik Polres")
    page.fill("#oral-presentation-form textarea[name=chronology]", "Korban DKS dilecehkan atasannya.")
    page.fill("#oral-presentation-form textarea[name=current_condition]", "Korban cemas, masih bekerja.")
    page.fill("#oral-presentation-form textarea[name=obstacles]", "Saksi enggan memberi keterangan.")
    page.get_by_role("button", name="Simpan paparan lisan").click()
    assert page.get_by_text("Paparan lisan dicatat.").is_visible()
    assert "Iptu Sari, penyidik Polres" in page.locator("#presentation").inner_text()
    for name, value in (("violence", "3"), ("urgency", "2"), ("psychosocial", "3"), ("coordination", "3")):
        page.select_option(f"select[name={name}_rating]", value)
    page.get_by_role("button", name="Simpan asesmen").click()
    assert page.get_by_text("Asesmen bersama disimpan.").is_visible()
    select_case(item_b, [polres.name], polres.name)
    screenshot(page, "meeting-item-oral-criterion-5")

    # The draft minutes preview: attendance, presiding officer, screening, both decisions, the
    # action item, the target met — and the notice that nothing takes effect before signing.
    page.goto(f"{base}/notula/")
    doc = page.locator("#minutes-preview")
    text = doc.inner_text()
    assert team.ketua.display_name in page.locator("#minutes-presiding").inner_text()
    for number in (first.case.number, second.case.number):
        assert number in text
    assert text.count("Ditetapkan masuk program terpadu") == 2
    assert "Jadwalkan visum et repertum" in page.locator("#minutes-actions").inner_text()
    # The minutes fit every reader: no presentation narrative, no initials; criterion 5 shown.
    assert "KDRT berulang sejak 2025" not in text and "WSA" not in text and "DKS" not in text
    assert text.count("Kriteria 5") == 2 and "Iptu Sari, penyidik Polres" in text
    assert "Target tercapai." in text
    assert "Di luar kriteria: 0" in page.locator("#minutes-screening").inner_text()
    assert page.locator("#no-effect-notice").is_visible()
    for secret in ("Wulan", "Dewi Kartika", "3174054101900099"):
        assert secret not in page.content()
    screenshot(page, "meeting-minutes")
