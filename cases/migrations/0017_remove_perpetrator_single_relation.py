"""The perpetrator's single relation and guardian flag leave the model: the relation is per victim
(``PerpetratorLink``, filled by 0016). The history table keeps its two columns, made nullable, so
the trail still says what was registered before; new history rows leave them empty."""

from django.db import migrations, models

KEEP_HISTORY_COLUMNS = (
    "ALTER TABLE cases_historicalperpetrator ALTER COLUMN relation DROP NOT NULL, "
    "ALTER COLUMN is_guardian DROP NOT NULL"
)
RESTORE_HISTORY_COLUMNS = (
    "UPDATE cases_historicalperpetrator SET relation = 'other' WHERE relation IS NULL; "
    "UPDATE cases_historicalperpetrator SET is_guardian = false WHERE is_guardian IS NULL; "
    "ALTER TABLE cases_historicalperpetrator ALTER COLUMN relation SET NOT NULL, "
    "ALTER COLUMN is_guardian SET NOT NULL"
)


class Migration(migrations.Migration):

    dependencies = [("cases", "0016_perpetrator_relation_to_each_victim")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="historicalperpetrator", name="is_guardian"),
                migrations.RemoveField(model_name="historicalperpetrator", name="relation"),
            ],
            database_operations=[migrations.RunSQL(KEEP_HISTORY_COLUMNS, RESTORE_HISTORY_COLUMNS)],
        ),
        migrations.AlterField(model_name="perpetrator", name="relation",
                              field=models.CharField(default="other", max_length=20)),
        migrations.RemoveField(model_name="perpetrator", name="is_guardian"),
        migrations.RemoveField(model_name="perpetrator", name="relation"),
    ]
