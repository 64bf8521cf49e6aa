"""Plan directory -> validated models, with every problem as a diagnostic pointing into the files.

Layout of a plan directory:

    plan.yaml              the plan: title, period, source
    organization.yaml      the registry of responsible units
    events.yaml            external events that some deadlines depend on (optional)
    abbreviations.yaml     section II of the source (optional)
    goal-N/goal.yaml       one goal
    goal-N/measure-N.M.yaml  one measure and its activities
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from cas_plan.diagnostics import Diagnostic
from cas_plan.model import (
    AbbreviationsFile,
    EventsFile,
    GoalFile,
    MeasureFile,
    OrganizationFile,
    PlanFile,
)
from cas_plan.yamlread import decode, locate, read_yaml_file, read_yaml_text

M = TypeVar("M", bound=BaseModel)

GOAL_DIR = re.compile(r"^goal-(\d+)$")
MEASURE_FILE = re.compile(r"^measure-(\d+\.\d+)\.yaml$")
TOP_FILES: dict[str, type[BaseModel]] = {
    "plan.yaml": PlanFile,
    "organization.yaml": OrganizationFile,
    "events.yaml": EventsFile,
    "abbreviations.yaml": AbbreviationsFile,
}
REQUIRED_TOP_FILES = ("plan.yaml", "organization.yaml")
LAYOUT_HINT = (
    "plan files are plan.yaml, organization.yaml, events.yaml, abbreviations.yaml, "
    "goal-N/goal.yaml and goal-N/measure-N.M.yaml"
)


class PlanDirectoryError(Exception):
    """The plan directory itself is missing or unreadable: a usage error, not a plan problem."""


@dataclass(frozen=True)
class Loaded(Generic[M]):
    model: M
    path: str  # as shown to the user, e.g. plan/goal-1/measure-1.1.yaml


@dataclass
class Plan:
    """Everything read from a plan directory; files that failed validation are left out."""

    root: Path
    shown_root: str
    plan: Loaded[PlanFile] | None = None
    organization: Loaded[OrganizationFile] | None = None
    events: Loaded[EventsFile] | None = None
    abbreviations: Loaded[AbbreviationsFile] | None = None
    goals: list[Loaded[GoalFile]] = field(default_factory=list)
    measures: list[Loaded[MeasureFile]] = field(default_factory=list)
    broken_files: set[str] = field(default_factory=set)

    def show(self, relative: str) -> str:
        return os.path.join(self.shown_root, relative)

    def relative(self, shown: str) -> str:
        """A shown path back to its place inside the plan directory ('goal-1/measure-1.1.yaml')."""
        return Path(os.path.relpath(shown, self.shown_root)).as_posix()


@dataclass
class LoadResult:
    plan: Plan
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


def _key_name(loc: tuple[Any, ...]) -> str:
    return str(loc[-1]) if loc else ""


def _did_you_mean(key: str, model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> str | None:
    allowed = _fields_at(model, loc[:-1], data)
    if not allowed:
        return None
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed keys here: " + ", ".join(allowed)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> list[str]:
    """The keys the model accepts at a location, found by walking the model's field types."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(step))
        if info is None:
            return []
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def _schema_diagnostics(
    exc: ValidationError, shown: str, model: type[BaseModel], data: Any
) -> list[Diagnostic]:
    """Turn pydantic's errors into one plain-language diagnostic each."""
    from cas_plan.deadlines import SPELLINGS_HELP
    from cas_plan.funds import MONEY_HELP

    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(step for step in err["loc"] if step != "[key]")
        kind = err["type"]
        at_key = False
        hint = None
        if kind == "extra_forbidden":
            key = _key_name(loc)
            message = f"unknown key '{key}'"
            hint = _did_you_mean(key, model, loc, data)
            at_key = True
        elif kind == "missing":
            message = f"missing key '{_key_name(loc)}'"
            loc = loc[:-1]
            at_key = True
        elif kind in _TYPE_NAMES:
            message = f"'{_key_name(loc)}' should be {_TYPE_NAMES[kind]}, not {_describe(err['input'])}"
            if loc and isinstance(loc[-1], int):
                message = f"item {loc[-1] + 1} should be {_TYPE_NAMES[kind]}, not {_describe(err['input'])}"
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            message = f"'{_key_name(loc)}' is {_describe(err['input'])}; expected one of {expected}"
        elif kind == "too_short":
            message = f"'{_key_name(loc)}' must not be empty"
        elif kind == "string_too_short":
            message = f"'{_key_name(loc)}' must not be empty text"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
        if loc and loc[-1] == "when":
            hint = SPELLINGS_HELP
        elif loc and loc[-1] == "amount" and kind == "value_error":
            hint = MONEY_HELP
        out.append(Diagnostic(shown, 0, 0, message, "error", hint, loc, at_key))
    return out


