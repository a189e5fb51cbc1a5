"""Collective leave (cuti bersama) 2026, as decreed on 19 September 2025.

Source: Keputusan Bersama Menteri Agama, Menteri Ketenagakerjaan, dan Menteri Pendayagunaan Aparatur
Negara dan Reformasi Birokrasi Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025 tentang
Hari Libur Nasional dan Cuti Bersama Tahun 2026. Each row also gets its "created" history row so
the admin's history shows where it came from. Later years are entered by the administrator
(docs/workdays.md); this migration is never extended with guessed dates.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

DECREE = ("SKB Menteri Agama, Menteri Ketenagakerjaan, dan Menteri PANRB No. 1497/2/5 Tahun 2025, "
          "19 September 2025")
COLLECTIVE_LEAVE_2026 = [
    (date(2026, 2, 16), "Cuti bersama Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi Tahun Baru Saka 1948"),
    (date(2026, 3, 20), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 3, 23), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 3, 24), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus"),
    (date(2026, 5, 28), "Cuti bersama Idul Adha 1447 H"),
    (date(2026, 12, 24), "Cuti bersama Kelahiran Yesus Kristus"),
]


def seed(apps, schema_editor):
    ClosedDay = apps.get_model("common", "ClosedDay")
    HistoricalClosedDay = apps.get_model("common", "HistoricalClosedDay")
    now = timezone.now()
    for day, name in COLLECTIVE_LEAVE_2026:
        row, created = ClosedDay.objects.get_or_create(
            date=day, defaults={"kind": "collective_leave", "name": name, "decree": DECREE})
        # Only where no history row exists yet (run with the live models, saving already wrote one).
        if created and not HistoricalClosedDay.objects.filter(id=row.id).exists():
            HistoricalClosedDay.objects.create(
                id=row.id, date=row.date, kind=row.kind, name=row.name, decree=row.decree,
                history_date=now, history_type="+", history_change_reason="Data awal dari SKB 2026")


def unseed(apps, schema_editor):
    ClosedDay = apps.get_model("common", "ClosedDay")
    for row in ClosedDay.objects.filter(date__in=[d for d, _ in COLLECTIVE_LEAVE_2026], decree=DECREE):
        row.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0007_closed_day"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
