"""docs/rules.md maps every rule R1–R32 of the regulations to the code that enforces it and the tests
that prove it. This guard reads the document and fails when a rule is missing, listed twice
or unknown; when a listed test does not exist (pytest could not collect it: the file, the class, the
function — a parametrised test is named by its function); when a listed code reference does not exist
(the file, and the function, class, method or module-level name in it, read with ``ast``); and when
the fixed format is broken (labels, status, an issue number for what is still to do, the overview).

The parser and the checker are tested below on small in-memory documents, one broken thing at a time,
so each check is seen to fail. Nothing here needs the database.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = ROOT / "docs" / "rules.md"
RULE_NUMBERS = range(1, 33)
STATUSES = ("enforced", "partial", "not yet")
REQUIRED_LABELS = ("Rule", "Clause", "Status", "What the system does", "Code", "Tests")
LABELS = (*REQUIRED_LABELS, "Still to do")
NONE_YET = "none yet"

RULE_HEADING = re.compile(r"^## +R(\d+)\b")
ANY_HEADING = re.compile(r"^#{1,6} ")
FIELD = re.compile(r"^- \*\*(?P<label>[^*]+?):\*\*\s*(?P<value>.*)$")
TICKED = re.compile(r"`([^`]+)`")
OVERVIEW_ROW = re.compile(r"^\|\s*R(\d+)\s*\|")
ISSUE = re.compile(r"\bissues? \d+", re.IGNORECASE)


# --- the parser -------------------------------------------------------------------------------------

@dataclass
class RuleEntry:
    number: int
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"R{self.number}"

    @property
    def status(self) -> str:
        return self.fields.get("Status", "").strip().rstrip(".").lower()

    @property
    def code_refs(self) -> list[str]:
        return TICKED.findall(self.fields.get("Code", ""))

    @property
    def test_ids(self) -> list[str]:
        return TICKED.findall(self.fields.get("Tests", ""))


@dataclass
class RulesDoc:
    rules: list[RuleEntry]
    overview: list[tuple[int, list[str], int]]  # (rule number, cells, line)


def parse(text: str) -> RulesDoc:
    """One ``## R<n> — title`` section per rule, made of ``- **Label:** value`` bullets; a bullet's
    value goes on over indented lines (e.g. one test per sub-bullet). Rows ``| R<n> | … |`` outside
    the rule sections form the overview table."""
    rules: list[RuleEntry] = []
    overview: list[tuple[int, list[str], int]] = []
    entry: RuleEntry | None = None
    label: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        heading = RULE_HEADING.match(line)
        if heading:
            entry, label = RuleEntry(number=int(heading.group(1)), line=number), None
            rules.append(entry)
            continue
        if ANY_HEADING.match(line):
            entry, label = None, None
            continue
        if entry is None:
            row = OVERVIEW_ROW.match(line)
            if row:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                overview.append((int(row.group(1)), cells, number))
            continue
        if not line.strip():
            continue
        bullet = FIELD.match(line)
        if bullet:
            label = bullet.group("label").strip()
            if label in entry.fields:
                entry.problems.append(f"{entry.name}: line {number}: '{label}' is given twice")
            entry.fields[label] = bullet.group("value").strip()
        elif line[0].isspace() and label is not None:
            entry.fields[label] += "\n" + line.strip()
        else:
            entry.problems.append(f"{entry.name}: line {number}: not a '- **Label:** value' bullet")
    return RulesDoc(rules=rules, overview=overview)


# --- resolving references ---------------------------------------------------------------------------

@cache
def _module_tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _names_defined(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    """Functions, classes and assigned names at one level of a module or class body."""
    names: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return names


def _file_under(root: Path, relative: str) -> tuple[Path | None, str | None]:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not relative:
        return None, "is not a path inside the repository"
    path = root / pure
    if not path.is_file():
        return None, "names a file that does not exist"
    return path, None


def check_code_ref(ref: str, root: Path) -> str | None:
    """``path/to/module.py::name`` or ``…::Class.member``: the file exists and defines the name.
    A bare ``path/to/file`` (a template, a migration) only has to exist."""
    relative, _, dotted = ref.partition("::")
    path, problem = _file_under(root, relative)
    if problem:
        return f"code reference `{ref}` {problem}"
    if not dotted:
        return None
    if path.suffix != ".py":
        return f"code reference `{ref}`: only a Python module can name a definition"
    try:
        body = _module_tree(path).body
    except SyntaxError:
        return f"code reference `{ref}`: the module does not parse"
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        node = _names_defined(body).get(part)
        if node is None:
            where = relative if depth == 0 else f"{relative}::{'.'.join(parts[:depth])}"
            return f"code reference `{ref}`: `{part}` is not defined in {where}"
        if depth < len(parts) - 1:
            if not isinstance(node, ast.ClassDef):
                return f"code reference `{ref}`: `{part}` is not a class, so it has no `{parts[depth + 1]}`"
            body = node.body
    return None


def check_test_id(node_id: str, root: Path) -> str | None:
    """``tests/…/test_x.py::test_name`` or ``…::TestClass::test_name`` (a ``[param]`` suffix is
    allowed and ignored): the node pytest would collect under this project's configuration."""
    relative, *names = node_id.split("::")
    path, problem = _file_under(root, relative)
    if problem:
        return f"test `{node_id}` {problem}"
    if PurePosixPath(relative).parts[0] != "tests" or not re.fullmatch(r"test_.*\.py", path.name):
        return f"test `{node_id}` is not in a test module pytest collects (tests/**/test_*.py)"
    if len(names) not in (1, 2) or not all(names):
        return f"test `{node_id}` is not a pytest node id (path::test or path::TestClass::test)"
    function = re.sub(r"\[.*\]$", "", names[-1])
    try:
        body = _module_tree(path).body
    except SyntaxError:
        return f"test `{node_id}`: the module does not parse"
    if len(names) == 2:
        cls = _names_defined(body).get(names[0])
        if not isinstance(cls, ast.ClassDef) or not names[0].startswith("Test"):
            return f"test `{node_id}`: no test class `{names[0]}` in {relative}"
        body = cls.body
    found = _names_defined(body).get(function)
    if not isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) or not function.startswith("test"):
        return f"test `{node_id}`: no test function `{function}` in {relative}"
    return None


