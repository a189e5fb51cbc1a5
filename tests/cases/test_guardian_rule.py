"""No guardian shortcut can bypass the access policy (docs/access.md §2).

Case grants are stored in guardian's direct-FK model (``CaseGrant``), but only ``cases.policies``
knows a grant's level, expiry and revocation. guardian's own readers (``get_objects_for_user``,
``ObjectPermissionChecker``, ``get_perms``…, its backend and its template tags) would still count a
revoked or expired grant, and its writers (``assign_perm``…) would bypass the grant service. This
test reads the source and the templates: the project imports nothing from guardian but its base
models, and names none of those shortcuts.
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import checks
from django.test import override_settings
from django.utils import timezone

from agencies.models import Role, User
from cases import services
from cases.models import AccessLevel, CaseGrant, GrantBasis
from tests.factories import member

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ["agencies", "cases", "common", "triage", "meetings", "terminations", "reports", "config"]
FORBIDDEN_NAMES = {
    # readers that ignore level, expiry and revocation
    "get_objects_for_user", "get_objects_for_group", "get_perms", "get_user_perms", "get_group_perms",
    "get_users_with_perms", "get_groups_with_perms", "ObjectPermissionChecker", "ObjectPermissionBackend",
    "get_obj_perms", "GuardedModelAdmin", "GuardedModelAdminMixin",
    # writers that bypass cases.services.case_grant_access / case_revoke_access
    "assign_perm", "remove_perm", "bulk_assign_perm", "bulk_remove_perm", "add_obj_perm", "del_obj_perm",
}
# The system check that errors when guardian's backend is installed has to name it.
ALLOWED_FILES = {ROOT / "cases" / "checks.py"}
ALLOWED_GUARDIAN_MODULES = {"guardian", "guardian.models"}  # the app itself, the base models
TEMPLATE_RULE = re.compile(r"\{%\s*load\b[^%]*\bguardian_tags\b|\bget_obj_perms\b")


def _forbidden_module(name: str) -> bool:
    return (name == "guardian" or name.startswith("guardian.")) and name not in ALLOWED_GUARDIAN_MODULES


def _forbidden_dotted_path(value: str) -> bool:
    """A dotted path into guardian: a backend in settings, ``import_module("guardian.shortcuts")``."""
    if not re.fullmatch(r"guardian(\.\w+)+", value):
        return False
    parts = value.split(".")
    return _forbidden_module(".".join(parts[:2]))


def python_offences(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = ([f"guardian.{a.name}" for a in node.names] if node.module == "guardian"
                       else [node.module])
            found += [(node.lineno, m) for m in modules if _forbidden_module(m)]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _forbidden_module(a.name)]
        elif isinstance(node, ast.alias) and node.name in FORBIDDEN_NAMES:
            found.append((node.lineno, node.name))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                node.value in FORBIDDEN_NAMES or _forbidden_dotted_path(node.value)):
            found.append((node.lineno, node.value))  # getattr(x, "get_perms"), a dotted path
    return sorted(set(found))


def template_offences(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in TEMPLATE_RULE.finditer(text)]


def test_the_project_uses_no_guardian_shortcut():
    problems = []
    for d in CODE_DIRS:
        for path in (ROOT / d).rglob("*.py"):
            if "migrations" in path.parts or path in ALLOWED_FILES:
                continue
            problems += [f"{path.relative_to(ROOT)}:{line} {name}"
                         for line, name in python_offences(path.read_text())]
    for path in [*ROOT.joinpath("templates").rglob("*.html"),
                 *(p for d in CODE_DIRS for p in (ROOT / d).rglob("templates/**/*.html"))]:
        problems += [f"{path.relative_to(ROOT)}:{line} guardian_tags"
                     for line in template_offences(path.read_text())]
    assert not problems, f"Ask cases.policies / cases.selectors instead of guardian: {problems}"


def test_the_rule_catches_what_it_should():
    assert python_offences("from guardian.shortcuts import get_objects_for_user") == [
        (1, "get_objects_for_user"), (1, "guardian.shortcuts")]
    assert python_offences("from guardian.core import ObjectPermissionChecker as C") != []
    assert python_offences("import guardian.shortcuts") == [(1, "guardian.shortcuts")]
    assert python_offences("from guardian import shortcuts, models") == [(1, "guardian.shortcuts")]
    assert python_offences("cases = shortcuts.get_objects_for_user(user, 'cases.access_case')") != []
    assert python_offences("perms = get_perms(user, case)") == [(1, "get_perms")]
    assert python_offences("group.add_obj_perm('access_case', case)") == [(1, "add_obj_perm")]
    assert python_offences("BACKENDS = ['guardian.backends.ObjectPermissionBackend']") != []
    assert python_offences("m = import_module('guardian.shortcuts')") != []
    assert template_offences("<p>x</p>\n{% load i18n guardian_tags %}") == [2]
    assert template_offences("{% get_obj_perms request.user for case as 'perms' %}") == [1]
    # What the project legitimately uses is not flagged.
    assert python_offences("from guardian.models import GroupObjectPermissionBase") == []
    assert python_offences("x = 'guardian.models.GroupObjectPermissionBase'") == []
    assert python_offences("INSTALLED_APPS = ['guardian']\nuser.has_perm('cases.access_case', case)") == []
    assert template_offences("{% load i18n static %}") == []


def test_guardian_backend_and_monkey_patches_are_off():
    assert not any(b.startswith("guardian.") for b in settings.AUTHENTICATION_BACKENDS)
    assert not hasattr(User, "add_obj_perm")
    assert not hasattr(Group, "add_obj_perm")
    # guardian's own check would warn that its backend is missing; ours errors if it comes back.
    assert [m.id for m in checks.run_checks()] == []
    with override_settings(AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS,
                                                    "guardian.backends.ObjectPermissionBackend"]):
        assert [m.id for m in checks.run_checks()] == ["cases.E001"]


@pytest.mark.django_db
def test_a_revoked_or_expired_grant_gives_no_object_permission_by_any_django_api(uptd, rsud, open_case):
    """Django asks every backend. Grants are rows on the agency's group, and the user form of the
    admin lets a system administrator put a user in that group: guardian's backend then listed
    ``access_case`` in ``get_all_permissions(case)`` for a revoked or expired grant (the row stays
    for the trail). Only the policy answers now."""
    revoked, expired = open_case(uptd), open_case(uptd, initials="AB")
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    why = {"reason": "Permintaan penyidik untuk pemeriksaan.",
           "legal_basis": GrantBasis.INVESTIGATION_REQUEST}
    grant = services.case_grant_access(actor=head, case=revoked, agency=rsud, level=AccessLevel.FULL, **why)
    services.case_revoke_access(actor=head, grant=grant, reason="selesai dirujuk")
    services.case_grant_access(actor=head, case=expired, agency=rsud, level=AccessLevel.FULL,
                               expires_at=timezone.now() + timedelta(hours=2), **why)
    # The database clock decides (Now()), so move the grant's expiry into the past.
    grant = expired.grants.get()
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    assert CaseGrant.objects.filter(group=rsud.group).count() == 2  # both rows are kept
    nurse.groups.add(rsud.group)
    for case in (revoked, expired):
        nurse = User.objects.get(pk=nurse.pk)  # no permission cache
        assert not nurse.has_perm("cases.access_case", case)
        assert not nurse.has_perms(["cases.access_case"], case)
        assert nurse.get_all_permissions(case) == set()
