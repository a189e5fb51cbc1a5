"""Each complaint's consent flag becomes consent records: one per victim of the complaint, purpose
"share" with every agency of the programme (what the flag said), given by whom ``consent_by``
said, at the time the complaint was received. A flag without a giver ("none") or not set gives no
record. The form of the consent was never asked: ``not_recorded``.

Records are created by INSERT only (the consent guard and the history trigger refuse anything
else), each with its history row, as ``save()`` would write it. Running it again adds nothing: a
victim that already has a share consent is skipped. Going back restores the flags from the records
and leaves the records (they cannot be deleted).
"""

from django.db import migrations
from django.utils import timezone

#: ``Complaint.consent_by`` (victim, guardian = "Orang tua/wali", none) -> ``Consent.given_by``.
GIVERS = {"victim": "victim", "guardian": "guardian"}
HISTORY_REASON = "Dari tanda persetujuan pengaduan (migrasi 0009)"


def consent_from_flags(apps, schema_editor):
    Complaint = apps.get_model("cases", "Complaint")
    Victim = apps.get_model("cases", "Victim")
    Consent = apps.get_model("cases", "Consent")
    HistoricalConsent = apps.get_model("cases", "HistoricalConsent")
    now = timezone.now()
    flagged = Complaint.objects.filter(consent_to_share=True).exclude(consent_by="none").order_by("pk")
    for complaint in flagged.iterator():
        given_by = GIVERS[complaint.consent_by]
        for victim in Victim.objects.filter(complaint_id=complaint.pk).order_by("pk"):
            if Consent.objects.filter(victim_id=victim.pk, purpose="share").exists():
                continue
            consent = Consent.objects.create(
                case_id=complaint.case_id, victim_id=victim.pk, purpose="share", given_by=given_by,
                scope="programme", agency_ids=[], form="not_recorded", given_at=complaint.received_at,
                recorded_by_id=complaint.registered_by_id, recorded_at=now,
            )
            HistoricalConsent.objects.create(
                **{f.attname: getattr(consent, f.attname) for f in Consent._meta.concrete_fields},
                history_date=now, history_type="+", history_change_reason=HISTORY_REASON,
                history_user_id=None,
            )


def flags_from_consent(apps, schema_editor):
    Complaint = apps.get_model("cases", "Complaint")
    Consent = apps.get_model("cases", "Consent")
    for complaint in Complaint.objects.order_by("pk").iterator():
        consent = (Consent.objects.filter(victim__complaint_id=complaint.pk, purpose="share",
                                          scope="programme", withdrawn_at__isnull=True)
                   .order_by("given_at", "pk").first())
        if consent is None:
            continue
        complaint.consent_to_share = True
        complaint.consent_by = "victim" if consent.given_by == "victim" else "guardian"
        complaint.save(update_fields=["consent_to_share", "consent_by"])


class Migration(migrations.Migration):

    dependencies = [("cases", "0010_consent_records")]

    operations = [migrations.RunPython(consent_from_flags, flags_from_consent)]
