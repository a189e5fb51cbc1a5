"""Timeline event types: each app declares its own, in its ``events.py``, and the registry checks them.

A declaration (``EventSpec``) holds the type's number, its Indonesian label and its payload schema —
the fixed keys, each with its JSON type, required or optional — and each type has exactly one writer
function, marked ``@registry.writer(<its spec>)``, that services call instead of building a dict. The
generic ``cases.events.case_event_record`` refuses a payload that does not match the schema.

Numbers are never renumbered nor reused: the timeline rows are kept for years and the KPIs (R21 in
``docs/rules.md``, to come) will count them by number. Each app numbers within its own block of
``RANGES``; the registry refuses, when Django starts (``CasesConfig.ready``), a number used twice, a
number outside its app's blocks, overlapping blocks, an identity key in a schema and a type without
exactly one writer.

``CaseEvent.event_type`` has no ``choices``: a new type in a later app is a declaration in that
app's ``events.py`` — no migration of ``cases``. Labels come from here (``CaseEvent.type_label``).
``docs/events.md`` shows the table (``manage.py events_docs`` rewrites it; a test fails while it
differs).

A spec is an ``int`` (its number), like the members of the ``IntegerChoices`` it replaces: it can be
passed wherever a number is expected (``CaseEvent.objects.filter(event_type=SOP_STEP)``), and it
has ``.name``, ``.label`` and ``.value``. ``cases.models.EventType.<NAME>`` still answers it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

#: Keys that would carry the victim's identity (or free text that may). Never in a payload.
FORBIDDEN_KEYS = frozenset({"name", "full_name", "nik", "phone", "address", "chronology"})

#: The JSON types a payload value may have (``X | None`` and ``list[X]`` of these too).
_SCALARS = {str: "str", int: "int", float: "float", bool: "bool", type(None): "null"}


@dataclass(frozen=True)
class EventRange:
    """A block of numbers that belongs to one app (an app may hold several blocks)."""

    app: str
    first: int
    last: int

    def __contains__(self, code: int) -> bool:
        return self.first <= code <= self.last


#: The numbering plan. SOP steps were born in triage (212, 220) and moved with the SOP records to
#: ``sops`` keeping their numbers: ``sops`` holds 212–229, ``triage`` the rest of the 200s. A new
#: app adds its block here (next free: 800).
RANGES: tuple[EventRange, ...] = (
    EventRange("cases", 100, 199),
    EventRange("triage", 200, 211),
    EventRange("sops", 212, 229),
    EventRange("triage", 230, 299),
    EventRange("meetings", 300, 399),
    EventRange("terminations", 400, 499),
    EventRange("reports", 500, 599),
    EventRange("documents", 600, 699),
    EventRange("plans", 700, 799),
)


def type_name(t) -> str:
    """``str``, ``list[str]``, ``str | null`` … as the schema and docs/events.md write it."""
    if isinstance(t, types.UnionType) or typing.get_origin(t) is typing.Union:
        return " | ".join(type_name(a) for a in typing.get_args(t))
    if t is None:
        return "null"
    if typing.get_origin(t) is list:
        (item,) = typing.get_args(t) or (None,)
        return f"list[{type_name(item)}]" if item is not None else "list"
    if t in _SCALARS:
        return _SCALARS[t]
    raise TypeError(f"Unsupported payload type {t!r}: use str, int, float, bool, None, list[...].")


def _matches(value, t) -> bool:
    if isinstance(t, types.UnionType) or typing.get_origin(t) is typing.Union:
        return any(_matches(value, a) for a in typing.get_args(t))
    if t is None or t is type(None):
        return value is None
    if typing.get_origin(t) is list:
        args = typing.get_args(t)
        if not isinstance(value, list):
            return False
        return all(_matches(v, args[0]) for v in value) if args else True
    if t is bool:
        return isinstance(value, bool)
    if t is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if t is float:  # JSON has one number type: a whole number is a valid float
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, t)


class EventSpec(int):
    """One event type: its number (the ``int`` itself), ``name``, ``label``, owning ``app`` and
    payload schema — ``payload`` the required keys, ``optional`` the keys that may be left out,
    each mapped to its type. Immutable; compared and hashed as its number."""

    def __new__(cls, code: int, name: str, label, *, app: str,
                payload: Mapping[str, object] | None = None,
                optional: Mapping[str, object] | None = None) -> EventSpec:
        self = super().__new__(cls, code)
        d = self.__dict__
        d["name"], d["label"], d["app"] = name, label, app
        d["payload"] = types.MappingProxyType(dict(payload or {}))
        d["optional"] = types.MappingProxyType(dict(optional or {}))
        return self

    def __setattr__(self, key, value):
        raise AttributeError("An event type is fixed once declared.")

    # A spec is shared: copying (e.g. inside a queryset's lookups) keeps the same object.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (_spec_by_code, (int(self),))

    def __repr__(self) -> str:
        return f"<EventSpec {int(self)} {self.name}>"

    __str__ = int.__repr__

    @property
    def code(self) -> int:
        return int(self)

    @property
    def value(self) -> int:  # as IntegerChoices members have it
        return int(self)

    @property
    def keys(self) -> dict[str, object]:
        return {**self.payload, **self.optional}

    def check_payload(self, payload: Mapping) -> None:
        """Refuse a payload that is not this type's: unknown, identity or missing keys, or a value
        of the wrong type. A programming error, not user input: a ``ValueError`` that names the
        keys and never the values (which could carry what the payload must not)."""
        keys = set(payload)
        leaked = FORBIDDEN_KEYS & keys
        if leaked:
            raise ValueError(f"Timeline payload may not carry identity keys: {sorted(leaked)}")
        unknown = keys - set(self.payload) - set(self.optional)
        if unknown:
            raise ValueError(f"{self.name}: unknown payload keys {sorted(unknown)}; "
                             f"allowed: {sorted(self.keys)}")
        missing = set(self.payload) - keys
        if missing:
            raise ValueError(f"{self.name}: missing payload keys {sorted(missing)}")
        wrong = sorted(k for k, t in self.keys.items() if k in payload and not _matches(payload[k], t))
        if wrong:
            expected = ", ".join(f"{k}: {type_name(self.keys[k])}" for k in wrong)
            raise ValueError(f"{self.name}: payload keys of the wrong type: {expected}")


class EventRegistry:
    """The declared event types and their writers. ``registry`` below is the project's; tests
    build their own to see what the check refuses."""

    def __init__(self, ranges: Iterable[EventRange] = RANGES, *, autodiscover: bool = False):
        self.ranges = tuple(ranges)
        self._specs: list[EventSpec] = []
        # Keyed by the declaration itself (its id), not its number: two types that clash on a
        # number must each keep their own writers for the check to tell them apart.
        self._writers: dict[int, list[str]] = {}
        self._autodiscover = autodiscover
        self._discovered = False
        self._describers: dict[int, Callable] = {}

    # --- declaring ------------------------------------------------------------------------------

    def register(self, spec: EventSpec) -> EventSpec:
        """Add ``spec``. Conflicts are not raised here but by ``check()``, all of them at once."""
        self._specs.append(spec)
        return spec

    def unregister(self, spec: EventSpec) -> None:
        self._specs = [s for s in self._specs if s is not spec]
        self._writers.pop(id(spec), None)

    def declarer(self, app: str) -> Callable[..., EventSpec]:
        """``event_type = registry.declarer("triage")`` then ``X = event_type(200, "X", _("…"),
        payload={...}, optional={...})`` in the app's ``events.py``."""
        def declare(code: int, name: str, label, *, payload=None, optional=None) -> EventSpec:
            return self.register(EventSpec(code, name, label, app=app, payload=payload,
                                           optional=optional))
        return declare

    def writer(self, spec: EventSpec):
        """Mark a function as ``spec``'s writer (docs/events.md names it; one per type)."""
        def mark(func):
            self._writers.setdefault(id(spec), []).append(f"{func.__module__}.{func.__qualname__}")
            return func
        return mark

    def describer(self, spec: EventSpec):
        """Mark ``func(payload, names) -> str`` as what the timeline says after ``spec``'s label:
        the payload's codes in the words staff use — from → to, which agency, which person (never a
        code, never identity). ``names`` is a ``TimelineNames``. At most one per type; a type
        without one shows its label alone."""
        def mark(func):
            self._describers[int(spec)] = func
            return func
        return mark

    def describe(self, event, names: TimelineNames) -> str:
        """The detail of one timeline row (empty when its type has no describer)."""
        self.ensure_loaded()
        func = self._describers.get(int(event.event_type))
        if func is None:
            return ""
        try:
            return str(func(event.payload or {}, names))
        except (KeyError, TypeError, ValueError):  # an old row without a key: the label alone
            return ""

    # --- reading --------------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Import the ``events`` module of every project app (once), so every type is declared."""
        if not self._autodiscover or self._discovered:
            return
        from django.apps import apps
        from django.conf import settings
        from django.utils.module_loading import module_has_submodule

        apps.check_apps_ready()
        self._discovered = True
        base = Path(settings.BASE_DIR).resolve()
        for config in apps.get_app_configs():
            # Project apps only: a third-party app's ``events`` module is none of ours.
            if is_project_path(Path(config.path), base) and module_has_submodule(config.module, "events"):
                import_module(f"{config.name}.events")

    def all(self) -> list[EventSpec]:
        self.ensure_loaded()
        return sorted(self._specs, key=int)

    def get(self, code: int) -> EventSpec:
        self.ensure_loaded()
        for spec in self._specs:
            if spec == code:
                return spec
        raise KeyError(code)

    def by_name(self, name: str) -> EventSpec:
        self.ensure_loaded()
        for spec in self._specs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def label(self, code: int):
        from django.utils.translation import gettext_lazy as _

        try:
            return self.get(code).label
        except KeyError:
            return _("Peristiwa lain")

    def writer_of(self, spec: EventSpec) -> str:
        found = self._writers.get(id(spec), [])
        return found[0] if len(found) == 1 else ""

    # --- checking -------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Everything wrong with the declarations, one sentence each (empty when all is well)."""
        self.ensure_loaded()
        found = []
        ranges = sorted(self.ranges, key=lambda r: r.first)
        for r in ranges:
            if r.first > r.last:
                found.append(f"Range {r.first}–{r.last} of {r.app} is empty.")
        for a, b in zip(ranges, ranges[1:], strict=False):
            if b.first <= a.last:
                found.append(f"Ranges {a.first}–{a.last} ({a.app}) and {b.first}–{b.last} ({b.app}) "
                             "overlap.")
        by_code: dict[int, list[EventSpec]] = {}
        by_name: dict[str, list[EventSpec]] = {}
        for spec in self._specs:
            by_code.setdefault(int(spec), []).append(spec)
            by_name.setdefault(spec.name, []).append(spec)
        for code, specs in sorted(by_code.items()):
            if len(specs) > 1:
                names = ", ".join(f"{s.name} ({s.app})" for s in specs)
                found.append(f"Event number {code} is used twice: {names}.")
        for name, specs in sorted(by_name.items()):
            if len(specs) > 1:
                found.append(f"Event name {name} is declared twice.")
        for spec in sorted(self._specs, key=int):
            if not spec.name.isidentifier() or spec.name.upper() != spec.name:
                found.append(f"Event {int(spec)}: the name {spec.name!r} is not an UPPER_CASE name.")
            owned = [r for r in self.ranges if r.app == spec.app]
            if not any(int(spec) in r for r in owned):
                blocks = ", ".join(f"{r.first}–{r.last}" for r in owned) or "none"
                found.append(f"Event {spec.name} ({int(spec)}) is outside the numbers of {spec.app} "
                             f"({blocks}).")
            leaked = FORBIDDEN_KEYS & set(spec.keys)
            if leaked:
                found.append(f"Event {spec.name} declares identity keys {sorted(leaked)}.")
            both = set(spec.payload) & set(spec.optional)
            if both:
                found.append(f"Event {spec.name} declares {sorted(both)} both required and optional.")
            for key, t in spec.keys.items():
                try:
                    type_name(t)
                except TypeError:
                    found.append(f"Event {spec.name}: payload key {key!r} has an unsupported type.")
            writers = self._writers.get(id(spec), [])
            if len(writers) != 1:
                found.append(f"Event {spec.name} has {len(writers)} writers (one is needed): "
                             f"{', '.join(writers) or 'none'}.")
        return found

    def check(self) -> None:
        """Refuse to start with broken declarations (called from ``CasesConfig.ready``)."""
        found = self.problems()
        if found:
            raise ImproperlyConfigured("Timeline event types: " + " ".join(found))


