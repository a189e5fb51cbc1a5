"""The tree shows the flow — complaint → triage → meeting → plan → termination → report — and the
dependencies run one way: an app imports only the apps below it. Nothing imports upward, so there is
no cycle; a new app has to be placed here before its first import passes.

The layering, from the top (each layer may import every layer below it, never one above it, never
another app of its own layer):

    manage, scripts  tooling: manage.py and the bootstrap's helpers
    config           settings, the URLconf, the front page (config.views.home, one section per role)
    demo             demo data (seed_demo): the only app that knows every app; owns no models
    reports          KPIs and the ministry's reports read every stage
    terminations     a termination reads the plan it ends (SPEC §7: "tuntas" = every service item of
                     the intervention plan closed), so it sits above plans
    plans            the intervention plan after the meeting's decision (not an app yet: its place is
                     kept, so the first plans import is judged by the same rule)
    meetings         the Tim Percepatan screens triaged complaints and decides on cases; its minutes
                     are documents signed through ``documents``
    triage           triage of a complaint, emergency referral; it starts and records SOP runs
    sops             the SOP runs (Perbup SOP I–V) on a case and its complaints; below triage, which
                     records their steps, above cases, whose case and complaints they hang on
    cases            cases, intake (``cases.intake``), grants, consent, the lifecycle, the timeline
                     and its event registry (each app's ``events`` module is discovered by name,
                     not imported)
    documents        signed documents: PDF, CA and signer, key envelope, letter numbers, the
                     registry of document kinds. The signer and re-authentication need agencies;
                     nothing here needs a case: the kinds that carry one (the minutes) register
                     themselves from above
    agencies         users, agencies, memberships and roles, the policies on them, sign-in
    common           a leaf: audit writer, crypto, working days, deadlines, API errors, notifications.
                     Where it needs a domain answer, a setting names the function
                     (``AUDIT_AGENCY_OF``: the agency an access is logged under)

What counts as an import: ``import``/``from … import`` anywhere in a file (module level, inside a
function, under ``TYPE_CHECKING``) and ``import_module``/``import_string`` of a constant module
name. Tests are not scanned. Migrations are: a lower app's migration importing a higher app's code
would tie the lower app's history to it (none does; they import ``common`` and ``documents``
operations). Their ``dependencies`` on other apps' migrations follow the models' relations, which
are checked too: a relation may point only down (or at ``settings.AUTH_USER_MODEL``, Django's own
indirection), except the three listed in ``KNOWN_UPWARD_RELATIONS`` with their reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Bottom first. An app may import the apps of every lower layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("common",),
    ("agencies",),
    ("documents",),
    ("cases",),
    ("sops",),
    ("triage",),
    ("meetings",),
    ("plans",),
    ("terminations",),
    ("reports",),
    ("demo",),
    ("config",),
    ("manage", "scripts"),
)

#: Relations that point up, with the reason they stay. Moving these models out of ``common`` is a
#: model move with its migrations, not part of the issue that set up this test; a new one fails.
KNOWN_UPWARD_RELATIONS = {
    "common.AccessLog.agency": "the access log, written by every app, records the reader's agency",
    "common.AccessLog.case": "the access log records which case a read concerned",
    "common.Notification.case": "a notification may concern a case (its inbox row links there)",
}

DYNAMIC_IMPORTERS = {"import_module", "import_string", "__import__"}


def ranks(layers: Iterable[Iterable[str]] = LAYERS) -> dict[str, int]:
    return {app: level for level, names in enumerate(layers) for app in names}


def imports_of(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in ``source``, wherever it is, and every
    ``import_module``/``import_string`` call that names its module in a constant. Relative imports
    stay inside their own package and are left out."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in DYNAMIC_IMPORTERS:
                found.append((node.lineno, node.args[0].value))
    return sorted(found)


def direction_problem(app: str, target: str, rank: Mapping[str, int]) -> str | None:
    """Why ``app`` may not depend on ``target`` (``None``: it may). Apps outside the layering
    (Django, third-party packages) are not judged here."""
    if target == app or target not in rank or app not in rank:
        return None
    if rank[target] > rank[app]:
        return "above it"
    if rank[target] == rank[app]:
        return "beside it, in the same layer"
    return None


def offences(source: str, *, app: str, path: str = "<snippet>",
             layers: Iterable[Iterable[str]] = LAYERS) -> list[str]:
    """Each import of ``source`` (a file of ``app``) against the direction, as ``path:line``."""
    rank = ranks(layers)
    problems = []
    for line, module in imports_of(source):
        target = module.split(".")[0]
        why = direction_problem(app, target, rank)
        if why:
            problems.append(f"{path}:{line} {app} imports {module} ({target} is {why})")
    return problems


def app_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else path.stem


def project_files() -> list[Path]:
    """Every Python file of the project except the tests: the apps (migrations included), config,
    scripts and manage.py."""
    files = list(ROOT.glob("*.py"))
    for d in ROOT.iterdir():
        if d.is_dir() and not d.name.startswith(".") and d.name != "tests" and (
                (d / "__init__.py").exists() or d.name == "scripts"):
            files += d.rglob("*.py")
    return sorted(files)


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def import_graph() -> dict[str, set[str]]:
    """app -> the other project apps it imports, from every project file."""
    rank = ranks()
    graph: dict[str, set[str]] = {}
    for path in project_files():
        app = app_of(path)
        for _line, module in imports_of(path.read_text(encoding="utf-8")):
            target = module.split(".")[0]
            if target != app and target in rank:
                graph.setdefault(app, set()).add(target)
    return graph


def model_relations() -> list[tuple[str, str, str]]:
    """(``app_label.Model.field``, source app, target model label) for every forward relation of
    every installed model, historical and through models included."""
    from django.apps import apps

    found = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields(include_hidden=True):
            if f.is_relation and not f.auto_created and f.related_model is not None:
                found.append((f"{model._meta.label}.{f.name}", model._meta.app_label,
                              f.related_model._meta.label))
    return found


def relation_problems(relations: Iterable[tuple[str, str, str]], *, user_model: str,
                      known: Mapping[str, str] = KNOWN_UPWARD_RELATIONS,
                      layers: Iterable[Iterable[str]] = LAYERS) -> list[str]:
    rank = ranks(layers)
    problems = []
    for name, app, target in relations:
        if target == user_model or name in known:
            continue
        why = direction_problem(app, target.split(".")[0], rank)
        if why:
            problems.append(f"{name} -> {target} ({target.split('.')[0]} is {why})")
    return problems


# --- the tree -----------------------------------------------------------------------------------------

def test_every_import_goes_down_the_flow():
    problems = []
    for path in project_files():
        problems += offences(path.read_text(encoding="utf-8"), app=app_of(path),
                             path=str(path.relative_to(ROOT)))
    assert not problems, "Imports against the layering (tests/test_architecture.py):\n" + "\n".join(problems)


def test_the_apps_depend_on_each_other_without_a_cycle():
    graph = import_graph()
    assert find_cycle(graph) is None, f"Import cycle between apps: {' -> '.join(find_cycle(graph))}"


def test_every_app_has_its_place_in_the_layering():
    from django.apps import apps

    placed = set(ranks())
    # The project's apps are its top-level packages (.venv may sit in the repository too).
    ours = {config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT}
    assert ours - placed == set(), "Place the new app in LAYERS"
    scanned = {app_of(p) for p in project_files()}
    assert scanned - placed == set(), "Place the new package in LAYERS"
    assert ours <= scanned  # every app's files are read


def test_model_relations_point_down_the_flow():
    from django.conf import settings

    relations = model_relations()
    assert relation_problems(relations, user_model=settings.AUTH_USER_MODEL) == []
    # An exception that no longer exists leaves the list: it would hide a new relation of that name.
    assert set(KNOWN_UPWARD_RELATIONS) <= {name for name, _app, _target in relations}


# --- the guard fails where it should --------------------------------------------------------------

def test_an_upward_import_is_named_with_its_file_and_line():
    snippet = "from agencies.models import Agency\nfrom meetings.models import Meeting\n"
    assert offences(snippet, app="cases", path="cases/x.py") == [
        "cases/x.py:2 cases imports meetings.models (meetings is above it)"]


def test_imports_inside_functions_and_dynamic_ones_count():
    snippet = (
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from triage.models import Triage\n"
        "def f():\n"
        "    import meetings.services as s\n"
        "    from agencies.selectors import user_context\n"
        "    return importlib.import_module('reports.kpi'), import_string('sops.services.x')\n"
    )
    assert offences(snippet, app="common") == [
        "<snippet>:4 common imports triage.models (triage is above it)",
        "<snippet>:6 common imports meetings.services (meetings is above it)",
        "<snippet>:7 common imports agencies.selectors (agencies is above it)",
        "<snippet>:8 common imports reports.kpi (reports is above it)",
        "<snippet>:8 common imports sops.services.x (sops is above it)",
    ]


def test_downward_own_and_outside_imports_pass():
    snippet = (
        "from django.db import models\nimport rest_framework\nfrom . import forms\n"
        "from cases.models import Case\nfrom meetings import services\nfrom common.audit import x\n"
        "import_module(f'{name}.events')\n"
    )
    assert offences(snippet, app="meetings") == []


def test_apps_of_one_layer_may_not_import_each_other():
    layers = (("common",), ("plans", "terminations"))
    assert offences("from plans.models import Plan\n", app="terminations", layers=layers) == [
        "<snippet>:1 terminations imports plans.models (plans is beside it, in the same layer)"]


def test_an_upward_relation_fails_unless_known_or_to_the_user_model():
    relations = [("common.Log.case", "common", "cases.Case"),
                 ("common.Log.user", "common", "agencies.User"),
                 ("cases.Case.agency", "cases", "agencies.Agency"),
                 ("agencies.Agency.plan", "agencies", "plans.Plan")]
    assert relation_problems(relations, user_model="agencies.User", known={"common.Log.case": "why"}) == [
        "agencies.Agency.plan -> plans.Plan (plans is above it)"]


def test_a_cycle_is_found_and_shown_as_a_path():
    assert find_cycle({"cases": {"agencies"}, "agencies": {"common"}}) is None
    assert find_cycle({"agencies": {"cases"}, "cases": {"triage"}, "triage": {"agencies"}}) == [
        "agencies", "cases", "triage", "agencies"]
