from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from demo.people import DEMO_PASSWORD, USERS, demo_totp_secret, needs_totp
from demo.seed import seed


class Command(BaseCommand):
    help = "Create realistic DKI Jakarta demo data (idempotent). Refuses under production settings."

    def handle(self, *args, **options):
        if getattr(settings, "TERPADU_ENV", "") == "production":
            raise CommandError("seed_demo menolak berjalan dengan pengaturan produksi "
                               "(refuses to run under production settings).")
        users = seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(users)} users."))
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")
        names = dict(Agency.objects.values_list("code", "name"))
        for du in USERS:
            roles = "; ".join(f"{r.label} — {names.get(code, code)}" for code, r in du.memberships)
            totp = f"  TOTP secret {demo_totp_secret(du.username)}" if needs_totp(du) else ""
            self.stdout.write(f"  {du.username:<18} {roles}{totp}")
        self.stdout.write("  mantan.petugas     (keanggotaan berakhir: melihat halaman 'hubungi admin')")
