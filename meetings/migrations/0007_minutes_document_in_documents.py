"""Minutes point at the signed-document registry in its new app. The foreign key in the database
already follows the table documents 0001 renamed (PostgreSQL keeps constraints on the table, not its
name), so only the state changes — which keeps this reversible in either order. Runs before
common 0006 drops the old model from common's state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0001_signed_documents"),
        ("meetings", "0006_actionitem_due_index"),
    ]
    run_before = [("common", "0011_signing_moved_to_documents")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalminutes",
                    name="document",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                            on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                            to="documents.signeddocument"),
                ),
                migrations.AlterField(
                    model_name="minutes",
                    name="document",
                    field=models.OneToOneField(blank=True, null=True,
                                               on_delete=django.db.models.deletion.PROTECT,
                                               related_name="minutes", to="documents.signeddocument"),
                ),
            ],
            database_operations=[],
        ),
    ]
