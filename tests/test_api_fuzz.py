"""Schemathesis fuzzes every API operation against the OpenAPI schema the API serves.

Each operation of the schema gets a bounded, derandomised run (fixed seed, at most
``MAX_EXAMPLES`` generated requests in the fuzzing phase, plus schemathesis' examples and coverage
phases) as a signed-in caller — an admin officer of a UPTD PPA who is also the Tim Percepatan's
secretary, using an API token like an integration would — and fails on a server error or on any
contract failure schemathesis checks: status code, content type, headers or body not as
documented; a schema-invalid request accepted; a schema-valid one refused. Neither role needs
TOTP, so the token works without a verified session. All operations are fuzzed: none needs a fresh
TOTP code (signing the minutes, which does, is a page and not part of the API).

Some of the generated requests address objects the caller can reach (its case and complaint, the
meeting, an agenda item, an action item), so success answers are checked too, not only 404s.
The world is built once for the module inside a transaction rolled back at the end, with the id
sequences set from the committed rows first so that the same seed sends the same requests to the
same objects on every run; each operation's run is rolled back as well (pytest-django's ``db``).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

SEED = 20260901
MAX_EXAMPLES = 20

#: A write may refuse a request that the schema calls valid: its rules depend on the clock, on
#: other fields or on the state of the case or meeting (a reception time in the future, a child
#: victim's consent given by the victim, a decision for a case not on the agenda, an SOP step of
#: another SOP, a presentation naming the victim…), which OpenAPI cannot state. It answers 400
#: with the field errors or the rule's ``detail``. Reads have no such rules: there a schema-valid
#: request must be answered, as schemathesis expects by default.
WRITE_RULE_REFUSAL = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]

CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "operations": [{"include-method": "POST", "checks": {
        "positive_data_acceptance": {"expected-statuses": WRITE_RULE_REFUSAL}}}],
})
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True),
                                        config=CONFIG)
schema.app = get_wsgi_application()

#: Filled by the ``fuzz_world`` fixture before any request is generated.
WORLD: dict = {}


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Some of the (valid) path parameters name an object the caller can reach."""
    names = {p.name for p in context.operation.path_parameters}

    def reachable():
        return st.sampled_from([{k: v for k, v in row.items() if k in names}
                                for row in WORLD["paths"] if names <= row.keys()])

    def maybe_reachable(value):
        if not isinstance(value, dict):  # a negative (schema-invalid) value: keep it
            return st.just(value)
        if not any(names <= row.keys() for row in WORLD["paths"]):  # the world has no such object
            return st.just(value)
        return st.one_of(st.deferred(reachable), st.just(value))

    return strategy.flatmap(maybe_reachable)


@schema.hook
def before_generate_body(context, strategy):
    """Some of the fields that name another object (a case, a complaint, an agency, a user) name one
    the caller can use, so that writes get past "not found" into their rules."""

    def maybe_known(body):
        if not isinstance(body, dict):  # negative, or not an object: keep it
            return st.just(body)
        keys = sorted(k for k in body if k in BODY_FIELDS)
        if not keys:
            return st.just(body)
        known = st.deferred(lambda: st.fixed_dictionaries(
            {k: st.one_of(st.sampled_from(WORLD["body"][k]), st.just(body[k])) for k in keys}))
        return known.map(lambda chosen: {**body, **chosen})

    return strategy.flatmap(maybe_known)


BODY_FIELDS = {"receiving_agency", "assignee", "join_case", "case", "complaint", "agencies",
               "serving_agencies", "coordinator_agency", "responsible_agency", "outcomes", "victim_id",
               "perpetrator_id"}


def _reset_sequences():
    """Next ids follow the committed rows, so the world's ids are the same on every run."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cur.execute(sql)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    from datetime import timedelta

    from django.core import signals
    from django.db import close_old_connections, transaction
    from django.utils import timezone
    from knox.models import AuthToken

    from agencies.models import Role
    from meetings import services
    from sops.services import sop_run_start
    from tests.factories import AgencyFactory, MembershipFactory, member
    from tests.meetings.helpers import make_meeting, propose_and_open, register, select

    with django_db_blocker.unblock(), transaction.atomic():
        _reset_sequences()
        uptd = AgencyFactory(code="uptd-fuzz", name="UPTD PPA Fuzz", kind="uptd_ppa")
        polres = AgencyFactory(code="polres-fuzz", name="Unit PPA Polres Fuzz", kind="police_unit",
                               institution="polri")
        caller = member(uptd, Role.ADMIN_OFFICER, user__username="fuzz.sekretaris")
        MembershipFactory(user=caller, agency=uptd, role=Role.TP_SEKRETARIS)
        for role in (Role.TP_KETUA, Role.TP_WAKIL_KETUA, Role.TP_ANGGOTA):
            member(uptd, role)
        ours = register(uptd, actor=caller, name="Sekar Ayu Lestari", nik="3174054101900101")
        on_agenda = register(uptd, actor=caller, name="Dewi Anggraini", nik="3174054101900102")
        theirs = register(polres, name="Rina Wulandari", nik="3174054101900103")
        meeting = make_meeting(_Team(caller, uptd))
        propose_and_open(_Team(caller, uptd), meeting, [on_agenda])
        decision = select(_Team(caller, uptd), meeting, on_agenda.case, uptd)
        action = services.action_item_add(
            actor=caller, decision=decision, description="Asesmen psikologis lanjutan",
            responsible_agency=uptd, due_date=timezone.localdate() + timedelta(days=7))
        run = sop_run_start(actor=caller, case=ours.case, sop="V", complaint=ours)
        _instance, WORLD["token"] = AuthToken.objects.create(user=caller)
        WORLD["paths"] = [
            {"id": c.case_id, "complaint": str(c.public_id)} for c in (ours, on_agenda, theirs)
        ] + [{"meeting": meeting.pk, "item": decision.agenda_item_id, "action": action.pk},
             {"id": ours.case_id, "run": run.pk}]
        cases = [ours.case_id, on_agenda.case_id, theirs.case_id]
        WORLD["body"] = {
            "receiving_agency": [uptd.code], "assignee": [caller.username],
            "join_case": cases, "case": cases,
            "complaint": [str(ours.public_id), str(on_agenda.public_id)],
            "agencies": [[polres.code], [uptd.code, polres.code]],
            "serving_agencies": [[uptd.code], [uptd.code, polres.code]],
            "coordinator_agency": [uptd.code], "responsible_agency": [uptd.code, polres.code],
            "outcomes": [{str(ours.public_id): "proposed"}, {str(ours.public_id): "noted"}],
            # Corrections: a victim and a perpetrator of ``ours`` (and of another complaint).
            "victim_id": [v.pk for c in (ours, theirs) for v in c.victims.all()],
            "perpetrator_id": [p.pk for c in (ours, theirs) for p in c.perpetrators.all()] or [1],
        }
        # Django's WSGI handler closes the connection after each request (as a server should);
        # the test client does not, and neither may we: the connection holds this transaction.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            yield WORLD
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
            WORLD.clear()
            transaction.set_rollback(True)


class _Team:
    """What tests.meetings.helpers needs of a team: the secretary acts, everyone attends."""

    def __init__(self, secretary, agency):
        from agencies.models import Membership

        self.sekretaris = secretary
        self.ids = list(Membership.objects.filter(agency=agency).values_list("user_id", flat=True)
                        .distinct())


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_its_schema_says(case, fuzz_world, db):
    # The token exists only once the world is built, after collection: sent with each call.
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world['token']}"})

