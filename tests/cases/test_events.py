"""Timeline events built for KPIs (docs/events.md): each type declared once by its app with fixed
payload keys and one writer; a payload that is not the type's is refused naming the key, never the
value; the numbering plan is checked at start; a new type in a later app needs no migration of
``cases``; the page of types is the code's; nothing outside an ``events`` module writes a row."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Role
from cases import event_registry
from cases.event_registry import EventRange, EventRegistry, EventSpec, registry
from cases.events import STATUS_CHANGED, case_event_record, identity_revealed, status_changed
from cases.models import AccessLevel, CaseEvent, EventType
from tests.factories import member

A_NAME = "Siti Aminah"  # what a careless caller might put in a payload: never echoed back


# --- a payload is the type's or nothing is written -----------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "named"), [
    ({"from": "registered", "to": "triaged", "reason": "triage", "note": A_NAME}, "'note'"),
    ({"from": "registered", "to": "triaged"}, "'reason'"),
    ({"from": "registered", "to": "triaged", "reason": ["triage", A_NAME]}, "reason: str"),
    ({"from": "registered", "to": "triaged", "reason": "triage", "full_name": A_NAME}, "'full_name'"),
], ids=["unknown key", "missing required key", "wrong type", "identity key"])
def test_a_payload_that_is_not_the_types_is_refused_naming_the_key_not_the_value(
        uptd, open_case, payload, named):
    case = open_case(uptd)
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ValueError) as refused:
        case_event_record(case=case, actor=None, agency=uptd, event_type=STATUS_CHANGED, payload=payload)
    message = str(refused.value)
    assert named in message
    assert A_NAME not in message and "Siti" not in message
    assert CaseEvent.objects.filter(case=case).count() == before


@pytest.mark.django_db
def test_the_types_own_payload_is_written_by_its_writer_and_an_undeclared_number_is_refused(
        uptd, open_case):
    case = open_case(uptd)
    event = status_changed(case=case, actor=None, agency=uptd, from_="registered", to="triaged",
                           reason="triage")
    assert event.event_type == 130 and event.payload == {"from": "registered", "to": "triaged",
                                                         "reason": "triage"}
    with pytest.raises(ValueError, match="Unknown timeline event type 999"):
        case_event_record(case=case, actor=None, agency=uptd, event_type=999, payload={})


@pytest.mark.django_db
def test_a_head_act_by_an_acting_head_says_so_and_only_then(uptd, open_case):
    case = open_case(uptd)
    as_head = identity_revealed(case=case, actor=None, level=AccessLevel.SUMMARY)
    as_acting = identity_revealed(case=case, actor=None, level=AccessLevel.SUMMARY, as_acting_head=True)
    assert as_head.payload == {"level": "summary"}
    assert as_acting.payload == {"level": "summary", "as_acting_head": True}


def test_optional_keys_may_be_left_out_and_unions_take_either_type():
    spec = EventSpec(212, "X_STEP", "x", app="sops", payload={"minutes": int | None, "hours": float,
                                                             "agencies": list[str]},
                     optional={"complaint": str})
    spec.check_payload({"minutes": None, "hours": 2, "agencies": []})
    spec.check_payload({"minutes": 5, "hours": 1.5, "agencies": ["rsud"], "complaint": "c"})
    with pytest.raises(ValueError, match="minutes: int \\| null"):
        spec.check_payload({"minutes": True, "hours": 1.0, "agencies": []})  # a bool is no count
    with pytest.raises(ValueError, match="agencies: list\\[str\\]"):
        spec.check_payload({"minutes": 1, "hours": 1.0, "agencies": [3]})


# --- the numbering plan is checked ---------------------------------------------------------------------

RANGES = (EventRange("cases", 100, 199), EventRange("triage", 200, 299))


def _declared(*specs: EventSpec, ranges=RANGES, writers=True) -> EventRegistry:
    reg = EventRegistry(ranges)
    for spec in specs:
        reg.register(spec)
        if writers:
            reg.writer(spec)(lambda: None)
    return reg


def test_a_well_formed_plan_has_no_problems_and_the_projects_plan_is_one():
    assert _declared(EventSpec(100, "A", "a", app="cases"), EventSpec(200, "B", "b", app="triage")
                     ).problems() == []
    assert registry.problems() == []


def test_two_types_with_the_same_number_are_refused():
    problems = _declared(EventSpec(130, "STATUS_CHANGED", "a", app="cases"),
                         EventSpec(130, "CONSENT_RECORDED", "b", app="cases")).problems()
    assert problems == ["Event number 130 is used twice: STATUS_CHANGED (cases), CONSENT_RECORDED (cases)."]


def test_a_number_outside_its_apps_block_is_refused():
    problems = _declared(EventSpec(250, "CASE_THING", "a", app="cases"),
                         EventSpec(300, "TRIAGE_THING", "b", app="triage"),
                         EventSpec(400, "ORPHAN", "c", app="plans")).problems()
    assert problems == [
        "Event CASE_THING (250) is outside the numbers of cases (100–199).",
        "Event TRIAGE_THING (300) is outside the numbers of triage (200–299).",
        "Event ORPHAN (400) is outside the numbers of plans (none).",
    ]


def test_overlapping_blocks_are_refused():
    problems = _declared(ranges=(EventRange("cases", 100, 199), EventRange("plans", 190, 250))).problems()
    assert problems == ["Ranges 100–199 (cases) and 190–250 (plans) overlap."]


def test_an_identity_key_or_a_type_without_exactly_one_writer_is_refused():
    reg = _declared(EventSpec(100, "A", "a", app="cases", payload={"nik": str}))
    reg.register(EventSpec(101, "B", "b", app="cases"))
    assert reg.problems() == [
        "Event A declares identity keys ['nik'].",
        "Event B has 0 writers (one is needed): none.",
    ]


@pytest.mark.django_db
def test_the_start_is_refused_when_an_app_takes_a_number_already_taken():
    # What a later type (or a merge of two branches) taking 160, SLA_WARNED's number, meets.
    clash = registry.register(EventSpec(160, "CONSENT_RECORDED", "c", app="cases"))
    registry.writer(clash)(lambda: None)
    try:
        with pytest.raises(ImproperlyConfigured, match="Event number 160 is used twice: SLA_WARNED "
                                                       "\\(cases\\), CONSENT_RECORDED \\(cases\\)"):
            registry.check()
    finally:
        registry.unregister(clash)
    registry.check()


def test_every_number_the_kpis_read_is_kept():
    """Never renumbered: rows written since the first release keep their meaning."""
    assert {s.name: int(s) for s in registry.all()} == {
        "CASE_OPENED": 100, "CASE_ASSIGNED": 101, "CASE_ASSIGNMENT_ENDED": 102, "ACCESS_GRANTED": 110,
        "ACCESS_REVOKED": 111, "IDENTITY_REVEALED": 120, "STATUS_CHANGED": 130,
        "COMPLAINT_REGISTERED": 140, "COMPLAINT_JOINED": 141, "COMPLAINT_VOIDED": 142,
        "COMPLAINT_OUTCOME": 143, "COMPLAINT_ASSIGNED": 144, "ATTACHMENT_ADDED": 145,
        "RECEIVED_AT_BACKDATED": 146, "INITIAL_RESPONSE": 150, "CONTACT_ATTEMPT_FAILED": 151,
        "RESPONDED_AT_BACKDATED": 152, "SLA_WARNED": 160, "SLA_BREACHED": 161,
        "CONSENT_RECORDED": 170, "CONSENT_WITHDRAWN": 171, "DATA_CORRECTED": 180, "PERSON_ADDED": 181,
        "TRIAGE_RECORDED": 200, "RISK_OVERRIDDEN": 201, "TRIAGE_REVIEW_NEEDED": 202,
        "EMERGENCY_DECLARED": 210, "EMERGENCY_REFERRAL": 211, "CRISIS_STEP": 212,
        "SOP_STEP": 220, "MEETING_SCREENED": 300, "AGENDA_ADDED": 301, "PRESENTED": 302, "ASSESSED": 303,
        "DECISION_RECORDED": 304, "ACTION_ITEM_ADDED": 305, "FOLLOW_UP_ADDED": 306, "AGENDA_DEFERRED": 307,
        "AGENDA_REORDERED": 308, "ACTION_ITEM_REMINDED": 309, "ACTION_ITEM_OVERDUE": 310,
        "ACTION_ITEM_REMOVED": 311, "DECISION_SIGNED": 320,
        "AGENDA_WITHDRAWN": 350, "DECISION_OVERTAKEN": 351,
        # issue 13 points 5 and 7 (R9, R26)
        "ACCESS_EXTENDED": 112, "AGENDA_EMERGENCY_KEPT": 370, "CASE_COORDINATOR_NAMED": 371,
        "EMERGENCY_NOT_FORMALISED": 372, "EMERGENCY_GRANT_EXPIRING": 373,
        # issue 15 (R11): the case conference and the service plan
        "CONFERENCE_RECORDED": 700, "PLAN_VERSION_OPENED": 701, "SERVICE_ITEM_ADDED": 702,
        "SERVICE_ITEM_REMOVED": 703, "SERVICE_ITEM_STATUS": 704, "PLAN_APPROVED": 705,
        # issue 15 points 3 and 5 (R10, R11): delivery records and recovery indicators
        "DELIVERY_RECORDED": 706, "INDICATOR_ADDED": 707, "INDICATOR_UPDATED": 708,
    }


def test_the_old_enum_name_still_answers_each_type():
    assert EventType.STATUS_CHANGED is STATUS_CHANGED == 130
    assert EventType.SOP_STEP.name == "SOP_STEP" and str(EventType.SOP_STEP.label) == "Langkah SOP"
    assert EventType(220) is EventType.SOP_STEP and EventType.SOP_STEP.value == 220
    assert (130, STATUS_CHANGED.label) in EventType.choices
    with pytest.raises(AttributeError):
        EventType.NO_SUCH_TYPE  # noqa: B018
    # A row of a type no app declares any more still has a label, never its bare number.
    assert CaseEvent(event_type=999).type_label == "Peristiwa lain"


# --- a later app adds a type: no migration of cases ----------------------------------------------------

@pytest.fixture
def termination_requested():
    """A type a later app (terminations, 400–499) declares in its own events.py."""
    spec = registry.register(EventSpec(400, "TERMINATION_REQUESTED", _("Terminasi diajukan"),
                                       app="terminations", payload={"request": int}))

    @registry.writer(spec)
    def write(*, case, actor, request: int) -> CaseEvent:
        return case_event_record(case=case, actor=actor, event_type=spec, payload={"request": request})

    yield spec, write
    registry.unregister(spec)


@pytest.mark.django_db
def test_a_new_type_in_a_later_app_needs_no_migration_and_shows_on_the_timeline(
        uptd, open_case, client, login_verified, termination_requested):
    spec, write = termination_requested
    assert registry.problems() == []
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits 1 on a change

    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    write(case=case, actor=head, request=7)
    assert CaseEvent.objects.get(case=case, event_type=spec).type_label == "Terminasi diajukan"
    login_verified(client, head)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Terminasi diajukan" in page and "Kasus dibuka" in page


# --- docs/events.md is the code's ----------------------------------------------------------------------

def test_docs_events_shows_every_type_the_code_declares():
    text = (Path(settings.BASE_DIR) / "docs" / "events.md").read_text(encoding="utf-8")
    assert event_registry.DOCS_BEGIN in text and event_registry.DOCS_END in text
    assert event_registry.docs_with_events(text) == text, (
        "docs/events.md differs from the declarations: run `manage.py events_docs`")
    for spec in registry.all():
        assert f"| {int(spec)} | `{spec.app}` | `{spec.name}` |" in text
        assert f"`{registry.writer_of(spec)}`" in text


# --- rows are written by the events modules only -------------------------------------------------------

def direct_writes(source: str, path: str) -> list[int]:
    """Lines of ``source`` (the file at ``path``, relative to the project) that write a timeline row
    other than through a writer: ``case_event_record`` imported or called outside an ``events``
    module, or a ``CaseEvent`` built or created outside ``cases/events.py``."""
    in_events_module = Path(path).name == "events.py"
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and not in_events_module:
            if any(a.name == "case_event_record" for a in node.names):
                found.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "case_event_record" and not in_events_module:
                found.append(node.lineno)
            elif path != "cases/events.py" and (
                    name == "CaseEvent"
                    or (name in {"create", "bulk_create", "get_or_create", "update_or_create"}
                        and "CaseEvent.objects" in ast.unparse(func))):
                found.append(node.lineno)
    return sorted(found)


SNIPPET = """\
from cases.events import case_event_record
from cases import events
def act(case):
    case_event_record(case=case, actor=None, event_type=130, payload={})
    events.case_event_record(case=case, actor=None, event_type=130, payload={})
    CaseEvent.objects.create(case=case, event_type=130)
    CaseEvent(case=case, event_type=130).save()
    events.status_changed(case=case, actor=None, from_="a", to="b", reason="c")
    CaseEvent.objects.filter(case=case).count()
