"""Grants per source: guardian's one row per (group, permission, case) gives way to one *active*
row per (case, agency group, source). Existing data holds at most one row per agency and case, so
the new constraint holds for it as it stands."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_text_limits'),
    ]

    operations = [
        migrations.AlterUniqueTogether(
            name='casegrant',
            unique_together=set(),
        ),
        migrations.AddConstraint(
            model_name='casegrant',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('content_object', 'group', 'source'), name='one_active_grant_per_source'),
        ),
    ]
