"""The English interface keeps the same shape of date and time (``02 Dec 2026 20.34 WIB``)."""

from common.formats.id.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
