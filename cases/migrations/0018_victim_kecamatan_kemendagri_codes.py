"""A victim's kecamatan was typed as free text ("Kode kecamatan"); it is now chosen from DKI
Jakarta's list and stored as its Kemendagri code (agencies.wilayah). Values that name a DKI
kecamatan — its code with or without dots, or its name — become that code (and give the victim's
city when none was stored); any other value is kept as it was typed, never guessed."""

from django.db import migrations


def to_codes(apps, schema_editor):
    from agencies.wilayah import kecamatan_from_legacy

    Victim = apps.get_model("cases", "Victim")
    for victim in Victim.objects.exclude(kecamatan="").only("pk", "kecamatan", "region").iterator():
        found = kecamatan_from_legacy(victim.kecamatan, victim.region)
        if found is None or (found.code == victim.kecamatan and victim.region):
            continue
        victim.kecamatan = found.code
        victim.region = victim.region or found.region
        # One row at a time (no bulk update on an audited model); a correction of the format, not of
        # what was said, so no history row.
        victim.save(update_fields=["kecamatan", "region"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_remove_perpetrator_single_relation"),
    ]

    operations = [
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
