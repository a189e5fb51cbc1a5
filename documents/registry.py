"""Signed documents: the kinds that can be signed, the one signing service, and the registry behind
the public verification page.

**One service for every signed document.** :func:`document_sign` is the same for the minutes and for
every kind that follows (referral letters, agreements, orders, termination documents, reports):

1. who may sign is checked (someone who may not has nothing to guess, and a code is not spent);
2. the signer re-authenticates — password and a fresh TOTP code (agencies.reauth) — *outside* any
   transaction, so that failures count towards the login lockout and the OTP throttle even though
   the signature is refused;
3. one transaction: the document's rows are locked and checked again; the content hash the signer
   was shown must be the content's hash now; the PDF is **rendered** from the kind's template with
   the document code, verification link and QR; **signed** (PAdES, documents.signing);
   **registered** here with its SHA-256; the root row is **frozen** (its flag — the foreign key to
   the registry — is set, and the database triggers of documents.freeze refuse any later change of
   the rows signed with it); then the kind's **effects** run.

A kind is a :class:`DocumentKind` subclass, registered once (``kind_register``) by the app that owns
the document: who may sign and in which capacity, the content hash, the template and its context,
title and date, what the freeze covers (:class:`documents.freeze.Freeze`, repeated in the app's
migration) and the effects, callables that receive the :class:`Signature`.

**The registry.** A document code is chosen before rendering (it is printed on the page and in the
QR), the signed PDF is stored with its SHA-256, and the public verification page
(documents.verification) reads only that table.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from agencies.reauth import reauthenticate
from common.audit import save_with_history
from common.errors import ApplicationError
from common.qr import qr_svg_data_uri
from documents.freeze import Freeze
from documents.models import SignedDocument
from documents.pdf import render_pdf
from documents.signing import get_signer

ALREADY_SIGNED = _("Dokumen ini sudah ditandatangani dan tidak dapat diubah.")
CONTENT_CHANGED = _("Isi dokumen berubah sejak Anda membukanya. Baca ulang dokumen sebelum menandatangani.")

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_RE = re.compile(r"TPD-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


# --- the registry of signed documents --------------------------------------------------------------

def new_document_code() -> str:
    while True:
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        code = f"TPD-{raw[:4]}-{raw[4:]}"
        if not SignedDocument.objects.filter(code=code).exists():
            return code


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('verify')}?kode={code}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_register(*, code: str, kind: str, title: str, obj, pdf: bytes, content_hash: str,
                      signer, signer_name: str, signer_position: str, signed_at: datetime,
                      subject_date: date | None) -> SignedDocument:
    doc = SignedDocument(
        code=code, kind=kind, title=title, object_type=obj._meta.label_lower, object_id=str(obj.pk),
        sha256=sha256(pdf), content_hash=content_hash, signer=signer, signer_name=signer_name,
        signer_position=signer_position, signed_at=signed_at, subject_date=subject_date,
    )
    doc.pdf.save(f"{code}.pdf", ContentFile(pdf), save=False)
    doc.save()
    return doc


# --- document kinds --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Signature:
    """One signing, as the kind's ``mark_signed`` and effects receive it."""

    kind: DocumentKind
    obj: models.Model  # the root row, locked, with its flag set
    actor: User
    position: str
    signed_at: datetime
    content_hash: str
    document: SignedDocument

    @property
    def code(self) -> str:
        return self.document.code


Effect = Callable[[Signature], None]


class DocumentKind:
    """One kind of signed document. Subclass it, set the attributes, implement the hooks and
    register an instance with :func:`kind_register`."""

    #: ``SignedDocument.kind``; also how ``document_sign(kind="...")`` finds the kind.
    code: ClassVar[str] = ""
    #: The root row: what is signed and frozen, and carries the flag (``freeze.flag``).
    model: ClassVar[type[models.Model]]
    template_name: ClassVar[str] = ""
    #: The PAdES signature's reason and location.
    reason: ClassVar[str] = ""
    location: ClassVar[str] = "Jakarta"
    freeze: ClassVar[Freeze] = Freeze()
    #: Run in order, in the signing transaction, after the freeze.
    effects: ClassVar[tuple[Effect, ...]] = ()
    already_signed: ClassVar[str] = ALREADY_SIGNED
    content_changed: ClassVar[str] = CONTENT_CHANGED

    def fetch(self, obj: models.Model, *, lock: bool) -> models.Model:
        """The root row, fresh from the database (locked, inside the signing transaction)."""
        queryset = self.model._default_manager.all()
        if lock:
            queryset = queryset.select_for_update()
        return queryset.get(pk=obj.pk)

    def signer_position(self, *, actor, obj) -> str:
        """The capacity in which ``actor`` signs ``obj``; raise ActionNotAllowed or
        ApplicationError (with the rule) when they may not, or the document is not ready."""
        raise NotImplementedError

    def content_hash(self, obj) -> str:
        """A canonical hash of the content (not of its rendering): what the signer was shown."""
        raise NotImplementedError

    def context(self, obj) -> dict:
        """The template context without the signature block (document_sign adds that)."""
        raise NotImplementedError

    def title(self, obj) -> str:
        raise NotImplementedError

    def subject_date(self, obj) -> date | None:
        """The date the verification page shows beside the signature (e.g. the meeting's)."""
        return None

    def mark_signed(self, signature: Signature) -> list[str]:
        """Set the root's own record of the signature (status, signer …) beside the flag, which
        document_sign sets; return the fields set, to be saved with it."""
        return []

    def is_signed(self, obj) -> bool:
        return getattr(obj, self.flag_field.attname) is not None

    @property
    def flag_field(self) -> models.Field:
        return self.model._meta.get_field(self.freeze.flag)


