"""One exception handler maps domain errors to HTTP for every API view; strict query input.

Bodies (documented on every operation by common.openapi.AutoSchema):
- 400: the field errors of the input (``{"field": ["message", …]}``) — a service's refusal that
  names a field (``ApplicationError(field=…)``, Django's ``ValidationError``) lands there too — or
  ``{"detail": …}`` when a business rule refuses the request as a whole;
- 401, 403 (``ActionNotAllowed`` among them), 404, 409: ``{"detail": …}``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ActionNotAllowed, ApplicationError, validation_messages
from common.paging import MAX_COUNTED

NOT_FOUND = _("Tidak ditemukan.")
CONFLICT = _("Data yang sama baru saja dicatat oleh permintaan lain. Muat ulang lalu coba lagi.")
NOT_AN_INTEGER = _("Masukkan bilangan bulat.")
UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE unique_violation


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_messages(exc))
    if isinstance(exc, ActionNotAllowed):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ApplicationError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message, **exc.extra}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Same body whether the object is missing or not the caller's.
        return Response({"detail": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, IntegrityError) and _is_unique_violation(exc):
        # A concurrent request inserted the same row between the service's check and its insert;
        # the service's transaction rolled back, so nothing is half-saved.
        return Response({"detail": str(CONFLICT)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _is_unique_violation(exc: IntegrityError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == UNIQUE_VIOLATION


class StrictIntegerField(serializers.IntegerField):
    """Only plain decimal digits (and a leading minus): no ``1.0``, ``1e3``, `` 1`` or ``null``."""

    default_error_messages = {"invalid": NOT_AN_INTEGER}
    _digits = re.compile(r"-?[0-9]+")

    def to_internal_value(self, data):
        if isinstance(data, bool) or not self._digits.fullmatch(str(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


TEXT_EXPECTED = _("Harus berupa teks.")
INTEGER_EXPECTED = _("Harus berupa bilangan bulat.")
BOOLEAN_EXPECTED = _("Harus berupa true atau false.")


def _json_type_errors(field: serializers.Field, value):
    """The messages for a JSON value of the wrong type for ``field`` (None when it fits).

    DRF coerces: ``0.0`` becomes the text "0.0", ``"true"`` a boolean, ``"5"`` or ``5`` (as a UUID)
    pass. A JSON API takes JSON types as the schema states them."""
    if value is None:
        return None  # null: the field's own allow_null rule answers
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        errors = {i: e for i, item in enumerate(value) if (e := _json_type_errors(field.child, item))}
        return errors or None
    if isinstance(field, serializers.DictField) and isinstance(value, dict):
        errors = {k: e for k, item in value.items() if (e := _json_type_errors(field.child, item))}
        return errors or None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else [str(BOOLEAN_EXPECTED)]
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else [str(INTEGER_EXPECTED)]
    if isinstance(field, (serializers.CharField, serializers.ChoiceField, serializers.UUIDField,
                          serializers.DateField, serializers.DateTimeField)):
        return None if isinstance(value, str) else [str(TEXT_EXPECTED)]
    return None  # nested serializers check their own fields


class Input(serializers.Serializer):
    """Base of every API input serializer: a JSON body is read with JSON's types, as the schema
    states them (a form post from the browsable API keeps DRF's string rules)."""

    def to_internal_value(self, data):
        type_errors = {}
        if isinstance(data, dict) and not hasattr(data, "getlist"):
            for field in self._writable_fields:
                if field.field_name in data and (e := _json_type_errors(field, data[field.field_name])):
                    type_errors[field.field_name] = e
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **type_errors}) from None
            raise
        if type_errors:
            raise serializers.ValidationError(type_errors)
        return value


def body_uuid(request, field: str):
    """The public id named by ``field`` of a JSON body, checked for form before the object it belongs
    to is fetched (400 for a malformed id; the caller answers 404 for one that is not there). The
    rest of the body is read after the access checks. ``None`` when the body names none."""
    data = request.data
    if not isinstance(data, dict) or data.get(field) is None:
        return None
    if not isinstance(data[field], str):
        raise serializers.ValidationError({field: [str(TEXT_EXPECTED)]})
    try:
        return serializers.UUIDField().run_validation(data[field])
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({field: exc.detail}) from None


def query_input(serializer_class: type[serializers.Serializer], request) -> dict:
    """The query parameters, validated: a malformed value answers 400 with its field errors instead
    of silently falling back to a default. Parameters the serializer does not name are ignored.

    A plain dict, not the QueryDict: DRF reads an empty value in a QueryDict as "not sent" (HTML
    form rules), so ``?offset=`` would quietly mean the first page."""
    data = serializer_class(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return data.validated_data


#: Upper bounds that keep a request cheap and inside PostgreSQL's bigint.
MAX_PAGE_LIMIT = 200
MAX_OFFSET = 1_000_000


class PageInput(serializers.Serializer):
    limit = StrictIntegerField(required=False, min_value=1, max_value=MAX_PAGE_LIMIT)
    offset = StrictIntegerField(required=False, min_value=0, max_value=MAX_OFFSET)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset, but ``limit=abc`` or ``offset=null`` is a 400, not the first page."""

    max_limit = MAX_PAGE_LIMIT

    def get_count(self, queryset):
        """Counted up to ``common.paging.MAX_COUNTED`` + 1 rows, so a page's cost does not grow with
        the table (docs/architecture.md, "Lists"): a count of 1,001 means "more than 1,000"."""
        if hasattr(queryset, "count_up_to"):  # cases.selectors.MergedCaseList
            return queryset.count_up_to(MAX_COUNTED + 1)
        if hasattr(queryset, "query"):
            return queryset.values("pk")[: MAX_COUNTED + 1].count()
        return len(queryset)

    #: The highest offset accepted (a 400 beyond, as ``limit=abc``).
    max_offset = MAX_OFFSET

    def paginate_queryset(self, queryset, request, view=None):
        page = query_input(PageInput, request)
        if page.get("offset", 0) > self.max_offset:
            raise exceptions.ValidationError({"offset": [
                _("Paling banyak %(n)s: persempit daftar dengan pencarian atau saringan.")
                % {"n": self.max_offset}]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        bounds = {self.limit_query_param: {"minimum": 1, "maximum": MAX_PAGE_LIMIT,
                                           "default": self.default_limit},
                  self.offset_query_param: {"minimum": 0, "maximum": self.max_offset, "default": 0}}
        params = super().get_schema_operation_parameters(view)
        for p in params:
            p["schema"].update(bounds.get(p["name"], {}))
        return params


class BoundedListPagination(LimitOffsetPagination):
    """For a list that holds only its first ``common.paging.MAX_COUNTED`` + 1 rows exactly (the
    case list: docs/architecture.md, "Lists"): offsets stop there; the search and filters narrow
    it."""

    max_offset = MAX_COUNTED
