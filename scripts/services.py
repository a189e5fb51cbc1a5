"""PostgreSQL and Redis as the Django settings name them — used by scripts/bootstrap.sh.

Reads DATABASES["default"] and REDIS_URL from the settings module in DJANGO_SETTINGS_MODULE (the
same values Django will use, .env included) without django.setup(), so it works before the
database exists.

    python scripts/services.py status      # shell lines: PG_STATE=up|down|auth|error, PG_DB_EXISTS...
    python scripts/services.py wait [SECONDS]  # until both answer (even refusing the login)
    python scripts/services.py createdb    # create the settings' database when it is missing
"""

from __future__ import annotations

import importlib
import os
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1", "[::1]"}


def _settings():
    return importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE",
                                                  "config.settings.local"))


def _pg_params(dbname: str | None = None) -> dict:
    db = _settings().DATABASES["default"]
    params = {"dbname": dbname or db.get("NAME") or "postgres", "connect_timeout": 3}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"),
                      ("PORT", "port")):
        if db.get(key):
            params[name] = str(db[key])
    return params


def pg_state() -> tuple[str, str]:
    """("up" | "down" | "auth" | "error", detail) for the server, via the maintenance DB."""
    import psycopg

    try:
        psycopg.connect(**_pg_params("postgres")).close()
        return "up", ""
    except psycopg.OperationalError as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        lowered = msg.lower()
        if any(s in lowered for s in ("connection refused", "no such file or directory",
                                      "timeout expired", "could not connect")):
            return "down", msg
        if any(s in lowered for s in ("password", "pg_hba.conf", "authentication",
                                      "role", "does not exist")):
            return "auth", msg
        return "error", msg


def redis_state() -> tuple[str, str]:
    import redis

    try:
        redis.Redis.from_url(_settings().REDIS_URL, socket_connect_timeout=2,
                             socket_timeout=2).ping()
        return "up", ""
    except redis.exceptions.AuthenticationError as exc:
        return "auth", str(exc)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
        return "down", str(exc)
    except redis.exceptions.RedisError as exc:
        return "error", str(exc)


def status() -> int:
    from urllib.parse import urlsplit

    params = _pg_params()
    host = params.get("host", "")
    pg, pg_detail = pg_state()
    r = urlsplit(_settings().REDIS_URL)
    rd, rd_detail = redis_state()
    db_exists = "0"
    if pg == "up":
        import psycopg

        with psycopg.connect(**_pg_params("postgres")) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 [params["dbname"]]).fetchone()
        db_exists = "1" if found else "0"
    out = {
        "PG_STATE": pg, "PG_DB_EXISTS": db_exists, "PG_DETAIL": pg_detail,
        "PG_HOST": host or "(unix socket)", "PG_PORT": params.get("port", "5432"),
        "PG_USER": params.get("user", ""), "PG_DB": params["dbname"],
        "PG_LOCAL": "1" if host in LOCAL_HOSTS or host.startswith("/") else "0",
        "REDIS_STATE": rd, "REDIS_DETAIL": rd_detail,
        "REDIS_HOST": r.hostname or "", "REDIS_PORT": str(r.port or 6379),
        "REDIS_LOCAL": "1" if (r.hostname or "") in LOCAL_HOSTS or r.scheme == "unix" else "0",
    }
    for key, value in out.items():
        sys.stdout.write(f"{key}={shlex.quote(value)}\n")
    return 0


def wait(seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while True:
        pg, pg_detail = pg_state()
        rd, rd_detail = redis_state()
        # "auth": the server answers but refuses the login; bootstrap.sh deals with that next.
        if pg in ("up", "auth") and rd in ("up", "auth"):
            return 0
        if time.monotonic() > deadline:
            if pg != "up":
                sys.stderr.write(f"PostgreSQL does not answer: {pg_detail}\n")
            if rd != "up":
                sys.stderr.write(f"Redis does not answer: {rd_detail}\n")
            return 1
        time.sleep(0.5)


def createdb() -> int:
    import psycopg
    from psycopg import sql

    name = _pg_params()["dbname"]
    with psycopg.connect(**_pg_params("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return 0
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    sys.stdout.write(f"Created PostgreSQL database {name}.\n")
    return 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "status":
        return status()
    if command == "wait":
        return wait(float(argv[2]) if len(argv) > 2 else 30)
    if command == "createdb":
        return createdb()
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
