"""Every API route is in the OpenAPI schema with the errors it can answer, and the schema builds
without warnings."""

import re
import subprocess
import sys

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agencies.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_operations() -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) for every view the API URLconf routes — read from the URLconf that
    /api/ includes, so a new route cannot be forgotten here."""
    api = next(p for p in get_resolver().url_patterns
               if isinstance(p, URLResolver) and p.namespace == "api")

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback.view_class

    found = set()
    for route, view in walk(api.url_patterns, "/" + str(api.pattern)):
        # <int:pk> → {id} (drf-spectacular names a pk "id"), <uuid:complaint> → {complaint}
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{%s}" % ("id" if m[1] == "pk" else m[1]), route)
        found |= {(m.upper(), path) for m in HTTP_METHODS if hasattr(view, m)}
    return found


@pytest.fixture
def schema(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    return resp.json()


def test_the_urlconf_walk_finds_the_api(schema):
    # Guards the walk itself: all 48 operations (27, the four of the SOP runs, the three of consent,
    # the two of grants, the two of assignment, the reveal of what was registered, the three of
    # corrections, the six of the service plan), the five that the first version listed among them.
    routed = api_operations()
    assert len(routed) == 48
    assert {("GET", "/api/me/"), ("GET", "/api/agencies/"), ("GET", "/api/cases/"),
            ("GET", "/api/cases/{id}/"), ("POST", "/api/cases/{id}/reveal/"),
            ("POST", "/api/cases/{id}/reveal/registered/")} <= routed


def test_schema_lists_every_api_operation_and_nothing_else(schema):
    documented = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops}
    assert documented == api_operations()


def _schema_of(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_every_operation_documents_its_error_answers(schema):
    for method, path in sorted(api_operations()):
        op = schema["paths"][path][method.lower()]
        responses = op["responses"]
        where = f"{method} {path}"
        # Every route needs a signed-in caller; the TOTP gate and role checks answer 403.
        assert _schema_of(responses["401"]) == "ErrorDetail", where
        assert _schema_of(responses["403"]) == "ErrorDetail", where
        params = op.get("parameters", [])
        if any(p["in"] == "path" for p in params):
            assert _schema_of(responses["404"]) == "ErrorDetail", where
        if "requestBody" in op or any(p["in"] == "query" for p in params):
            assert _schema_of(responses["400"]) == "FieldErrors", where
        else:
            assert "400" not in responses, where
        if method == "POST":
            # A write whose record a concurrent request created first.
            assert _schema_of(responses["409"]) == "ErrorDetail", where
        else:
            assert "409" not in responses, where


def test_error_shapes_are_the_exception_handlers(schema):
    components = schema["components"]["schemas"]
    assert components["ErrorDetail"]["required"] == ["detail"]
    field_errors = components["FieldErrors"]
    # {"field": ["message", …]}, nested for nested input; a business rule's refusal is "detail".
    assert field_errors["additionalProperties"] == {"$ref": "#/components/schemas/FieldMessages"}
    assert field_errors["properties"] == {"detail": {"type": "string"}}


def test_list_operations_document_their_bounded_query_parameters(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/complaints/"]["get"]["parameters"]}
    assert params["limit"]["minimum"] == 1 and params["limit"]["maximum"] == 200
    assert params["offset"]["minimum"] == 0
    assert "walk_in" in params["channel"]["enum"] and "untriaged" in params["risk"]["enum"]
    cases = {p["name"]: p["schema"] for p in schema["paths"]["/api/cases/"]["get"]["parameters"]}
    assert "registered" in cases["status"]["enum"]


def test_schema_generation_has_no_warnings():
    out = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn",
         "--file", "/dev/null"],
        capture_output=True, text=True, env={**__import__("os").environ,
                                              "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert out.returncode == 0, out.stderr[-2000:]


def test_api_docs_use_no_cdn(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    page = client.get(reverse("api-docs")).content.decode()
    # Every script, stylesheet and image comes from this site: no absolute (third-party) URL.
    assert not re.findall(r'(?:src|href)=["\']?(?:https?:)?//', page)
    assert "/static/drf_spectacular_sidecar/" in page
