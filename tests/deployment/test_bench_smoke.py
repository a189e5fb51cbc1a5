"""Issue 14, point 1: the benchmark harness runs end to end at a tiny size — its own database,
the COPY loader, gunicorn and a Celery worker, locust's office and stress runs — and writes JSON
holding every page and API operation with its percentiles, errors and query count, the floor and
the SLA sweep's time (``make bench`` at full size is not part of ``make test``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

from scripts.bench.__main__ import OPERATIONS, drop_bench_databases

from .helpers import BASE_DIR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bench_harness_runs_at_a_tiny_size_and_writes_every_page(tmp_path):
    db = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/terpadu"))
    out = tmp_path / "result.json"
    env = {**os.environ,
           "BENCH_DATABASE_URL": f"{db.scheme}://{db.netloc}{db.path}_benchsmoke",
           "BENCH_REDIS_URL": os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15",
           "BENCH_CASES": "300", "BENCH_OPEN_COMPLAINTS": "100", "BENCH_DURATION": "6",
           "BENCH_OFFICE_USERS": "4", "BENCH_STRESS_USERS": "8", "BENCH_PORT": str(_free_port()),
           "BENCH_OUT": str(out)}
    try:
        proc = subprocess.run([sys.executable, "-m", "scripts.bench"], cwd=BASE_DIR, env=env,
                              capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    finally:
        # make bench keeps its database and one schema template on purpose; the smoke test leaves none.
        dropped = drop_bench_databases(env["BENCH_DATABASE_URL"])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert any("_schema_" in name for name in dropped), dropped
    result = json.loads(out.read_text())

    assert result["counts"]["cases"] == 300
    # One request of every page and API operation answered 200, with its query count.
    assert set(result["queries"]) == set(OPERATIONS)
    assert all(n > 0 for n in result["queries"].values()), result["queries"]
    # Both locust runs measured pages without errors; the stress run (no pause) the floor and the
    # case list among them.
    assert {"floor", "case list", "all"} <= set(result["stress"]["ops"]), result["stress"]["ops"]
    for run in ("office", "stress"):
        ops = result[run]["ops"]
        assert ops["all"]["requests"] > 0 and ops["all"]["errors"] == 0, ops["all"]
        assert all(ops[name]["p95_ms"] >= ops[name]["p50_ms"] > 0 for name in ops), ops
    assert result["sla"]["open_complaints"] >= 100 and result["sla"]["steady_sweep_s"] >= 0
    # The table is printed.
    assert "x floor" in proc.stdout and "SLA sweep over" in proc.stdout
