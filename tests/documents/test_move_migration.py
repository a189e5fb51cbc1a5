"""Signer certificates and signed documents moved from ``common`` to ``documents`` without losing a
row: a database as it was before the move (its rows written by the old models) is migrated forward,
and every certificate and document is still there, under the new app, with its content type."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from agencies.models import Role
from documents.models import SignedDocument, SignerCertificate
from tests.factories import member

pytestmark = pytest.mark.django_db

BEFORE_THE_MOVE = [("common", "0010_deadline_alert"),
                   ("meetings", "0006_actionitem_due_index"), ("documents", None)]


def test_the_move_keeps_every_row_and_the_content_types(uptd):
    chair = member(uptd, Role.TP_KETUA)
    ct_id = ContentType.objects.get_for_model(SignedDocument).pk

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)  # undone inside this test's transaction, rolled back after it
    old = executor.loader.project_state(BEFORE_THE_MOVE[:2]).apps
    OldCertificate = old.get_model("common", "SignerCertificate")
    OldDocument = old.get_model("common", "SignedDocument")
    assert OldDocument._meta.db_table == "common_signeddocument"
    assert ContentType.objects.filter(app_label="common", model="signeddocument", pk=ct_id).exists()
    now = timezone.now()
    cert = OldCertificate.objects.create(user_id=chair.pk, serial="abc123", subject="CN=Ketua",
                                         cert_pem="PEM", encrypted_key="kunci-terbungkus",
                                         not_before=now, not_after=now)
    doc = OldDocument.objects.create(code="TPD-AAAA-BBBB", kind="minutes", title="Notula lama",
                                     object_type="meetings.minutes", object_id="1", pdf="signed/x.pdf",
                                     sha256="a" * 64, content_hash="b" * 64, signer_id=chair.pk,
                                     signer_name="Ketua", signer_position="Ketua", signed_at=now)
    with connection.cursor() as cur:  # deferred FK checks now, so that the tables may be renamed
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved_cert = SignerCertificate.objects.get(pk=cert.pk)
    assert (moved_cert.serial, moved_cert.encrypted_key, moved_cert.user) == ("abc123", "kunci-terbungkus",
                                                                              chair)
    moved_doc = SignedDocument.objects.get(pk=doc.pk)
    assert (moved_doc.code, moved_doc.sha256, moved_doc.signer) == ("TPD-AAAA-BBBB", "a" * 64, chair)
    assert SignedDocument._meta.db_table == "documents_signeddocument"
    # The same content type row, now under documents: permissions and admin log entries follow.
    assert ContentType.objects.get_for_model(SignedDocument).pk == ct_id
    assert not ContentType.objects.filter(app_label="common", model__in=["signeddocument",
                                                                         "signercertificate"]).exists()
