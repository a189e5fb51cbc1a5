"""The one date and time format of the interface (issue 12 point 7): ``02 Des 2026`` and
``02 Des 2026 20.34 WIB``. ``common.timefmt`` and its template filters read these; so does a date
rendered bare in a template (``{{ x.created_at }}``)."""

DATE_FORMAT = "d M Y"
DATETIME_FORMAT = "d M Y H.i T"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H.i"