# --- the checker ------------------------------------------------------------------------------------

def _refs_or_none_yet(entry: RuleEntry, label: str, refs: list[str]) -> list[str]:
    value = entry.fields.get(label, "")
    if not refs and not value.strip().lower().startswith(NONE_YET):
        return [f"{entry.name}: '{label}' lists nothing in backticks and does not say '{NONE_YET}'"]
    return []


def check_entry(entry: RuleEntry, root: Path) -> list[str]:
    problems = list(entry.problems)
    for label in REQUIRED_LABELS:
        if label not in entry.fields:
            problems.append(f"{entry.name}: the '{label}' bullet is missing")
    for label in entry.fields:
        if label not in LABELS:
            problems.append(f"{entry.name}: unknown label '{label}' (labels: {', '.join(LABELS)})")
    if entry.status not in STATUSES:
        problems.append(f"{entry.name}: status '{entry.status}' is not one of {', '.join(STATUSES)}")
    problems += _refs_or_none_yet(entry, "Code", entry.code_refs)
    problems += _refs_or_none_yet(entry, "Tests", entry.test_ids)
    if entry.status in ("enforced", "partial") and not entry.code_refs:
        problems.append(f"{entry.name}: a rule '{entry.status}' names the code that enforces it")
    if entry.status == "enforced" and not entry.test_ids:
        problems.append(f"{entry.name}: a rule 'enforced' names the test that proves it")
    if entry.status in ("partial", "not yet") and not ISSUE.search(entry.fields.get("Still to do", "")):
        problems.append(f"{entry.name}: a rule '{entry.status}' says under 'Still to do' which issue "
                        "brings the rest (e.g. 'issue 19')")
    for ref in entry.code_refs:
        problem = check_code_ref(ref, root)
        if problem:
            problems.append(f"{entry.name}: {problem}")
    for node_id in entry.test_ids:
        problem = check_test_id(node_id, root)
        if problem:
            problems.append(f"{entry.name}: {problem}")
    return problems


def check(text: str, root: Path) -> list[str]:
    doc = parse(text)
    problems: list[str] = []
    seen: dict[int, RuleEntry] = {}
    for entry in doc.rules:
        if entry.number not in RULE_NUMBERS:
            problems.append(f"{entry.name} (line {entry.line}) is not a rule: the rules are R1–R32")
        elif entry.number in seen:
            first = seen[entry.number].line
            problems.append(f"{entry.name} is listed twice (lines {first} and {entry.line})")
        else:
            seen[entry.number] = entry
        problems += check_entry(entry, root)
    problems += [f"R{n} is missing" for n in RULE_NUMBERS if n not in seen]

    rows: dict[int, list[str]] = {}
    for number, cells, line in doc.overview:
        if number in rows:
            problems.append(f"overview: R{number} has two rows (line {line})")
            continue
        rows[number] = cells
        if number not in seen:
            problems.append(f"overview: R{number} has a row but no section (line {line})")
        status = cells[2].lower() if len(cells) > 2 else ""
        if number in seen and status != seen[number].status:
            problems.append(f"overview: R{number} says '{status}' but its section says "
                            f"'{seen[number].status}'")
    problems += [f"overview: R{n} has no row" for n in RULE_NUMBERS if n in seen and n not in rows]
    return problems


