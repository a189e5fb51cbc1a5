"""The permission matrix: every route × role × own/other object, as docs/access.md says.

A named route missing from the table fails; another agency's request gets a 404 that does not
contain the case number.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken

from agencies.models import Role
from cases.models import AccessLevel
from cases.services import case_grant_access
from tests.factories import AgencyFactory, UserFactory, member

DOC = Path(__file__).resolve().parent.parent / "docs" / "access.md"
ROLES = ["anon", "admin_officer", "konselor", "head", "investigator", "tp_anggota",
         "ministry_viewer", "system_admin"]
# Routes that are not pages of the product: admin family is checked on its index.
FAMILIES = {"admin": "admin:*"}


def read_table() -> list[dict]:
    text = DOC.read_text()
    block = text.split("<!-- access-table:start -->")[1].split("<!-- access-table:end -->")[0]
    rows = [line for line in block.strip().splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header[3:] == ROLES, "docs/access.md table columns changed; update the test users"
    table = []
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        table.append(dict(zip(header, cells, strict=True)))
    return table


def named_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns, ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern):
                if ns in FAMILIES:
                    names.add(FAMILIES[ns])
                elif p.name:
                    names.add(f"{ns}:{p.name}" if ns else p.name)
                else:
                    names.add(f"<unnamed {p.pattern}>")

    walk(get_resolver().url_patterns)
    return names


def test_every_route_is_in_the_table():
    documented = {row["route"] for row in read_table()}
    missing = named_routes() - documented
    assert not missing, f"Routes without a rule in docs/access.md: {sorted(missing)}"
    stale = documented - named_routes()
    assert not stale, f"Rules for routes that no longer exist: {sorted(stale)}"


TABLE = read_table()
CASES = [(row, role) for row in TABLE for role in ROLES]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (each test still runs in its own rolled-back transaction, so what a
    request writes disappears); the tables are emptied when the module is done."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        data = _build_world()
        yield data
        call_command("flush", interactive=False, verbosity=0)


def _build_world():
    """Agency A (UPTD PPA) and agency B (police unit), one case each, one user per role."""
    a = AgencyFactory(code="a-uptd", name="UPTD A", kind="uptd_ppa")
    b = AgencyFactory(code="b-polres", name="Polres B", kind="police_unit", institution="polri")
    users = {
        "admin_officer": member(a, Role.ADMIN_OFFICER),
        "konselor": member(a, Role.KONSELOR),
        "head": member(a, Role.HEAD),
        "investigator": member(b, Role.INVESTIGATOR),
        "tp_anggota": member(a, Role.TP_ANGGOTA),
        "ministry_viewer": member(a, Role.MINISTRY_VIEWER),
        "system_admin": member(a, Role.SYSTEM_ADMIN, user=UserFactory(is_staff=True, is_superuser=True)),
    }
    from cases.intake.services import VictimInput, complaint_register
    from tests.intake.helpers import complaint_input

    complaint_a = complaint_register(actor=users["admin_officer"], receiving_agency=a, data=complaint_input(
        victims=[VictimInput(full_name="Ani Anggraini", category="adult_woman")]))
    case_a = complaint_a.case
    head_b = member(b, Role.HEAD)
    # Registered by the investigator, who is thereby assigned and holds `full` on it.
    complaint_b = complaint_register(actor=users["investigator"], receiving_agency=b, data=complaint_input(
        victims=[VictimInput(full_name="Bunga Citra", category="adult_woman")]))
    case_b = complaint_b.case
    # A grant on each case to a third agency, so that revoke routes have an object.
    c = AgencyFactory(code="c-rsud", name="RSUD C", kind="hospital")
    grant_a = case_grant_access(actor=users["head"], case=case_a, agency=c, level=AccessLevel.SUMMARY)
    grant_b = case_grant_access(actor=head_b, case=case_b, agency=c, level=AccessLevel.SUMMARY)
    stranger = UserFactory()
    # An acting head (Plt.) named on each side, from tomorrow: it covers no day of the matrix, so
    # nobody's standing changes; the `acting-head-end` routes have an object to end.
    from datetime import timedelta

    from django.utils import timezone

    from agencies.services import acting_head_appoint

    tomorrow = timezone.localdate() + timedelta(days=1)
    acting = {side: acting_head_appoint(actor=head, agency=agency, user=member(agency, Role.PENDAMPING),
                                        start=tomorrow, end=tomorrow + timedelta(days=7),
                                        reference=f"SP-PLT/{agency.code}")
              for side, agency, head in (("a", a, users["head"]), ("b", b, head_b))}
    from tests.meetings.helpers import meeting_world

    meetings = meeting_world(a=a, b=b, complaint_a=complaint_a, complaint_b=complaint_b)
    from sops.services import sop_run_start

    runs = {"a": sop_run_start(actor=users["admin_officer"], case=case_a, sop="I", complaint=complaint_a),
            "b": sop_run_start(actor=users["investigator"], case=case_b, sop="I", complaint=complaint_b)}
    return {"a": a, "b": b, "users": users, "case": {"a": case_a, "b": case_b},
            "grant": {"a": grant_a, "b": grant_b}, "stranger": stranger, "head_b": head_b,
            "acting": acting,
            # SOP routes: `run` (one SOP run on the side's case)
            "run": runs,
            # meeting routes: `meeting` (one open meeting), `item` (the side's case on its agenda),
            # `action` (an action item whose responsible agency is the side's agency)
            "meeting": meetings["meeting"], "item": meetings["item"], "action": meetings["action"]}


def url_for(route: str, scope: str, role: str, world) -> tuple[str, str | None]:
    """The URL to request, and the case number that must not leak (for 'other')."""
    if route == "admin:*":
        return reverse("admin:index"), None
    home = "b" if role == "investigator" else "a"
    away = "a" if home == "b" else "b"
    side = home if scope == "own" else away
    case = world["case"][side]
    kwargs: dict = {}
    pattern = get_resolver().reverse_dict  # noqa: F841 — resolution below needs the kwargs only
    needs = set(re.findall(r"<(?:\w+:)?(\w+)>", _route_pattern(route)))
    if "pk" in needs:
        kwargs["pk"] = case.pk
    if "attachment" in needs:
        kwargs["attachment"] = 999_999
    if "complaint" in needs:
        kwargs["complaint"] = case.complaints.first().public_id
    if "grant_id" in needs:
        kwargs["grant_id"] = world["grant"][side].pk
    if "consent" in needs:
        kwargs["consent"] = case.consents.order_by("pk").first().pk
    if "token_key" in needs:
        owner = world["users"].get(role) if scope == "own" else world["stranger"]
        owner = owner or world["stranger"]
        instance, _ = AuthToken.objects.create(user=owner)
        kwargs["token_key"] = instance.token_key
    if "meeting" in needs:
        kwargs["meeting"] = world["meeting"].pk
    if "item" in needs:
        kwargs["item"] = world["item"][side].pk
    if "action" in needs:
        kwargs["action"] = world["action"][side].pk
    if "acting" in needs:
        kwargs["acting"] = world["acting"][side].pk
    if "run" in needs:
        kwargs["run"] = world["run"][side].pk
    leak = case.number if (needs & {"pk", "item", "action"} and scope == "other") else None
    return reverse(route, kwargs=kwargs or None), leak


def _route_pattern(route: str) -> str:
    def walk(patterns, ns=None, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                found = walk(p.url_patterns, inner, prefix + str(p.pattern))
                if found:
                    return found
            elif p.name and (f"{ns}:{p.name}" if ns else p.name) == route:
                return prefix + str(p.pattern)
        return None

    return walk(get_resolver().url_patterns) or ""


@pytest.mark.django_db
@pytest.mark.parametrize("row, role", CASES,
                         ids=[f"{r['route']}-{r['method']}-{r['scope']}-{role}" for r, role in CASES])
def test_route_answers_as_the_table_says(row, role, world, client, login_verified):
    expected = int(row[role])
    if role != "anon":
        user = world["users"][role]
        if role in ("head", "system_admin"):
            login_verified(client, user)
        else:
            client.force_login(user)
    url, leak = url_for(row["route"], row["scope"], role, world)
    resp = client.get(url) if row["method"] == "GET" else client.post(url)
    assert resp.status_code == expected, f"{row['method']} {url} as {role}"
    if leak and resp.status_code == 404:
        assert leak not in resp.content.decode()


def test_agency_groups_exist_for_grants(world):
    assert Group.objects.filter(name="agency:a-uptd").exists()


@pytest.mark.django_db
def test_revoke_route_ends_one_source_and_the_agency_keeps_the_others(world, client, login_verified):
    """Grants are per source: the row the head revokes on the case page ends that source only; the
    third agency still sees the case through its other grant, and loses it when that ends too."""
    from cases.models import CaseGrant, GrantSource

    case = world["case"]["a"]
    manual = world["grant"]["a"]  # the head's summary grant to agency C
    c = manual.group.agency
    decision = case_grant_access(actor=None, case=case, agency=c, level=AccessLevel.SERVICE,
                                 source=GrantSource.SIGNED_DECISION, source_ref="notula NTL-MATRIKS",
                                 check_actor=False)
    nurse = member(c, Role.HEALTH_WORKER)
    login_verified(client, world["users"]["head"])
    detail = reverse("cases:detail", args=[case.pk])

    def revoke(grant):
        url = reverse("cases:revoke", kwargs={"pk": case.pk, "grant_id": grant.pk})
        assert client.post(url, {"reason": "Layanan selesai"}).status_code == 302

    revoke(decision)
    assert CaseGrant.objects.get(pk=manual.pk).revoked_at is None
    nurse_client = type(client)()
    nurse_client.force_login(nurse)
    assert nurse_client.get(detail).status_code == 200
    revoke(manual)
    assert nurse_client.get(detail).status_code == 404
