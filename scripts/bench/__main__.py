"""``make bench``: national-volume data, gunicorn + a Celery worker, locust headless, one table.

    BENCH_CASES=350000 make bench          # the issue's size (default); BENCH_CASES=2000 for a smoke
    BENCH_CASES=100000 BENCH_AGENCIES=550 make bench   # fewer cases, the national number of agencies

Steps: (1) a database of its own (``BENCH_DATABASE_URL``, default ``terpadu_bench``: dropped and
created afresh, migrated — or cloned from the one template ``<name>_schema_<hash>`` it keeps on
purpose; both stay after the run, ``drop_bench_databases`` removes them); (2) the loader
(scripts/bench/load.py, PostgreSQL COPY); (3) one session
per journey role, made directly with TOTP passed (the sign-in page is not what is measured); (4) the
query count of one request per page/API operation, in process; (5) the SLA sweep's time over the
open complaints (first sweep, then the steady state); (6) gunicorn (2 workers, DEBUG off) and a
Celery worker on 127.0.0.1; (7) locust headless: the office load (``BENCH_OFFICE_USERS`` = 20
users, 1–3 s think time) and the stress run (``BENCH_STRESS_USERS`` = 100 users, no pause), each
``BENCH_DURATION`` seconds; (8) the JSON (``BENCH_OUT``, default var/bench/result.json) and the
table. Every number is read against the floor page measured in the same run (docs/performance.md).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"

#: The operations measured: name -> (role whose session asks, path; ``{case}`` = one of its cases).
OPERATIONS = {
    "floor": ("team", "/_bench/floor/"),
    "home": ("head", "/"),
    "case list": ("head", "/kasus/"),
    "case list search": ("admin_officer", "/kasus/?nomor=PPA-2026-0001"),
    "case detail": ("head", "/kasus/{case}/"),
    "case detail (admin officer)": ("admin_officer", "/kasus/{case}/"),
    "work queue": ("admin_officer", "/kasus/antrian/"),
    "meetings list": ("team", "/rapat/"),
    "API case list": ("head", "/api/cases/"),
    "API work queue": ("admin_officer", "/api/complaints/"),
    "API meetings list": ("team", "/api/meetings/"),
}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def schema_key() -> str:
    """A hash of every migration file: the migrated, empty schema is kept as a template database
    under this key, so a second run clones it in a second instead of migrating again."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def create_database(url: str) -> bool:
    """Drop and create the bench database, cloned from the migrated template when one exists for
    this schema (returns False: then the caller migrates it and ``keep_template`` keeps it)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    template = f"{name}_schema_{schema_key()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return True
        conn.execute(f'CREATE DATABASE "{name}"')
        return False


def keep_template(url: str) -> None:
    """Copy the freshly migrated, still empty bench database as this schema's template (older
    templates of the same bench database are dropped)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    template = f"{name}_schema_{schema_key()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for (old,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}_schema_%"]
        ).fetchall():
            conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


def drop_bench_databases(url: str) -> list[str]:
    """Drop the bench database and its schema templates (the smoke test cleans up with it; a
    normal ``make bench`` keeps both on purpose: the data to look into, the template for the next
    run). Returns the names dropped."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        names = [n for (n,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
            [name, f"{name}\\_schema\\_%"]).fetchall()]
        for n in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')
    return names


def make_sessions(world, out: Path) -> dict:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies.models import User
    from cases.selectors import case_list

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    roles = {}
    for role, user_id in world.journey_users.items():
        user = User.objects.get(pk=user_id)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        cases = [c.pk for c in case_list(user=user)[:40]]
        roles[role] = {"session": session.session_key, "cases": cases}
    data = {"cookie_name": settings.SESSION_COOKIE_NAME, "roles": roles}
    out.write_text(json.dumps(data))
    return data


def one_request(sessions: dict, repeats: int) -> tuple[dict[str, int], dict[str, float]]:
    """Per operation: the query count of one request, and the median time of ``repeats``
    sequential requests in this process (no concurrency: the cost of the page itself, which reads
    steadier than the load runs on a shared machine)."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts, medians = {}, {}
    for name, (role, path) in OPERATIONS.items():
        me = sessions["roles"][role]
        client = Client()
        client.cookies[sessions["cookie_name"]] = me["session"]
        url = path.format(case=(me["cases"] or [0])[0])
        client.get(url)  # warm: the first request of a process loads templates and translations
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        counts[name] = len(ctx.captured_queries) if status == 200 else -status
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        medians[name] = round(statistics.median(times), 1)
    return counts, medians


def sla_sweep_times() -> dict:
    from cases.models import Complaint
    from cases.sla import sla_sweep

    open_n = Complaint.objects.open_for_clock().count()
    t0 = time.perf_counter()
    first = sla_sweep()
    t1 = time.perf_counter()
    steady = sla_sweep()
    t2 = time.perf_counter()
    return {
        "open_complaints": open_n,
        "first_sweep_s": round(t1 - t0, 3),
        "first_sweep": first,
        "steady_sweep_s": round(t2 - t1, 3),
        "steady_sweep": steady,
    }


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ},
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def wait_up(url: str, seconds: int = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — 127.0.0.1
                return
        except Exception:  # noqa: BLE001 — not up yet
            time.sleep(0.3)
    raise SystemExit(f"bench: {url} did not answer in {seconds} s")


def run_locust(kind: str, users: int, seconds: int, host: str, sessions_file: Path, out_dir: Path) -> dict:
    prefix = out_dir / kind
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "5",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "BENCH_SESSIONS": str(sessions_file),
        "BENCH_WAIT": "office" if kind == "office" else "none",
    }
    with (out_dir / f"locust-{kind}.log").open("w") as log:
        subprocess.run(
            cmd, cwd=ROOT, env=env, check=True, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 60
        )
    ops = {}
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                name = "all"
            else:
                name = row["Name"]
            n = int(row["Request Count"])
            ops[name] = {
                "requests": n,
                "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "rps": round(float(row["Requests/s"] or 0), 2),
            }
    return ops


