"""Audited models change only through save() so history is complete (docs/conventions.md, habit 6).

Reads the source: a ``.update()`` / ``bulk_create`` / ``bulk_update`` on a queryset of an audited
model, anywhere outside ``common/audit.py``, fails this test.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APPS = ["agencies", "cases", "common", "sops", "triage", "meetings", "terminations", "reports", "documents"]
ALLOWED_FILES = {ROOT / "common" / "audit.py"}
QS_METHODS = {"filter", "exclude", "all", "select_for_update", "select_related", "order_by", "objects"}
BULK = {"update", "bulk_create", "bulk_update"}


def audited_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models()
            if hasattr(m, "history") and not m.__name__.startswith("Historical")}


def offending_calls(source: str, audited: set[str]) -> list[int]:
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in BULK):
            continue
        chain, cur = [], node.func.value
        while True:
            if isinstance(cur, ast.Call):
                cur = cur.func
            elif isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            else:
                break
        root = cur.id if isinstance(cur, ast.Name) else ""
        looks_like_queryset = bool(QS_METHODS & set(chain))
        if root in audited or (looks_like_queryset and root not in _unaudited_models()):
            bad.append(node.lineno)
    return bad


def _unaudited_models() -> set[str]:
    return {m.__name__ for m in apps.get_models()} - audited_model_names()


@pytest.mark.django_db
def test_no_queryset_update_on_audited_models():
    audited = audited_model_names()
    assert {"Case", "CaseGrant", "Victim", "Agency", "Membership"} <= audited
    problems = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path in ALLOWED_FILES:
                continue
            for line in offending_calls(path.read_text(), audited):
                problems.append(f"{path.relative_to(ROOT)}:{line}")
    assert not problems, f"Use common.audit.update_with_history instead: {problems}"


def test_the_rule_catches_what_it_should():
    audited = {"Case"}
    assert offending_calls("Case.objects.filter(x=1).update(status='a')", audited) == [1]
    assert offending_calls("qs.filter(x=1).update(status='a')", audited) == [1]
    assert offending_calls("Case.objects.bulk_create([])", audited) == [1]
    assert offending_calls("d = {}\nd.update(a=1)", audited) == []
