"""National-volume data for the benchmark, loaded with PostgreSQL COPY (psycopg 3).

Skewed like reality (issue 14): ~550 receiving and serving agencies of which a few are big (case
volume by a Zipf law), ten years of cases (more each year), most of them closed; about 1.14
complaints per case; one victim per case whose identity is encrypted and blind-indexed by the
model's own fields (``EncryptedTextField.get_prep_value``, ``common.crypto.blind_index``) as in
production; grants to hospitals and police units, assignments, timeline events and weekly
meetings in proportion. Sizes come from ``Size`` (``BENCH_CASES`` …). Rows are written straight
into the tables — a bench database only, never a real one.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection

CLOSED_SHARE = 0.85
OPEN_STATUSES = [
    "registered",
    "triaged",
    "awaiting_decision",
    "handled_by_agency",
    "plan_agreed",
    "in_service",
    "post_service_monitoring",
]
VIOLENCE = ["tpks", "kbe", "kdrt", "tppo"]
PASSWORD = "bench-Terpadu-2026"  # noqa: S105 — a bench database's users, never deployed


@dataclass
class Size:
    cases: int = 350_000
    open_complaints: int = 100_000
    agencies: int = 550
    users: int = 5_000
    events_per_case: int = 5
    years: int = 10

    @classmethod
    def for_cases(cls, cases: int, open_complaints: int | None = None, agencies: int | None = None) -> Size:
        """Sizes in proportion to ``cases``; ``agencies`` (``BENCH_AGENCIES``) overrides the number of
        agencies, e.g. the national 550 at fewer cases (pages whose cost follows agencies)."""
        agencies = agencies if agencies is not None else max(12, min(550, cases // 600))
        return cls(
            cases=cases,
            open_complaints=open_complaints if open_complaints is not None else min(100_000, cases // 3),
            agencies=agencies,
            users=max(60, min(5_000, agencies * 9)),
        )


@dataclass
class World:
    """What the harness needs after loading: the journey users and a few case ids each sees."""

    journey_users: dict[str, int] = field(default_factory=dict)
    sample_cases: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


#: The kinds that receive complaints (``Agency.receives_complaints``, as the migration set it).
RECEIVING_KINDS = frozenset({"uptd_ppa", "police_unit", "hospital", "puskesmas"})

def _copy(cur, table: str, columns: list[str], rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _next_id(cur, table: str) -> int:
    cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 — fixed names
    return cur.fetchone()[0]


def _reset_identity(cur, table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


def _pg_array(values) -> str:
    return "{" + ",".join(values) + "}"


def load(size: Size, *, seed: int = 14) -> World:  # noqa: C901, PLR0915 — one linear script
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission

    from cases.event_registry import registry
    from cases.models import Victim
    from common.crypto import blind_index, name_tokens, normalise_nik, normalise_phone

    rnd = random.Random(seed)
    world = World()
    now = datetime.now(UTC)
    start = now - timedelta(days=365 * size.years)
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3
    permission_id = Permission.objects.get(codename="access_case", content_type__app_label="cases").pk
    event_codes = sorted(int(spec) for spec in registry.all() if 100 <= int(spec) < 200)[:8]
    enc = {f: Victim._meta.get_field(f) for f in ("full_name", "nik", "phone", "address", "date_of_birth")}
    password = make_password(PASSWORD)

    with raw.cursor() as cur:
        # --- agencies and their groups: a ministry, the Tim Percepatan's home, then receiving and
        # serving agencies; receiving kinds first so the Zipf head is UPTDs and big police units.
        kinds = [
            "uptd_ppa",
            "police_unit",
            "hospital",
            "uptd_ppa",
            "puskesmas",
            "police_unit",
            "hospital",
            "uptd_ppa",
            "social_service",
            "police_unit",
            "uptd_ppa",
            "hospital",
            "puskesmas",
            "legal_aid",
            "uptd_ppa",
            "police_unit",
            "hospital",
            "uptd_ppa",
            "puskesmas",
            "police_unit",
        ]
        gid, aid = _next_id(cur, "auth_group"), _next_id(cur, "agencies_agency")
        agencies = [("ministry", "kemenpppa"), ("uptd_ppa", "pemprov_dki")]
        agencies += [(kinds[i % len(kinds)], "pemprov_dki") for i in range(size.agencies - 2)]
        _copy(
            cur,
            "auth_group",
            ["id", "name"],
            ((gid + i, f"agency:bench-{i}") for i in range(len(agencies))),
        )
        _copy(
            cur,
            "agencies_agency",
            ["id", "code", "name", "kind", "institution", "region", "is_active", "group_id",
             "receives_complaints"],
            (
                (aid + i, f"bench-{i}", f"Lembaga Bench {i}", k, inst, "3174", True, gid + i,
                 k in RECEIVING_KINDS)
                for i, (k, inst) in enumerate(agencies)
            ),
        )
        agency_ids = [aid + i for i in range(len(agencies))]
        group_of = {aid + i: gid + i for i in range(len(agencies))}
        kind_of = {aid + i: k for i, (k, _inst) in enumerate(agencies)}
        receiving = [a for a in agency_ids[2:] if kind_of[a] in RECEIVING_KINDS]
        weights = [1 / (rank + 1) ** 1.1 for rank in range(len(receiving))]
        ministry, team_home = agency_ids[0], agency_ids[1]

        # --- users and memberships: ~9 per agency (head, admin officers, companions…), the team
        # and a ministry viewer; the six journey users by name.
        uid, mid = _next_id(cur, "agencies_user"), _next_id(cur, "agencies_membership")
        users, members = [], []
        staff_of: dict[int, list[int]] = {}

        def add_user(name: str, agency: int, role: str) -> int:
            u = uid + len(users)
            users.append(
                (
                    u,
                    password,
                    False,
                    name,
                    "",
                    "",
                    f"{name}@bench.local",
                    False,
                    True,
                    now,
                    f"Pengguna {name}",
                    "",
                    "",
                    "id",
                )
            )
            members.append((mid + len(members), role, date(2016, 1, 1), None, agency, u))
            return u

        journeys = {
            "admin_officer": add_user("bench_admin", receiving[0], "admin_officer"),
            "head": add_user("bench_head", receiving[0], "head"),
            "police": add_user(
                "bench_police", next(a for a in receiving if kind_of[a] == "police_unit"), "investigator"
            ),
            "hospital": add_user(
                "bench_hospital", next(a for a in receiving if kind_of[a] == "hospital"), "health_worker"
            ),
            "team": add_user("bench_team", team_home, "tp_anggota"),
            "ministry": add_user("bench_ministry", ministry, "ministry_viewer"),
        }
        add_user("bench_secretary", team_home, "tp_sekretaris")
        police_agency, hospital_agency = members[2][4], members[3][4]
        per_agency = max(3, size.users // len(agency_ids))
        roles = [
            "head",
            "admin_officer",
            "pendamping",
            "konselor",
            "pendamping",
            "mediator",
            "relawan",
            "pendamping",
            "konselor",
        ]
        for a in agency_ids[2:]:
            for j in range(per_agency):
                role = roles[j % len(roles)]
                if kind_of[a] == "police_unit" and role != "head":
                    role = "investigator"
                elif kind_of[a] in {"hospital", "puskesmas"} and role != "head":
                    role = "health_worker"
                staff_of.setdefault(a, []).append(add_user(f"bench_{a}_{j}", a, role))
        _copy(
            cur,
            "agencies_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
                "position_title",
                "phone",
                "language",
            ],
            users,
        )
        _copy(
            cur,
            "agencies_membership",
            ["id", "role", "valid_from", "valid_until", "agency_id", "user_id"],
            members,
        )
        staff_of.setdefault(receiving[0], []).append(journeys["admin_officer"])

        # --- cases: more each year (use grows), Zipf over receiving agencies, most closed.
        cid = _next_id(cur, "cases_case")
        span = (now - start).total_seconds()
        opened = sorted(start + timedelta(seconds=span * (rnd.random() ** 0.7)) for _ in range(size.cases))
        seq: dict[int, int] = {}
        case_rows, case_agency, case_open = [], [], []
        chosen = rnd.choices(receiving, weights=weights, k=size.cases)
        recent_cut = now - timedelta(days=120)
        for i, at in enumerate(opened):
            year = at.year
            seq[year] = seq.get(year, 0) + 1
            is_open = at > recent_cut and rnd.random() > 0.3 or rnd.random() > CLOSED_SHARE + 0.1
            status = rnd.choice(OPEN_STATUSES) if is_open else "closed"
            vt = _pg_array(rnd.sample(VIOLENCE, rnd.choice([1, 1, 1, 2])))
            case_rows.append(
                (
                    cid + i,
                    f"PPA-{year}-{seq[year]:06d}",
                    chosen[i],
                    status,
                    f"{chr(65 + rnd.randrange(26))}{chr(65 + rnd.randrange(26))}",
                    vt,
                    rnd.random() < 0.04,
                    False,
                    at,
                    None if is_open else at + timedelta(days=90),
                    at,
                )
            )
            case_agency.append(chosen[i])
            case_open.append(is_open)
        _copy(
            cur,
            "cases_case",
            [
                "id",
                "number",
                "receiving_agency_id",
                "status",
                "initials",
                "violence_types",
                "is_emergency",
                "awaiting_formal_decision",
                "opened_at",
                "closed_at",
                "updated_at",
            ],
            case_rows,
        )
        case_ids = [r[0] for r in case_rows]

        # --- complaints (~1.14 per case). The clock runs on ``open_complaints`` of them: nearly
        # all long overdue with their warning and breach already recorded (the sweep's steady state),
        # a few newly due, the rest still inside 24 hours.
        coid = _next_id(cur, "cases_complaint")
        complaints = []
        n_complaints = int(size.cases * 1.14)
        open_left = min(size.open_complaints, n_complaints)
        sla_rows = []
        slid = _next_id(cur, "cases_slaevent")
        for k in range(n_complaints):
            ci = k if k < size.cases else rnd.randrange(size.cases)
            case_id, agency, at = case_ids[ci], case_agency[ci], opened[ci]
            officer = rnd.choice(staff_of.get(agency) or [journeys["admin_officer"]])
            responded, due = at + timedelta(hours=rnd.uniform(1, 20)), at + timedelta(hours=24)
            if open_left > 0 and (k % max(1, n_complaints // max(1, size.open_complaints)) == 0):
                open_left -= 1
                responded = None
                bucket = rnd.random()
                if bucket < 0.98:
                    for kind, offset in (("warning", timedelta(hours=6)), ("breach", timedelta(0))):
                        sla_rows.append((slid + len(sla_rows), kind, due - offset, due, coid + k))
                elif bucket < 0.9805:
                    due = now - timedelta(hours=rnd.uniform(0, 5))  # newly in the warning window
                    at = due - timedelta(hours=24)
                else:
                    due = now + timedelta(hours=rnd.uniform(7, 23))
                    at = due - timedelta(hours=24)
            complaints.append(
                (
                    coid + k,
                    uuid.UUID(int=rnd.getrandbits(128), version=4),
                    "walk_in",
                    at,
                    "",
                    at,
                    due,
                    responded,
                    _pg_array(["tpks"]),
                    "{}",
                    None,
                    "",
                    "3174",
                    "",
                    "{}",
                    "",
                    True,
                    "",
                    "" if responded is None else "handled",
                    responded,
                    "",
                    officer,
                    case_id,
                    agency,
                    officer,
                )
            )
        _copy(
            cur,
            "cases_complaint",
            [
                "id",
                "public_id",
                "channel",
                "received_at",
                "received_at_reason",
                "registered_at",
                "response_due_at",
                "responded_at",
                "violence_types",
                "violence_forms",
                "incident_date",
                "incident_place",
                "incident_region",
                "chronology",
                "stated_needs",
                "stated_needs_note",
                "safe_to_contact",
                "safe_contact",
                "outcome",
                "outcome_at",
                "void_reason",
                "assignee_id",
                "case_id",
                "receiving_agency_id",
                "registered_by_id",
            ],
            complaints,
        )
        _copy(cur, "cases_slaevent", ["id", "kind", "at", "due_at", "complaint_id"], sla_rows)
        world.counts["open_complaints"] = size.open_complaints - max(0, open_left)

        # --- one victim per case, identity encrypted and blind-indexed as the model does.
        vid = _next_id(cur, "cases_victim")

        def victims():
            for i, case_id in enumerate(case_ids):
                name = f"Korban Bench {i}"
                nik, phone = f"3174{i:012d}", f"0812{i:08d}"
                yield (
                    vid + i,
                    "adult_woman",
                    case_rows[i][4],
                    enc["full_name"].get_prep_value(name),
                    enc["nik"].get_prep_value(nik),
                    enc["phone"].get_prep_value(phone),
                    enc["address"].get_prep_value("Jl. Bench No. 1"),
                    opened[i],
                    case_id,
                    "",
                    enc["date_of_birth"].get_prep_value(""),
                    "",
                    None,
                    "",
                    _pg_array(blind_index("name", t) for t in name_tokens(name)),
                    blind_index("nik", normalise_nik(nik)),
                    blind_index("phone", normalise_phone(phone)),
                    "3174",
                    "f",
                    None,
                )

        _copy(
            cur,
            "cases_victim",
            [
                "id",
                "category",
                "initials",
                "full_name",
                "nik",
                "phone",
                "address",
                "created_at",
                "case_id",
                "age_band_at_incident",
                "date_of_birth",
                "disability",
                "estimated_age",
                "kecamatan",
                "name_index",
                "nik_index",
                "phone_index",
                "region",
                "sex",
                "complaint_id",
            ],
            victims(),
        )

        # --- grants (a fifth of cases referred to a hospital or police unit), assignments, events.
        serving = [a for a in receiving if kind_of[a] in {"hospital", "police_unit"}]
        grid, asid, evid = (
            _next_id(cur, "cases_casegrant"),
            _next_id(cur, "cases_caseassignment"),
            _next_id(cur, "cases_caseevent"),
        )
        grants, assignments = [], []
        for i, case_id in enumerate(case_ids):
            if rnd.random() < 0.2 or (i % 50 == 0):
                to = rnd.choice(serving)
                if i % 50 == 0:  # every fiftieth case reaches the two journey users' agencies
                    to = rnd.choice([police_agency, hospital_agency])
                if to != case_agency[i]:
                    level = rnd.choice([10, 20, 20, 30])
                    grants.append(
                        (
                            grid + len(grants),
                            level,
                            "referral",
                            "",
                            opened[i],
                            None,
                            None if case_open[i] else opened[i] + timedelta(days=120),
                            "",
                            case_id,
                            None,
                            group_of[to],
                            permission_id,
                            None,
                            "Rujukan layanan",
                            "consent" if level >= 30 else "",
                        )
                    )
            staff = staff_of.get(case_agency[i])
            if staff and rnd.random() < 0.7:
                assignments.append(
                    (
                        asid + len(assignments),
                        "case_officer",
                        opened[i],
                        None if case_open[i] else opened[i] + timedelta(days=90),
                        case_id,
                        rnd.choice(staff),
                    )
                )
        _copy(
            cur,
            "cases_casegrant",
            [
                "id",
                "level",
                "source",
                "source_ref",
                "granted_at",
                "expires_at",
                "revoked_at",
                "revoke_reason",
                "content_object_id",
                "granted_by_id",
                "group_id",
                "permission_id",
                "revoked_by_id",
                "reason",
                "basis",
            ],
            grants,
        )
        _copy(
            cur,
            "cases_caseassignment",
            ["id", "role", "assigned_at", "ended_at", "case_id", "user_id"],
            assignments,
        )

        def events():
            n = 0
            for i, case_id in enumerate(case_ids):
                for j in range(size.events_per_case):
                    yield (
                        evid + n,
                        event_codes[j % len(event_codes)],
                        opened[i] + timedelta(hours=j),
                        "{}",
                        None,
                        case_agency[i],
                        case_id,
                    )
                    n += 1

        _copy(
            cur,
            "cases_caseevent",
            ["id", "event_type", "at", "payload", "actor_id", "agency_id", "case_id"],
            events(),
        )

        # --- weekly meetings over the years.
        meid = _next_id(cur, "meetings_meeting")
        weeks = size.years * 52
        _copy(
            cur,
            "meetings_meeting",
            [
                "id",
                "kind",
                "title",
                "scheduled_for",
                "starts_at",
                "place",
                "online_link",
                "status",
                "reschedule_count",
                "reschedule_reason",
                "cancel_reason",
                "presiding_role",
                "created_at",
            ],
            (
                (
                    meid + w,
                    "ad_hoc",
                    f"Rapat penelaahan {w + 1}",
                    start + timedelta(weeks=w),
                    start + timedelta(weeks=w),
                    "Ruang rapat",
                    "",
                    "closed",
                    0,
                    "",
                    "",
                    "",
                    start,
                )
                for w in range(weeks)
            ),
        )

        _copy(cur, "cases_casenumbercounter", ["year", "last"], sorted(seq.items()))
        for table in (
            "auth_group",
            "agencies_agency",
            "agencies_user",
            "agencies_membership",
            "cases_case",
            "cases_complaint",
            "cases_slaevent",
            "cases_victim",
            "cases_casegrant",
            "cases_caseassignment",
            "cases_caseevent",
            "meetings_meeting",
        ):
            _reset_identity(cur, table)
        raw.commit()
        cur.execute("ANALYZE")

    world.journey_users = journeys
    world.counts.update(
        cases=size.cases,
        complaints=n_complaints,
        agencies=len(agencies),
        users=len(users),
        grants=len(grants),
        assignments=len(assignments),
        events=size.cases * size.events_per_case,
        meetings=weeks,
    )
    return world
