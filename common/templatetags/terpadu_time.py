"""``{{ moment|waktu }}`` → ``02 Des 2026 20.34 WIB``; ``{{ day|tanggal }}`` → ``02 Des 2026``
(``common.timefmt``). Loaded everywhere (``TEMPLATES`` builtins)."""

from django import template

from common.timefmt import date_label, datetime_label

register = template.Library()


@register.filter(expects_localtime=False)
def waktu(value):
    return datetime_label(value) if value not in (None, "") else ""


@register.filter(expects_localtime=False)
def tanggal(value):
    return date_label(value) if value not in (None, "") else ""