def _validate(
    model: type[M], data: Any, shown: str, diagnostics: list[Diagnostic]
) -> M | None:
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(shown, 1, 1, f"the file should hold a mapping, not {_describe(data)}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diagnostics.extend(_schema_diagnostics(exc, shown, model, data))
        return None


def _plan_files(root: Path, plan: Plan, diagnostics: list[Diagnostic]) -> list[tuple[Path, str]]:
    """Every YAML file under the plan directory, in a stable order; stray files are reported."""
    found: list[tuple[Path, str]] = []
    resolved_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            file = Path(dirpath) / name
            relative = file.relative_to(root).as_posix()
            if not name.endswith((".yaml", ".yml")):
                continue
            shown = plan.show(relative)
            if file.is_symlink() and not file.resolve().is_relative_to(resolved_root):
                diagnostics.append(Diagnostic(
                    shown, 1, 1, "the file is a symbolic link to a place outside the plan directory",
                    hint="copy the file into the plan instead of linking it",
                ))
                continue
            found.append((file, relative))
    return found


def load_plan(
    root: Path, shown_root: str | None = None, overlay: dict[str, str] | None = None
) -> LoadResult:
    """Read and validate every file of a plan directory (no cross-file checks here).

    `overlay` maps relative paths to text that stands in for the file on disk: a proposed edit
    is validated with the rest of the plan before it is written.
    """
    if not root.exists():
        raise PlanDirectoryError(f"plan directory '{root}' does not exist")
    if not root.is_dir():
        raise PlanDirectoryError(f"'{root}' is not a directory")
    if not os.access(root, os.R_OK | os.X_OK):
        raise PlanDirectoryError(f"plan directory '{root}' cannot be read")
    plan = Plan(root=root, shown_root=shown_root if shown_root is not None else str(root))
    diagnostics: list[Diagnostic] = []
    files = _plan_files(root, plan, diagnostics)
    present = {relative for _, relative in files}
    for required in REQUIRED_TOP_FILES:
        if required not in present:
            diagnostics.append(Diagnostic(
                plan.show(required), 1, 1, "missing plan file", hint=LAYOUT_HINT,
            ))
    for file, relative in files:
        shown = plan.show(relative)
        kind = _file_kind(relative)
        if kind is None:
            diagnostics.append(Diagnostic(shown, 1, 1, "not a plan file name", hint=LAYOUT_HINT))
            continue
        if overlay is not None and relative in overlay:
            read = read_yaml_text(overlay[relative], shown)
        else:
            read = read_yaml_file(file, shown)
        diagnostics.extend(read.diagnostics)
        model = None
        if read.data is not None:
            schema_problems: list[Diagnostic] = []
            model = _validate(kind, read.data, shown, schema_problems)
            diagnostics.extend(
                d for d in schema_problems if not _under_any(d.pointer, read.replaced)
            )
        if model is None or not read.ok:
            plan.broken_files.add(relative)
            continue
        _attach(plan, model, shown)
    return LoadResult(plan, diagnostics)


def _under_any(pointer: tuple[str | int, ...] | None, places: set[tuple[str | int, ...]]) -> bool:
    """True when a schema problem sits at or below a value the reader already refused."""
    if pointer is None:
        return False
    return any(pointer[: len(place)] == place for place in places)


def _file_kind(relative: str) -> type[BaseModel] | None:
    parts = relative.split("/")
    if len(parts) == 1:
        return TOP_FILES.get(parts[0])
    if len(parts) == 2 and GOAL_DIR.match(parts[0]):
        if parts[1] == "goal.yaml":
            return GoalFile
        if MEASURE_FILE.match(parts[1]):
            return MeasureFile
    return None


def _attach(plan: Plan, model: BaseModel, shown: str) -> None:
    if isinstance(model, PlanFile):
        plan.plan = Loaded(model, shown)
    elif isinstance(model, OrganizationFile):
        plan.organization = Loaded(model, shown)
    elif isinstance(model, EventsFile):
        plan.events = Loaded(model, shown)
    elif isinstance(model, AbbreviationsFile):
        plan.abbreviations = Loaded(model, shown)
    elif isinstance(model, GoalFile):
        plan.goals.append(Loaded(model, shown))
    elif isinstance(model, MeasureFile):
        plan.measures.append(Loaded(model, shown))


def locate_all(
    diagnostics: list[Diagnostic], texts: dict[str, str] | None = None,
    plan: Plan | None = None,
) -> list[Diagnostic]:
    """Fill in line:col for diagnostics that carry only a YAML path, parsing each file once.

    `texts` (shown path -> text) stands in for files whose proposed content is not on disk;
    `plan` maps shown paths back to the files (they differ when a revision is shown).
    """
    texts = dict(texts or {})
    out = []
    for d in diagnostics:
        if d.located:
            out.append(d)
            continue
        if d.path not in texts:
            on_disk = plan.root / plan.relative(d.path) if plan is not None else Path(d.path)
            texts[d.path] = _read_text(str(on_disk))  # type: ignore[assignment]  # None: unreadable
        text = texts[d.path]
        if text is None or d.pointer is None:
            out.append(d.at(1, 1))
            continue
        out.append(d.at(*locate(text, d.pointer, key=d.at_key)))
    return out


def _read_text(path: str) -> str | None:
    try:
        text, _ = decode(Path(path).read_bytes(), path)
    except OSError:
        return None
    return text


class SourceLines:
    """Lines of the files problems point into, read once each, for showing problems in context."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        """`texts` (shown path -> text) stands in for files whose proposed content is not on disk."""
        self._files: dict[str, list[str] | None] = {
            path: text.splitlines() for path, text in (texts or {}).items()
        }

    def __call__(self, path: str, line: int) -> str | None:
        if path not in self._files:
            text = _read_text(path)
            self._files[path] = text.splitlines() if text is not None else None
        lines = self._files[path]
        if lines is None or not 0 < line <= len(lines):
            return None
        return lines[line - 1]
