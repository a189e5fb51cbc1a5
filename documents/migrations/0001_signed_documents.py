"""Signer certificates and signed documents move from ``common`` to ``documents`` without copying
a row: the models enter this app's state over the existing tables (no database operation), then
the tables are renamed to this app's names and the content types follow, so permissions and admin
log entries keep pointing at them. ``common`` 0006 drops the models from its own state; the
meetings migration that repoints ``Minutes.document`` runs before it.

The registry becomes append-only in the database: a registered signed document is never updated
or deleted (common.append_only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.append_only import AppendOnly

MOVED = ("signercertificate", "signeddocument")


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, source="common", target="documents")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, source="documents", target="common")


def _move_content_types(apps, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0005_append_only_access_log"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SignerCertificate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("serial", models.CharField(max_length=64, unique=True)),
                        ("subject", models.CharField(max_length=300)),
                        ("cert_pem", models.TextField()),
                        ("encrypted_key", models.TextField()),
                        ("not_before", models.DateTimeField()),
                        ("not_after", models.DateTimeField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                   related_name="signer_certificates",
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "sertifikat penandatangan",
                        "verbose_name_plural": "sertifikat penandatangan",
                        "ordering": ["-not_after"],
                        "db_table": "common_signercertificate",
                    },
                ),
                migrations.CreateModel(
                    name="SignedDocument",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("code", models.CharField(max_length=20, unique=True, verbose_name="kode dokumen")),
                        ("kind", models.CharField(max_length=40)),
                        ("title", models.CharField(max_length=200)),
                        ("object_type", models.CharField(max_length=60)),
                        ("object_id", models.CharField(max_length=64)),
                        ("pdf", models.FileField(upload_to="signed/")),
                        ("sha256", models.CharField(max_length=64, unique=True)),
                        ("content_hash", models.CharField(max_length=64)),
                        ("signer_name", models.CharField(max_length=200)),
                        ("signer_position", models.CharField(max_length=200)),
                        ("signed_at", models.DateTimeField()),
                        ("subject_date", models.DateField(blank=True, null=True)),
                        ("signer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                     related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "dokumen bertanda tangan",
                        "verbose_name_plural": "dokumen bertanda tangan",
                        "ordering": ["-signed_at"],
                        "indexes": [models.Index(fields=["object_type", "object_id"],
                                                 name="common_sign_object__966333_idx")],
                        "db_table": "common_signeddocument",
                    },
                ),
            ],
            database_operations=[],
        ),
        # Now rename the tables (and the one named index) to this app's names.
        migrations.AlterModelTable(name="signercertificate", table=None),
        migrations.AlterModelTable(name="signeddocument", table=None),
        migrations.RenameIndex(model_name="signeddocument", new_name="signeddocument_object_idx",
                               old_name="common_sign_object__966333_idx"),
        migrations.RunPython(content_types_forward, content_types_backward),
        AppendOnly("signeddocument"),
    ]
