"""The complaint's consent flag and giver are gone: consent lives in consent records (0008, 0009).
The history table loses the two columns too (DDL; its rows stay append-only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("cases", "0011_consent_from_complaint_flags")]

    operations = [
        migrations.RemoveField(
            model_name='complaint',
            name='consent_by',
        ),
        migrations.RemoveField(
            model_name='complaint',
            name='consent_to_share',
        ),
        migrations.RemoveField(
            model_name='historicalcomplaint',
            name='consent_by',
        ),
        migrations.RemoveField(
            model_name='historicalcomplaint',
            name='consent_to_share',
        ),
    ]
