"""Signer certificates of the internal CA and the registry of signed documents.

Both tables were created by the ``common`` app (migrations common 0003/0004) and moved here
without copying a row (documents 0001, ``SeparateDatabaseAndState``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerCertificate(models.Model):
    """A signer's certificate from the deployment's internal CA. The private key is stored wrapped
    (documents.envelope: AES-GCM under a key derived with HKDF from the signing key ring, its key id
    in the token) and unwrapped only inside the re-authenticated signing step."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="signer_certificates")
    serial = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=300)
    cert_pem = models.TextField()
    encrypted_key = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-not_after"]
        verbose_name = _("sertifikat penandatangan")
        verbose_name_plural = _("sertifikat penandatangan")

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial[:12]})"


class SignedDocument(models.Model):
    """Every document someone signs, as stored at signing: the exact PDF, its SHA-256 and the short
    code printed (and in the QR) on it. The public verification page reads only this table and shows
    no victim identity and no case details. Rows are append-only in the database: a registered
    document is never changed or removed."""

    code = models.CharField(_("kode dokumen"), max_length=20, unique=True)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="signed/")
    sha256 = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=200)
    signer_position = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    subject_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("dokumen bertanda tangan")
        verbose_name_plural = _("dokumen bertanda tangan")
        indexes = [models.Index(fields=["object_type", "object_id"], name="signeddocument_object_idx")]

    def __str__(self) -> str:
        return self.code
