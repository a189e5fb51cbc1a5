from django.db import migrations

from common.append_only import AppendOnly


class Migration(migrations.Migration):
    """An agency's letter-number format keeps an unrewritable history, like every audited model."""

    dependencies = [("documents", "0001_letter_numbering"), ("common", "0005_append_only_access_log")]

    operations = [AppendOnly("historicalagencyletterformat")]
