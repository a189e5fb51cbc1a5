"""The plan's history tables refuse UPDATE and DELETE (common.append_only)."""

from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_conference_plan_versions_service_items")]

    operations = [AppendOnly("historicalplanversion", "historicalserviceitem")]
