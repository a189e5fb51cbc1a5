"""A perpetrator's relation is per victim (``PerpetratorLink``): the father is "parent" to the child
and "spouse" to the mother. And corrections of registered data (``Correction``), append-only like
the history tables. The relations move in 0016; the single columns go in 0017."""

import common.fields
import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from common.append_only import AppendOnly


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_caseevent_event_type_without_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target', models.CharField(choices=[('complaint', 'Pengaduan'), ('victim', 'Korban'), ('reporter', 'Pelapor'), ('perpetrator', 'Terlapor')], max_length=20, verbose_name='data')),
                ('target_id', models.PositiveIntegerField()),
                ('added', models.BooleanField(default=False, verbose_name='ditambahkan')),
                ('fields', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=40), default=list, size=None)),
                ('reason', common.fields.EncryptedTextField(max_length=300, verbose_name='alasan koreksi')),
                ('corrected_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='cases.case')),
                ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='cases.complaint')),
                ('corrected_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'koreksi data',
                'verbose_name_plural': 'koreksi data',
                'ordering': ['corrected_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPerpetratorLink',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('relation', models.CharField(choices=[('spouse', 'Suami/istri/pasangan'), ('parent', 'Orang tua (ayah/ibu)'), ('guardian', 'Wali (bukan orang tua)'), ('family', 'Keluarga lain'), ('teacher', 'Guru/pengasuh'), ('employer', 'Majikan/atasan'), ('acquaintance', 'Kenalan/teman'), ('online', 'Kenalan daring'), ('stranger', 'Tidak dikenal'), ('other', 'Lainnya')], max_length=20, verbose_name='hubungan dengan korban')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('perpetrator', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.perpetrator')),
                ('victim', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.victim')),
            ],
            options={
                'verbose_name': 'historical hubungan terlapor dengan korban',
                'verbose_name_plural': 'historical hubungan terlapor dengan korban',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PerpetratorLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(choices=[('spouse', 'Suami/istri/pasangan'), ('parent', 'Orang tua (ayah/ibu)'), ('guardian', 'Wali (bukan orang tua)'), ('family', 'Keluarga lain'), ('teacher', 'Guru/pengasuh'), ('employer', 'Majikan/atasan'), ('acquaintance', 'Kenalan/teman'), ('online', 'Kenalan daring'), ('stranger', 'Tidak dikenal'), ('other', 'Lainnya')], max_length=20, verbose_name='hubungan dengan korban')),
                ('perpetrator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links', to='cases.perpetrator')),
                ('victim', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='perpetrator_links', to='cases.victim')),
            ],
            options={
                'verbose_name': 'hubungan terlapor dengan korban',
                'verbose_name_plural': 'hubungan terlapor dengan korban',
                'ordering': ['victim_id', 'perpetrator_id'],
                'constraints': [models.UniqueConstraint(fields=('perpetrator', 'victim'), name='one_relation_per_perpetrator_and_victim')],
            },
        ),
        AppendOnly("historicalperpetratorlink", "correction"),
    ]
