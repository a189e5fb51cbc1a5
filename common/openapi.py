"""The OpenAPI schema says what every operation answers, errors included.

`common.api.exception_handler` gives every error one of two bodies, and this schema class documents
them on every operation (DEFAULT_SCHEMA_CLASS), so no view repeats them:

- 400 ``FieldErrors``: each key is an input field (or query parameter) holding its messages;
  ``non_field_errors`` / ``__all__`` for the whole input; nested inputs nest (list items as a list,
  or by index for list fields). A service's refusal about one field answers under that field; a
  business rule that refuses the request as a whole answers ``detail``.
- 401, 403, 404, 409 ``ErrorDetail``: ``{"detail": message}``.

Which codes an operation documents follows from what can answer it: 401 and 403 everywhere (every
API view needs a signed-in caller, and the TOTP gate answers 403 for a session that has not passed
TOTP — agencies.middleware), 400 where there is input (a body or query parameters), 404 where the
path names an object, 409 where the operation writes (a duplicate that lost a race with a
concurrent request). A view may document more with ``@extend_schema(responses=…)``; what it
declares wins.
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny

FIELD_ERRORS = "FieldErrors"
FIELD_MESSAGES = "FieldMessages"


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request was refused (safe to show; never identity).")

    class Meta:
        ref_name = "ErrorDetail"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


FIELD_MESSAGES_SCHEMA = {
    "description": "The messages of one field: a list of texts; a nested input nests (an object "
                   "by field name or list index, or a list with one entry per item).",
    "oneOf": [
        {"type": "array", "items": {"oneOf": [{"type": "string"}, _ref(FIELD_MESSAGES)]}},
        {"type": "object", "additionalProperties": _ref(FIELD_MESSAGES)},
    ],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Invalid input: each key is a field or query parameter and holds its messages "
                   "(`non_field_errors` or `__all__` for the input as a whole); a refusal about one "
                   "field lands under it. A business rule that refuses the request as a whole "
                   "gives `detail` instead.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": _ref(FIELD_MESSAGES),
    "minProperties": 1,
}

DESCRIPTIONS = {
    "400": "Invalid input (field errors), or a business rule refused the request (detail).",
    "401": "Not signed in: no valid API token or session.",
    "403": "Refused: the caller's role may not do this, the session has not passed TOTP, or a "
           "session request lacks its CSRF token.",
    "404": "Not found — the same answer whether the object does not exist or is not the caller's.",
    "409": "Conflict: a concurrent request created the same record first; reload and retry.",
}


#: What Python's ``str.strip()`` removes — DRF trims text input with it before checking "blank".
_PY_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: DRF text input refuses NUL characters, and (unless blank is allowed) text that is only
#: whitespace. The schema states both, so that what it calls valid the API accepts.
TEXT_PATTERN = r"^[^\x00]*$"
NON_BLANK_TEXT_PATTERN = rf"^[^\x00]*[^\x00{_PY_WHITESPACE}][^\x00]*$"


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (direction == "request" and isinstance(field, serializers.CharField)
                and schema.get("type") == "string" and "pattern" not in schema
                and "format" not in schema and "enum" not in schema):
            if field.allow_blank:
                schema["pattern"] = TEXT_PATTERN
            else:
                schema["minLength"] = max(schema.get("minLength", 0), 1)
                schema["pattern"] = NON_BLANK_TEXT_PATTERN if field.trim_whitespace else TEXT_PATTERN
        return schema

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.error_status_codes(operation):
            if code in responses:
                continue  # the view documented it itself
            responses[code] = {"description": DESCRIPTIONS[code],
                               "content": {"application/json": {"schema": self._error_schema(code)}}}
            if code == "401":
                responses[code]["headers"] = {"WWW-Authenticate": {
                    "schema": {"type": "string"}, "description": "The scheme to use: `Token`."}}
        return operation

    def error_status_codes(self, operation: dict) -> list[str]:
        codes = []
        has_input = "requestBody" in operation or any(
            p.get("in") == "query" for p in operation.get("parameters", []))
        if has_input:
            codes.append("400")
        if self._needs_authentication():
            codes += ["401", "403"]
        if any(p.get("in") == "path" for p in operation.get("parameters", [])):
            codes.append("404")
        if self.method not in SAFE_METHODS:
            codes.append("409")
        return codes

    def _needs_authentication(self) -> bool:
        return not all(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _error_schema(self, code: str) -> dict:
        if code != "400":
            return self.resolve_serializer(ErrorDetailSerializer, "response").ref
        for name, schema in ((FIELD_MESSAGES, FIELD_MESSAGES_SCHEMA), (FIELD_ERRORS, FIELD_ERRORS_SCHEMA)):
            self.registry.register_on_missing(ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema))
        return _ref(FIELD_ERRORS)
