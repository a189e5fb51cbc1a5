"""Each perpetrator's single relation becomes one ``PerpetratorLink`` per victim of its complaint
(the victims of the case when the complaint has none of its own), with its history row, as
``save()`` would write it. "Orang tua/wali" (``parent``) stays ``parent``; a perpetrator marked as
the victim's guardian under another relation becomes "wali" (``guardian``): a guardian who is not
a parent. INSERT only; running it again adds nothing. Going back writes the first link's relation
back to the perpetrator (0017 reversed has restored its column)."""

from django.db import migrations
from django.utils import timezone

HISTORY_REASON = "Hubungan per korban (migrasi 0016)"


def relation_per_victim(apps, schema_editor):
    Perpetrator = apps.get_model("cases", "Perpetrator")
    Victim = apps.get_model("cases", "Victim")
    Link = apps.get_model("cases", "PerpetratorLink")
    HistoricalLink = apps.get_model("cases", "HistoricalPerpetratorLink")
    now = timezone.now()
    for p in Perpetrator.objects.select_related("complaint").order_by("pk").iterator():
        relation = p.relation
        if p.is_guardian and relation != "parent":
            relation = "guardian"
        victims = Victim.objects.filter(complaint_id=p.complaint_id).order_by("pk")
        if not victims.exists():
            victims = Victim.objects.filter(case_id=p.complaint.case_id).order_by("pk")
        for victim in victims:
            if Link.objects.filter(perpetrator_id=p.pk, victim_id=victim.pk).exists():
                continue
            link = Link.objects.create(perpetrator_id=p.pk, victim_id=victim.pk, relation=relation)
            HistoricalLink.objects.create(
                id=link.pk, perpetrator_id=p.pk, victim_id=victim.pk, relation=relation, history_date=now,
                history_type="+", history_change_reason=HISTORY_REASON, history_user_id=None)


def relation_back(apps, schema_editor):
    Perpetrator = apps.get_model("cases", "Perpetrator")
    Link = apps.get_model("cases", "PerpetratorLink")
    for p in Perpetrator.objects.order_by("pk").iterator():
        link = Link.objects.filter(perpetrator_id=p.pk).order_by("victim_id").first()
        if link is not None:
            p.relation = "parent" if link.relation == "guardian" else link.relation
            p.is_guardian = link.relation in ("parent", "guardian")
            p.save(update_fields=["relation", "is_guardian"])


class Migration(migrations.Migration):

    dependencies = [("cases", "0015_perpetrator_relation_per_victim_and_corrections")]

    operations = [migrations.RunPython(relation_per_victim, relation_back)]
