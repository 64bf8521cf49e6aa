"""Plan files -> validated models, with every problem as a diagnostic placed in its file.

Which file is which kind is `layout`'s business; this module reads each file once (from the
plan directory, or from a git revision held in memory), validates it against its model
(`file_models`), and keeps what is needed to place later problems (the positions taken while
reading) and to show them (the file's bytes). Nothing is parsed twice, and with the parse cache
nothing unchanged is parsed, validated or checked again: `check_plan` of an unchanged plan reads
back its problems, and the plan itself only when a command asks for it (see parse_cache).
Importing this module imports neither pydantic nor the YAML parser; the models come with the
first file that has to be validated or read back.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cas_plan.core import layout, parse_cache
from cas_plan.core.diagnostics import Diagnostic, printable, sort_key
from cas_plan.core.errors import UsageError
from cas_plan.core.yaml_reader import (
    Positions,
    ReadResult,
    decode,
    line_locator,
    read_file_bytes,
    read_yaml_bytes,
    read_yaml_text,
)

if TYPE_CHECKING:
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
    from cas_plan.core.views import ActivityView


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
    """What is kept of a file read: its bytes (to show problems) and where its values stand,
    as taken while reading or as kept in the parse cache (read back when a problem is placed)."""

    raw: bytes | None
    stored_positions: Positions | bytes | None
    text: str | None = None  # proposed content that is not on disk

    def source_text(self) -> str | None:
        if self.text is not None:
            return self.text
        return decode(self.raw, "")[0] if self.raw is not None else None

    def positions(self) -> Positions | None:
        if isinstance(self.stored_positions, bytes):
            marks, keys = parse_cache.plain_load(self.stored_positions)
            return Positions.from_bytes(marks, keys)
        return self.stored_positions


class PlanSize(NamedTuple):
    measures: int
    activities: int


@dataclass
class LoadResult:
    """A plan read and its problems. `source` is the plan, or how to assemble it from the parse
    cache when only its problems were read back: `plan` assembles it on first use."""

    source: Plan | Callable[[], Plan]
    diagnostics: list[Diagnostic]
    files: dict[str, FileRecord] = field(default_factory=dict)  # by shown path
    stored_size: PlanSize | None = None

    @functools.cached_property
    def plan(self) -> Plan:
        return self.source if isinstance(self.source, Plan) else self.source()

    @property
    def size(self) -> PlanSize:
        if self.stored_size is not None:
            return self.stored_size
        return PlanSize(len(self.plan.measures), len(self.plan.views))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def placed(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Diagnostics with line:col filled in from the positions taken at read time, sorted."""
        places: dict[str, tuple[Positions, Callable[[int], tuple[int, int]]] | None] = {}
        out = []
        for d in diagnostics:
            if d.located:
                out.append(d)
                continue
            if d.path not in places:
                places[d.path] = self._place_of(d.path)
            place = places[d.path]
            if place is None or d.pointer is None:
                out.append(d.at(1, 1))
                continue
            positions, line_of = place
            out.append(d.at(*line_of(positions.locate(d.pointer, key=d.at_key))))
        return sorted(out, key=sort_key)

    def _place_of(self, path: str) -> tuple[Positions, Callable[[int], tuple[int, int]]] | None:
        record = self.files.get(path)
        positions = record.positions() if record is not None else None
        text = record.source_text() if record is not None else None
        if positions is None or text is None:
            return None
        return positions, line_locator(text)

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
    cache = _cache_of(listing, use_cache)
    result = _load(listing, shown_root, overlay, cache, {})
    if cache is not None:
        cache.save()
    return result


