"""Plan files -> validated models, with every problem as a diagnostic placed in its file.

Which file is which kind is `layout`'s business; this module reads each file once (from the
plan directory, or from a git revision held in memory), validates it against its model, and
keeps what is needed to place later problems (the positions taken while reading) and to show
them (the file's bytes). Nothing is parsed twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cas_plan.core import layout, parse_cache
from cas_plan.core.diagnostics import Diagnostic, printable, sort_key
from cas_plan.core.errors import UsageError
from cas_plan.core.model import (
    AbbreviationsFile,
    AmendmentsFile,
    EventsFile,
    GoalFile,
    Loaded,
    MeasureFile,
    OrganizationFile,
    PlanFile,
    ReportNarrative,
    SuccessorFile,
    TranslationsFile,
    Unit,
)
from cas_plan.core.suggest import did_you_mean
from cas_plan.core.views import ActivityView, plan_views
from cas_plan.core.yaml_reader import (
    Positions,
    ReadResult,
    decode,
    line_and_column,
    read_file_bytes,
    read_yaml_bytes,
    read_yaml_text,
)

M = TypeVar("M", bound=BaseModel)

FILE_MODELS: dict[str, type[BaseModel]] = {
    "plan": PlanFile,
    "organization": OrganizationFile,
    "events": EventsFile,
    "abbreviations": AbbreviationsFile,
    "amendments": AmendmentsFile,
    "successor": SuccessorFile,
    "goal": GoalFile,
    "measure": MeasureFile,
    "report": ReportNarrative,
    "translations": TranslationsFile,
}


class PlanDirectoryError(UsageError):
    """The plan directory itself is missing or unreadable: a usage error, not a plan problem."""


@dataclass(frozen=True)
class Plan:
    """Everything read from a plan; files that failed validation are left out."""

    shown_root: str
    root: Path | None = None  # the directory on disk (None for a git revision)
    plan: Loaded[PlanFile] | None = None
    organization: Loaded[OrganizationFile] | None = None
    events: Loaded[EventsFile] | None = None
    abbreviations: Loaded[AbbreviationsFile] | None = None
    amendments: Loaded[AmendmentsFile] | None = None
    successor: Loaded[SuccessorFile] | None = None  # where unfinished activities went
    goals: tuple[Loaded[GoalFile], ...] = ()
    measures: tuple[Loaded[MeasureFile], ...] = ()
    reports: tuple[Loaded[ReportNarrative], ...] = ()  # the coordinator's texts, by year
    translations: tuple[Loaded[TranslationsFile], ...] = ()  # the plan's text, by language
    broken_files: frozenset[str] = frozenset()
    views: tuple[ActivityView, ...] = field(default=(), repr=False)

    def show(self, relative: str) -> str:
        return os.path.join(self.shown_root, relative)

    def relative(self, shown: str) -> str:
        """A shown path back to its place inside the plan directory ('goal-1/measure-1.1.yaml')."""
        return Path(os.path.relpath(shown, self.shown_root)).as_posix()

    @property
    def units(self) -> dict[str, Unit]:
        """The organization registry by unit id."""
        if self.organization is None:
            return {}
        return {unit.id: unit for unit in self.organization.model.units}

    @property
    def title(self) -> str:
        return self.plan.model.title if self.plan else ""

    def translations_in(self, lang: str) -> Loaded[TranslationsFile] | None:
        """The plan's text in a language (`sr`), from translations/LANG.yaml, if there is one."""
        wanted = layout.translations_file(lang)
        return next((t for t in self.translations if self.relative(t.path) == wanted), None)


@dataclass(frozen=True)
class FileRecord:
    """What is kept of a file read: its bytes (to show problems) and where its values stand."""

    raw: bytes | None
    positions: Positions | None
    text: str | None = None  # proposed content that is not on disk

    def source_text(self) -> str | None:
        if self.text is not None:
            return self.text
        return decode(self.raw, "")[0] if self.raw is not None else None


