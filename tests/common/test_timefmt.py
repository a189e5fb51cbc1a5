"""One Indonesian date-time format everywhere (issue 12 point 7): ``02 Des 2026 20.34 WIB``."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from common.timefmt import date_label, datetime_label

MOMENT = datetime(2026, 12, 2, 13, 34, tzinfo=UTC)  # 20.34 in Jakarta


def test_a_moment_is_written_in_jakarta_time_with_the_indonesian_month():
    with translation.override("id"):
        assert datetime_label(MOMENT) == "02 Des 2026 20.34 WIB"
        assert date_label(date(2026, 12, 2)) == "02 Des 2026"
        assert date_label(datetime(2026, 12, 2, 18, 0, tzinfo=UTC)) == "03 Des 2026"  # 01.00 WIB


def test_a_stored_text_is_indonesian_whatever_the_interface_language():
    with translation.override("en"):
        assert datetime_label(MOMENT, lang="id") == "02 Des 2026 20.34 WIB"
        assert datetime_label(MOMENT) == "02 Dec 2026 20.34 WIB"


@pytest.mark.parametrize("source", [
    "{{ at|waktu }}",       # the filter, loaded everywhere
    "{{ at }}",             # a moment rendered bare uses the same format
])
def test_templates_write_the_same_format(source):
    with translation.override("id"):
        assert Template(source).render(Context({"at": MOMENT})) == "02 Des 2026 20.34 WIB"


def test_no_template_writes_its_own_date_time_format():
    """Pages and PDFs use ``|waktu`` / ``|tanggal``; ``|date`` only for a weekday, an hour or the
    machine-readable ``c`` of a <time> element."""
    import re
    from pathlib import Path

    allowed = {'"l"', '"D"', "'c'", '"c"', '"H.i"', '"l, d F Y"', '"d F Y"'}
    found = []
    for path in Path("templates").rglob("*.html"):
        for fmt in re.findall(r"\|date:(\"[^\"]*\"|'[^']*')", path.read_text()):
            if fmt not in allowed:
                found.append(f"{path}: {fmt}")
    assert found == []
