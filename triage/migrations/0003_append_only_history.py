"""History tables refuse UPDATE and DELETE, except re-encryption of their encrypted columns
through common.append_only.trail_rewrite()."""

from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_risk_override_time_criteria_encrypted_notes")]

    operations = [AppendOnly("historicaltriageassessment", "historicalsopsteprecord")]
