"""Signed minutes are frozen by the triggers every signed document uses (documents.freeze), in place
of the hand-written ones of 0003. The same rows stay frozen — the minutes, the meeting's attendance,
decisions, their serving agencies and action items — now from the moment the minutes carry their
signed document; a decision's ``applied_at`` may be stamped once, when the signed minutes put it
into effect. The declaration repeats ``meetings.signing.MinutesDocument.freeze``
(tests/documents/test_freeze.py compares the two)."""

import importlib

from django.db import migrations

from documents.freeze import FreezeSigned

_old = importlib.import_module("meetings.migrations.0003_freeze_signed_minutes")


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0007_minutes_document_in_documents"),
    ]

    operations = [
        migrations.RunSQL(sql=_old.DROP, reverse_sql=[_old.FUNCTIONS, *_old.TRIGGERS]),
        FreezeSigned(
            "minutes",
            flag="document",
            rows=["meeting__attendance", "meeting__decisions", "meeting__decisions__serving_agencies",
                  "meeting__action_items"],
            once={"meeting__decisions": ["applied_at"]},
        ),
    ]
