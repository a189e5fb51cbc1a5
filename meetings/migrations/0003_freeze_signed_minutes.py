"""Signed minutes are frozen in the database itself, not only by the services: any UPDATE or DELETE
of signed minutes, and any INSERT/UPDATE/DELETE of their decisions (and serving agencies),
attendance and action-item definitions raises an error. Follow-up rows are separate tables and
stay writable."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION terpadu_minutes_frozen() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'Notula yang sudah ditandatangani tidak dapat diubah (minutes %)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION terpadu_meeting_row_frozen() RETURNS trigger AS $$
DECLARE
  mid bigint;
  signed boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN mid := NEW.meeting_id; ELSE mid := OLD.meeting_id; END IF;
  SELECT status = 'signed' INTO signed FROM meetings_minutes WHERE meeting_id = mid;
  IF TG_OP = 'UPDATE' AND NEW.meeting_id <> OLD.meeting_id AND NOT COALESCE(signed, false) THEN
    SELECT status = 'signed' INTO signed FROM meetings_minutes WHERE meeting_id = NEW.meeting_id;
  END IF;
  IF COALESCE(signed, false) THEN
    RAISE EXCEPTION 'Isi notula yang sudah ditandatangani tidak dapat diubah (%: meeting %)', TG_TABLE_NAME, mid
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION terpadu_decision_child_frozen() RETURNS trigger AS $$
DECLARE
  did bigint;
  signed boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN did := NEW.decision_id; ELSE did := OLD.decision_id; END IF;
  SELECT m.status = 'signed' INTO signed
    FROM meetings_decision d JOIN meetings_minutes m ON m.meeting_id = d.meeting_id WHERE d.id = did;
  IF COALESCE(signed, false) THEN
    RAISE EXCEPTION 'Keputusan dalam notula yang sudah ditandatangani tidak dapat diubah (decision %)', did
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""

MEETING_TABLES = ["meetings_decision", "meetings_attendance", "meetings_actionitem"]

TRIGGERS = [
    "CREATE TRIGGER terpadu_minutes_frozen BEFORE UPDATE OR DELETE ON meetings_minutes "
    "FOR EACH ROW EXECUTE FUNCTION terpadu_minutes_frozen();",
    *[f"CREATE TRIGGER terpadu_frozen BEFORE INSERT OR UPDATE OR DELETE ON {t} "
      "FOR EACH ROW EXECUTE FUNCTION terpadu_meeting_row_frozen();" for t in MEETING_TABLES],
    "CREATE TRIGGER terpadu_frozen BEFORE INSERT OR UPDATE OR DELETE ON meetings_decision_serving_agencies "
    "FOR EACH ROW EXECUTE FUNCTION terpadu_decision_child_frozen();",
]

DROP = [
    "DROP TRIGGER IF EXISTS terpadu_minutes_frozen ON meetings_minutes;",
    *[f"DROP TRIGGER IF EXISTS terpadu_frozen ON {t};" for t in MEETING_TABLES],
    "DROP TRIGGER IF EXISTS terpadu_frozen ON meetings_decision_serving_agencies;",
    "DROP FUNCTION IF EXISTS terpadu_minutes_frozen(); DROP FUNCTION IF EXISTS terpadu_meeting_row_frozen();"
    " DROP FUNCTION IF EXISTS terpadu_decision_child_frozen();",
]


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_minutes_signature")]

    operations = [
        migrations.RunSQL(sql=[FUNCTIONS, *TRIGGERS], reverse_sql=DROP),
    ]