@dataclass
class TimelineNames:
    """What a describer needs to name codes: agency names by code, staff names by user id (read
    once per timeline, ``cases.selectors.case_timeline_rows``)."""

    agencies: Mapping[str, str]
    users: Mapping[int, str]

    def agency(self, code: str | None) -> str:
        from django.utils.translation import gettext as _

        return self.agencies.get(code or "", "") or _("lembaga lain")

    def agency_list(self, codes) -> str:
        return ", ".join(self.agency(c) for c in codes or []) or "—"

    def user(self, user_id: int | None) -> str:
        from django.utils.translation import gettext as _

        return self.users.get(user_id, "") or _("petugas")

    @staticmethod
    def label(choices, value) -> str:
        """The label of ``value`` in a ``TextChoices``/``IntegerChoices`` — never the raw code."""
        if value in (None, ""):
            return "—"
        return str(dict(choices.choices).get(value, "—"))

    @staticmethod
    def change(before: str, after: str) -> str:
        from django.utils.translation import gettext as _

        return _("dari %(before)s → ke %(after)s") % {"before": before, "after": after}


#: Payload keys that hold agency codes (one or a list), for ``TimelineNames``.
AGENCY_KEYS = ("receiving_agency", "agency", "agencies", "kept_existing", "serving_agencies",
               "coordinator")
