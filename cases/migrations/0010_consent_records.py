"""Consent records (cases.models.consent): one per victim and purpose, withdrawn on the row.

Their history is append-only like every history table (common.append_only); the records themselves
are never deleted or edited — the one change the database accepts is the withdrawal, written once
(and re-encryption of the encrypted columns through common.append_only.trail_rewrite()).
0009 converts the complaints' consent flags into records; 0010 drops the flags.
"""

import common.fields
import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from common.append_only import AppendOnly, WriteOnce


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_casegrant_one_active_per_source'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseevent',
            name='event_type',
            field=models.PositiveSmallIntegerField(choices=[(100, 'Kasus dibuka'), (101, 'Petugas ditugaskan'), (102, 'Penugasan berakhir'), (110, 'Akses diberikan'), (111, 'Akses dicabut'), (120, 'Identitas dibuka (break-the-glass)'), (130, 'Status berubah'), (140, 'Pengaduan dicatat'), (141, 'Pengaduan digabungkan ke kasus'), (142, 'Pengaduan dibatalkan'), (143, 'Hasil akhir pengaduan'), (144, 'Petugas pengaduan ditetapkan'), (145, 'Lampiran ditambahkan'), (146, 'Waktu terima diisi mundur'), (150, 'Respons awal'), (151, 'Upaya kontak gagal'), (152, 'Waktu respons diisi mundur'), (160, 'Peringatan batas 24 jam'), (161, 'Batas 24 jam terlampaui'), (170, 'Persetujuan korban dicatat'), (171, 'Persetujuan korban ditarik'), (200, 'Verifikasi dan triase'), (201, 'Tingkat risiko diubah kepala unit'), (210, 'Kasus darurat (action first)'), (211, 'Rujukan darurat'), (212, 'Langkah intervensi krisis'), (220, 'Langkah SOP'), (300, 'Disaring di rapat Tim Percepatan'), (301, 'Masuk agenda rapat'), (302, 'Paparan kasus disiapkan'), (303, 'Asesmen bersama'), (304, 'Keputusan rapat dicatat (berlaku setelah notula ditandatangani)'), (305, 'Tindak lanjut keputusan ditetapkan'), (306, 'Perkembangan tindak lanjut'), (307, 'Agenda ditunda'), (308, 'Urutan agenda diubah'), (309, 'Pengingat tindak lanjut'), (310, 'Tindak lanjut terlambat'), (311, 'Tindak lanjut dihapus (notula masih draf)'), (320, 'Keputusan berlaku: notula ditandatangani')], db_index=True),
        ),
        migrations.CreateModel(
            name='HistoricalConsent',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('share', 'Berbagi data dengan lembaga'), ('refer', 'Rujukan ke lembaga'), ('contact', 'Dihubungi petugas lembaga')], max_length=20, verbose_name='keperluan')),
                ('given_by', models.CharField(choices=[('victim', 'Korban sendiri'), ('parent', 'Orang tua'), ('guardian', 'Wali')], max_length=10, verbose_name='diberikan oleh')),
                ('giver_relation', models.CharField(blank=True, max_length=60, verbose_name='hubungan pemberi dengan korban')),
                ('giver_name', common.fields.EncryptedTextField(blank=True, verbose_name='nama pemberi persetujuan')),
                ('scope', models.CharField(choices=[('programme', 'Semua lembaga layanan terpadu'), ('named_agencies', 'Lembaga yang disebut')], default='programme', max_length=20, verbose_name='cakupan')),
                ('agency_ids', django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(), blank=True, default=list, size=None, verbose_name='lembaga yang disebut')),
                ('form', models.CharField(choices=[('oral', 'Lisan'), ('written', 'Tertulis'), ('not_recorded', 'Tidak tercatat')], default='oral', max_length=20, verbose_name='bentuk persetujuan')),
                ('given_at', models.DateTimeField(verbose_name='waktu persetujuan')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='dicatat')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='ditarik')),
                ('withdrawal_note', common.fields.EncryptedTextField(blank=True, verbose_name='catatan penarikan')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('document', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.attachment', verbose_name='pindaian persetujuan')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('victim', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.victim', verbose_name='korban')),
                ('withdrawn_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical persetujuan',
                'verbose_name_plural': 'historical persetujuan',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Consent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('share', 'Berbagi data dengan lembaga'), ('refer', 'Rujukan ke lembaga'), ('contact', 'Dihubungi petugas lembaga')], max_length=20, verbose_name='keperluan')),
                ('given_by', models.CharField(choices=[('victim', 'Korban sendiri'), ('parent', 'Orang tua'), ('guardian', 'Wali')], max_length=10, verbose_name='diberikan oleh')),
                ('giver_relation', models.CharField(blank=True, max_length=60, verbose_name='hubungan pemberi dengan korban')),
                ('giver_name', common.fields.EncryptedTextField(blank=True, verbose_name='nama pemberi persetujuan')),
                ('scope', models.CharField(choices=[('programme', 'Semua lembaga layanan terpadu'), ('named_agencies', 'Lembaga yang disebut')], default='programme', max_length=20, verbose_name='cakupan')),
                ('agency_ids', django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(), blank=True, default=list, size=None, verbose_name='lembaga yang disebut')),
                ('form', models.CharField(choices=[('oral', 'Lisan'), ('written', 'Tertulis'), ('not_recorded', 'Tidak tercatat')], default='oral', max_length=20, verbose_name='bentuk persetujuan')),
                ('given_at', models.DateTimeField(verbose_name='waktu persetujuan')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='dicatat')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='ditarik')),
                ('withdrawal_note', common.fields.EncryptedTextField(blank=True, verbose_name='catatan penarikan')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='cases.case')),
                ('document', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.attachment', verbose_name='pindaian persetujuan')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('victim', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='cases.victim', verbose_name='korban')),
                ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'persetujuan',
                'verbose_name_plural': 'persetujuan',
                'ordering': ['given_at', 'id'],
                'indexes': [models.Index(fields=['victim', 'purpose'], name='cases_conse_victim__b7132e_idx'), models.Index(fields=['case', 'purpose'], name='cases_conse_case_id_f2988f_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('agency_ids', []), ('scope', 'programme')), models.Q(('agency_ids__len__gt', 0), ('scope', 'named_agencies')), _connector='OR'), name='consent_scope_matches_agencies'), models.CheckConstraint(condition=models.Q(models.Q(('withdrawn_at__isnull', True), ('withdrawn_by__isnull', True)), models.Q(('withdrawn_at__gte', models.F('given_at')), ('withdrawn_at__isnull', False)), _connector='OR'), name='consent_withdrawn_after_given')],
            },
        ),
        AppendOnly("historicalconsent"),
        WriteOnce("consent", marker="withdrawn_at", fields=["withdrawn_by", "withdrawal_note"]),
    ]