def check_plan(
    listing: Listing,
    shown_root: str,
    as_of: dt.date,
    overlay: dict[str, str] | None = None,
    *,
    use_cache: bool = True,
    profile: str | None = None,
) -> LoadResult:
    """Load a plan and run every check (core/checks.py); all diagnostics placed and in file
    order.

    `overlay` (relative path -> text) checks proposed file contents instead of those on disk;
    `use_cache` lets unchanged files, and an unchanged plan's problems, come from the parse
    cache; `profile` adds a profile's checks (core/law.py) to the plan's own.
    """
    with no_garbage_collection():
        cache = _cache_of(listing, use_cache)
        raws = {r: listing.read(r) for r in listing.found if r not in (overlay or {})}
        listing = Listing(listing.found, listing.refused, raws.__getitem__, listing.root)
        keys = {r: parse_cache.file_key(raw) for r, raw in raws.items() if isinstance(raw, bytes)}
        key = None
        if cache is not None and overlay is None and len(keys) == len(raws):
            key = _plan_key(listing, keys, shown_root, as_of, profile)
            stored = cache.get(key)
            if stored is not None:
                return _checked_from(stored, listing, shown_root, cache, keys)
        result = _load(listing, shown_root, overlay, cache, keys)
        from cas_plan.core.checks import run_checks

        checked = run_checks(result.plan, as_of, profile)
        result.diagnostics = result.placed(result.diagnostics + checked)
        if cache is not None:
            if key is not None:
                problems = [(d.path, *_kept(d)) for d in result.diagnostics]
                cache.put(key, (problems, tuple(result.size)))
            cache.save()
    return result


def _plan_key(
    listing: Listing, keys: dict[str, bytes], shown_root: str, as_of: dt.date, profile: str | None
) -> bytes:
    refused = [f"{r.relative}\0{r.message}\0{r.hint}" for r in listing.refused]
    files = [f"{relative}\0{keys[relative].hex()}" for relative in sorted(keys)]
    return parse_cache.plan_key(shown_root, as_of.isoformat(), profile or "", refused, files)


def _checked_from(
    stored: Any,
    listing: Listing,
    shown_root: str,
    cache: parse_cache.ParseCache,
    keys: dict[str, bytes],
) -> LoadResult:
    """An unchanged plan's problems as checked before; the plan assembled when asked for."""
    problems, size = stored
    files = {
        _show(shown_root, relative): FileRecord(listing.read(relative), None)  # type: ignore[arg-type]
        for relative in keys
    }
    return LoadResult(
        lambda: _load(listing, shown_root, None, cache, keys).plan,
        [Diagnostic(*problem) for problem in problems],
        files,
        PlanSize(*size),
    )


@contextmanager
def no_garbage_collection() -> Iterator[None]:
    """Load without the cyclic garbage collector.

    Loading creates millions of objects and keeps them: the collector would scan the growing
    heap again and again (half the time of a 100x plan) and find nothing, since plan data has no
    reference cycles. (The command line goes further, see cli.main.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collecting_garbage() -> Iterator[None]:
    """The cyclic garbage collector on while a command makes many short-lived objects that
    refer to each other (rendered Jinja2 pages, openpyxl workbooks): the command line turns it
    off, since a loaded plan has no reference cycles, but these leave cycles that would all be
    kept (a site of 100x the plan took 1.4 GB, collect 560 MB). What is loaded by then is
    frozen first, so the collector never scans the plan; what the block left is collected as
    it ends (the next block would freeze it for good)."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.collect()  # scans only what the block made: the rest is frozen
        if not enabled:
            gc.disable()


def _cache_of(listing: Listing, use_cache: bool) -> parse_cache.ParseCache | None:
    if use_cache and listing.root is not None and parse_cache.enabled():
        return parse_cache.ParseCache(listing.root)
    return None


def _show(shown_root: str, relative: str) -> str:
    return os.path.join(shown_root, printable(relative))


class _FileOutcome(NamedTuple):
    model: Any  # the file's model, None when the file is broken
    problems: list[Diagnostic]
    record: FileRecord | None