def table(result: dict) -> str:
    floor = {k: result[k]["ops"].get("floor", {}).get("p95_ms") or 0 for k in ("office", "stress")}
    lines = [
        f"{'page / API operation':27} {'queries':>7} {'one ms':>7} | {'office p50':>10} "
        f"{'p95':>6} {'p99':>6} {'x floor':>7} {'err':>4} | "
        f"{'stress p50':>10} {'p95':>6} {'p99':>6} {'err %':>6}"
    ]
    for name in [*OPERATIONS, "all"]:
        o, s = result["office"]["ops"].get(name, {}), result["stress"]["ops"].get(name, {})
        ratio = (o.get("p95_ms", 0) / floor["office"]) if floor["office"] else 0
        err = (100 * s.get("errors", 0) / s["requests"]) if s.get("requests") else 0
        lines.append(
            f"{name:27} {result['queries'].get(name, ''):>7} {result['single_ms'].get(name, ''):>7} | "
            f"{o.get('p50_ms', 0):>10.0f} "
            f"{o.get('p95_ms', 0):>6.0f} {o.get('p99_ms', 0):>6.0f} {ratio:>7.1f} {o.get('errors', 0):>4} | "
            f"{s.get('p50_ms', 0):>10.0f} {s.get('p95_ms', 0):>6.0f} {s.get('p99_ms', 0):>6.0f} {err:>6.2f}"
        )
    sla = result["sla"]
    lines.append(
        f"SLA sweep over {sla['open_complaints']:,} open complaints: first {sla['first_sweep_s']} s "
        f"({sla['first_sweep']}), steady state {sla['steady_sweep_s']} s"
    )
    return "\n".join(lines)


def main() -> None:
    import django

    size_cases = env_int("BENCH_CASES", 350_000)
    duration = env_int("BENCH_DURATION", 60)
    port = env_int("BENCH_PORT", 8765)
    out = Path(os.environ.get("BENCH_OUT", ROOT / "var" / "bench" / "result.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    db_url = os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/terpadu_bench")
    started = time.time()

    say(f"Database {db_url.rsplit('/', 1)[1]} (created afresh: migrated, or cloned from its template)")
    cloned = create_database(db_url)
    django.setup()
    if not cloned:
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        connections.close_all()
        keep_template(db_url)

    from scripts.bench.load import Size, load

    open_complaints = os.environ.get("BENCH_OPEN_COMPLAINTS")
    agencies = os.environ.get("BENCH_AGENCIES")
    size = Size.for_cases(size_cases, int(open_complaints) if open_complaints else None,
                          agencies=int(agencies) if agencies else None)
    say(
        f"Loading {size.cases:,} cases, {size.open_complaints:,} open complaints, {size.agencies} agencies, "
        f"~{size.users:,} users (COPY)"
    )
    t0 = time.perf_counter()
    world = load(size)
    load_s = round(time.perf_counter() - t0, 1)
    say(f"Loaded in {load_s} s: {world.counts}")

    sessions_file = out.parent / "sessions.json"
    sessions = make_sessions(world, sessions_file)
    queries, single_ms = one_request(sessions, env_int("BENCH_SINGLE_REPEATS", 15))
    say(f"Queries per request: {queries}")
    say(f"One request, median ms: {single_ms}")
    sla = sla_sweep_times()
    say(f"SLA sweep: {sla}")
    from django.db import connections

    connections.close_all()

    logs = out.parent
    bin_dir = Path(sys.executable).parent
    web = start(
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        logs / "gunicorn.log",
    )
    worker = start(
        [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        logs / "celery.log",
    )
    host = f"http://127.0.0.1:{port}"
    runs = {}
    try:
        wait_up(f"{host}/healthz")
        for kind, users in (
            ("office", env_int("BENCH_OFFICE_USERS", 20)),
            ("stress", env_int("BENCH_STRESS_USERS", 100)),
        ):
            say(f"locust {kind}: {users} users, {duration} s")
            runs[kind] = {
                "users": users,
                "seconds": duration,
                "ops": run_locust(kind, users, duration, host, sessions_file, logs),
            }
    finally:
        stop(web)
        stop(worker)

    result = {
        "size": size.__dict__,
        "counts": world.counts,
        "load_seconds": load_s,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "gunicorn_workers": 2,
        },
        "queries": queries,
        "single_ms": single_ms,
        "sla": sla,
        **runs,
        "wall_seconds": round(time.time() - started, 1),
    }
    out.write_text(json.dumps(result, indent=2, default=str))
    print()
    print(table(result))
    say(f"JSON: {out}")


if __name__ == "__main__":
    if not shutil.which("psql") and not os.environ.get("BENCH_DATABASE_URL"):
        say("PostgreSQL must answer on 127.0.0.1 (scripts/bootstrap.sh sets it up)")
    main()
