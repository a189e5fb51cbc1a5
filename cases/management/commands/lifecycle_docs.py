"""Rewrite the transition tables in docs/lifecycle.md from ``cases.lifecycle`` (the code is the
source; ``tests/cases/test_lifecycle.py`` fails while the page differs). ``--check`` only reports."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.lifecycle import DOCS_BEGIN, DOCS_END, docs_with_tables


class Command(BaseCommand):
    help = "Regenerate the lifecycle transition tables in docs/lifecycle.md."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the page is out of date.")

    def handle(self, *args, check: bool = False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"
        text = path.read_text(encoding="utf-8")
        if DOCS_BEGIN not in text or DOCS_END not in text:
            raise CommandError(f"{path} lacks the markers {DOCS_BEGIN!r} … {DOCS_END!r}.")
        new = docs_with_tables(text)
        if new == text:
            self.stdout.write("docs/lifecycle.md is up to date.")
        elif check:
            raise CommandError("docs/lifecycle.md is out of date: run `manage.py lifecycle_docs`.")
        else:
            path.write_text(new, encoding="utf-8")
            self.stdout.write("docs/lifecycle.md rewritten.")