def _load(
    listing: Listing,
    shown_root: str,
    overlay: dict[str, str] | None,
    cache: parse_cache.ParseCache | None,
    keys: dict[str, bytes],
) -> LoadResult:
    from cas_plan.core.model import Loaded

    diagnostics: list[Diagnostic] = []
    files: dict[str, FileRecord] = {}
    for refused in listing.refused:  # never shown with its text: it may be outside the plan
        diagnostics.append(
            Diagnostic(
                _show(shown_root, refused.relative), 1, 1, refused.message, hint=refused.hint
            )
        )
    found = sorted(set(listing.found) | set(overlay or {}))  # a change may add a file
    present = set(found)
    for required in layout.REQUIRED_FILES:
        if required not in present:
            diagnostics.append(
                Diagnostic(
                    _show(shown_root, required), 1, 1, "missing plan file", hint=layout.LAYOUT_HINT
                )
            )
    loaded: dict[str, list[Loaded[Any]]] = {kind: [] for kind in layout.KINDS}
    broken: set[str] = set()
    for relative in found:
        shown = _show(shown_root, relative)
        kind = layout.kind_of(relative)
        if kind is None:
            diagnostics.append(
                Diagnostic(shown, 1, 1, "not a plan file name", hint=layout.misnamed_hint(relative))
            )
            continue
        if overlay is not None and relative in overlay:
            outcome = _from_text(kind, overlay[relative], shown)
        else:
            outcome = _from_source(kind, listing.read(relative), shown, cache, keys.get(relative))
        diagnostics.extend(outcome.problems)
        if outcome.record is not None:
            files[shown] = outcome.record
        if outcome.model is None:
            broken.add(relative)
            continue
        loaded[kind].append(Loaded(outcome.model, shown))
    return LoadResult(_assemble(listing, shown_root, loaded, broken), diagnostics, files)


def _assemble(
    listing: Listing, shown_root: str, loaded: dict[str, list[Loaded[Any]]], broken: set[str]
) -> Plan:
    from cas_plan.core.views import plan_views

    def one(kind: str) -> Loaded[Any] | None:
        return loaded[kind][0] if loaded[kind] else None

    measures = tuple(loaded["measure"])
    return Plan(
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


def _kept(d: Diagnostic) -> parse_cache.Problem:
    """A diagnostic as the cache keeps it, without its path (a file is kept by its bytes)."""
    return (d.line, d.col, d.message, d.severity, d.hint, d.pointer, d.at_key)


def _from_text(kind: str, text: str, shown: str) -> _FileOutcome:
    read = read_yaml_text(text, shown)
    model, problems = _validated(kind, read, shown)
    return _FileOutcome(model, problems, FileRecord(None, read.positions, text))


def _from_source(
    kind: str,
    raw: bytes | ReadResult,
    shown: str,
    cache: parse_cache.ParseCache | None,
    key: bytes | None,
) -> _FileOutcome:
    """A file read and validated, or read back from the cache when its bytes are unchanged."""
    if isinstance(raw, ReadResult):  # a problem found before reading (size, permissions)
        problems = [
            Diagnostic(shown, d.line, d.col, d.message, d.severity, d.hint) for d in raw.diagnostics
        ]
        return _FileOutcome(None, problems, None)
    if cache is None:
        read = read_yaml_bytes(raw, shown)
        model, problems = _validated(kind, read, shown)
        return _FileOutcome(model, problems, FileRecord(raw, read.positions))
    key = key or parse_cache.file_key(raw)
    stored = cache.get(key)
    if stored is not None:
        kept, model_blob, positions_blob = stored
        model = parse_cache.model_load(model_blob) if model_blob is not None else None
        problems = [Diagnostic(shown, *problem) for problem in kept]
        return _FileOutcome(model, problems, FileRecord(raw, positions_blob))
    read = read_yaml_bytes(raw, shown)
    model, problems = _validated(kind, read, shown)
    marks = (read.positions.to_bytes(), read.positions.keys) if read.positions else None
    cache.put(
        key,
        (
            [_kept(d) for d in problems],
            parse_cache.dump(model) if model is not None else None,
            parse_cache.dump(marks) if marks is not None else None,
        ),
    )
    return _FileOutcome(model, problems, FileRecord(raw, read.positions))


def _validated(kind: str, read: ReadResult, shown: str) -> tuple[Any, list[Diagnostic]]:
    """The file's model (None when it is broken) and every problem of reading and validating it."""
    problems = list(read.diagnostics)
    if read.data is None and not read.ok:
        return None, problems
    from cas_plan.core.file_models import FILE_MODELS, validate

    schema_problems: list[Diagnostic] = []
    model = validate(FILE_MODELS[kind], read.data, shown, schema_problems)
    problems += [d for d in schema_problems if not _under_any(d.pointer, read.replaced)]
    return (model if read.ok else None), problems


def _under_any(pointer: tuple[str | int, ...] | None, places: set[tuple[str | int, ...]]) -> bool:
    """True when a schema problem sits at or below a value the reader already refused."""
    if pointer is None:
        return False
    return any(pointer[: len(place)] == place for place in places)
