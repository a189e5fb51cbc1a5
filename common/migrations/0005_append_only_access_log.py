"""The access log refuses UPDATE and DELETE in the database (common.append_only)."""

from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("common", "0004_signeddocument")]

    operations = [AppendOnly("accesslog")]
