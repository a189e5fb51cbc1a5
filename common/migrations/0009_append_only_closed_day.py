from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    """The closed-day calendar keeps an unrewritable history, like every audited model."""

    dependencies = [("common", "0008_collective_leave_2026")]

    operations = [AppendOnly("historicalclosedday")]
