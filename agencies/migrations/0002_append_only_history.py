"""History tables refuse UPDATE and DELETE (common.append_only)."""

from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [
        AppendOnly("historicalservice", "historicalagency", "historicalagency_services",
                   "historicalmembership", "historicalsigningdelegation"),
    ]