_KINDS: dict[str, DocumentKind] = {}


def kind_register(kind: DocumentKind) -> DocumentKind:
    if not kind.code:
        raise ImproperlyConfigured(f"{type(kind).__name__} has no code.")
    flag = kind.flag_field
    if not (flag.many_to_one or flag.one_to_one) or flag.related_model is not SignedDocument:
        raise ImproperlyConfigured(f"{type(kind).__name__}.freeze.flag must be a foreign key to "
                                   "SignedDocument.")
    known = _KINDS.get(kind.code)
    if known is not None and type(known).__qualname__ != type(kind).__qualname__:
        raise ImproperlyConfigured(f"Document kind {kind.code!r} is registered twice.")
    _KINDS[kind.code] = kind
    return kind


def kind_unregister(code: str) -> None:
    _KINDS.pop(code, None)


def kind_get(kind: DocumentKind | str) -> DocumentKind:
    if isinstance(kind, DocumentKind):
        return kind
    try:
        return _KINDS[kind]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown document kind {kind!r}.") from None


def kinds() -> list[DocumentKind]:
    return list(_KINDS.values())


# --- signing ---------------------------------------------------------------------------------------

def document_sign(*, request: HttpRequest, actor, kind: DocumentKind | str, obj: models.Model,
                  password: str, otp_token: str, shown_content_hash: str) -> models.Model:
    """Sign ``obj`` (a document of ``kind``) as ``actor``, who re-authenticates on ``request``;
    return the root row, signed and frozen, its effects applied. Refusals raise before anything is
    saved."""
    kind = kind_get(kind)
    _may_sign(kind, actor=actor, obj=kind.fetch(obj, lock=False))
    reauthenticate(request=request, user=actor, password=password, otp_token=otp_token)
    return _document_sign_authenticated(kind=kind, actor=actor, obj=obj,
                                        shown_content_hash=shown_content_hash)


def _may_sign(kind: DocumentKind, *, actor, obj) -> str:
    if kind.is_signed(obj):
        raise ApplicationError(kind.already_signed)
    return kind.signer_position(actor=actor, obj=obj)


@transaction.atomic
def _document_sign_authenticated(*, kind: DocumentKind, actor, obj, shown_content_hash: str):
    obj = kind.fetch(obj, lock=True)
    position = _may_sign(kind, actor=actor, obj=obj)
    content_hash = kind.content_hash(obj)
    if shown_content_hash != content_hash:
        raise ApplicationError(kind.content_changed)

    signed_at = timezone.now()
    code = new_document_code()
    pdf = document_render_pdf(kind, obj, code=code, signer=actor, position=position, signed_at=signed_at)
    signed_pdf = get_signer().sign_pdf(pdf, user=actor, reason=kind.reason, location=kind.location,
                                       signed_at=signed_at)
    document = document_register(
        code=code, kind=kind.code, title=kind.title(obj), obj=obj, pdf=signed_pdf,
        content_hash=content_hash, signer=actor, signer_name=actor.display_name,
        signer_position=position, signed_at=signed_at, subject_date=kind.subject_date(obj),
    )
    # The freeze: from this UPDATE on, the triggers refuse changes to the rows signed.
    setattr(obj, kind.flag_field.name, document)
    signature = Signature(kind=kind, obj=obj, actor=actor, position=position, signed_at=signed_at,
                          content_hash=content_hash, document=document)
    extra = [f for f in kind.mark_signed(signature) if f != kind.flag_field.name]
    save_with_history(obj, actor=actor, update_fields=[kind.flag_field.name, *extra])
    for effect in kind.effects:
        effect(signature)
    return obj


def document_render_pdf(kind: DocumentKind, obj, *, code: str, signer, position: str,
                        signed_at: datetime) -> bytes:
    """The kind's PDF with the signature block: who, in which capacity, when, and the code, link
    and QR by which anyone verifies it."""
    url = verification_url(code)
    context = {
        **kind.context(obj),
        "for_pdf": True, "code": code, "verify_url": url, "qr": qr_svg_data_uri(url),
        "signer_name": signer.display_name, "signer_position": position, "signed_at": signed_at,
    }
    return render_pdf(kind.template_name, context)
