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
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from cas_plan.cache import ParseCache, digest
from cas_plan.cache import enabled as cache_enabled
from cas_plan.diagnostics import Diagnostic, printable
from cas_plan.model import (
    AbbreviationsFile,
    EventsFile,
    GoalFile,
    MeasureFile,
    OrganizationFile,
    PlanFile,
)
from cas_plan.yamlread import (
    ReadResult,
    decode,
    locate,
    read_file_bytes,
    read_yaml_bytes,
    read_yaml_text,
)

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
    # the activities with their effective cells, computed once (see effective.all_views)
    views: list[Any] | None = field(default=None, repr=False)

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
            message = (
                f"'{_key_name(loc)}' should be {_TYPE_NAMES[kind]}, not {_describe(err['input'])}"
            )
            if loc and isinstance(loc[-1], int):
                expected, found = _TYPE_NAMES[kind], _describe(err["input"])
                message = f"item {loc[-1] + 1} should be {expected}, not {found}"
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
        # quoted keys and values are the user's text: a line break or an escape sequence in one
        # must not break the one-line form of the problem (nor reach the terminal raw)
        out.append(
            Diagnostic(
                shown, 0, 0, printable(message), "error", hint and printable(hint), loc, at_key
            )
        )
    return out


def _validate(model: type[M], data: Any, shown: str, diagnostics: list[Diagnostic]) -> M | None:
    if not isinstance(data, dict):
        diagnostics.append(
            Diagnostic(shown, 1, 1, f"the file should hold a mapping, not {_describe(data)}")
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diagnostics.extend(_schema_diagnostics(exc, shown, model, data))
        return None


def _plan_files(root: Path, plan: Plan, diagnostics: list[Diagnostic]) -> list[tuple[Path, str]]:
    """Every YAML file under the plan directory, in a stable order; stray files are reported.

    Nothing outside the plan directory is read, and nothing is skipped without a word: symbolic
    links (to files or directories) that lead out of it or loop, directories that cannot be
    listed, and files that are not regular files (a FIFO would block the read, a device would
    never end it) are reported. A name with control characters or bytes that are not UTF-8 is
    shown escaped (`\\n`, `\\xff`), so every problem stays on one line.
    """
    found: list[tuple[Path, str]] = []
    resolved_root = root.resolve()

    def refuse(path: Path, message: str, hint: str | None) -> None:
        shown = plan.show(printable(path.relative_to(root).as_posix()))
        _NOT_SHOWN.add(shown)  # never shown with its text: it may be outside the plan, or endless
        diagnostics.append(Diagnostic(shown, 1, 1, message, hint=hint))

    def unlisted(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        refuse(
            where,
            f"cannot read the directory: {error.strerror}",
            "give the plan's directories read and search permission",
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (here / name).is_symlink():  # os.walk would pass over it in silence
                refuse(
                    here / name,
                    *(
                        _link_problem(here / name, resolved_root, "directory")
                        or (
                            "the directory is a symbolic link, which casplan does not follow",
                            "move the files into the plan directory",
                        )
                    ),
                )
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            file = here / name
            problem: tuple[str, str | None] | None
            try:
                problem = _link_problem(file, resolved_root, "file") if file.is_symlink() else None
                if problem is None and file.exists() and not stat.S_ISREG(file.stat().st_mode):
                    problem = (
                        "not a regular file (a FIFO, a device or a socket)",
                        "a plan file is a plain text file",
                    )
            except OSError as exc:
                problem = (f"cannot read the file: {exc.strerror}", None)
            if problem is not None:
                refuse(file, *problem)
                continue
            found.append((file, printable(file.relative_to(root).as_posix())))
    return found


def _link_problem(link: Path, resolved_root: Path, what: str) -> tuple[str, str] | None:
    """Why a symbolic link may not be followed: it loops, or it leads out of the plan."""
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (
                f"the {what} is a symbolic link that loops (it leads back to itself)",
                "remove the link",
            )
        target = Path(os.path.realpath(link))  # dangling: reading it says so
    if not target.is_relative_to(resolved_root):
        return (
            f"the {what} is a symbolic link to a place outside the plan directory",
            f"copy the {what} into the plan instead of linking it",
        )
    return None


def load_plan(
    root: Path,
    shown_root: str | None = None,
    overlay: dict[str, str] | None = None,
    use_cache: bool = True,
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
    cache = ParseCache(root) if use_cache and cache_enabled() else None
    diagnostics: list[Diagnostic] = []
    files = _plan_files(root, plan, diagnostics)
    present = {relative for _, relative in files}
    for required in REQUIRED_TOP_FILES:
        if required not in present:
            diagnostics.append(
                Diagnostic(
                    plan.show(required),
                    1,
                    1,
                    "missing plan file",
                    hint=LAYOUT_HINT,
                )
            )
    for file, relative in files:
        shown = plan.show(relative)
        kind = _file_kind(relative)
        if kind is None:
            diagnostics.append(Diagnostic(shown, 1, 1, "not a plan file name", hint=LAYOUT_HINT))
            continue
        if overlay is not None and relative in overlay:
            read = read_yaml_text(overlay[relative], shown)
        else:
            read = _read_cached(file, shown, cache)
        diagnostics.extend(read.diagnostics)
        model = None
        if read.data is not None or read.ok:  # a file of only `~` or `---` is no mapping either
            schema_problems: list[Diagnostic] = []
            model = _validate(kind, read.data, shown, schema_problems)
            diagnostics.extend(
                d for d in schema_problems if not _under_any(d.pointer, read.replaced)
            )
        if model is None or not read.ok:
            plan.broken_files.add(relative)
            continue
        _attach(plan, model, shown)
    if cache is not None:
        cache.save()
    return LoadResult(plan, diagnostics)


def _read_cached(file: Path, shown: str, cache: ParseCache | None) -> ReadResult:
    """Parse a file, or take its parsed form from the cache when its bytes are unchanged."""
    raw = read_file_bytes(file, shown)
    if isinstance(raw, ReadResult) or cache is None:
        return raw if isinstance(raw, ReadResult) else read_yaml_bytes(raw, shown)
    key = digest(raw)
    entry = cache.get(key)
    if entry is not None:
        data, problems, replaced = entry
        return ReadResult(
            data,
            [
                Diagnostic(shown, line, col, message, severity, hint)  # type: ignore[arg-type]
                for line, col, message, severity, hint in problems
            ],
            set(replaced),
        )
    read = read_yaml_bytes(raw, shown)
    cache.put(
        key,
        (
            read.data,
            [(d.line, d.col, d.message, d.severity, d.hint) for d in read.diagnostics],
            list(read.replaced),
        ),
    )
    return read


def _under_any(pointer: tuple[str | int, ...] | None, places: set[tuple[str | int, ...]]) -> bool:
    """True when a schema problem sits at or below a value the reader already refused."""
    if pointer is None:
        return False
    return any(pointer[: len(place)] == place for place in places)


def _file_kind(relative: str) -> type[BaseModel] | None:
    parts = relative.split("/")
    if len(parts) == 1:
        return TOP_FILES.get(parts[0])
    if len(parts) == 2 and GOAL_DIR.fullmatch(parts[0]):
        if parts[1] == "goal.yaml":
            return GoalFile
        if MEASURE_FILE.fullmatch(parts[1]):
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
    diagnostics: list[Diagnostic],
    texts: dict[str, str] | None = None,
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


# Shown paths of files the loader refused to read (links out of the plan, FIFOs, devices):
# their text is never read to show a problem's line.
_NOT_SHOWN: set[str] = set()


def _read_text(path: str) -> str | None:
    """The text of a file a problem points into, if it is a plan-sized regular file."""
    from cas_plan.yamlread import MAX_FILE_BYTES

    if path in _NOT_SHOWN:
        return None
    try:  # non-blocking, so that a FIFO put in place after loading cannot hang us
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
    text, _ = decode(raw, path)
    return text


def _lines(text: str) -> list[str]:
    """Lines as editors count them: ended by \\r\\n, \\r or \\n (not by U+2028 and the like)."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()  # the break that ends the last line starts no new one
    return lines


class SourceLines:
    """Lines of the files problems point into, read once each, for showing problems in context."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        """`texts` (shown path -> text) stands in for files whose proposed content is not on
        disk."""
        self._files: dict[str, list[str] | None] = {
            path: _lines(text) for path, text in (texts or {}).items()
        }

    def __call__(self, path: str, line: int) -> str | None:
        if path not in self._files:
            text = _read_text(path)
            self._files[path] = _lines(text) if text is not None else None
        lines = self._files[path]
        if lines is None or not 0 < line <= len(lines):
            return None
        return lines[line - 1]
