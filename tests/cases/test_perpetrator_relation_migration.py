"""The data migration (cases 0016): each perpetrator's single relation becomes one relation per
victim of its complaint; a guardian who is not a parent becomes "wali"; the single columns leave the
model (0017) while the history table keeps what was registered. Run on the real schema."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.test_consent_migration import columns, migrate
from tests.factories import AgencyFactory, UserFactory

BEFORE = [("cases", "0015_perpetrator_relation_per_victim_and_corrections")]


@pytest.mark.django_db(transaction=True)
def test_each_perpetrator_gets_its_relation_to_every_victim_of_its_complaint():
    agency = AgencyFactory(code="uptd-migrasi-relasi", kind="uptd_ppa")
    officer = UserFactory()
    try:
        old = migrate(BEFORE)
        Case, Complaint, Victim, Perpetrator, HistoricalPerpetrator = (old.get_model("cases", m) for m in (
            "Case", "Complaint", "Victim", "Perpetrator", "HistoricalPerpetrator"))
        received = timezone.now() - timedelta(days=3)
        case = Case.objects.create(number="PPA-2026-910001", receiving_agency_id=agency.pk, initials="UJ",
                                   opened_at=received)
        complaint = Complaint.objects.create(
            case=case, receiving_agency_id=agency.pk, channel="walk_in", received_at=received,
            registered_at=received, registered_by_id=officer.pk,
            response_due_at=received + timedelta(hours=24), chronology="Kronologi uji migrasi.")
        mother, child = (Victim.objects.create(case=case, complaint=complaint, category=category,
                                               initials="UJ", full_name="Korban Uji")
                         for category in ("adult_woman", "child"))
        husband = Perpetrator.objects.create(complaint=complaint, relation="spouse")
        grandmother = Perpetrator.objects.create(complaint=complaint, relation="family", is_guardian=True)
        HistoricalPerpetrator.objects.create(id=husband.pk, complaint_id=complaint.pk, relation="spouse",
                                             is_guardian=False, power_relation=False, public_official=False,
                                             history_date=received, history_type="+")

        migrate()
        from cases.models import PerpetratorLink

        links = {(link.perpetrator_id, link.victim_id): link.relation
                 for link in PerpetratorLink.objects.all()}
        assert links == {(husband.pk, mother.pk): "spouse", (husband.pk, child.pk): "spouse",
                         (grandmother.pk, mother.pk): "guardian", (grandmother.pk, child.pk): "guardian"}
        assert all(link.history.count() == 1 for link in PerpetratorLink.objects.all())
        assert not {"relation", "is_guardian"} & columns("cases_perpetrator")
        # The trail keeps the relation as registered.
        assert {"relation", "is_guardian"} <= columns("cases_historicalperpetrator")

        old = migrate(BEFORE)
        back = dict(old.get_model("cases", "Perpetrator").objects.values_list("pk", "relation"))
        assert back == {husband.pk: "spouse", grandmother.pk: "parent"}
    finally:
        migrate()
