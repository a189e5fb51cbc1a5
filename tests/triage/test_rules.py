"""The triage rules (docs/triage.md), table-driven: each rule beside its opposite."""

import pytest

from triage import rules
from triage.models import ComplexityCondition as C
from triage.models import EmergencyCondition as E
from triage.models import RiskLevel
from triage.rules import TriageFacts, VictimFacts

WOMAN = VictimFacts("adult_woman", "f", "25-44")
CHILD = VictimFacts("child", "f", "13-17")
BOY = VictimFacts("child", "m", "6-12")
DISABLED_WOMAN = VictimFacts("disability", "f", "25-44")
DISABLED_MAN = VictimFacts("disability", "m", "25-44")
DISABLED_BOY = VictimFacts("disability", "m", "13-17")
WITNESS = VictimFacts("witness", "m", "25-44")
FAMILY = VictimFacts("family", "f", "45-59")


def facts(victims=(WOMAN,), types=("kdrt",), emergency=(), complexity=(), multi=False, cross=False):
    return TriageFacts(victims=tuple(victims), violence_types=frozenset(types),
                       emergency_conditions=frozenset(emergency), complexity_conditions=frozenset(complexity),
                       needs_multiple_services=multi, cross_region=cross)


ELIGIBILITY = [
    # (id, facts, eligible)
    ("woman, kdrt, needs >1 service", facts(multi=True), True),
    ("woman, kdrt, no criterion 2-4", facts(), False),
    ("criterion 3 alone", facts(complexity=[C.LEGAL_OBSTACLES]), True),
    ("criterion 4 alone", facts(cross=True), True),
    ("child in scope", facts(victims=[BOY], multi=True), True),
    ("woman with disability in scope", facts(victims=[DISABLED_WOMAN], multi=True), True),
    ("boy with disability in scope", facts(victims=[DISABLED_BOY], multi=True), True),
    ("adult man with disability out of scope", facts(victims=[DISABLED_MAN], multi=True), False),
    ("witness alone out of scope", facts(victims=[WITNESS], multi=True), False),
    ("family alone out of scope", facts(victims=[FAMILY], multi=True), False),
    ("witness alongside a woman in scope", facts(victims=[WITNESS, WOMAN], multi=True), True),
    ("family alongside a child in scope", facts(victims=[FAMILY, CHILD], cross=True), True),
    ("no programme violence type", facts(types=[], multi=True), False),
    ("each programme type: tpks", facts(types=["tpks"], multi=True), True),
    ("each programme type: kbe", facts(types=["kbe"], multi=True), True),
    ("each programme type: tppo", facts(types=["tppo"], multi=True), True),
    ("unknown type only", facts(types=["other"], multi=True), False),
    ("no victims at all", facts(victims=[], multi=True), False),
]


@pytest.mark.parametrize("name, f, expected", ELIGIBILITY, ids=[e[0] for e in ELIGIBILITY])
def test_eligibility(name, f, expected):
    assert rules.evaluate(f).eligible is expected


RISK = [
    # (id, facts, risk, rule)
    ("any emergency condition -> emergency", facts(emergency=[E.NO_SAFE_PLACE]), RiskLevel.EMERGENCY, "R1"),
    ("emergency wins over complexity", facts(emergency=[E.SEVERE_PSYCH], complexity=list(C)[:4]),
     RiskLevel.EMERGENCY, "R1"),
    ("no emergency condition -> not emergency", facts(complexity=[C.POWER_RELATION]), RiskLevel.MEDIUM, "R4"),
    ("3 complexity conditions -> high", facts(complexity=[C.MULTI_INSTITUTION, C.LONG_TERM_IMPACT,
                                                           C.LEGAL_OBSTACLES]), RiskLevel.HIGH, "R2"),
    ("2 complexity conditions -> medium", facts(complexity=[C.MULTI_INSTITUTION, C.LONG_TERM_IMPACT]),
     RiskLevel.MEDIUM, "R4"),
    ("child + power relation -> high", facts(victims=[CHILD], complexity=[C.POWER_RELATION]),
     RiskLevel.HIGH, "R3"),
    ("child + special protection -> high", facts(victims=[BOY], complexity=[C.SPECIAL_PROTECTION]),
     RiskLevel.HIGH, "R3"),
    ("adult + power relation -> medium", facts(victims=[WOMAN], complexity=[C.POWER_RELATION]),
     RiskLevel.MEDIUM, "R4"),
    ("child + other condition -> medium", facts(victims=[CHILD], complexity=[C.PUBLIC_OFFICIAL]),
     RiskLevel.MEDIUM, "R4"),
    ("disabled boy counts as child", facts(victims=[DISABLED_BOY], complexity=[C.POWER_RELATION]),
     RiskLevel.HIGH, "R3"),
    ("1 complexity condition -> medium", facts(complexity=[C.RETRAUMATISATION]), RiskLevel.MEDIUM, "R4"),
    ("none -> low", facts(multi=True, cross=True), RiskLevel.LOW, "R5"),
]


@pytest.mark.parametrize("name, f, risk, rule", RISK, ids=[r[0] for r in RISK])
def test_risk(name, f, risk, rule):
    result = rules.evaluate(f)
    assert result.risk_level == risk
    assert result.risk_rule == rule
    assert any(r["code"] == rule for r in result.explanation)


def test_every_emergency_condition_alone_makes_an_emergency():
    for condition in E:
        assert rules.evaluate(facts(emergency=[condition])).risk_level == RiskLevel.EMERGENCY


def test_criteria_met_and_the_why_are_in_indonesian():
    result = rules.evaluate(facts(complexity=[C.POWER_RELATION], cross=True))
    assert result.criteria_met == ["scope", "c1", "c3", "c4"]
    texts = [r["text"] for r in result.explanation]
    assert any(t.startswith("Kriteria 3 terpenuhi") for t in texts)
    assert any(t.startswith("Kriteria 2 tidak terpenuhi") for t in texts)
    assert any("Kriteria 5" in t and "rapat" in t for t in texts)
    assert any(t.startswith("Sedang") and "relasi kuasa" in t for t in texts)


def test_explanation_says_why_not_eligible():
    texts = [r["text"] for r in rules.evaluate(facts(victims=[WITNESS])).explanation]
    assert any("Tidak ada korban sasaran" in t for t in texts)
    texts = [r["text"] for r in rules.evaluate(facts()).explanation]
    assert rules.NO_CRITERION_2_TO_4 in texts


def test_explanation_stays_indonesian_under_english_ui():
    from django.utils import translation

    with translation.override("en"):
        result = rules.evaluate(facts(emergency=[E.THREAT_TO_LIFE]))
    assert any(r["text"].startswith("Darurat (SKB E.3)") for r in result.explanation)


def test_rule_tables_are_data():
    assert [r.code for r in rules.RISK_RULES] == ["R1", "R2", "R3", "R4", "R5"]
    assert {c.code for c in rules.CRITERIA} == {"scope", "c1", "c2", "c3", "c4"}
    assert set(rules.EMERGENCY_WORDING) == set(E) and set(rules.COMPLEXITY_WORDING) == set(C)
    # The last rule catches everything: evaluation never falls through.
    assert rules.RISK_RULES[-1].test(facts()) is True
