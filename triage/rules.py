"""Triage rules as data (SKB E.1.a, E.2, E.3). Described in docs/triage.md.

``evaluate(facts)`` is a pure function: it reads the rule tables below and returns eligibility,
risk, the criteria that held and the reasons, in Indonesian, that the page shows ("why").
Change a rule by changing a table row; tests/triage/test_rules.py holds each rule and its
opposite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.models import VictimCategory, ViolenceType
from triage.models import ComplexityCondition, EmergencyCondition, RiskLevel

# --- wording shown on the triage form (the decree's own words) --------------------------------------

EMERGENCY_WORDING = {
    EmergencyCondition.THREAT_TO_LIFE:
        _("(a) mengalami ancaman serius terhadap keselamatan jiwa atau kesehatan fisik dan/atau mental"),
    EmergencyCondition.ONGOING_VIOLENCE:
        _("(b) mengalami kekerasan yang sedang berlangsung atau berpotensi berulang dalam waktu dekat"),
    EmergencyCondition.SEVERE_INJURY:
        _("(c) mengalami luka berat, cedera serius, atau kondisi medis yang memerlukan penanganan segera"),
    EmergencyCondition.SEVERE_PSYCH:
        _("(d) mengalami kondisi psikologis berat, termasuk risiko bunuh diri atau gangguan psikis akut"),
    EmergencyCondition.NO_SAFE_PLACE:
        _("(e) tidak memiliki tempat aman (tidak adanya dukungan keluarga/orang terdekat) dan/atau "
          "berada dalam penguasaan pelaku"),
}

COMPLEXITY_WORDING = {
    ComplexityCondition.MULTI_INSTITUTION: _("(a) melibatkan lebih dari satu institusi penanganan"),
    ComplexityCondition.LONG_TERM_IMPACT:
        _("(b) berpotensi menimbulkan dampak jangka panjang terhadap kondisi fisik, psikis, sosial, "
          "dan/atau ekonomi korban"),
    ComplexityCondition.RETRAUMATISATION:
        _("(c) mengandung risiko trauma berulang (retraumatisasi) apabila ditangani secara parsial"),
    ComplexityCondition.LEGAL_OBSTACLES:
        _("(d) memiliki hambatan signifikan dalam proses hukum atau pemulihan korban"),
    ComplexityCondition.MULTIPLE_FORMS:
        _("(e) melibatkan lebih dari satu bentuk kekerasan, baik fisik, psikis, seksual, maupun "
          "penelantaran"),
    ComplexityCondition.POWER_RELATION: _("(f) melibatkan pelaku yang memiliki relasi kuasa dengan korban"),
    ComplexityCondition.PUBLIC_OFFICIAL: _("(g) melibatkan pelaku yang merupakan pejabat publik"),
    ComplexityCondition.SPECIAL_PROTECTION:
        _("(h) memerlukan perlindungan khusus, termasuk pengamanan dan rumah penampungan sementara"),
}

# --- the facts the rules read --------------------------------------------------------------------

#: SKB E.2 a–c: victims the programme serves in their own right.
IN_SCOPE_CATEGORIES = frozenset({VictimCategory.ADULT_WOMAN, VictimCategory.CHILD,
                                 VictimCategory.DISABILITY})
#: SKB E.2 d: family and witnesses, only alongside an in-scope victim whose needs require it.
COMPANION_CATEGORIES = frozenset({VictimCategory.FAMILY, VictimCategory.WITNESS})
#: Age bands (cases.models.AgeBand) that are children.
CHILD_AGE_BANDS = frozenset({"0-5", "6-12", "13-17"})
#: SKB E.1.a.1: the four kinds of violence of the programme ("other" is received but never counts).
PROGRAMME_VIOLENCE_TYPES = ViolenceType.programme_types()


@dataclass(frozen=True)
class VictimFacts:
    category: str
    sex: str = "f"
    age_band: str = "unknown"

    @property
    def is_child(self) -> bool:
        return self.category == VictimCategory.CHILD or self.age_band in CHILD_AGE_BANDS

    @property
    def in_scope(self) -> bool:
        if self.category in (VictimCategory.ADULT_WOMAN, VictimCategory.CHILD):
            return True
        if self.category == VictimCategory.DISABILITY:
            # SKB E.2.c: *women and children* with disabilities.
            return self.sex == "f" or self.is_child
        return False


@dataclass(frozen=True)
class TriageFacts:
    victims: tuple[VictimFacts, ...]
    violence_types: frozenset[str]
    emergency_conditions: frozenset[str] = frozenset()
    complexity_conditions: frozenset[str] = frozenset()
    needs_multiple_services: bool = False
    cross_region: bool = False

    @property
    def has_child(self) -> bool:
        return any(v.is_child for v in self.victims)


# --- eligibility: SKB E.2 scope, criterion 1, and at least one of criteria 2–4 ---------------------

@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    test: Callable[[TriageFacts], bool]
    met: str
    not_met: str
    #: "required": must hold; "any": at least one of the "any" group must hold.
    kind: str


def _victim_scope(f: TriageFacts) -> bool:
    return any(v.in_scope for v in f.victims)


CRITERIA: tuple[Criterion, ...] = (
    Criterion("scope", "Korban sasaran (SKB E.2)", _victim_scope,
              "Korban termasuk sasaran program: perempuan dewasa, anak, atau perempuan/anak "
              "penyandang disabilitas (SKB E.2).",
              "Tidak ada korban sasaran program (SKB E.2). Keluarga atau saksi hanya dilayani "
              "bersama korban perempuan/anak.", "required"),
    Criterion("c1", "Kriteria 1: jenis kekerasan",
              lambda f: bool(f.violence_types & PROGRAMME_VIOLENCE_TYPES),
              "Kriteria 1 terpenuhi: jenis kekerasan termasuk TPKS, KBE, KDRT, atau TPPO.",
              "Kriteria 1 tidak terpenuhi: jenis kekerasan bukan TPKS, KBE, KDRT, atau TPPO.", "required"),
    Criterion("c2", "Kriteria 2: lebih dari satu layanan",
              lambda f: f.needs_multiple_services,
              "Kriteria 2 terpenuhi: korban memerlukan lebih dari satu jenis layanan.",
              "Kriteria 2 tidak terpenuhi: korban memerlukan satu jenis layanan saja.", "any"),
    Criterion("c3", "Kriteria 3: kompleksitas tinggi",
              lambda f: bool(f.complexity_conditions),
              "Kriteria 3 terpenuhi: ada kondisi kompleksitas tinggi.",
              "Kriteria 3 tidak terpenuhi: tidak ada kondisi kompleksitas.", "any"),
    Criterion("c4", "Kriteria 4: lintas wilayah/kewenangan",
              lambda f: f.cross_region,
              "Kriteria 4 terpenuhi: kasus lintas wilayah dan/atau lintas kewenangan.",
              "Kriteria 4 tidak terpenuhi: kasus tidak lintas wilayah/kewenangan.", "any"),
)
CRITERION_LABELS = {c.code: c.label for c in CRITERIA}
CRITERION_5_NOTE = ("Kriteria 5 (kasus prioritas percontohan) hanya ditetapkan oleh rapat "
                    "Tim Percepatan, bukan pada verifikasi.")
NO_CRITERION_2_TO_4 = ("Tidak satu pun kriteria 2–4 terpenuhi: kasus ditangani lembaga penerima "
                       "sesuai SOP-nya, kecuali rapat menetapkannya sebagai prioritas (kriteria 5).")


# --- risk: the first rule that matches decides ------------------------------------------------------

def _labels(codes, choices) -> str:
    by_value = dict(choices)
    return "; ".join(str(by_value.get(c, c)) for c in sorted(codes))


@dataclass(frozen=True)
class RiskRule:
    code: str
    level: str
    test: Callable[[TriageFacts], bool]
    reason: Callable[[TriageFacts], str]
    description: str = ""


RISK_RULES: tuple[RiskRule, ...] = (
    RiskRule(
        "R1", RiskLevel.EMERGENCY, lambda f: bool(f.emergency_conditions),
        lambda f: "Darurat (SKB E.3): " + _labels(f.emergency_conditions, EmergencyCondition.choices)
                  + ". Layanan segera (action first); penetapan formal pada rapat terdekat.",
        "Ada minimal satu kondisi darurat SKB E.3.",
    ),
    RiskRule(
        "R2", RiskLevel.HIGH, lambda f: len(f.complexity_conditions) >= 3,
        lambda f: f"Tinggi: {len(f.complexity_conditions)} kondisi kompleksitas (3 atau lebih).",
        "Tiga atau lebih kondisi kompleksitas.",
    ),
    RiskRule(
        "R3", RiskLevel.HIGH,
        lambda f: f.has_child and bool(f.complexity_conditions & {ComplexityCondition.SPECIAL_PROTECTION,
                                                                   ComplexityCondition.POWER_RELATION}),
        lambda f: "Tinggi: korban anak dengan " + _labels(
            f.complexity_conditions & {ComplexityCondition.SPECIAL_PROTECTION,
                                       ComplexityCondition.POWER_RELATION},
            ComplexityCondition.choices).lower() + ".",
        "Korban anak, dan pelaku dalam relasi kuasa atau korban perlu perlindungan khusus.",
    ),
    RiskRule(
        "R4", RiskLevel.MEDIUM, lambda f: 1 <= len(f.complexity_conditions) <= 2,
        lambda f: f"Sedang: {len(f.complexity_conditions)} kondisi kompleksitas ("
                  + _labels(f.complexity_conditions, ComplexityCondition.choices).lower() + ").",
        "Satu atau dua kondisi kompleksitas.",
    ),
    RiskRule(
        "R5", RiskLevel.LOW, lambda f: True,
        lambda f: "Rendah: tidak ada kondisi darurat maupun kondisi kompleksitas.",
        "Selain itu.",
    ),
)


# --- evaluation ---------------------------------------------------------------------------------------

@dataclass
class TriageResult:
    eligible: bool
    risk_level: str
    criteria_met: list[str]
    explanation: list[dict] = field(default_factory=list)
    risk_rule: str = ""


def evaluate(facts: TriageFacts) -> TriageResult:
    # The explanation is a record: always written in Indonesian, whatever the user's UI language.
    with translation.override("id"):
        return _evaluate(facts)


def _evaluate(facts: TriageFacts) -> TriageResult:
    reasons: list[dict] = []
    met: list[str] = []
    for c in CRITERIA:
        ok = c.test(facts)
        if ok:
            met.append(c.code)
        reasons.append({"code": c.code, "ok": ok, "text": c.met if ok else c.not_met})
        if c.code == "c3" and ok:
            reasons.append({"code": "c3-detail", "ok": None, "text": "Kondisi kompleksitas: "
                            + _labels(facts.complexity_conditions, ComplexityCondition.choices) + "."})
    required_ok = all(c.code in met for c in CRITERIA if c.kind == "required")
    any_ok = any(c.code in met for c in CRITERIA if c.kind == "any")
    if required_ok and not any_ok:
        reasons.append({"code": "c2-4", "ok": False, "text": NO_CRITERION_2_TO_4})
    eligible = required_ok and any_ok
    reasons.append({"code": "c5", "ok": None, "text": CRITERION_5_NOTE})

    rule = next(r for r in RISK_RULES if r.test(facts))
    reasons.append({"code": rule.code, "ok": None, "text": rule.reason(facts)})
    companions = [v for v in facts.victims if v.category in COMPANION_CATEGORIES]
    if companions and _victim_scope(facts):
        reasons.append({"code": "scope-companion", "ok": True,
                        "text": "Keluarga/saksi dilayani bersama korban sasaran (SKB E.2.d)."})
    return TriageResult(eligible=eligible, risk_level=rule.level, criteria_met=met,
                        explanation=reasons, risk_rule=rule.code)


#: Complexity conditions read from what was registered (SKB E.1.a.3 e–g): pre-filled at triage and
#: changed only with a reason.
REGISTERED_COMPLEXITY = (ComplexityCondition.MULTIPLE_FORMS, ComplexityCondition.POWER_RELATION,
                         ComplexityCondition.PUBLIC_OFFICIAL)


def registered_complexity(complaint) -> set[str]:
    """Conditions (e) more than one form of violence, (f) a perpetrator in a power relation,
    (g) a perpetrator who is a public official — as the complaint was registered."""
    out = set()
    if len(set(complaint.violence_forms or [])) > 1:
        out.add(ComplexityCondition.MULTIPLE_FORMS.value)
    perpetrators = list(complaint.perpetrators.all())
    if any(p.power_relation for p in perpetrators):
        out.add(ComplexityCondition.POWER_RELATION.value)
    if any(p.public_official for p in perpetrators):
        out.add(ComplexityCondition.PUBLIC_OFFICIAL.value)
    return out


def facts_for(*, complaint, emergency_conditions, complexity_conditions, needs_multiple_services,
              cross_region) -> TriageFacts:
    """Facts from a complaint (its victims and violence types) and the triage answers."""
    victims = list(complaint.victims.all()) or list(complaint.case.victims.all())
    return TriageFacts(
        victims=tuple(VictimFacts(category=v.category, sex=v.sex, age_band=v.age_band_at_incident)
                      for v in victims),
        violence_types=frozenset(complaint.violence_types or complaint.case.violence_types),
        emergency_conditions=frozenset(emergency_conditions),
        complexity_conditions=frozenset(complexity_conditions),
        needs_multiple_services=bool(needs_multiple_services),
        cross_region=bool(cross_region),
    )