#: Payload keys that hold a user id.
USER_KEYS = ("user_id",)


#: The project's registry: every app's ``events.py`` declares into it.
registry = EventRegistry(RANGES, autodiscover=True)


def _spec_by_code(code: int) -> EventSpec:
    return registry.get(code)


# --- docs/events.md ---------------------------------------------------------------------------------

DOCS_BEGIN = "<!-- event-types:begin (generated by `manage.py events_docs`; do not edit) -->"
DOCS_END = "<!-- event-types:end -->"


def _keys_markdown(spec: EventSpec) -> str:
    def cell(t) -> str:  # a union's "|" would end the table cell
        return type_name(t).replace("|", "\\|")

    parts = [f"`{k}`: {cell(t)}" for k, t in spec.payload.items()]
    parts += [f"`{k}`?: {cell(t)}" for k, t in spec.optional.items()]
    return "<br>".join(parts) or "—"


def events_markdown(reg: EventRegistry = registry) -> str:
    """The numbering plan and the table of every event type, as docs/events.md shows them."""
    from django.utils import translation

    lines = ["### Numbers per app", "", "| numbers | app |", "|---|---|"]
    lines += [f"| {r.first}–{r.last} | `{r.app}` |" for r in sorted(reg.ranges, key=lambda r: r.first)]
    lines += ["", "### Event types", "",
              "Payload keys marked `?` may be left out. No payload carries identity: the keys "
              + ", ".join(f"`{k}`" for k in sorted(FORBIDDEN_KEYS))
              + " are refused, and values are codes, ids, counts and times — never names or free text.",
              "", "| number | app | name | label | payload keys | writer |", "|---|---|---|---|---|---|"]
    with translation.override("id"):
        for spec in reg.all():
            lines.append(f"| {int(spec)} | `{spec.app}` | `{spec.name}` | {spec.label} | "
                         f"{_keys_markdown(spec)} | `{reg.writer_of(spec) or '—'}` |")
    return "\n".join(lines)


def docs_with_events(text: str, reg: EventRegistry = registry) -> str:
    """``text`` with the part between the markers replaced by ``events_markdown()``."""
    head, _sep, rest = text.partition(DOCS_BEGIN)
    _old, _sep2, tail = rest.partition(DOCS_END)
    return f"{head}{DOCS_BEGIN}\n{events_markdown(reg)}\n{DOCS_END}{tail}"


def is_project_path(path: Path, base: Path) -> bool:
    """Whether an app at ``path`` is one of the project's: under the repository, and not an installed
    package (a virtualenv kept inside the repository, as ``uv`` makes ``.venv``, is under it too)."""
    path = path.resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts
