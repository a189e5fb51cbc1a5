"""Every message a user reads is translatable: a guard over the source (AST, no import).

A *message* is what a refusal or a notice shows: the text given to a domain error
(``ApplicationError`` and its subclasses, Django's or DRF's ``ValidationError``, DRF's
``PermissionDenied``), to ``messages.error/…(request, text)``, ``form.add_error(field, text)``,
``admin.message_user(request, text)``, and the texts collected into an ``errors`` dict or list that
becomes a ``ValidationError``. The guard flags such a text when it is

- a module-level UPPER_CASE string constant that is not wrapped in gettext (followed through
  imports: ``services.NOT_EDITOR`` is the constant of the module ``services`` names);
- a string literal or f-string with words in it, written in place;
- a gettext text with a positional placeholder (``%s``, ``{}``): translators need names.

Codes stay plain strings: reasons, event payloads and anything stored are not messages, and
programming errors (``ValueError``, ``TypeError``, ``CommandError``…) are English for developers.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", ".git", "tests", "migrations", "node_modules", "static", "templates", "locale",
                "docs", "scripts", "var", "media", "__pycache__"}

GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy",
           "npgettext", "npgettext_lazy"}
#: Error classes whose text a user reads (the project's subclasses of these are found in the source).
USER_ERRORS = {"ApplicationError", "ActionNotAllowed", "ValidationError", "PermissionDenied",
               "AuthenticationFailed", "NotAuthenticated"}
#: Calls whose second argument is a message.
SECOND_ARGUMENT_SINKS = {"add_error", "message_user", "err"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")
POSITIONAL_PLACEHOLDER = re.compile(r"%[sdifr]|\{[0-9]*\}")


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    constants: dict[str, str] = field(default_factory=dict)  # NAME -> "plain" | "gettext" | "other"
    from_imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias -> (module, name)
    module_imports: dict[str, str] = field(default_factory=dict)  # alias -> module
    star_imports: list[str] = field(default_factory=list)


def _terminal(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _constant_kind(value: ast.expr) -> str:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return "plain"
    if isinstance(value, ast.JoinedStr):
        return "plain"
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        if _constant_kind(value.left) == "plain" and _constant_kind(value.right) == "plain":
            return "plain"
    if isinstance(value, ast.Call) and _terminal(value.func) in GETTEXT:
        return "gettext"
    return "other"


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    if not level:
        return target or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def index_modules(root: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part in SKIPPED_DIRS for part in rel.parts[:-1]):
            continue
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        mod = Module(name=name, path=rel, tree=ast.parse(path.read_text(encoding="utf-8"), str(rel)))
        for node in mod.tree.body:
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
            for target in targets:
                if isinstance(target, ast.Name) and CONSTANT.fullmatch(target.id):
                    mod.constants[target.id] = _constant_kind(node.value)
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(name, is_package, node.level, node.module)
                for alias in node.names:
                    if alias.name == "*":
                        mod.star_imports.append(source)
                    else:
                        mod.from_imports[alias.asname or alias.name] = (source, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        mod.module_imports[alias.asname] = alias.name
                    else:
                        mod.module_imports[alias.name.split(".")[0]] = alias.name.split(".")[0]
        modules[name] = mod
    return modules


class Checker:
    def __init__(self, root: Path):
        self.modules = index_modules(root)
        self.error_classes = self._error_classes()

    def _error_classes(self) -> set[str]:
        names = set(USER_ERRORS)
        classes = [node for mod in self.modules.values() for node in ast.walk(mod.tree)
                   if isinstance(node, ast.ClassDef)]
        grew = True
        while grew:
            grew = False
            for cls in classes:
                if cls.name not in names and any(_terminal(b) in names for b in cls.bases):
                    names.add(cls.name)
                    grew = True
        return names

    # --- where a name leads --------------------------------------------------------------------

    def constant_kind(self, module: str, name: str, seen: frozenset = frozenset()) -> str | None:
        if (module, name) in seen or module not in self.modules:
            return None
        seen = seen | {(module, name)}
        mod = self.modules[module]
        if name in mod.constants:
            return mod.constants[name]
        if name in mod.from_imports:
            source, original = mod.from_imports[name]
            if f"{source}.{original}" in self.modules:
                return None  # a module, not a constant
            return self.constant_kind(source, original, seen)
        for source in mod.star_imports:
            found = self.constant_kind(source, name, seen)
            if found is not None:
                return found
        return None

    def module_named(self, mod: Module, alias: str) -> str | None:
        if alias in mod.module_imports:
            return mod.module_imports[alias]
        if alias in mod.from_imports:
            source, original = mod.from_imports[alias]
            if f"{source}.{original}" in self.modules:
                return f"{source}.{original}"
        return None

    # --- what a message expression holds -------------------------------------------------------

    def problems_in(self, mod: Module, node: ast.expr | None):
        if node is None:
            return
        if isinstance(node, ast.Call):
            name = _terminal(node.func)
            if name in GETTEXT:
                return
            if name == "str":
                for arg in node.args:
                    yield from self.problems_in(mod, arg)
            elif name == "format" and isinstance(node.func, ast.Attribute):
                yield from self.problems_in(mod, node.func.value)
            return
        if isinstance(node, ast.BinOp):
            yield from self.problems_in(mod, node.left)
            if isinstance(node.op, ast.Add):
                yield from self.problems_in(mod, node.right)
        elif isinstance(node, ast.IfExp):
            yield from self.problems_in(mod, node.body)
            yield from self.problems_in(mod, node.orelse)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                yield from self.problems_in(mod, value)
        elif isinstance(node, ast.Dict):
            for value in node.values:
                yield from self.problems_in(mod, value)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                yield from self.problems_in(mod, element)
        elif isinstance(node, ast.Starred):
            yield from self.problems_in(mod, node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _has_words(node.value):
                yield node, f"text written in place, not in gettext: {node.value[:50]!r}"
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if _has_words(text):
                yield node, f"f-string message (not translatable): {text[:50]!r}"
        elif isinstance(node, ast.Name) and CONSTANT.fullmatch(node.id):
            if self.constant_kind(mod.name, node.id) == "plain":
                yield node, f"constant {node.id} is a plain string: wrap it in gettext_lazy"
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and CONSTANT.fullmatch(node.attr)):
            target = self.module_named(mod, node.value.id)
            if target and self.constant_kind(target, node.attr) == "plain":
                yield node, f"constant {node.value.id}.{node.attr} is a plain string: wrap it in gettext_lazy"

    # --- where messages go ---------------------------------------------------------------------

    def message_nodes(self, node: ast.AST):
        """The expressions that ``node`` hands to a user as a message."""
        if isinstance(node, ast.Call):
            name = _terminal(node.func)
            if name in self.error_classes:
                yield from node.args
                yield from (k.value for k in node.keywords if k.arg in ("message", "detail"))
            elif name in SECOND_ARGUMENT_SINKS and len(node.args) >= 2:
                yield node.args[1]
            elif (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == "messages"):
                if name in MESSAGE_LEVELS and len(node.args) >= 2:
                    yield node.args[1]
                elif name == "add_message" and len(node.args) >= 3:
                    yield node.args[2]
            elif name in ("append", "extend") and _collects_errors(node.func):
                yield from node.args
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Subscript) and _root_mentions_errors(t.value) for t in node.targets):
                yield node.value

    def findings(self) -> list[str]:
        found = set()
        for mod in self.modules.values():
            for node in ast.walk(mod.tree):
                for message in self.message_nodes(node):
                    for bad, why in self.problems_in(mod, message):
                        found.add((str(mod.path), bad.lineno, why))
                if isinstance(node, ast.Call) and _terminal(node.func) in GETTEXT and node.args:
                    first = node.args[0]
                    if (isinstance(first, ast.Constant) and isinstance(first.value, str)
                            and POSITIONAL_PLACEHOLDER.search(first.value)):
                        found.add((str(mod.path), node.lineno, "positional placeholder in a translatable "
                                   f"text (use %(name)s or {{name}}): {first.value[:50]!r}"))
        return [f"{path}:{line}: {why}" for path, line, why in sorted(found)]


def _root_mentions_errors(node: ast.expr) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and "error" in node.id.lower()


def _collects_errors(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and _root_mentions_errors(func.value)


def findings(root: Path) -> list[str]:
    return Checker(root).findings()


# --- the guard -------------------------------------------------------------------------------------

def test_every_message_a_user_reads_is_translatable():
    problems = findings(ROOT)
    assert not problems, "Messages that are not translatable:\n" + "\n".join(problems)


# --- the guard checked on a snippet ----------------------------------------------------------------

SNIPPET_MESSAGES = '''
from django.utils.translation import gettext_lazy as _

PLAIN = "Alasan wajib diisi."
JOINED = ("Teks yang panjang "
          "dalam dua baris.")
LAZY = _("Waktu tidak boleh di masa depan.")
REASON_CODE = "all_complaints_voided"
'''

SNIPPET_ERRORS = '''
class ApplicationError(Exception):
    pass


class TransitionRefused(ApplicationError):
    pass
'''

SNIPPET_SERVICES = '''
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from app import msgs
from app.errors import ApplicationError, TransitionRefused
from app.msgs import LAZY, PLAIN

LOCAL = "Pengaduan ini sudah dibatalkan."


def service(request, form, ok):
    errors = {}
    if not ok:
        errors.setdefault("reason", []).append(PLAIN)
        errors["at"] = [LAZY]
        raise ValidationError(errors)
    if ok == 1:
        raise ApplicationError(msgs.JOINED, field="reason")
    if ok == 2:
        raise TransitionRefused(LOCAL if ok else LAZY)
    if ok == 3:
        raise ValueError("A programming error, for developers.")
    form.add_error(None, _("Diterjemahkan."))
    form.add_error("reason", "Tertulis di tempat.")
    messages.success(request, f"{ok} pengaduan disaring.")
    messages.info(request, _("%s pengaduan.") % ok)
    messages.warning(request, f"{ok}: {request}")
    return msgs.REASON_CODE
'''


def test_the_guard_flags_plain_constants_and_written_in_place_texts_used_as_messages(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "msgs.py").write_text(SNIPPET_MESSAGES)
    (package / "errors.py").write_text(SNIPPET_ERRORS)
    (package / "services.py").write_text(SNIPPET_SERVICES)
    ignored = tmp_path / "tests"
    ignored.mkdir()
    (ignored / "test_x.py").write_text('raise ApplicationError("Teks uji.")\n')

    assert [line.split(": ", 1) for line in findings(tmp_path)] == [
        ["app/services.py:16", "constant PLAIN is a plain string: wrap it in gettext_lazy"],
        ["app/services.py:20", "constant msgs.JOINED is a plain string: wrap it in gettext_lazy"],
        ["app/services.py:22", "constant LOCAL is a plain string: wrap it in gettext_lazy"],
        ["app/services.py:26", "text written in place, not in gettext: 'Tertulis di tempat.'"],
        ["app/services.py:27", "f-string message (not translatable): ' pengaduan disaring.'"],
        ["app/services.py:28", "positional placeholder in a translatable text (use %(name)s or {name}): "
                               "'%s pengaduan.'"],
    ]


def test_the_guard_accepts_the_same_snippet_once_its_messages_are_translatable(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "msgs.py").write_text(SNIPPET_MESSAGES.replace('PLAIN = "Alasan wajib diisi."',
                                                              'PLAIN = _("Alasan wajib diisi.")')
                                     .replace('JOINED = ("Teks', 'JOINED = _("Teks'))
    (package / "errors.py").write_text(SNIPPET_ERRORS)
    local = 'LOCAL = "Pengaduan ini sudah dibatalkan."'
    fixed = (SNIPPET_SERVICES
             .replace(local, local.replace('= "', '= _("').replace('."', '.")'))
             .replace('"Tertulis di tempat."', '_("Tertulis di tempat.")')
             .replace('f"{ok} pengaduan disaring."', '_("%(n)s pengaduan disaring.") % {"n": ok}')
             .replace('_("%s pengaduan.") % ok', '_("%(n)s pengaduan.") % {"n": ok}'))
    (package / "services.py").write_text(fixed)
    assert findings(tmp_path) == []
