# Terpadu — the two commands a newcomer needs: `make run` and `make test`.
# scripts/bootstrap.sh does the set-up (uv, locked dependencies, system packages from
# scripts/apt-packages.txt, PostgreSQL + Redis answering, database, translations).

SHELL := /bin/bash
# uv, or where `pip install --user uv` (run by the bootstrap when uv is missing) puts it.
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# CI starts from a fresh test database every run; developers reuse theirs (pyproject addopts).
PYTEST_FLAGS ?= $(if $(filter true,$(CI)),--create-db,)
BOOTSTRAP ?= bash scripts/bootstrap.sh

.PHONY: help setup run test lint check

help:
	@echo "make run    set up this machine, then serve Terpadu on http://127.0.0.1:8000 (web + Celery worker + beat)"
	@echo "make test   set up this machine, then run the whole pytest suite on PostgreSQL + Redis"
	@echo "make setup  only the set-up of make run (migrate + demo data included)"
	@echo "make lint   ruff check"
	@echo "make check  makemigrations --check and Django's system checks"

setup:
	@$(BOOTSTRAP) run

# Ctrl-C stops honcho, which stops all three processes.
run: setup
	@echo "==> Starting web, worker and beat (Procfile). Ctrl-C stops all three."
	@exec $(UV) run --no-sync honcho start -f Procfile

# pytest exit status 5 means "no tests collected": that is a failure here.
test:
	@$(BOOTSTRAP) test
	@DJANGO_SETTINGS_MODULE=config.settings.test $(UV) run --no-sync pytest $(PYTEST_FLAGS) $(ARGS); \
	  rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	  exit $$rc

lint:
	@$(UV) run --frozen ruff check .

check:
	@$(UV) run --frozen python manage.py makemigrations --check --dry-run
	@$(UV) run --frozen python manage.py check
