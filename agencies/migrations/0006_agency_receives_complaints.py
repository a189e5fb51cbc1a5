"""Receiving complaints becomes each agency's own setting (R23, SKB B.2.a.1, E.1.b). Agencies of the
kinds that received before (UPTD PPA, police PPA units, hospitals, puskesmas) keep receiving."""

from django.db import migrations, models


#: The fixed set this setting replaces, frozen here as it stood.
FORMER_RECEIVING_KINDS = ("uptd_ppa", "police_unit", "hospital", "puskesmas")


def receiving_as_before(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    Agency.objects.filter(kind__in=FORMER_RECEIVING_KINDS).update(receives_complaints=True)


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0005_user_interface_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='receives_complaints',
            field=models.BooleanField(default=False, help_text='Lembaga ini menerima dan mencatat pengaduan (lembaga penerima); respons awal 1×24 jam berlaku untuk setiap pengaduan yang diterimanya.', verbose_name='menerima pengaduan'),
        ),
        migrations.AddField(
            model_name='historicalagency',
            name='receives_complaints',
            field=models.BooleanField(default=False, help_text='Lembaga ini menerima dan mencatat pengaduan (lembaga penerima); respons awal 1×24 jam berlaku untuk setiap pengaduan yang diterimanya.', verbose_name='menerima pengaduan'),
        ),
        migrations.RunPython(receiving_as_before, migrations.RunPython.noop),
    ]
