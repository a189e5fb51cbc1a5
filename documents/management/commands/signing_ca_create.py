from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents import signing


class Command(BaseCommand):
    help = ("Create the internal signing CA at SIGNING_CA_CERT_FILE / SIGNING_CA_KEY_FILE (the key is "
            "wrapped under the primary signing key, documents.envelope). Refuses to overwrite an "
            "existing CA.")

    def add_arguments(self, parser):
        parser.add_argument("--name", default="Terpadu Internal CA")

    def handle(self, *args, **options):
        cert, key = Path(settings.SIGNING_CA_CERT_FILE), Path(settings.SIGNING_CA_KEY_FILE)
        if cert.exists() or key.exists():
            raise CommandError(f"A CA already exists at {cert}; refusing to overwrite it.")
        ca = signing.create_dev_ca(common_name=options["name"], deliberate=True)
        self.stdout.write(self.style.SUCCESS(f"CA created: {ca.cert.subject.rfc4514_string()} → {cert}"))
