"""Every API route is in the OpenAPI schema, and the schema builds without warnings."""

import re
import subprocess
import sys

import pytest
from django.urls import reverse

from agencies.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_schema_lists_every_api_operation(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for p in ["/api/me/", "/api/agencies/", "/api/cases/", "/api/cases/{id}/",
              "/api/cases/{id}/reveal/"]:
        assert p in paths


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
