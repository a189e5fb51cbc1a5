"""Rewrap every signer private key, and the CA key file, under the primary signing key.

Rotation, step by step (like ``rotate_keys`` for field encryption):

1. put the new key first in ``SIGNING_KEYS`` (``new:…,master:<SIGNING_MASTER_KEY>`` the first
   time) and deploy: new keys are wrapped under it, old ones still open;
2. run ``manage.py rewrap_signing_keys`` (safe to repeat, safe while the site runs);
3. when it reports nothing left under another key, remove the old key from the list.

Keys wrapped before the envelope (the SHA-256-derived format under ``SIGNING_MASTER_KEY``) are
rewrapped the same way. A key is the same key after rewrapping: the certificates, the signatures
already made and their verification do not change.

Each certificate row is updated alone with a compare-and-swap on the old token, so a row changed
meanwhile is left for the next run. The CA key file is replaced whole (written next to it, then
renamed); where the file is mounted read-only, ``--ca-key-out`` writes the rewrapped key elsewhere
for the operator to install. Nothing printed ever contains key material.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents import envelope, signing
from documents.models import SignerCertificate


class Command(BaseCommand):
    help = "Rewrap signer private keys and the CA key under the primary signing key (SIGNING_KEYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would be rewrapped; change nothing.")
        parser.add_argument("--ca-key-out", default="",
                            help="Write the rewrapped CA key to this file instead of replacing "
                                 "SIGNING_CA_KEY_FILE (for a read-only mount).")

    def handle(self, *args, dry_run: bool, ca_key_out: str, **options):
        primary = envelope.primary_key_id()
        counts = self.rewrap_signer_keys(dry_run=dry_run)
        verb = "would be rewrapped" if dry_run else "rewrapped"
        self.stdout.write(f"Signer keys: {counts['scanned']} scanned, {counts['rewrapped']} {verb}"
                          + (f", {counts['skipped']} changed meanwhile" if counts["skipped"] else ""))
        self.stdout.write(f"CA key: {self.rewrap_ca_key(dry_run=dry_run, out=ca_key_out)}")
        self.stdout.write(self.style.SUCCESS(f"Primary signing key: {primary!r}."))

    def rewrap_signer_keys(self, *, dry_run: bool) -> dict[str, int]:
        counts = {"scanned": 0, "rewrapped": 0, "skipped": 0}
        for pk, token in SignerCertificate.objects.order_by("pk").values_list("pk", "encrypted_key"):
            counts["scanned"] += 1
            try:
                new = envelope.rewrap(token, purpose=envelope.SIGNER_KEY)
            except envelope.KeyUnwrapError as exc:
                raise CommandError(f"Signer certificate id={pk}: {exc}") from None
            if new is None:
                continue
            if dry_run:
                counts["rewrapped"] += 1
                continue
            # Not an audited model: a compare-and-swap UPDATE is the safe way to change one token.
            if SignerCertificate.objects.filter(pk=pk, encrypted_key=token).update(encrypted_key=new):
                counts["rewrapped"] += 1
            else:
                counts["skipped"] += 1
        return counts

    def rewrap_ca_key(self, *, dry_run: bool, out: str) -> str:
        path = Path(settings.SIGNING_CA_KEY_FILE)
        if not path.exists():
            return f"no CA key at {path}"
        content = path.read_bytes()
        legacy = content.lstrip().startswith(b"-----BEGIN")
        if not legacy and not envelope.needs_rewrap(content.decode("ascii").strip()):
            return "already under the primary key"
        try:
            key = signing.ca_key_read(content)
        except (envelope.KeyUnwrapError, ValueError, TypeError) as exc:
            raise CommandError(f"The CA key at {path} does not open: {type(exc).__name__} "
                               f"{exc if isinstance(exc, envelope.KeyUnwrapError) else ''}".strip()) from None
        if dry_run:
            return "would be rewrapped"
        target = Path(out) if out else path
        try:
            signing.ca_key_write(target, signing.wrapped_ca_key(key))
        except OSError as exc:
            raise CommandError(f"Cannot write {target} ({exc.strerror}); run again with "
                               "--ca-key-out PATH and install that file as SIGNING_CA_KEY_FILE.") from None
        return f"rewrapped → {target}"
