"""The test letter as a document kind: only its named signer may sign, and only when ready."""

from __future__ import annotations

import hashlib
import json

from django.db import DatabaseError, connection, transaction

from common.errors import ActionNotAllowed, ApplicationError
from documents.freeze import Freeze
from documents.registry import DocumentKind, Signature, kind_register
from tests.fakedocs.models import FakeEffect, FakeLetter

NOT_SIGNER = "Hanya penanda tangan yang dituju yang dapat menandatangani surat uji."
NOT_READY = "Surat uji belum siap ditandatangani."
ALREADY_SIGNED = "Surat uji sudah ditandatangani."
CONTENT_CHANGED = "Isi surat uji berubah."


def record_effect(signature: Signature) -> None:
    """Records that it ran, and whether the database already refused a change to the letter."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE fakedocs_fakeletter SET body = body || '.' WHERE id = %s",
                        [signature.obj.pk])
        frozen = False
    except DatabaseError:
        frozen = True
    FakeEffect.objects.create(letter=signature.obj, code=signature.code, letter_was_frozen=frozen)


class FakeLetterDocument(DocumentKind):
    code = "fake_letter"
    model = FakeLetter
    template_name = "fakedocs/letter_pdf.html"
    reason = "Uji jenis dokumen kedua"
    freeze = Freeze(flag="document", rows=("lines",))
    effects = (record_effect,)
    already_signed = ALREADY_SIGNED
    content_changed = CONTENT_CHANGED

    def signer_position(self, *, actor, obj: FakeLetter) -> str:
        if actor.pk != obj.signer_id:
            raise ActionNotAllowed(NOT_SIGNER)
        if not obj.ready:
            raise ApplicationError(NOT_READY)
        return "Penguji dokumen"

    def content_hash(self, obj: FakeLetter) -> str:
        content = [obj.title, obj.body, list(obj.lines.order_by("id").values_list("id", "text"))]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()

    def context(self, obj: FakeLetter) -> dict:
        return {"letter": obj, "lines": list(obj.lines.order_by("id"))}

    def title(self, obj: FakeLetter) -> str:
        return f"Surat uji {obj.title}"


FAKE_LETTER = kind_register(FakeLetterDocument())
