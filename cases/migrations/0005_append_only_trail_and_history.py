"""The case timeline and SLA events refuse UPDATE and DELETE; so do the history tables, except
re-encryption of their encrypted columns through common.append_only.trail_rewrite()."""

from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_decision_signed_event")]

    operations = [
        AppendOnly("caseevent", "slaevent"),
        AppendOnly(
            "historicalcase", "historicalcaseassignment", "historicalcasegrant", "historicalcomplaint",
            "historicalvictim", "historicalreporter", "historicalperpetrator", "historicalattachment",
            "historicalinitialresponse",
        ),
    ]