@dataclass
class LoadResult:
    plan: Plan
    diagnostics: list[Diagnostic]
    files: dict[str, FileRecord] = field(default_factory=dict)  # by shown path

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def placed(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Diagnostics with line:col filled in from the positions taken at read time, sorted."""
        texts: dict[str, str | None] = {}
        out = []
        for d in diagnostics:
            if d.located:
                out.append(d)
                continue
            record = self.files.get(d.path)
            if record is None or record.positions is None or d.pointer is None:
                out.append(d.at(1, 1))
                continue
            if d.path not in texts:
                texts[d.path] = record.source_text()
            text = texts[d.path]
            index = record.positions.locate(d.pointer, key=d.at_key)
            out.append(d.at(*line_and_column(text, index)) if text is not None else d.at(1, 1))
        return sorted(out, key=sort_key)

    def source_line(self, path: str, line: int) -> str | None:
        """A line of a file a problem points into (for showing it with a caret)."""
        record = self.files.get(path)
        text = record.source_text() if record is not None else None
        if text is None:
            return None
        lines = split_lines(text)
        return lines[line - 1] if 0 < line <= len(lines) else None


def split_lines(text: str) -> list[str]:
    """Lines as editors count them: ended by \\r\\n, \\r or \\n (not by U+2028 and the like)."""
    import re

    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()  # the break that ends the last line starts no new one
    return lines


def _key_name(loc: tuple[Any, ...]) -> str:
    return str(loc[-1]) if loc else ""


def _did_you_mean(key: str, model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> str | None:
    allowed = _fields_at(model, loc[:-1], data)
    if not allowed:
        return None
    return did_you_mean(key, allowed, n=1) or "allowed keys here: " + ", ".join(allowed)


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
    from cas_plan.core.deadlines import SPELLINGS_HELP
    from cas_plan.core.money import MONEY_HELP

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
        elif kind == "literal_error" and "[key]" in err["loc"]:
            expected = err.get("ctx", {}).get("expected", "")
            message = f"unknown key {_describe(err['input'])}; expected one of {expected}"
            at_key = True
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


@dataclass(frozen=True)
class Listing:
    """The files a plan source offers, what it refuses, and how to read a file's bytes."""

    found: list[str]  # relative paths, in a stable order
    refused: list[layout.Refused]
    read: Callable[[str], bytes | ReadResult]
    root: Path | None = None  # a directory on disk, whose parse cache may be used


def check_directory(root: Path) -> None:
    """The plan directory exists and can be read, or a usage error says why."""
    if not root.exists():
        raise PlanDirectoryError(
            f"plan directory '{printable(str(root))}' does not exist; "
            "pass --plan DIR or set CASPLAN_PLAN"
        )
    if not root.is_dir():
        raise PlanDirectoryError(f"'{printable(str(root))}' is not a directory")
    if not os.access(root, os.R_OK | os.X_OK):
        raise PlanDirectoryError(f"plan directory '{printable(str(root))}' cannot be read")


def directory_listing(root: Path, *, settle: bool = True) -> Listing:
    """The plan directory on disk, after checking that it is one and completing a write that
    was interrupted there (`settle`; PlanEdit does that itself, holding the lock)."""
    from cas_plan.core import journal

    check_directory(root)
    if settle:
        journal.settle_on_open(root, str(root))
    found, refused = layout.walk(root)
    return Listing(
        [f.relative for f in found],
        refused,
        lambda relative: read_file_bytes(root / relative, relative),
        root,
    )


def memory_listing(files: dict[str, bytes], refused: list[layout.Refused]) -> Listing:
    """A plan held in memory (a git revision): nothing is written to disk to read it."""
    return Listing(sorted(files), refused, files.__getitem__)


def load_plan(
    listing: Listing,
    shown_root: str,
    overlay: dict[str, str] | None = None,
    use_cache: bool = True,
) -> LoadResult:
    """Read and validate every file of a plan (no cross-file checks here).

    `overlay` maps relative paths to text that stands in for the file: a proposed edit is
    validated with the rest of the plan before it is written.
    """

    def show(relative: str) -> str:
        return os.path.join(shown_root, printable(relative))

    cache = (
        parse_cache.ParseCache(listing.root)
        if use_cache and listing.root is not None and parse_cache.enabled()
        else None
    )
    diagnostics: list[Diagnostic] = []
    files: dict[str, FileRecord] = {}
    for refused in listing.refused:  # never shown with its text: it may be outside the plan
        diagnostics.append(
            Diagnostic(show(refused.relative), 1, 1, refused.message, hint=refused.hint)
        )
    found = sorted(set(listing.found) | set(overlay or {}))  # a change may add a file
    present = set(found)
    for required in layout.REQUIRED_FILES:
        if required not in present:
            diagnostics.append(
                Diagnostic(show(required), 1, 1, "missing plan file", hint=layout.LAYOUT_HINT)
            )
    loaded: dict[str, list[Loaded[Any]]] = {kind: [] for kind in layout.KINDS}
    broken: set[str] = set()
    for relative in found:
        shown = show(relative)
        kind = layout.kind_of(relative)
        if kind is None:
            diagnostics.append(
                Diagnostic(shown, 1, 1, "not a plan file name", hint=layout.misnamed_hint(relative))
            )
            continue
        if overlay is not None and relative in overlay:
            read = read_yaml_text(overlay[relative], shown)
            files[shown] = FileRecord(None, read.positions, overlay[relative])
        else:
            raw = listing.read(relative)
            if isinstance(raw, ReadResult):
                read = _shown_as(raw, shown)
            else:
                read = _read_cached(raw, shown, cache)
                files[shown] = FileRecord(raw, read.positions)
        model = None
        problems = list(read.diagnostics)
        if read.data is not None or read.ok:  # a file of only `~` or `---` is no mapping either
            schema_problems: list[Diagnostic] = []
            model = _validate(FILE_MODELS[kind], read.data, shown, schema_problems)
            problems += [d for d in schema_problems if not _under_any(d.pointer, read.replaced)]
        diagnostics.extend(problems)
        if model is None or not read.ok:
            broken.add(relative)
            continue
        loaded[kind].append(Loaded(model, shown))
    if cache is not None:
        cache.save()

    def one(kind: str) -> Loaded[Any] | None:
        return loaded[kind][0] if loaded[kind] else None

    measures = tuple(loaded["measure"])
    plan = Plan(
        shown_root=shown_root,
        root=listing.root,
        plan=one("plan"),
        organization=one("organization"),
        events=one("events"),
        abbreviations=one("abbreviations"),
        amendments=one("amendments"),
        successor=one("successor"),
        goals=tuple(loaded["goal"]),
        measures=measures,
        reports=tuple(loaded["report"]),
        translations=tuple(loaded["translations"]),
        broken_files=frozenset(broken),
        views=plan_views(measures),
    )
    return LoadResult(plan, diagnostics, files)


def _shown_as(read: ReadResult, shown: str) -> ReadResult:
    """A problem found before reading (size, permissions), under the path shown to the user."""
    return ReadResult(
        None,
        [Diagnostic(shown, d.line, d.col, d.message, d.severity, d.hint) for d in read.diagnostics],
    )


def _read_cached(raw: bytes, shown: str, cache: parse_cache.ParseCache | None) -> ReadResult:
    """Parse a file, or take its parsed form from the cache when its bytes are unchanged."""
    if cache is None:
        return read_yaml_bytes(raw, shown)
    key = parse_cache.entry_key(raw)
    entry = cache.get(key)
    if entry is not None:
        data, problems, replaced, marks, keys = entry
        return ReadResult(
            data,
            [
                Diagnostic(shown, line, col, message, severity, hint)  # type: ignore[arg-type]
                for line, col, message, severity, hint in problems
            ],
            set(replaced),
            Positions.from_bytes(marks, keys),
        )
    read = read_yaml_bytes(raw, shown)
    cache.put(
        key,
        (
            read.data,
            [(d.line, d.col, d.message, d.severity, d.hint) for d in read.diagnostics],
            list(read.replaced),
            read.positions.to_bytes() if read.positions else b"",
            read.positions.keys if read.positions else [],
        ),
    )
    return read


def _under_any(pointer: tuple[str | int, ...] | None, places: set[tuple[str | int, ...]]) -> bool:
    """True when a schema problem sits at or below a value the reader already refused."""
    if pointer is None:
        return False
    return any(pointer[: len(place)] == place for place in places)
