"""The permission matrix: every route × role × own/other object, as docs/access.md says.

A named route missing from the table fails; another agency's request gets a 404 that does not
contain the case number. The roles include the Ketua and the secretary of the Tim Percepatan and the
staff of an agency holding a grant on the case, so that every route has a row that tells who may
from who may not.
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
ROLES = ["anon", "admin_officer", "konselor", "head", "investigator", "granted_staff", "tp_anggota",
         "tp_sekretaris", "tp_ketua", "ministry_viewer", "system_admin"]
#: Roles that must pass TOTP: signed in as having passed it.
TOTP_ROLES = {"head", "tp_ketua", "system_admin"}
#: Meeting routes that need minutes in another state than the open meeting of the other routes:
#: signing needs minutes ready for signature, the PDF and the addendum signed minutes.
MEETING_OF_ROUTE = {"meetings:sign": "ready", "meetings:minutes-pdf": "signed", "meetings:addendum": "signed"}
#: Routes whose 302 is their own answer, signed in or not.
OPEN_REDIRECTS = {"logout", "set_language"}
PASSWORD = "sandi-uji-12345"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module (each test still runs in its own rolled-back transaction, so what a
    request writes disappears); the tables are emptied when the module is done. A development
    signing CA and a private file storage in a temporary folder serve the module (signed minutes,
    attachments)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from documents.signing import create_dev_ca

    folder = tmp_path_factory.mktemp("matrix")
    files = override_settings(
        SIGNING_CA_CERT_FILE=str(folder / "ca.pem"), SIGNING_CA_KEY_FILE=str(folder / "ca.key"),
        STORAGES={**settings.STORAGES, "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder / "private")}}})
    files.enable()
    try:
        create_dev_ca()
        with django_db_blocker.unblock():
            try:
                yield _build_world()
            finally:  # a world half-built by a failure must not stay for the next run either
                call_command("flush", interactive=False, verbosity=0)
    finally:
        files.disable()


def _build_world():
    """Agency A (UPTD PPA) and agency B (police unit), one case each, one user per role; hospital D
    holds a `service` grant on A's case (its staff member is `granted_staff`); the Tim Percepatan
    (members of A) holds an open meeting with both cases on its agenda, and two agenda-less meetings:
    one whose minutes are ready for signature, one whose minutes the Ketua signed."""
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
    # Hospital D serves A's case: the head's `service` grant (the level a signed decision gives).
    d = AgencyFactory(code="d-rsud", name="RSUD D", kind="hospital")
    users["granted_staff"] = member(d, Role.HEALTH_WORKER)
    case_grant_access(actor=users["head"], case=case_a, agency=d, level=AccessLevel.SERVICE)
    # One attachment on each side's complaint, so that the download route has an object.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.intake.services import attachment_add

    attachments = {side: attachment_add(actor=actor, complaint=complaint,
                                        uploaded=SimpleUploadedFile("surat.pdf", PDF, "application/pdf"))
                   for side, actor, complaint in (("a", users["admin_officer"], complaint_a),
                                                  ("b", users["investigator"], complaint_b))}
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
    team = meetings["team"]
    users["tp_sekretaris"], users["tp_ketua"] = team.sekretaris, team.ketua
    # One inbox row for each user (and the stranger): the notification routes take its id.
    from common.notifications import notify

    notifications = {key: notify(users=[user], kind="matrix", title="Uji matriks akses", url="/",
                                 dedupe_key=f"matrix:{key}")[0]
                     for key, user in [*users.items(), ("stranger", stranger)]}
    minutes_of = {"ready": _meeting_with_minutes(team, days=2, sign=False),
                  "signed": _meeting_with_minutes(team, days=3, sign=True)}
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
            "meeting": meetings["meeting"], "item": meetings["item"], "action": meetings["action"],
            # `meetings:sign` asks for `ready` minutes, the PDF and the addendum for `signed` ones
            **minutes_of, "attachment": attachments, "notification": notifications}


def _meeting_with_minutes(team, *, days: int, sign: bool):
    """A meeting without agenda, opened and closed, its minutes ready for the Ketua (who presides)
    to sign — and signed, with ``sign``."""
    from django.test import RequestFactory
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from meetings import services
    from meetings.signing import minutes_content_hash, minutes_sign
    from tests.meetings.helpers import make_meeting

    meeting = make_meeting(team, days=days)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    if sign:
        device, _ = TOTPDevice.objects.get_or_create(user=team.ketua, name="uji",
                                                     defaults={"confirmed": True})
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"
        minutes_sign(actor=team.ketua, meeting=meeting, password=PASSWORD, otp_token=code,
                     shown_hash=minutes_content_hash(meeting),
                     request=RequestFactory().post("/", REMOTE_ADDR="127.0.0.1"))
    meeting.refresh_from_db()
    return meeting


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
        kwargs["attachment"] = world["attachment"][side].pk
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
        kwargs["meeting"] = world[MEETING_OF_ROUTE.get(route, "meeting")].pk
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


def form_for(route: str, scope: str, role: str, world) -> dict:
    """What the request posts: nothing, except the id of a notification (the user's own, or the
    stranger's for 'other') for the notification routes, which take it from the form."""
    if route.startswith("notifications:") and scope in ("own", "other"):
        owner = role if scope == "own" and role in world["notification"] else "stranger"
        return {"id": world["notification"][owner].pk}
    return {}


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
        if role in TOTP_ROLES:
            login_verified(client, user)
        else:
            client.force_login(user)
    url, leak = url_for(row["route"], row["scope"], role, world)
    data = form_for(row["route"], row["scope"], role, world)
    resp = client.get(url) if row["method"] == "GET" else client.post(url, data)
    resp.close()  # a file download keeps its file open until closed
    assert resp.status_code == expected, f"{row['method']} {url} as {role}"
    if role == "anon" and resp.status_code == 302 and row["route"] not in OPEN_REDIRECTS:
        # Not signed in: the 302 is the way to the sign-in page, not the route's own answer.
        sign_in = reverse("admin:login" if row["route"] == "admin:*" else "login")
        assert resp["Location"].startswith(sign_in + "?next="), f"{row['method']} {url}"
    if leak and resp.status_code == 404:
        assert leak not in resp.content.decode()


@pytest.mark.django_db  # with the module's other tests, which share its world (built once)
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


#: Who sees case A but does not work for the agency that received it.
ONLOOKERS = ["granted_staff", "tp_anggota", "tp_sekretaris", "tp_ketua"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["konselor", *ONLOOKERS])
def test_only_the_receiving_agency_responds_to_voids_or_attaches_to_a_complaint(role, world, client,
                                                                               login_verified):
    """The complaint pages answer the receiving agency's staff with 302 and a message, and 404 to
    anyone else who sees the case: a complete request from the hospital holding a grant or from the
    Tim Percepatan writes nothing — the API refuses it with 403 — while the receiving agency's
    konselor, who sees the case only at `summary`, does all three."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Attachment, ComplaintOutcome

    user = world["users"][role]
    if role in TOTP_ROLES:
        login_verified(client, user)
    else:
        client.force_login(user)
    may = role == "konselor"
    case = world["case"]["a"]
    complaint = case.complaints.get()
    kwargs = {"pk": case.pk, "complaint": complaint.public_id}

    page = client.post(reverse("cases:respond", kwargs=kwargs),
                       {"method": "phone", "successful": "0", "result": "Telepon tidak diangkat"})
    assert page.status_code == (302 if may else 404)
    api = client.post(reverse("api:complaint-respond", kwargs=kwargs),
                      {"method": "phone", "successful": False}, content_type="application/json")
    assert api.status_code == (201 if may else 403)
    assert complaint.responses.filter(responder=user).count() == (2 if may else 0)

    client.post(reverse("cases:attach", kwargs=kwargs),
                {"file": SimpleUploadedFile("surat.pdf", PDF, "application/pdf")})
    assert Attachment.objects.filter(complaint=complaint, uploaded_by=user).exists() is may

    client.post(reverse("cases:void", kwargs=kwargs), {"reason": "Tercatat ganda oleh petugas"})
    complaint.refresh_from_db()
    assert (complaint.outcome == ComplaintOutcome.VOIDED) is may