# --- the guard --------------------------------------------------------------------------------------

def test_docs_rules_md_lists_every_rule_with_code_and_tests_that_exist():
    problems = check(RULES_DOC.read_text(encoding="utf-8"), ROOT)
    assert problems == [], "docs/rules.md:\n" + "\n".join(problems)


# --- the parser and checker on small documents ------------------------------------------------------

MODULE = '''
LIMIT = 24
WINDOW: int = 18


def func():
    return LIMIT


class Klass:
    ATTR = 1

    def method(self):
        return self.ATTR
'''

TEST_MODULE = '''
import pytest


def helper():
    return 1


def test_plain():
    assert helper() == 1


@pytest.mark.parametrize("x", [1, 2])
def test_param(x):
    assert x


class TestGroup:
    def test_member(self):
        assert True
'''


@pytest.fixture
def tree(tmp_path):
    """A tiny repository: one module, one test module, a helper module, a template."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "mod.py").write_text(MODULE)
    (tmp_path / "app" / "page.html").write_text("<p></p>")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fake.py").write_text(TEST_MODULE)
    (tmp_path / "tests" / "helpers.py").write_text("def test_not_collected():\n    pass\n")
    (tmp_path / "app" / "test_outside.py").write_text("def test_outside():\n    pass\n")
    return tmp_path


def section(n: int, *, status: str = "enforced", code: str = "`app/mod.py::func`",
            tests: str = "`tests/test_fake.py::test_plain`", todo: str | None = None,
            extra: str = "") -> str:
    lines = [f"## R{n} — rule {n}", "", f"- **Rule:** rule number {n}",
             "- **Clause:** SKB 2026, Lampiran E.1", f"- **Status:** {status}",
             "- **What the system does:** it holds the rule.", f"- **Code:** {code}",
             f"- **Tests:** {tests}"]
    if todo is not None:
        lines.append(f"- **Still to do:** {todo}")
    return "\n".join(lines) + "\n" + extra + "\n"


def document(sections: dict[int, str | None] | None = None, *, overview: dict[int, str] | None = None,
             appended: str = "") -> str:
    """R1–R32, each a valid 'enforced' section unless ``sections`` replaces (or, with None, drops)
    it; an overview table that agrees with the sections unless ``overview`` says otherwise."""
    sections = sections or {}
    overview = overview or {}
    bodies = {n: sections.get(n, section(n)) for n in RULE_NUMBERS}
    statuses = {n: parse(body).rules[0].status for n, body in bodies.items() if body}
    table = ["| Rule | Subject | Status | Still to do |", "|---|---|---|---|"]
    table += [f"| R{n} | rule {n} | {overview.get(n, status)} | — |" for n, status in statuses.items()
              if overview.get(n) != "drop"]
    parts = ["# Rules", "", "Intro text with `anything` in backticks.", "", *table, ""]
    parts += [body for body in bodies.values() if body]
    return "\n".join(parts) + appended


def test_a_complete_document_passes(tree):
    refs = ("`app/mod.py::func`, `app/mod.py::Klass`, `app/mod.py::Klass.method`, `app/mod.py::Klass.ATTR`, "
            "`app/mod.py::LIMIT`, `app/mod.py::WINDOW`, `app/page.html`")
    tests = ("\n  - `tests/test_fake.py::test_plain` — the plain one\n"
             "  - `tests/test_fake.py::test_param` and `tests/test_fake.py::test_param[2]`\n"
             "  - `tests/test_fake.py::TestGroup::test_member`")
    text = document({
        1: section(1, code=refs, tests=tests),
        2: section(2, status="partial", todo="the rest comes with issue 13 item 2."),
        3: section(3, status="not yet", code="none yet", tests="none yet (issue 19)", todo="issue 19"),
    })
    assert check(text, tree) == []


def test_the_parser_reads_fields_over_several_lines(tree):
    text = section(5, tests="\n  - `tests/test_fake.py::test_plain` — one\n\n"
                            "  - `tests/test_fake.py::test_param`")
    (entry,) = parse(text).rules
    assert entry.number == 5 and entry.status == "enforced"
    assert entry.test_ids == ["tests/test_fake.py::test_plain", "tests/test_fake.py::test_param"]
    assert entry.code_refs == ["app/mod.py::func"]


def test_a_missing_rule_fails(tree):
    assert check(document({7: None}), tree) == ["R7 is missing"]


def test_a_rule_listed_twice_fails(tree):
    problems = check(document(appended="\n" + section(12)), tree)
    assert len(problems) == 1 and problems[0].startswith("R12 is listed twice (lines "), problems


def test_a_rule_beyond_r32_fails(tree):
    problems = check(document(appended="\n" + section(33)), tree)
    assert len(problems) == 1 and problems[0].startswith("R33 (line") and "R1–R32" in problems[0], problems


@pytest.mark.parametrize("node_id, says", [
    ("tests/test_fake.py::test_gone", "no test function `test_gone`"),
    ("tests/test_fake.py::test_gone[1]", "no test function `test_gone`"),
    ("tests/test_fake.py::helper", "no test function `helper`"),
    ("tests/test_fake.py::test_member", "no test function `test_member`"),
    ("tests/test_fake.py::TestGroup::test_plain", "no test function `test_plain`"),
    ("tests/test_fake.py::TestOther::test_member", "no test class `TestOther`"),
    ("tests/test_gone.py::test_plain", "names a file that does not exist"),
    ("tests/helpers.py::test_not_collected", "not in a test module pytest collects"),
    ("app/test_outside.py::test_outside", "not in a test module pytest collects"),
    ("tests/test_fake.py", "not a pytest node id"),
    ("../tests/test_fake.py::test_plain", "not a path inside the repository"),
])
def test_a_listed_test_that_does_not_exist_fails(tree, node_id, says):
    problems = check(document({4: section(4, tests=f"`tests/test_fake.py::test_plain`, `{node_id}`")}), tree)
    assert len(problems) == 1 and problems[0].startswith("R4: test ") and says in problems[0], problems


@pytest.mark.parametrize("ref, says", [
    ("app/mod.py::gone", "`gone` is not defined in app/mod.py"),
    ("app/mod.py::Klass.gone", "`gone` is not defined in app/mod.py::Klass"),
    ("app/mod.py::func.attr", "`func` is not a class"),
    ("app/gone.py::func", "names a file that does not exist"),
    ("app/gone.html", "names a file that does not exist"),
    ("app/page.html::block", "only a Python module can name a definition"),
    ("/etc/passwd", "not a path inside the repository"),
])
def test_a_listed_code_reference_that_does_not_exist_fails(tree, ref, says):
    problems = check(document({9: section(9, code=f"`app/mod.py::func`, `{ref}`")}), tree)
    assert len(problems) == 1 and problems[0].startswith("R9: code reference ") and says in problems[0], \
        problems


@pytest.mark.parametrize("changed, says", [
    (section(3, status="done"), "status 'done' is not one of"),
    (section(3, tests="none yet"), "a rule 'enforced' names the test that proves it"),
    (section(3, status="partial", code="none yet", todo="issue 13"), "names the code that enforces it"),
    (section(3, status="partial"), "says under 'Still to do' which issue"),
    (section(3, status="not yet", code="none yet", tests="none yet", todo="later"), "which issue"),
    (section(3, tests="the clock test"), "'Tests' lists nothing in backticks"),
    (section(3).replace("- **Clause:** SKB 2026, Lampiran E.1\n", ""), "the 'Clause' bullet is missing"),
    (section(3, extra="- **Owner:** nobody\n"), "unknown label 'Owner'"),
    (section(3, extra="- **Tests:** `tests/test_fake.py::test_plain`\n"), "'Tests' is given twice"),
    (section(3, extra="A loose paragraph.\n"), "not a '- **Label:** value' bullet"),
])
def test_a_broken_section_fails(tree, changed, says):
    problems = check(document({3: changed}), tree)
    assert problems and all(p.startswith("R3") for p in problems) and any(says in p for p in problems), \
        problems


def test_the_overview_must_agree_with_the_sections(tree):
    assert check(document(overview={5: "partial"}), tree) == [
        "overview: R5 says 'partial' but its section says 'enforced'"]
    assert check(document(overview={6: "drop"}), tree) == ["overview: R6 has no row"]
    extra_rows = "\n## Appendix\n\n| R5 | again | enforced | — |\n| R40 | none | enforced | — |\n"
    problems = check(document(appended=extra_rows), tree)
    assert [p.split(" (line")[0] for p in problems] == [
        "overview: R5 has two rows", "overview: R40 has a row but no section"]
