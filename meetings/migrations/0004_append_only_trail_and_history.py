"""Screenings and action-item follow-ups refuse UPDATE and DELETE; so do the history tables,
except re-encryption of their encrypted columns through common.append_only.trail_rewrite()."""

from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_freeze_signed_minutes")]

    operations = [
        AppendOnly("screening", "followup"),
        AppendOnly(
            "historicalmeetingschedule", "historicalmeeting", "historicalattendance", "historicalminutes",
            "historicalagendaitem", "historicalcasepresentation", "historicaljointassessment",
            "historicaldecision", "historicaldecision_serving_agencies", "historicalactionitem",
        ),
    ]
