"""The data migration (cases 0009): each complaint's consent flag and giver become consent records,
one per victim — then the flags are dropped (0010). Run on the real schema: migrate the cases app
back to before the conversion, write complaints as they were, migrate forward."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import AgencyFactory, UserFactory

BEFORE = [("cases", "0010_consent_records")]


def migrate(targets=None):
    """Migrate to ``targets`` (every app's latest by default); the models of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def columns(table: str) -> set[str]:
    with connection.cursor() as cur:
        return {c.name for c in connection.introspection.get_table_description(cur, table)}


@pytest.mark.django_db(transaction=True)
def test_each_flagged_complaint_becomes_a_share_consent_per_victim():
    agency = AgencyFactory(code="uptd-migrasi", kind="uptd_ppa")
    officer = UserFactory()
    try:
        old = migrate(BEFORE)
        Case, Complaint, Victim = (old.get_model("cases", m) for m in ("Case", "Complaint", "Victim"))
        received = timezone.now() - timedelta(days=40)

        def complaint(n, consent_to_share, consent_by, victims):
            case = Case.objects.create(number=f"PPA-2026-90000{n}", receiving_agency_id=agency.pk,
                                       initials="UJ", opened_at=received)
            c = Complaint.objects.create(
                case=case, receiving_agency_id=agency.pk, channel="walk_in",
                received_at=received + timedelta(hours=n), registered_at=received + timedelta(hours=n),
                registered_by_id=officer.pk, response_due_at=received + timedelta(hours=24 + n),
                chronology="Kronologi uji migrasi.", consent_to_share=consent_to_share,
                consent_by=consent_by)
            for category in victims:
                Victim.objects.create(case=case, complaint=c, category=category, initials="UJ",
                                      full_name="Korban Uji Migrasi")
            return c

        two_adults = complaint(1, True, "victim", ["adult_woman", "family"])
        child = complaint(2, True, "guardian", ["child"])
        nobody = complaint(3, True, "none", ["adult_woman"])
        not_given = complaint(4, False, "victim", ["adult_woman"])

        migrate()
        from cases.consent import consent_covers
        from cases.models import Consent, ConsentPurpose
        from cases.models import Victim as VictimNow

        consents = Consent.objects.order_by("victim_id")
        assert [(c.case_id, c.given_by) for c in consents] == [
            (two_adults.case_id, "victim"), (two_adults.case_id, "victim"), (child.case_id, "guardian")]
        for consent, source in zip(consents, [two_adults, two_adults, child], strict=True):
            assert consent.victim.complaint_id == source.pk
            assert (consent.purpose, consent.scope, consent.agency_ids, consent.form) == (
                "share", "programme", [], "not_recorded")
            assert consent.given_at == source.received_at and consent.recorded_by_id == officer.pk
            assert consent.withdrawn_at is None
            # Each record has its history row, as save() would have written it.
            [history] = consent.history.all()
            assert history.history_type == "+" and history.given_by == consent.given_by
        for c in (nobody, not_given):
            assert not VictimNow.objects.get(complaint_id=c.pk).consents.exists()
        assert consent_covers(case=Consent.objects.get(given_by="guardian").case,
                              purpose=ConsentPurpose.SHARE, agency=agency)
        # The flags are gone, from the complaint and from its history.
        for table in ("cases_complaint", "cases_historicalcomplaint"):
            assert not {"consent_to_share", "consent_by"} & columns(table)

        # Back: the flags return from the records; forward again adds nothing.
        old = migrate(BEFORE)
        flags = dict(old.get_model("cases", "Complaint").objects.values_list("pk", "consent_by"))
        assert flags[two_adults.pk] == "victim" and flags[child.pk] == "guardian"
        assert flags[nobody.pk] == flags[not_given.pk] == "none"
        migrate()
        assert Consent.objects.count() == 3
    finally:
        migrate()
