# Terpadu — the two commands a newcomer needs: `make run` and `make test`.
# scripts/bootstrap.sh does the set-up (uv, locked dependencies, system packages from
# scripts/apt-packages.txt, PostgreSQL + Redis answering, database, translations).

SHELL := /bin/bash
# uv, or where `pip install --user uv` (run by the bootstrap when uv is missing) puts it.
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# CI starts from a fresh test database every run; developers reuse theirs (pyproject addopts).
PYTEST_FLAGS ?= $(if $(filter true,$(CI)),--create-db,)
BOOTSTRAP ?= bash scripts/bootstrap.sh
# `make run PORT=8010` serves on 8010; links and QR codes follow (WEB_PORT, config/settings/local.py).
PORT ?= $(or $(WEB_PORT),8000)

# Settings `make check` inspects: the test settings hold every app (tests.fakedocs included).
CHECK_SETTINGS ?= config.settings.test

.PHONY: help setup run test test-fast lint check bench

help:
	@echo "make run        set up this machine, then serve Terpadu on http://127.0.0.1:$(PORT) (web + Celery worker + beat; PORT=8010 to change)"
	@echo "make test       set up this machine, then run the whole pytest suite on PostgreSQL + Redis (what CI runs)"
	@echo "make test-fast  the same set-up, then only the unit lane (no Celery worker, browser or deployment tests)"
	@echo "make setup      only the set-up of make run (migrate + demo data included)"
	@echo "make lint       ruff check"
	@echo "make check      ruff, makemigrations --check and Django's system checks (CI runs it before make test)"
	@echo "make bench      national-volume benchmark in its own database (BENCH_CASES=350000; BENCH_CASES=2000 for a quick look); docs/performance.md"

setup:
	@$(BOOTSTRAP) run

# Ctrl-C stops honcho, which stops all three processes.
run: export WEB_PORT = $(PORT)
run: setup
	@echo "==> Starting web, worker and beat (Procfile) on http://127.0.0.1:$(PORT)/. Ctrl-C stops all three."
	@exec $(UV) run --no-sync honcho start -f Procfile

# pytest with the given options and ARGS. Exit status 5 means "no tests collected": that is a
# failure here.
define pytest
	@DJANGO_SETTINGS_MODULE=config.settings.test $(UV) run --no-sync pytest $(PYTEST_FLAGS) $(1) $(ARGS); \
	  rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make $@: pytest collected no tests" >&2; exit 1; fi; \
	  exit $$rc
endef

# Every lane: unit, integration, browser and deployment (markers given by directory in
# tests/conftest.py).
test:
	@$(BOOTSTRAP) test
	$(call pytest,)

test-fast:
	@$(BOOTSTRAP) test
	$(call pytest,-m unit)

lint:
	@$(UV) run --frozen ruff check .

# Needs no database: makemigrations only warns when it cannot reach one.
check:
	@$(BOOTSTRAP) check
	@echo "==> ruff"
	@$(UV) run --no-sync ruff check .
	@echo "==> makemigrations --check"
	@DJANGO_SETTINGS_MODULE=$(CHECK_SETTINGS) $(UV) run --no-sync python manage.py makemigrations --check --dry-run
	@echo "==> Django system checks"
	@DJANGO_SETTINGS_MODULE=$(CHECK_SETTINGS) $(UV) run --no-sync python manage.py check

# Not part of `make test`: loads BENCH_CASES cases (default 350,000) into a database of its own
# (terpadu_bench), starts gunicorn + a Celery worker on 127.0.0.1 and runs locust headless
# (scripts/bench, docs/performance.md). BENCH_DURATION seconds per run (office, then stress).
bench:
	@$(BOOTSTRAP) test
	@$(UV) run --no-sync python -m scripts.bench
