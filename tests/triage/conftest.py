import pytest

from agencies.models import Role
from cases.intake.services import ComplaintInput, PerpetratorInput, VictimInput, complaint_register
from tests.factories import AgencyFactory, ServiceFactory, member

SECRET_NAME = "Sri Rahayu Kusumawati"
SECRET_NIK = "3174054101900123"
CHANGE_REASON = "Relasi kuasa tidak terbukti saat verifikasi."


@pytest.fixture
def register():
    """register(agency, actor=None, **overrides) -> Complaint, through the intake service."""

    def _register(agency, actor=None, **overrides):
        actor = actor or member(agency, Role.ADMIN_OFFICER)
        data = dict(
            channel="walk_in",
            victims=[VictimInput(full_name=SECRET_NAME, category="adult_woman", nik=SECRET_NIK,
                                 phone="0812-3456-7001", region="3174")],
            violence_types=["kdrt"],
            chronology="Korban datang ke kantor dan menceritakan kekerasan oleh suami.",
            perpetrators=[PerpetratorInput(relation="spouse", power_relation=True)],
            consent_to_share=True, consent_by="victim",
            stated_needs=["medis", "konseling"],
        )
        data.update(overrides)
        return complaint_register(actor=actor, receiving_agency=agency, data=ComplaintInput(**data))

    return _register


@pytest.fixture
def providers(db):
    """A hospital offering `medis`, a social service offering `konseling`, legal aid offering
    `bantuan-hukum` — each with one officer."""
    medis = ServiceFactory(code="medis", name="Layanan medis", category="health")
    konseling = ServiceFactory(code="konseling", name="Konseling", category="psychological")
    hukum = ServiceFactory(code="bantuan-hukum", name="Bantuan hukum", category="legal")
    hospital = AgencyFactory(code="rs-prov", name="RS Provinsi", kind="hospital")
    hospital.services.add(medis)
    social = AgencyFactory(code="dinsos", name="Dinas Sosial", kind="social_service")
    social.services.add(konseling)
    legal = AgencyFactory(code="lbh", name="LBH Jakarta", kind="legal_aid")
    legal.services.add(hukum)
    return {
        "hospital": hospital, "social": social, "legal": legal,
        "nurse": member(hospital, Role.HEALTH_WORKER),
        "social_worker": member(social, Role.SOCIAL_WORKER),
        "lawyer": member(legal, Role.LEGAL_AID),
    }


@pytest.fixture
def people(uptd, polres):
    """Staff of the receiving UPTD, its head, the Tim Percepatan chair, and a police officer."""
    return {
        "officer": member(uptd, Role.ADMIN_OFFICER),
        "konselor": member(uptd, Role.KONSELOR),
        "head": member(uptd, Role.HEAD),
        "ketua": member(uptd, Role.TP_KETUA),
        "investigator": member(polres, Role.INVESTIGATOR),
        "viewer": member(uptd, Role.MINISTRY_VIEWER),
    }


def triage_answers(**overrides) -> dict:
    # The fixture registers the perpetrator in a power relation (condition f): answers that leave it
    # out say why (R23); a reason is dropped when the answers match the registration.
    base = dict(emergency_conditions=[], complexity_conditions=[], needs_multiple_services=False,
                cross_region=False, notes="", complexity_change_reason=CHANGE_REASON)
    base.update(overrides)
    return base
