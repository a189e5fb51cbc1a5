from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    """SOP runs and step records keep an unrewritable history, like every audited model."""

    dependencies = [
        ("sops", "0001_initial"),
        ("triage", "0005_move_sop_records_to_sops"),
    ]

    operations = [AppendOnly("historicalsoprun", "historicalsopsteprecord")]
