"""Verification of signed documents: by code or by the PDF itself, and the public page
``/verifikasi/`` (no login, rate-limited). It answers *valid*, *altered* or *unknown* and never
reveals anything but signer, position, signing time and the document's date — never identity."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

from common.widgets import megabytes, size_limited, upload_limit
from documents.models import SignedDocument
from documents.registry import CODE_RE, sha256
from documents.signing import PdfVerification, verify_pdf

#: The largest PDF this page itself accepts; what a person may send is also bounded by the request
#: body the middleware lets through (``upload_limit``), and the page says the smaller of the two.
MAX_UPLOAD = 15 * 1024 * 1024


@dataclass(frozen=True)
class Verdict:
    status: str  # "valid" | "altered" | "unknown"
    document: SignedDocument | None = None
    detail: str = ""


def _code_in(pdf: bytes) -> str | None:
    """The document code from the PDF's metadata (keywords/subject/title), if it can be read."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        meta = PdfFileReader(io.BytesIO(pdf), strict=False).document_meta_view
        text = " ".join(str(x) for x in (meta.keywords, meta.subject, meta.title) if x)
    except Exception:  # noqa: BLE001 — an unreadable PDF simply has no code
        text = ""
    m = CODE_RE.search(text)
    return m.group(0) if m else None


def verify_code(code: str) -> Verdict:
    code = (code or "").strip().upper()
    doc = SignedDocument.objects.filter(code=code).first() if CODE_RE.fullmatch(code) else None
    if doc is None:
        return Verdict("unknown")
    with doc.pdf.open("rb") as fh:
        stored = fh.read()
    if sha256(stored) != doc.sha256 or not verify_pdf(stored).ok:
        return Verdict("altered", doc, "stored copy no longer matches")
    return Verdict("valid", doc)


def verify_upload(pdf: bytes) -> Verdict:
    doc = SignedDocument.objects.filter(sha256=sha256(pdf)).first()
    check: PdfVerification = verify_pdf(pdf)
    if doc is not None and check.ok:
        return Verdict("valid", doc)
    code = _code_in(pdf)
    claimed = SignedDocument.objects.filter(code=code).first() if code else None
    if claimed is not None or doc is not None or check.issued_by_our_ca:
        return Verdict("altered", claimed or doc,
                       "tanda tangan tidak utuh" if not check.intact
                       else "berkas diubah setelah ditandatangani")
    return Verdict("unknown")


# --- the public page -------------------------------------------------------------------------------

class VerifyForm(forms.Form):
    kode = forms.CharField(label=_("Kode dokumen"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": "TPD-XXXX-XXXX",
                                                         "autocapitalize": "characters"}))
    berkas = forms.FileField(label=_("Atau unggah PDF"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = upload_limit(MAX_UPLOAD)  # the one limit the label, check and browser share
        berkas = self.fields["berkas"]
        berkas.label = _("Atau unggah PDF (maks. %(max)s)") % {"max": megabytes(self.max_bytes)}
        size_limited(berkas.widget, MAX_UPLOAD)  # checked by the browser before sending

    def clean_berkas(self):
        f = self.cleaned_data.get("berkas")
        if f is not None and f.size > self.max_bytes:
            raise forms.ValidationError(_("Berkas terlalu besar (maks. %(max)s).")
                                        % {"max": megabytes(self.max_bytes)})
        return f

    def clean(self):
        data = super().clean()
        if not data.get("kode") and not data.get("berkas"):
            raise forms.ValidationError(_("Masukkan kode dokumen atau unggah PDF."))
        return data


def _rate(group, request):
    return settings.VERIFY_RATE_LIMIT


@ratelimit(key="ip", rate=_rate, method=["GET", "POST"], block=False)
def verify(request):
    if getattr(request, "limited", False):
        return render(request, "documents/verify.html", {"form": VerifyForm(), "limited": True},
                      status=429)
    verdict = None
    bound = request.method == "POST" or "kode" in request.GET
    form = VerifyForm(request.POST or (request.GET if bound else None), request.FILES or None) \
        if bound else VerifyForm()
    if bound and form.is_valid():
        if form.cleaned_data.get("berkas"):
            verdict = verify_upload(form.cleaned_data["berkas"].read())
        else:
            verdict = verify_code(form.cleaned_data["kode"])
    status = 200 if (not bound or form.is_valid()) else 400
    return render(request, "documents/verify.html", {"form": form, "verdict": verdict}, status=status)
