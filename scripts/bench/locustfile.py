"""Role journeys for ``make bench`` (run by scripts/bench/__main__.py, never alone).

Each virtual user is one of the six roles of issue 14 and walks the pages that role opens all day.
It carries a session the harness made for that role's bench user (TOTP passed), read from the JSON
file ``BENCH_SESSIONS`` names. Think time: 1–3 s (``BENCH_WAIT=office``) or none (``stress``).
Requests are grouped by page/API operation (``name=``) so the table reads per page."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, constant, task

SESSIONS = json.loads(open(os.environ["BENCH_SESSIONS"]).read())  # noqa: SIM115, PTH123
WAIT = between(1, 3) if os.environ.get("BENCH_WAIT", "office") == "office" else constant(0)
COOKIE = SESSIONS["cookie_name"]


class Journey(HttpUser):
    abstract = True
    role = ""
    wait_time = WAIT

    def on_start(self):
        me = SESSIONS["roles"][self.role]
        self.client.cookies.set(COOKIE, me["session"])
        self.cases = me["cases"] or [0]

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    def case(self) -> int:
        return random.choice(self.cases)  # noqa: S311


class AdminOfficer(Journey):
    role = "admin_officer"
    weight = 5

    @task(4)
    def queue(self):
        self.get("/kasus/antrian/", "work queue")

    @task(3)
    def case_list(self):
        self.get("/kasus/", "case list")

    @task(3)
    def detail(self):
        # Its own row: the admin officer's page differs from the head's (docs/performance.md).
        self.get(f"/kasus/{self.case()}/", "case detail (admin officer)")

    @task(1)
    def queue_api(self):
        self.get("/api/complaints/", "API work queue")

    @task(1)
    def search(self):
        self.get("/kasus/?nomor=PPA-2026-0001", "case list search")


class Head(Journey):
    role = "head"
    weight = 2

    @task(2)
    def home(self):
        self.get("/", "home")

    @task(3)
    def case_list(self):
        self.get("/kasus/", "case list")

    @task(3)
    def detail(self):
        self.get(f"/kasus/{self.case()}/", "case detail")

    @task(1)
    def api(self):
        self.get("/api/cases/", "API case list")


class PoliceInvestigator(Journey):
    role = "police"
    weight = 3

    @task(3)
    def case_list(self):
        self.get("/kasus/", "case list")

    @task(3)
    def detail(self):
        self.get(f"/kasus/{self.case()}/", "case detail")

    @task(2)
    def api(self):
        self.get("/api/cases/", "API case list")


class ReferredHospital(Journey):
    role = "hospital"
    weight = 3

    @task(3)
    def case_list(self):
        self.get("/kasus/", "case list")

    @task(3)
    def detail(self):
        self.get(f"/kasus/{self.case()}/", "case detail")

    @task(1)
    def home(self):
        self.get("/", "home")


class TeamMember(Journey):
    role = "team"
    weight = 2

    @task(2)
    def meetings(self):
        self.get("/rapat/", "meetings list")

    @task(1)
    def meetings_api(self):
        self.get("/api/meetings/", "API meetings list")

    @task(2)
    def case_list(self):
        self.get("/kasus/", "case list")

    @task(1)
    def home(self):
        self.get("/", "home")


class MinistryViewer(Journey):
    role = "ministry"
    weight = 1

    @task
    def home(self):
        self.get("/", "home")


class Floor(Journey):
    """The floor, measured in the same run: one indexed query rendered as a 50-row table."""

    role = "team"
    weight = 2

    @task
    def floor(self):
        self.get("/_bench/floor/", "floor")
