"""Rewrite the table of timeline event types in docs/events.md from the declarations in each app's
``events.py`` (the code is the source; ``tests/cases/test_events.py`` fails while the page
differs). ``--check`` only reports."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.event_registry import DOCS_BEGIN, DOCS_END, docs_with_events


class Command(BaseCommand):
    help = "Regenerate the table of timeline event types in docs/events.md."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the page is out of date.")

    def handle(self, *args, check: bool = False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "events.md"
        text = path.read_text(encoding="utf-8")
        if DOCS_BEGIN not in text or DOCS_END not in text:
            raise CommandError(f"{path} lacks the markers {DOCS_BEGIN!r} … {DOCS_END!r}.")
        new = docs_with_events(text)
        if new == text:
            self.stdout.write("docs/events.md is up to date.")
        elif check:
            raise CommandError("docs/events.md is out of date: run `manage.py events_docs`.")
        else:
            path.write_text(new, encoding="utf-8")
            self.stdout.write("docs/events.md rewritten.")
