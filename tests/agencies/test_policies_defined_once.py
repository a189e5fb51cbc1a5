"""A user's standing in an agency — staff, receiving staff, head, acting head — is defined once, in
``agencies/policies.py`` (docs/access.md §1a). Every other module asks there. This reads the source:

- no other module defines a function named like one of those predicates (``is_receiving_staff``,
  ``_is_receiving_staff``, ``is_receiving_head``, ``_works_in``…): a copy is how the four
  definitions of "receiving staff" came about;
- no other module reads the head role (``Role.HEAD``, a ``"head"`` comparison) or a user's raw roles
  per agency (``roles_in``, ``work_roles_by_agency``): deciding "is head" from them would leave the
  acting head (Plt.) out. The exceptions are named below with their reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "agencies" / "policies.py"

#: Names the predicates had before they moved here; a new copy under one of them fails too.
FORMER_NAMES = {"is_receiving_staff", "is_receiving_head", "works_in", "is_head", "is_agency_head"}
#: Where the head role may be named, and why.
HEAD_ROLE_ALLOWED = {
    ROOT / "agencies" / "policies.py": "the predicates themselves",
    ROOT / "agencies" / "models.py": "the role, and the role sets (case work, TOTP)",
    ROOT / "agencies" / "selectors.py": "who heads an agency (agency_heads), acting heads included",
    ROOT / "demo" / "people.py": "demo users are given the role",
    ROOT / "sops" / "catalogue.py": "the Perbup names the head as a step's actor: a label, never a check",
}
#: Where a user's raw roles per agency may be read.
RAW_ROLES_ALLOWED = {ROOT / "agencies" / "policies.py", ROOT / "agencies" / "selectors.py"}
RAW_ROLE_ATTRS = {"roles_in", "work_roles_by_agency"}
TEMPLATE_RULE = re.compile(r"""==\s*["']head["']|["']head["']\s*==|\bRole\.HEAD\b""")


def predicate_names() -> set[str]:
    """The public functions of agencies/policies.py, plus the names they had before."""
    tree = ast.parse(POLICIES.read_text())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    return defined | FORMER_NAMES


def _is_head_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "HEAD" and isinstance(node.value, ast.Name) \
        and node.value.id == "Role"


def offences(source: str, *, names: set[str], head_role_allowed: bool = False,
             raw_roles_allowed: bool = False) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.lstrip("_") in names:
            found.append((node.lineno, f"defines {node.name}"))
        elif not head_role_allowed and _is_head_role(node):
            found.append((node.lineno, "Role.HEAD"))
        elif not head_role_allowed and isinstance(node, ast.Compare) and any(
                isinstance(x, ast.Constant) and x.value == "head" for x in [node.left, *node.comparators]):
            found.append((node.lineno, 'compares with "head"'))
        elif not raw_roles_allowed and isinstance(node, ast.Attribute) and node.attr in RAW_ROLE_ATTRS:
            found.append((node.lineno, node.attr))
    return sorted(set(found))


def code_files() -> list[Path]:
    """Every Python file of the project's apps and config (tests and migrations aside)."""
    dirs = [p.parent for p in ROOT.glob("*/apps.py")] + [ROOT / "config"]
    return sorted(p for d in dirs for p in d.rglob("*.py") if "migrations" not in p.parts)


def test_agency_standing_is_defined_once():
    names = predicate_names()
    problems = []
    for path in code_files():
        if path == POLICIES:
            continue
        problems += [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in offences(
            path.read_text(), names=names, head_role_allowed=path in HEAD_ROLE_ALLOWED,
            raw_roles_allowed=path in RAW_ROLES_ALLOWED)]
    for path in ROOT.joinpath("templates").rglob("*.html"):
        text = path.read_text()
        problems += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1} head role"
                     for m in TEMPLATE_RULE.finditer(text)]
    assert not problems, f"Ask agencies.policies instead: {problems}"


def test_the_scan_covers_the_apps():
    scanned = {p.relative_to(ROOT).parts[0] for p in code_files()}
    assert {"agencies", "cases", "triage", "meetings", "common", "config"} <= scanned
    assert {"is_receiving_staff", "is_agency_head", "acts_as_head_how"} <= predicate_names()


def test_the_rule_catches_what_it_should():
    names = predicate_names()
    copy = "def _is_receiving_staff(user, agency):\n    return True\n"
    assert offences(copy, names=names) == [(1, "defines _is_receiving_staff")]
    head_check = ("def can_sign(user, agency_id):\n"
                  "    return Role.HEAD in user_context(user).roles_in(agency_id)\n")
    assert offences(head_check, names=names) == [(2, "Role.HEAD"), (2, "roles_in")]
    literal = "ok = [m for m in ctx.memberships if m.role == 'head']\n"
    assert offences(literal, names=names) == [(1, 'compares with "head"')]
    raw = "full = [a for a, r in ctx.work_roles_by_agency.items()]\n"
    assert offences(raw, names=names) == [(1, "work_roles_by_agency")]
    # asking the policies is what every module does
    asking = ("from agencies.policies import is_agency_head\n"
              "def can_sign(user, agency_id):\n    return is_agency_head(user, agency_id)\n")
    assert offences(asking, names=names) == []
    # the allowed files may name the role, never define a copy
    assert offences(head_check, names=names, head_role_allowed=True, raw_roles_allowed=True) == []
    assert offences(copy, names=names, head_role_allowed=True) == [(1, "defines _is_receiving_staff")]
    assert TEMPLATE_RULE.search('{% if m.role == "head" %}') and not TEMPLATE_RULE.search("{{ heads }}")
