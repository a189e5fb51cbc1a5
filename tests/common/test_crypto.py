"""Identity at rest: AES-GCM ciphertext in every column and history row, loud failures on a wrong
key, no lookups on ciphertext, blind indexes for duplicate detection, and key rotation."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from cases.intake.services import PerpetratorInput, ReporterInput, initial_response_record, victims_matching
from cases.models import Complaint, Perpetrator, Reporter, Victim
from common import crypto
from common.management.commands.rotate_keys import encrypted_models
from tests.sla.helpers import make_staff, register

pytestmark = pytest.mark.django_db

NAME, NIK, PHONE = "Ratna Kumalasari Wibisono", "3174 0541.0190-0123", "0812-7777-3456"
KEY_A = "ka:" + base64.b64encode(b"A" * 32).decode()
KEY_A_WRONG = "ka:" + base64.b64encode(b"Z" * 32).decode()
KEY_B = "kb:" + base64.b64encode(b"B" * 32).decode()


@pytest.fixture
def staff(uptd, polres):
    return make_staff(uptd, polres)


def _register(staff, **kw):
    kw.setdefault("reporter", ReporterInput(is_victim=False, full_name="Pelapor Rahasia Sekali",
                                            phone="021-555-0199", address="Jl. Pelapor 9"))
    kw.setdefault("perpetrators", [PerpetratorInput(relation="spouse", full_name="Terlapor Rahasia")])
    kw.setdefault("name", NAME)
    return register(staff, nik=NIK, phone=PHONE, **kw)


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def all_tokens() -> list[tuple[str, str, str]]:
    """(table, column, stored value) of every non-empty encrypted value in the database."""
    out = []
    for model, columns in encrypted_models():
        table = model._meta.db_table
        for column in columns:
            for (value,) in raw(f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\''):  # noqa: S608
                out.append((table, column, value))
    return out


# --- at rest ---------------------------------------------------------------------------------------

def test_victim_columns_hold_ciphertext_not_the_identity(staff):
    complaint = _register(staff)
    [(name, nik, phone)] = raw("SELECT full_name, nik, phone FROM cases_victim WHERE complaint_id = %s",
                               [complaint.pk])
    for stored in (name, nik, phone):
        assert stored.startswith("v1:dev1:")
    assert "Ratna" not in name and "3174054101900123" not in nik and "7777" not in phone
    victim = Victim.objects.get(complaint=complaint)
    assert (victim.full_name, victim.nik, victim.phone) == (NAME, "3174054101900123", PHONE)


def test_history_tables_hold_ciphertext_too(staff):
    complaint = _register(staff)
    initial_response_record(actor=staff.officer, complaint=complaint, method="phone", successful=True,
                            result="Korban Ratna aman di rumah kerabat")
    rows = raw("SELECT full_name, nik, phone FROM cases_historicalvictim")
    rows += raw("SELECT full_name, phone, address FROM cases_historicalreporter")
    rows += raw("SELECT full_name, '', '' FROM cases_historicalperpetrator")
    rows += raw("SELECT chronology, '', '' FROM cases_historicalcomplaint")
    rows += raw("SELECT result, '', '' FROM cases_historicalinitialresponse")
    assert len(rows) >= 5
    for row in rows:
        for stored in filter(None, row):
            assert stored.startswith("v1:")
            for secret in ("Ratna", "3174054101900123", "7777", "Pelapor", "Terlapor", "555-0199",
                           "rumah tangga", "kerabat"):
                assert secret not in stored
    assert Victim.history.get().full_name == NAME  # and history reads back through the field


def test_every_encrypted_value_in_the_database_is_a_token(staff):
    _register(staff)
    tokens = all_tokens()
    assert {t for t, _, _ in tokens} >= {"cases_victim", "cases_historicalvictim", "cases_reporter",
                                        "cases_perpetrator", "cases_complaint"}
    assert all(crypto.is_token(value) for _, _, value in tokens)


def test_the_same_plaintext_encrypts_differently_each_time():
    assert crypto.encrypt(NAME) != crypto.encrypt(NAME)


# --- failing loudly --------------------------------------------------------------------------------

def test_a_wrong_key_raises_without_echoing_the_value():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        token = crypto.encrypt(NAME)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A_WRONG]):
        with pytest.raises(crypto.DecryptionError) as exc:
            crypto.decrypt(token)
    message = str(exc.value)
    assert "ka" in message and NAME not in message and token not in message and token[8:30] not in message
    assert exc.value.__cause__ is None and exc.value.__suppress_context__


def test_a_wrong_key_fails_loudly_when_the_orm_reads_the_row(staff):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        complaint = _register(staff)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A_WRONG]):
        with pytest.raises(crypto.DecryptionError, match="does not decrypt with key 'ka'"):
            Victim.objects.get(complaint=complaint)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        with pytest.raises(crypto.DecryptionError, match="No key with id 'ka'"):
            Victim.objects.get(complaint=complaint)


@pytest.mark.parametrize("bad", [
    "Ratna Kumalasari",                              # plaintext where a token should be
    "v1:dev1:!!!not-base64!!!",
    "v1:dev1:" + base64.b64encode(b"short").decode(),
])
def test_malformed_values_raise_decryption_error(bad):
    with pytest.raises(crypto.DecryptionError) as exc:
        crypto.decrypt(bad)
    assert "Ratna" not in str(exc.value)


def test_a_tampered_value_does_not_decrypt():
    token = crypto.encrypt(NAME)
    blob = bytearray(base64.b64decode(token.split(":", 2)[2]))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("v1:dev1:" + base64.b64encode(bytes(blob)).decode())


@pytest.mark.parametrize("keys", [[], ["nokey"], ["a:" + base64.b64encode(b"x" * 16).decode()],
                                  [KEY_A, KEY_A_WRONG], ["bad id:" + base64.b64encode(b"A" * 32).decode()]])
def test_bad_key_configuration_is_refused(keys):
    with override_settings(FIELD_ENCRYPTION_KEYS=keys), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


# --- no lookups on ciphertext ----------------------------------------------------------------------

@pytest.mark.parametrize("lookup", ["full_name", "full_name__iexact", "full_name__icontains",
                                    "nik__startswith", "phone__in", "full_name__lower"])
def test_encrypted_fields_refuse_lookups(lookup):
    value = [NAME] if lookup.endswith("__in") else NAME
    with pytest.raises(TypeError, match="EncryptedTextField does not support"):
        Victim.objects.filter(**{lookup: value})


def test_isnull_is_the_one_allowed_lookup(staff):
    _register(staff)
    assert Victim.objects.filter(full_name__isnull=False).count() == 1


# --- blind indexes and duplicate detection ---------------------------------------------------------

def test_normalisation_makes_equal_numbers_equal():
    assert crypto.normalise_nik("3174 0541.0190-0123") == crypto.normalise_nik("3174054101900123")
    phones = ["0812-7777-3456", "+62 812 7777 3456", "62812-7777-3456", "(0812) 77773456"]
    assert {crypto.normalise_phone(p) for p in phones} == {"+6281277773456"}
    index = {crypto.blind_index("phone", crypto.normalise_phone(p)) for p in phones}
    assert len(index) == 1
    assert crypto.name_tokens("Ratna  KUMALASARI-wibisono") == ["kumalasari", "ratna", "wibisono"]


def test_blind_indexes_are_keyed_and_hold_no_plaintext(staff):
    complaint = _register(staff)
    [(nik_index, phone_index, name_index)] = raw(
        "SELECT nik_index, phone_index, name_index FROM cases_victim WHERE complaint_id = %s", [complaint.pk])
    assert "3174" not in nik_index and "812" not in phone_index
    assert all("ratna" not in t for t in name_index)
    other_key = base64.b64encode(b"K" * 32).decode()
    with override_settings(BLIND_INDEX_KEY=other_key):
        assert crypto.blind_index("nik", "3174054101900123") != nik_index


@pytest.mark.parametrize("search", [
    {"nik": "3174054101900123"},
    {"nik": "3174.0541.0190.0123"},
    {"phone": "+62 812-7777-3456"},
    {"phone": "081277773456"},
    {"full_name": "wibisono ratna"},
])
def test_a_new_complaint_finds_the_open_case_of_the_same_victim(staff, search):
    complaint = _register(staff)
    found = list(victims_matching(user=staff.officer, **search))
    assert found == [complaint.case]


def test_duplicate_detection_does_not_match_other_people(staff):
    _register(staff)
    assert not victims_matching(user=staff.officer, nik="3174054101900124").exists()
    assert not victims_matching(user=staff.officer, phone="081277773457").exists()
    assert not victims_matching(user=staff.officer, full_name="Ratna Sari").exists()
    # Another agency's officer does not learn that the victim is known elsewhere.
    assert not victims_matching(user=staff.outsider, nik=NIK).exists()


# --- rotate_keys ---------------------------------------------------------------------------------

def _history_counts() -> dict[str, int]:
    return {m._meta.db_table: m.objects.count() for m, _ in encrypted_models()
            if m.__name__.startswith("Historical")}


def test_rotate_keys_reencrypts_everything_under_the_new_primary_key(staff):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        first = _register(staff)
        second = _register(staff, name="Sri Handayani Uji")
        initial_response_record(actor=staff.officer, complaint=first, method="phone", successful=True,
                                result="Dihubungi, aman")
    before = all_tokens()
    assert before and {crypto.key_id_of(v) for _, _, v in before} == {"ka"}
    history = _history_counts()

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        out = io.StringIO()
        call_command("rotate_keys", "--batch-size=2", stdout=out)
        report = out.getvalue()
        assert f"{len(before)} values re-encrypted" in report
        assert "cases_historicalvictim:" in report and "cases_victim:" in report
        after = all_tokens()
        assert len(after) == len(before)
        assert {crypto.key_id_of(v) for _, _, v in after} == {"kb"}
        # Re-encryption of identical plaintext is not a change: no history rows were added.
        assert _history_counts() == history

        # Idempotent: a second run has nothing left to do.
        out = io.StringIO()
        call_command("rotate_keys", stdout=out)
        assert "0 values re-encrypted" in out.getvalue()
        assert all_tokens() == after

    # The old key can now be removed: every value — history included — still reads.
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        victims = {v.full_name: (v.nik, v.phone) for v in Victim.objects.all()}
        assert victims[NAME] == ("3174054101900123", PHONE) and "Sri Handayani Uji" in victims
        assert {h.full_name for h in Victim.history.all()} == {NAME, "Sri Handayani Uji"}
        assert Complaint.objects.get(pk=second.pk).chronology.startswith("Korban datang")
        assert Reporter.objects.get(complaint=first).full_name == "Pelapor Rahasia Sekali"
        assert Perpetrator.objects.get(complaint=first).full_name == "Terlapor Rahasia"
        assert first.responses.get().result == "Dihubungi, aman"
        for model, _ in encrypted_models():
            list(model.objects.all())  # nothing anywhere needs the old key


def test_rotate_keys_dry_run_changes_nothing(staff):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        _register(staff)
    before = all_tokens()
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        out = io.StringIO()
        call_command("rotate_keys", "--dry-run", stdout=out)
    assert f"{len(before)} values would be re-encrypted" in out.getvalue()
    assert all_tokens() == before


def test_rotate_keys_stops_loudly_on_a_value_it_cannot_read(staff):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        complaint = _register(staff)
    token = raw("SELECT full_name FROM cases_victim WHERE complaint_id = %s", [complaint.pk])[0][0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        with pytest.raises(CommandError) as exc:
            call_command("rotate_keys", stdout=io.StringIO())
    message = str(exc.value)
    assert "No key with id 'ka'" in message and NAME not in message and token not in message


def test_rotate_keys_leaves_a_row_saved_meanwhile_alone(staff):
    """The compare-and-swap: a value changed between read and write is not overwritten."""
    from common.management.commands.rotate_keys import Command

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        complaint = _register(staff)
        victim = Victim.objects.get(complaint=complaint)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        original = crypto.reencrypt

        def save_meanwhile(token):
            new = original(token)
            if not getattr(save_meanwhile, "done", False):
                save_meanwhile.done = True
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE cases_victim SET full_name = %s WHERE id = %s",
                                   [crypto.encrypt("Nama Diperbarui"), victim.pk])
            return new

        crypto.reencrypt = save_meanwhile
        try:
            counts = Command().rotate_table(Victim, ["full_name", "nik", "phone", "address", "date_of_birth"],
                                            batch_size=10, dry_run=False)
        finally:
            crypto.reencrypt = original
        assert counts["skipped"] == 1
        assert Victim.objects.get(pk=victim.pk).full_name == "Nama Diperbarui"