"""


def test_the_guard_sees_every_way_around_the_writers():
    assert direct_writes(SNIPPET, "triage/services.py") == [1, 4, 5, 6, 7]
    assert direct_writes(SNIPPET, "triage/events.py") == [6, 7]
    assert direct_writes(SNIPPET, "cases/events.py") == []


def _project_sources():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if rel.parts[0] in {".venv", "tests", "node_modules"} or "migrations" in rel.parts:
            continue
        yield rel.as_posix(), path.read_text(encoding="utf-8")


def test_services_write_events_only_through_the_writers():
    offenders = {rel: lines for rel, source in _project_sources() if (lines := direct_writes(source, rel))}
    assert offenders == {}
    assert any(rel == "triage/services.py" for rel, _source in _project_sources())


def test_only_the_projects_own_apps_declare_event_types(tmp_path):
    """An installed package inside the repository's virtualenv is not a project app: its ``events``
    module (if it had one) is never loaded into the registry."""
    from cases.event_registry import is_project_path

    (tmp_path / "cases").mkdir()
    installed = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "someapp"
    installed.mkdir(parents=True)
    assert is_project_path(tmp_path / "cases", tmp_path)
    assert not is_project_path(installed, tmp_path)
    assert not is_project_path(tmp_path.parent, tmp_path)
