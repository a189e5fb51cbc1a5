"""SignerCertificate and SignedDocument now belong to the ``documents`` app (documents 0001 took
over and renamed their tables): they leave this app's state only; no table is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0010_deadline_alert"),
        ("documents", "0001_signed_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SignedDocument"),
                migrations.DeleteModel(name="SignerCertificate"),
            ],
            database_operations=[],
        ),
    ]
