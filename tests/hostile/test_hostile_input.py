"""Hostile and broken input: `casplan validate` never crashes, always says where, reports every file.

Property-based tests (hypothesis) run `casplan validate` on mutated copies of the real plan
(plan/ copied into a temporary directory, one or several files mutated):

- must-break mutations (object tags, duplicate keys, deleted required keys, wrong types, bytes that
  are not UTF-8, control characters, empty and null files, tab indentation, a file cut inside a
  quoted string, duplicated ids), optionally with CRLF line ends and a BOM on top: exit 1 and
  exactly the expected `path:line:col: error: message` lines, one set per broken file, while the
  warnings of the other files are still reported;
- mutations that may or may not break a file (random byte flips, truncation, deleted, duplicated,
  swapped or re-indented lines, inserted text or bytes): no traceback, exit 0 or 1 as the errors
  say, every problem on one line with line:col inside its file, text and JSON output agree, and a
  file that is not UTF-8 or not YAML at all is always reported;
- mutations that keep a file valid (CRLF, CR, BOM, trailing blanks, comments): exit 0 and the same
  output as the real plan.

Named cases cover what random mutation does not reach: tags that would construct objects or run a
command (a marker file shows nothing ran), alias bombs (one in a subprocess under a 1 GB address
space limit), deep nesting, the size limit, symbolic links, FIFOs, unreadable files and
directories, file names that are not UTF-8 or hold control characters.

Counts: every plan validated and every file mutation is counted by category; with
CASPLAN_FUZZ_REPORT=path the counts, the tracebacks seen (0) and the real plan files changed by the
run (0, checked by sha256 before and after) are written to that path as JSON when the module ends.
CASPLAN_FUZZ_EXAMPLES=N runs N examples per property instead of the default 25-70 (reproducible:
hypothesis is derandomized and keeps no example database).

Tests marked xfail(strict=True) name a bug outside the reader and the loader (see their reasons).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import types
import typing
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from cas_plan.cli import app
from cas_plan.core import yaml_reader as yamlread
from cas_plan.core.model import (
    AbbreviationsFile,
    EventsFile,
    GoalFile,
    MeasureFile,
    OrganizationFile,
    PlanFile,
)
from plans import REAL_PLAN

# --- the collector the README quotes ------------------------------------------------------------

STATS: Counter[str] = Counter()


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def fuzz_report():
    """The module's collector: counts what was tried; at the end checks that the real plan is
    byte-identical to what it was before (sha256 of every file) and writes the counts as JSON to
    $CASPLAN_FUZZ_REPORT when that is set."""
    before = _digest(REAL_PLAN)
    started = time.monotonic()
    yield STATS
    after = _digest(REAL_PLAN)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    plans = {
        k.removeprefix("plans."): v for k, v in sorted(STATS.items()) if k.startswith("plans.")
    }
    mutations = {
        k.removeprefix("mutations."): v
        for k, v in sorted(STATS.items())
        if k.startswith("mutations.")
    }
    report = {
        "plans_validated": plans,
        "plans_validated_total": sum(plans.values()),
        "file_mutations": mutations,
        "file_mutations_total": sum(mutations.values()),
        "validate_runs": STATS["runs"],
        "tracebacks": STATS["tracebacks"],
        "tracebacks_in_known_bugs": STATS["tracebacks_in_known_bugs"],
        "real_plan_files_changed": len(changed),
        "copied_files_changed_by_validate": STATS["copies_changed"],
        "real_plan_sha256": hashlib.sha256(json.dumps(after, sort_keys=True).encode()).hexdigest(),
        "seconds": round(time.monotonic() - started, 1),
    }
    destination = os.environ.get("CASPLAN_FUZZ_REPORT")
    if destination:
        Path(destination).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    assert not changed, f"the real plan changed during the run: {changed}"


CURRENT = {"xfail": False}


@pytest.fixture(autouse=True)
def _known_bug(request):
    """Tracebacks in tests marked xfail (known bugs elsewhere) are counted apart."""
    CURRENT["xfail"] = request.node.get_closest_marker("xfail") is not None
    yield
    CURRENT["xfail"] = False


EXAMPLES = int(os.environ.get("CASPLAN_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int):
    """A property's settings: reproducible (derandomized), no deadline, no example database."""
    return settings(
        max_examples=EXAMPLES or examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


# --- running casplan validate and reading its output --------------------------------------------

RUNNER = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "GITHUB_ACTIONS": None, "CASPLAN_PLAN": None}
HEADLINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.*)$"
)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


@dataclass
class Outcome:
    exit_code: int
    output: str
    problems: list[Problem]

    def errors(self, path: str | None = None) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error" and path in (None, p.path)]

    def warnings(self) -> set[Problem]:
        return {p for p in self.problems if p.severity == "warning"}


def invoke(plan: Path, category: str | None, *extra: str, cache: str = "on") -> Any:
    """`casplan validate --plan PLAN` in-process, counted; an escaping exception fails the test.
    cache="off" runs it with CASPLAN_NO_CACHE=1 (no parse cache, no stored results)."""
    if category is not None:
        STATS[f"plans.{category}"] += 1
    STATS["runs"] += 1
    env = {**ENV, "CASPLAN_NO_CACHE": "1" if cache == "off" else None}
    result = RUNNER.invoke(
        app, ["validate", "--plan", str(plan), *extra], env=env, catch_exceptions=True
    )
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    if escaped or "Traceback" in result.output:
        STATS["tracebacks_in_known_bugs" if CURRENT["xfail"] else "tracebacks"] += 1
        detail = "".join(traceback.format_exception(*result.exc_info)) if escaped else ""
        pytest.fail(f"{category}: an exception escaped\n{detail}{result.output[-3000:]}")
    return result


def validate(plan: Path, category: str | None, *extra: str, cache: str = "on") -> Outcome:
    """`casplan validate --plan PLAN`: never a traceback, always exit 0 or 1."""
    result = invoke(plan, category, *extra, cache=cache)
    assert result.exit_code in (0, 1), (category, result.exit_code, result.output[-3000:])
    if "--format" in extra:
        return Outcome(result.exit_code, result.output, [])
    return Outcome(result.exit_code, result.output, headlines(result.output, plan))


def headlines(output: str, plan: Path) -> list[Problem]:
    """Every `path:line:col: severity: message` line; any other line naming a plan file is wrong."""
    problems = []
    for line in output.split("\n"):
        if not line.startswith(f"{plan}/"):
            continue
        match = HEADLINE.match(line)
        assert match, f"not a path:line:col: severity: message line: {line!r}"
        problems.append(
            Problem(
                match["path"],
                int(match["line"]),
                int(match["col"]),
                match["severity"],
                match["message"],
            )
        )
    return problems


def summary_line(output: str) -> str:
    return [line for line in output.split("\n") if line][-1]


# --- the real plan, and what can be mutated where -----------------------------------------------

REAL: dict[str, bytes] = {
    p.relative_to(REAL_PLAN).as_posix(): p.read_bytes() for p in sorted(REAL_PLAN.rglob("*.yaml"))
}
FILES = sorted(REAL)
MODELS: dict[str, type[BaseModel]] = {
    "plan.yaml": PlanFile,
    "organization.yaml": OrganizationFile,
    "events.yaml": EventsFile,
    "abbreviations.yaml": AbbreviationsFile,
}


def model_of(rel: str) -> type[BaseModel]:
    if rel in MODELS:
        return MODELS[rel]
    return GoalFile if rel.endswith("/goal.yaml") else MeasureFile


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _field(model: type[BaseModel], path: tuple[str | int, ...]) -> Any:
    """The pydantic field at a YAML path (None where the path leaves the models)."""
    current: Any = model
    for step in path[:-1]:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(step)
        if info is None:
            return None
        current = _model_in(info.annotation)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return None
    return current.model_fields.get(str(path[-1]))


def _is_text(annotation: Any) -> bool:
    """str, Annotated[str, ...] or their Optional: the schema says 'should be text'."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_text(typing.get_args(annotation)[0])
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return len(args) == 1 and _is_text(args[0])
    return annotation is str


@dataclass(frozen=True)
class Site:
    """A `key: value` line of a block mapping whose value is one scalar on that line."""

    line: int  # 0-based
    key: str
    key_col: int  # 0-based
    value: str
    value_col: int  # 0-based, start of the value
    value_end: int  # 0-based, end of the value
    quoted: bool
    path: tuple[str | int, ...]
    required: bool
    text: bool
    first: bool  # the first key of its mapping
    dash: bool  # the line starts a sequence item ("- key: value")
    anchor: tuple[int, int]  # where a key missing from this mapping is reported (1-based)


@dataclass(frozen=True)
class Item:
    """A block sequence item holding ids (an activity, a unit, an event): lines [start, end)."""

    start: int
    end: int
    what: str
    ids: tuple[Site, ...]


@dataclass
class FileInfo:
    lines: list[str]
    sites: list[Site] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


_ITEM_KINDS = {
    "activities": "activity",
    "sub_activities": "activity",
    "units": "unit",
    "events": "event",
}


def _info(rel: str) -> FileInfo:
    text = REAL[rel].decode("utf-8")
    info = FileInfo(text.split("\n"))
    model = model_of(rel)
    root = yaml.compose(text, Loader=yaml.CSafeLoader)

    def walk(node: Any, path: tuple[str | int, ...], anchor: tuple[int, int]) -> None:
        if isinstance(node, yaml.MappingNode):
            for index, (key, value) in enumerate(node.value):
                kline, kcol = key.start_mark.line, key.start_mark.column
                single = (
                    isinstance(value, yaml.ScalarNode)
                    and value.style not in ("|", ">")
                    and value.value != ""
                    and value.start_mark.line == kline
                    and value.end_mark.line == kline
                    and not node.flow_style
                    and re.fullmatch(r"[ -]*", info.lines[kline][:kcol]) is not None
                    and isinstance(key, yaml.ScalarNode)
                    and not key.style
                )
                here = (*path, key.value)
                if single:
                    spec = _field(model, here)
                    info.sites.append(
                        Site(
                            kline,
                            key.value,
                            kcol,
                            value.value,
                            value.start_mark.column,
                            value.end_mark.column,
                            value.style in ('"', "'"),
                            here,
                            spec is not None and spec.is_required(),
                            spec is not None and _is_text(spec.annotation),
                            index == 0,
                            "-" in info.lines[kline][:kcol],
                            anchor,
                        )
                    )
                walk(value, here, (kline + 1, kcol + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                mark = (item.start_mark.line + 1, item.start_mark.column + 1)
                walk(item, (*path, index), mark)
                what = _ITEM_KINDS.get(str(path[-1])) if path else None
                if what and isinstance(item, yaml.MappingNode) and not node.flow_style:
                    start, end = item.start_mark.line, item.end_mark.line
                    if item.end_mark.column != 0 or end <= start:
                        continue
                    ids = tuple(s for s in info.sites if start <= s.line < end and s.key == "id")
                    info.items.append(Item(start, end, what, ids))

    walk(root, (), (root.start_mark.line + 1, root.start_mark.column + 1))
    return info


INFO: dict[str, FileInfo] = {rel: _info(rel) for rel in FILES}


def copy_plan(base: Path, name: str = "p") -> Path:
    target = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
    for rel, raw in REAL.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(raw)
    return target


def check_copy_unchanged(plan: Path, written: dict[str, bytes]) -> None:
    """validate reads: every file of the copy is still what the test wrote."""
    for rel, raw in {**REAL, **written}.items():
        if (plan / rel).is_file() and (plan / rel).read_bytes() != raw:
            STATS["copies_changed"] += 1
            pytest.fail(f"validate changed {rel}")


# --- baseline: the real plan as it is -----------------------------------------------------------


def _normalized(outcome: Outcome, plan: Path) -> str:
    return outcome.output.replace(str(plan), "<plan>")


@dataclass
class Baseline:
    plan: Path
    outcome: Outcome
    per_file: dict[str, set[tuple[int, int, str, str]]]  # the warnings of each file


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Baseline:
    """An unmutated copy of the real plan: valid, with its five uncertain readings as warnings."""
    plan = copy_plan(tmp_path_factory.mktemp("baseline"))
    outcome = validate(plan, "baseline")
    assert outcome.exit_code == 0, outcome.output
    assert not outcome.errors()
    per_file: dict[str, set[tuple[int, int, str, str]]] = {}
    for p in outcome.problems:
        rel = os.path.relpath(p.path, plan)
        per_file.setdefault(rel, set()).add((p.line, p.col, p.severity, p.message))
    assert sum(map(len, per_file.values())) == 5  # the five uncertain readings
    return Baseline(plan, outcome, per_file)


def expected_warnings(plan: Path, per_file: dict[str, set], skip: set[str]) -> set[Problem]:
    return {
        Problem(f"{plan}/{rel}", *w) for rel, ws in per_file.items() if rel not in skip for w in ws
    }


# --- positions in a file, as an editor counts them ----------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")
_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
# What YAML accepts (the printable set of YAML 1.1/1.2): everything else is a control character.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index; lines end at \\r\\n, \\r or \\n only."""
    before = text[:index]
    starts = [m.end() for m in _BREAK.finditer(before)]
    line_start = starts[-1] if starts else 0
    return len(starts) + 1, index - line_start + 1


def in_bounds(problem: Problem) -> None:
    """line:col points into the file: a line it has, a column at most one past that line's end."""
    path = Path(problem.path)
    if path.is_symlink() or not path.is_file() or path.stat().st_size > yamlread.MAX_FILE_BYTES:
        assert (problem.line, problem.col) == (1, 1), problem
        return
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        lines: Sequence[str | bytes] = _BREAK.split(raw.decode("utf-8"))
    except UnicodeDecodeError:
        lines = _BREAK_BYTES.split(raw)
    assert 1 <= problem.line <= len(lines), (str(problem), len(lines))
    assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, (
        str(problem),
        lines[problem.line - 1],
    )


# --- mutations that must break a file, with the exact lines they must produce -------------------


@dataclass(frozen=True)
class Expect:
    line: int
    col: int
    message: str
    prefix: bool = False  # the message only starts so (YAML syntax errors worded by libyaml)

    def matches(self, problem: Problem, plan: Path) -> bool:
        message = self.message.replace("{plan}", str(plan))
        return (problem.line, problem.col, problem.severity) == (self.line, self.col, "error") and (
            problem.message.startswith(message) if self.prefix else problem.message == message
        )


Pick = Callable[[Sequence[Any]], Any]
MARKER_NAME = "constructed-by-yaml"


def _lines_to_bytes(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _replace_value(rel: str, site: Site, new: str) -> bytes:
    lines = list(INFO[rel].lines)
    line = lines[site.line]
    lines[site.line] = line[: site.value_col] + new + line[site.value_end :]
    return _lines_to_bytes(lines)


TAGS = [  # (tag as written, value after it, the tag as the message names it)
    ("!!python/object/apply:os.system", '["touch {marker}"]', "!!python/object/apply:os.system"),
    ("!!python/object/new:os.system", '["touch {marker}"]', "!!python/object/new:os.system"),
    (
        "!!python/object/apply:subprocess.check_call",
        '[["touch", "{marker}"]]',
        "!!python/object/apply:subprocess.check_call",
    ),
    ("!!python/name:os.system", "''", "!!python/name:os.system"),
    ("!!python/module:os", "''", "!!python/module:os"),
    ("!!python/tuple", "[1, 2]", "!!python/tuple"),
    (
        "!<tag:yaml.org,2002:python/object/apply:os.system>",
        '["touch {marker}"]',
        "!!python/object/apply:os.system",
    ),
    ("!foo", "bar", "!foo"),
    ("!custom", "{a: 1}", "!custom"),
    ("!!binary", "aGVsbG8=", "!!binary"),
    ("!!set", "{a: null}", "!!set"),
    ("!!omap", "[{a: 1}]", "!!omap"),
]


def tag_message(short: str) -> str:
    return f"YAML tag '{short}' is not allowed in a plan file (nothing was constructed)"


def m_tag(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    site = pick(INFO[rel].sites)
    tag, value, short = pick(TAGS)
    raw = _replace_value(rel, site, f"{tag} {value.replace('{marker}', str(marker))}")
    return raw, [Expect(site.line + 1, site.value_col + 1, tag_message(short))]


def m_duplicate_key(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    site = pick([s for s in INFO[rel].sites if not s.dash])
    lines = list(INFO[rel].lines)
    lines.insert(site.line + 1, lines[site.line])
    message = f"duplicate key '{site.key}' (first at line {site.line + 1})"
    return _lines_to_bytes(lines), [Expect(site.line + 2, site.key_col + 1, message)]


WRONG = [("[a, b]", "a list"), ("{a: b}", "a mapping"), ("true", "'true'"), ("[]", "a list")]


def m_wrong_type(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    site = pick([s for s in INFO[rel].sites if s.text])
    choices = WRONG if site.key == "id" else [*WRONG, ("42", "'42'")]
    new, described = pick(choices)
    message = f"'{site.key}' should be text, not {described}"
    return _replace_value(rel, site, new), [Expect(site.line + 1, site.value_col + 1, message)]


def m_missing_key(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    site = pick([s for s in INFO[rel].sites if s.required and not s.first])
    lines = list(INFO[rel].lines)
    del lines[site.line]
    return _lines_to_bytes(lines), [Expect(*site.anchor, f"missing key '{site.key}'")]


def _char_offset(rel: str, pick: Pick) -> tuple[str, int]:
    text = REAL[rel].decode("utf-8")
    return text, pick(range(len(text) + 1))


def m_not_utf8(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    text, index = _char_offset(rel, pick)
    byte = pick(range(0x80, 0x100))
    raw = text[:index].encode() + bytes([byte]) + text[index:].encode()
    line, col = position(text, index)
    return raw, [Expect(line, col, f"the file is not UTF-8 text (byte 0x{byte:02x})")]


CONTROL = [
    chr(c)
    for c in [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        0x7F,
        *range(0x80, 0x85),
        *range(0x86, 0xA0),
    ]
] + ["\ufffe", "\uffff"]


def control_message(char: str) -> str:
    return f"the file holds the control character U+{ord(char):04X}, which YAML does not allow"


def m_control(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    text, index = _char_offset(rel, pick)
    char = pick(CONTROL)
    line, col = position(text, index)
    return (text[:index] + char + text[index:]).encode(), [Expect(line, col, control_message(char))]


EMPTY = [b"", b"\n", b"  \n\n  \n", b"# nothing but a comment\n", b"\xef\xbb\xbf"]
NULL_DOCUMENTS = [b"~\n", b"null\n", b"---\n", b"--- ~\n...\n", b"# a comment\n---\n"]


def m_empty(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    return pick(EMPTY), [Expect(1, 1, "the file is empty")]


def m_null_document(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    return pick(NULL_DOCUMENTS), [Expect(1, 1, "the file should hold a mapping, not nothing")]


def m_tab_indent(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    site = pick([s for s in INFO[rel].sites if s.key_col > 0])
    lines = list(INFO[rel].lines)
    lines[site.line] = "\t" + lines[site.line].lstrip(" ")
    return _lines_to_bytes(lines), [Expect(site.line + 1, 1, "YAML syntax: ", prefix=True)]


def m_cut_in_quotes(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    site = pick([s for s in INFO[rel].sites if s.quoted])
    lines = INFO[rel].lines[: site.line + 1]
    lines[-1] = lines[-1][: site.value_col + 1]
    message = "YAML syntax: while scanning a quoted scalar found unexpected end of stream"
    return _lines_to_bytes(lines), [Expect(site.line + 1, site.value_col + 2, message)]


def m_duplicate_item(rel: str, pick: Pick, marker: Path) -> tuple[bytes, list[Expect]]:
    item = pick([i for i in INFO[rel].items if i.ids])
    lines = list(INFO[rel].lines)
    block = lines[item.start : item.end]
    lines[item.end : item.end] = block
    shown = "{plan}/" + rel
    return _lines_to_bytes(lines), [
        Expect(
            s.line + len(block) + 1,
            s.value_col + 1,
            f"duplicate {item.what} id '{s.value}' (also in {shown})",
        )
        for s in item.ids
    ]


Mutator = Callable[[str, Pick, Path], tuple[bytes, list[Expect]]]
MUST_BREAK: dict[str, Mutator] = {
    "tag": m_tag,
    "duplicate_key": m_duplicate_key,
    "wrong_type": m_wrong_type,
    "missing_key": m_missing_key,
    "not_utf8": m_not_utf8,
    "control_character": m_control,
    "empty": m_empty,
    "null_document": m_null_document,
    "tab_indent": m_tab_indent,
    "cut_in_quotes": m_cut_in_quotes,
    "duplicate_id": m_duplicate_item,
}


def applicable(rel: str) -> list[str]:
    info = INFO[rel]
    kinds = ["not_utf8", "control_character", "empty", "null_document"]
    if info.sites:
        kinds.append("tag")
    if any(not s.dash for s in info.sites):
        kinds.append("duplicate_key")
    if any(s.text for s in info.sites):
        kinds.append("wrong_type")
    if any(s.required and not s.first for s in info.sites):
        kinds.append("missing_key")
    if any(s.key_col > 0 for s in info.sites):
        kinds.append("tab_indent")
    if any(s.quoted for s in info.sites):
        kinds.append("cut_in_quotes")
    if any(i.ids for i in info.items):
        kinds.append("duplicate_id")
    return sorted(kinds)


@dataclass
class Mutation:
    rel: str
    kind: str
    raw: bytes
    expect: list[Expect]
    wrapped: str = ""


def must_break(rel: str, kind: str, pick: Pick, marker: Path, crlf: bool, bom: bool) -> Mutation:
    STATS[f"mutations.{kind}"] += 1
    raw, expect = MUST_BREAK[kind](rel, pick, marker)
    wrapped = []
    if crlf:
        raw = raw.replace(b"\n", b"\r\n")
        wrapped.append("crlf")
    if bom and not raw.startswith(b"\xef\xbb\xbf"):
        raw = b"\xef\xbb\xbf" + raw
        wrapped.append("bom")
    return Mutation(rel, kind, raw, expect, "+".join(wrapped))


def check_broken(
    outcome: Outcome, plan: Path, mutations: list[Mutation], per_file: dict[str, set]
) -> None:
    """Exit 1; each broken file has exactly its expected lines; nothing else is an error; the
    warnings of the files left alone are all still there."""
    context = "\n".join(f"{m.rel}: {m.kind} {m.wrapped} {m.expect}" for m in mutations)
    assert outcome.exit_code == 1, context + "\n" + outcome.output[-3000:]
    for problem in outcome.problems:
        in_bounds(problem)
    for m in mutations:
        got = outcome.errors(f"{plan}/{m.rel}")
        shown = [str(p) for p in got]
        assert len(got) == len(m.expect), f"{context}\ngot: {shown}"
        for e in m.expect:
            assert any(e.matches(p, plan) for p in got), f"{context}\nexpected {e}\ngot: {shown}"
    mutated = {f"{plan}/{m.rel}" for m in mutations}
    strays = [str(p) for p in outcome.errors() if p.path not in mutated]
    assert not strays, f"{context}\nerrors in files left alone: {strays}"
    missing = expected_warnings(plan, per_file, {m.rel for m in mutations}) - outcome.warnings()
    assert not missing, f"{context}\nwarnings of other files lost: {missing}"


def write(plan: Path, mutations: list[Mutation]) -> dict[str, bytes]:
    written = {}
    for m in mutations:
        (plan / m.rel).write_bytes(m.raw)
        written[m.rel] = m.raw
    return written


def drawn(data: st.DataObject) -> Pick:
    return lambda seq: data.draw(st.sampled_from(seq))


# --- properties: must-break mutations -----------------------------------------------------------


@fuzz(60)
@given(data=st.data())
def test_one_broken_file_is_reported_exactly(tmp_path_factory, baseline, data):
    """One real file, broken one way (optionally CRLF and BOM on top): exactly its lines, exit 1."""
    per_file = baseline.per_file
    base = tmp_path_factory.getbasetemp()
    plan = copy_plan(base)
    marker = plan.parent / f"{plan.name}-{MARKER_NAME}"
    rel = data.draw(st.sampled_from(FILES), label="file")
    kind = data.draw(st.sampled_from(applicable(rel)), label="kind")
    mutation = must_break(
        rel,
        kind,
        drawn(data),
        marker,
        data.draw(st.booleans(), label="crlf"),
        data.draw(st.booleans(), label="bom"),
    )
    written = write(plan, [mutation])
    outcome = validate(plan, "must_break.one_file")
    check_broken(outcome, plan, [mutation], per_file)
    assert not marker.exists(), "a YAML tag ran a command"
    check_copy_unchanged(plan, written)
    shutil.rmtree(plan)


@fuzz(40)
@given(data=st.data())
def test_several_broken_files_are_each_reported(tmp_path_factory, baseline, data):
    """Two to six files broken in different ways in one run: each one's lines, no others."""
    per_file = baseline.per_file
    plan = copy_plan(tmp_path_factory.getbasetemp())
    marker = plan.parent / f"{plan.name}-{MARKER_NAME}"
    rels = data.draw(
        st.lists(st.sampled_from(FILES), min_size=2, max_size=6, unique=True), label="files"
    )
    mutations = [
        must_break(
            rel,
            data.draw(st.sampled_from(applicable(rel)), label=f"kind of {rel}"),
            drawn(data),
            marker,
            data.draw(st.booleans()),
            data.draw(st.booleans()),
        )
        for rel in rels
    ]
    written = write(plan, mutations)
    outcome = validate(plan, "must_break.several_files")
    check_broken(outcome, plan, mutations, per_file)
    assert not marker.exists(), "a YAML tag ran a command"
    check_copy_unchanged(plan, written)
    shutil.rmtree(plan)


def test_every_real_file_broken_in_one_run(tmp_path, baseline):
    """All the real files at once, each broken by the next kind that applies to it."""
    per_file = baseline.per_file
    plan = copy_plan(tmp_path)
    marker = tmp_path / MARKER_NAME
    mutations = []
    order = sorted(MUST_BREAK)
    for number, rel in enumerate(FILES):
        kinds = applicable(rel)
        kind = next(
            k for n in range(len(order)) if (k := order[(number + n) % len(order)]) in kinds
        )
        mutations.append(
            must_break(
                rel, kind, lambda seq: seq[len(seq) // 2], marker, number % 3 == 0, number % 4 == 0
            )
        )
    assert len({m.kind for m in mutations}) == len(MUST_BREAK)
    write(plan, mutations)
    outcome = validate(plan, "must_break.every_file")
    check_broken(outcome, plan, mutations, per_file)
    assert summary_line(outcome.output).startswith(f"{plan}: INVALID: ")
    assert not marker.exists()


def test_every_third_file_broken_leaves_the_rest_checked(tmp_path, baseline):
    """Broken files drop out; the others still load, are cross-checked and keep their warnings."""
    per_file = baseline.per_file
    plan = copy_plan(tmp_path)
    mutations = [
        must_break(
            rel,
            "duplicate_key" if "duplicate_key" in applicable(rel) else "not_utf8",
            lambda seq: seq[-1],
            tmp_path / MARKER_NAME,
            False,
            False,
        )
        for rel in FILES[::3]
    ]
    write(plan, mutations)
    outcome = validate(plan, "must_break.every_third_file")
    check_broken(outcome, plan, mutations, per_file)
    assert len(outcome.warnings()) >= 1


# --- properties: mutations that may or may not break a file -------------------------------------


def _flip(raw: bytes, data: st.DataObject) -> bytes:
    buffer = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 4), label="flips")):
        if not buffer:
            break
        at = data.draw(st.integers(0, len(buffer) - 1), label="at")
        buffer[at] = data.draw(st.integers(0, 255), label="byte")
    return bytes(buffer)


def _lines_op(raw: bytes, data: st.DataObject, op: str) -> bytes:
    lines = raw.split(b"\n")
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    j = data.draw(st.integers(0, len(lines) - 1), label="other line")
    if op == "delete_line":
        del lines[i]
    elif op == "duplicate_line":
        lines.insert(i, lines[i])
    elif op == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "swap_indentation":
        a, b = lines[i], lines[j]
        ia, ib = len(a) - len(a.lstrip(b" ")), len(b) - len(b.lstrip(b" "))
        lines[i], lines[j] = b" " * ib + a.lstrip(b" "), b" " * ia + b.lstrip(b" ")
    elif op == "reindent":
        shift = data.draw(st.integers(-4, 4).filter(bool), label="shift")
        indent = len(lines[i]) - len(lines[i].lstrip(b" "))
        lines[i] = b" " * max(indent + shift, 0) + lines[i].lstrip(b" ")
    return b"\n".join(lines)


MAYBE = [
    "flip_bytes",
    "truncate",
    "delete_line",
    "duplicate_line",
    "swap_lines",
    "swap_indentation",
    "reindent",
    "insert_text",
    "insert_bytes",
    "replace_file",
]


def maybe_break(raw: bytes, kind: str, data: st.DataObject) -> bytes:
    if kind == "flip_bytes":
        return _flip(raw, data)
    if kind == "truncate":
        return raw[: data.draw(st.integers(0, len(raw)), label="cut at")]
    if kind == "insert_text":
        text = raw.decode("utf-8")
        at = data.draw(st.integers(0, len(text)), label="at")
        return (
            text[:at] + data.draw(st.text(min_size=1, max_size=8), label="text") + text[at:]
        ).encode("utf-8", "surrogatepass")
    if kind == "insert_bytes":
        at = data.draw(st.integers(0, len(raw)), label="at")
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=8), label="bytes") + raw[at:]
    if kind == "replace_file":
        return data.draw(
            st.one_of(
                st.binary(max_size=64),
                st.text(max_size=64).map(lambda t: t.encode("utf-8", "surrogatepass")),
            ),
            label="content",
        )
    return _lines_op(raw, data, kind)


def _libyaml_composes(text: str) -> bool:
    try:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return False
    return True


@fuzz(70)
@given(data=st.data())
def test_random_damage_never_crashes_and_always_locates(tmp_path_factory, baseline, data):
    """Random damage to one to three files: no traceback, a clean verdict, every problem on one
    line inside its file, text and JSON agree, non-UTF-8 or non-YAML files always reported."""
    per_file = baseline.per_file
    plan = copy_plan(tmp_path_factory.getbasetemp())
    rels = data.draw(
        st.lists(st.sampled_from(FILES), min_size=1, max_size=3, unique=True), label="files"
    )
    written = {}
    for rel in rels:
        kind = data.draw(st.sampled_from(MAYBE), label=f"damage to {rel}")
        STATS[f"mutations.{kind}"] += 1
        written[rel] = maybe_break(REAL[rel], kind, data)
        (plan / rel).write_bytes(written[rel])
    outcome = validate(plan, "random_damage")
    as_json = validate(plan, None, "--format", "json")
    assert as_json.exit_code == outcome.exit_code
    problems = json.loads(as_json.output)
    assert {
        f"{p['file']}:{p['line']}:{p['column']}: {p['severity']}: {p['message']}" for p in problems
    } == {str(p) for p in outcome.problems}
    assert all("\n" not in p["message"] and "\r" not in p["message"] for p in problems), problems
    for problem in outcome.problems:
        in_bounds(problem)
    assert (outcome.exit_code == 1) == bool(outcome.errors()), outcome.output[-3000:]
    verdict = "INVALID" if outcome.exit_code else "valid"
    assert summary_line(outcome.output).startswith(f"{plan}: {verdict}: ")
    for rel, raw in written.items():
        shown = f"{plan}/{rel}"
        body = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = body[: exc.start].decode("utf-8")
            line, col = position(before, len(before))
            message = f"the file is not UTF-8 text (byte 0x{body[exc.start]:02x})"
            assert [str(p) for p in outcome.errors(shown)] == [
                f"{shown}:{line}:{col}: error: {message}"
            ], outcome.output[-3000:]
            continue
        bad = _NOT_PRINTABLE.search(text)
        if (
            bad
        ):  # reported; where the message names it, at its place (a syntax error may come first)
            line, col = position(text, bad.start())
            assert outcome.errors(shown), f"{rel} holds {bad.group()!r} but was not reported"
            for p in outcome.errors(shown):
                if p.message == control_message(bad.group()):
                    assert (p.line, p.col) == (line, col), str(p)
        elif not text.strip() or not _libyaml_composes(text):
            assert outcome.errors(shown), f"{rel} is not YAML but was not reported"
    missing = expected_warnings(plan, per_file, set(written)) - outcome.warnings()
    assert not missing, f"warnings of files left alone were lost: {missing}"
    check_copy_unchanged(plan, written)
    shutil.rmtree(plan)


# --- properties: changes that keep a file valid -------------------------------------------------

KEEP_VALID = {
    "crlf": lambda raw: raw.replace(b"\n", b"\r\n"),
    "cr": lambda raw: raw.replace(b"\n", b"\r"),
    "bom": lambda raw: b"\xef\xbb\xbf" + raw,
    "bom_crlf": lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
    "no_final_newline": lambda raw: raw.rstrip(b"\n"),
    "comment_at_end": lambda raw: raw + b"\n# a comment \xe2\x80\x94 with a dash\n",
    "trailing_blanks": lambda raw: re.sub(rb"([^\n])\n", rb"\1  \n", raw),
}
SAME_SOURCE_LINES = {"crlf", "cr", "bom", "bom_crlf", "no_final_newline", "comment_at_end"}


@fuzz(25)
@given(data=st.data())
def test_line_ends_bom_and_blanks_keep_the_plan_valid(tmp_path_factory, baseline, data):
    """CRLF, CR, a BOM, no final newline, comments, trailing blanks: still valid, same output."""
    outcome0, plan0 = baseline.outcome, baseline.plan
    plan = copy_plan(tmp_path_factory.getbasetemp())
    rels = data.draw(
        st.lists(st.sampled_from(FILES), min_size=1, max_size=len(FILES), unique=True),
        label="files",
    )
    kinds = set()
    for rel in rels:
        kind = data.draw(st.sampled_from(sorted(KEEP_VALID)), label=f"change to {rel}")
        kinds.add(kind)
        (plan / rel).write_bytes(KEEP_VALID[kind](REAL[rel]))
    outcome = validate(plan, "keep_valid")
    assert outcome.exit_code == 0, outcome.output[-3000:]
    if kinds <= SAME_SOURCE_LINES:
        assert _normalized(outcome, plan) == _normalized(outcome0, plan0)
    else:
        assert {str(p).replace(str(plan), "<plan>") for p in outcome.problems} == {
            str(p).replace(str(plan0), "<plan>") for p in outcome0.problems
        }
        assert summary_line(outcome.output).replace(str(plan), "<plan>") == summary_line(
            outcome0.output
        ).replace(str(plan0), "<plan>")
    shutil.rmtree(plan)


def test_whole_plan_with_crlf_and_bom_reads_the_same(tmp_path, baseline):
    outcome0, plan0 = baseline.outcome, baseline.plan
    plan = copy_plan(tmp_path)
    for rel in FILES:
        (plan / rel).write_bytes(b"\xef\xbb\xbf" + REAL[rel].replace(b"\n", b"\r\n"))
    outcome = validate(plan, "keep_valid.whole_plan")
    assert outcome.exit_code == 0
    assert _normalized(outcome, plan) == _normalized(outcome0, plan0)


def test_a_tab_after_a_colon_is_fine_a_tab_as_indentation_is_not(tmp_path):
    plan = copy_plan(tmp_path)
    rel = "goal-1/measure-1.1.yaml"
    text = REAL[rel].decode()
    (plan / rel).write_text(text.replace("title: Harmonization", "title:\tHarmonization"))
    assert validate(plan, "named.tab").exit_code == 0
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("    title: "))
    lines[number] = "\t" + lines[number].lstrip()
    (plan / rel).write_text("\n".join(lines))
    outcome = validate(plan, "named.tab")
    (error,) = outcome.errors()
    assert (error.path, error.line, error.col) == (f"{plan}/{rel}", number + 1, 1)
    assert error.message.startswith("YAML syntax: ")


# --- named cases: tags ---------------------------------------------------------------------------

M11 = "goal-1/measure-1.1.yaml"


def _measure_with(value_line: str) -> str:
    """Measure 1.1 with its title line replaced."""
    return REAL[M11].decode().replace("title: Harmonization of procedures", value_line, 1)


@pytest.mark.parametrize(("tag", "value", "short"), TAGS, ids=[t[0] for t in TAGS])
def test_tags_that_would_construct_objects_are_refused(tmp_path, tag, value, short):
    plan = copy_plan(tmp_path)
    marker = tmp_path / MARKER_NAME
    (plan / M11).write_text(_measure_with(f"title: {tag} {value.replace('{marker}', str(marker))}"))
    outcome = validate(plan, "named.tag")
    assert [str(p) for p in outcome.errors()] == [f"{plan}/{M11}:3:8: error: {tag_message(short)}"]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        # a %TAG directive that makes `!p!` mean python/: the full tag is what is refused
        (
            '%TAG !p! tag:yaml.org,2002:python/\n---\nid: "1.1"\ntitle: !p!object/apply:os.system '
            '["touch {marker}"]\n',
            4,
            8,
            tag_message("!!python/object/apply:os.system"),
        ),
        # a tag on a key, and on the whole document
        (
            'id: "1.1"\n!!python/name:os.system title: x\n',
            2,
            1,
            tag_message("!!python/name:os.system"),
        ),
        (
            '!!python/object/apply:os.system ["touch {marker}"]\n',
            1,
            1,
            tag_message("!!python/object/apply:os.system"),
        ),
        # a tagged sequence as a key
        (
            'id: "1.1"\n? !!python/object/apply:os.system ["touch {marker}"]\n: x\n',
            2,
            3,
            "a key must be plain text, not a list or mapping",
        ),
        # merge keys pull in values from elsewhere: refused, not merged
        (
            "base: &b {title: x}\n<<: *b\n",
            2,
            1,
            "merge keys ('<<') are not supported in plan files; write the keys out",
        ),
    ],
    ids=["tag-directive", "tag-on-key", "tag-on-document", "tagged-key", "merge-key"],
)
def test_tag_tricks_are_refused(tmp_path, text, line, col, message):
    plan = copy_plan(tmp_path)
    marker = tmp_path / MARKER_NAME
    (plan / M11).write_text(text.replace("{marker}", str(marker)))
    outcome = validate(plan, "named.tag")
    assert f"{plan}/{M11}:{line}:{col}: error: {message}" in {str(p) for p in outcome.errors()}
    assert {p.path for p in outcome.errors()} == {f"{plan}/{M11}"}
    assert not marker.exists()


# --- named cases: alias bombs and deep nesting ---------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    text = 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for n in range(1, levels):
        text += f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 9) + "]\n"
    return text


BOMB_MESSAGE = (
    f"the file expands to more than {yamlread.MAX_EXPANDED_NODES:,} values "
    "(an alias bomb?); write the values out"
)


def test_alias_bomb_is_refused_quickly(tmp_path):
    plan = copy_plan(tmp_path)
    (plan / M11).write_text(f'id: "1.1"\ntitle: x\n{billion_laughs()}')
    # CPU time of this process, not wall time: an expanding bomb burns CPU, a loaded machine
    # (CI running beside other jobs) only stretches the wall clock
    started = time.process_time()
    outcome = validate(plan, "named.alias_bomb")
    assert time.process_time() - started < 10
    (error,) = outcome.errors()
    assert (error.path, error.message) == (f"{plan}/{M11}", BOMB_MESSAGE)
    in_bounds(error)


def test_recursive_alias_is_refused(tmp_path):
    plan = copy_plan(tmp_path)
    (plan / M11).write_text('id: "1.1"\ntitle: &a [*a]\nactivities: []\n')
    outcome = validate(plan, "named.recursive_alias")
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/{M11}:2:8: error: the YAML is nested more than {yamlread.MAX_DEPTH} levels deep"
    ]


def _subprocess_env(cache: str = "on") -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "CASPLAN_PLAN", "CASPLAN_NO_CACHE")
    }
    env.update(NO_COLOR="1", COLUMNS="120", PYTHONDONTWRITEBYTECODE="1")
    if cache == "off":
        env["CASPLAN_NO_CACHE"] = "1"
    src = str(Path(yamlread.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _drop_file_permission_override() -> None:
    """In a child of root: give up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (also across exec),
    so that file modes hold for it as for anyone else (Linux)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    keep = ~0b110 & 0xFFFFFFFF
    data[0].effective &= keep
    data[0].permitted &= keep
    data[0].inheritable &= keep
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def run_casplan(
    plan: Path,
    *,
    memory: int = 1 << 30,
    timeout: float = 60,
    modes_hold: bool = False,
    cache: str = "on",
) -> subprocess.CompletedProcess[str]:
    """`python -m cas_plan validate` in a child with an address-space limit (and, for root,
    without the capabilities that let it read whatever a file's mode says)."""

    def limit() -> None:  # runs in the child, before exec
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if modes_hold and os.geteuid() == 0:
            _drop_file_permission_override()

    return subprocess.run(
        [sys.executable, "-m", "cas_plan", "validate", "--plan", str(plan)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        env=_subprocess_env(cache),
        cwd=plan.parent,
        check=False,
    )


def cache_modes(why: str) -> list[Any]:
    """Run a test with the caches off (the loader's own handling) and on (the default): the
    result cache fingerprints the plan before the loader runs and must be as careful ({why})."""
    return [pytest.param("off", id="cache-off"), pytest.param("on", id="cache-on")]


def test_alias_bomb_in_a_subprocess_under_a_memory_limit(tmp_path):
    """The billion laughs, 10 levels, under RLIMIT_AS of 1 GB and a timeout: exit 1, the message,
    and a second broken file still reported in the same run."""
    plan = copy_plan(tmp_path)
    (plan / M11).write_text(f'id: "1.1"\ntitle: x\n{billion_laughs(10)}')
    (plan / "events.yaml").write_bytes(b"")
    STATS["plans.named.alias_bomb_subprocess"] += 1
    started = time.monotonic()
    done = run_casplan(plan)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    lines = headlines(done.stdout, plan)
    assert any(p.path == f"{plan}/{M11}" and p.message == BOMB_MESSAGE for p in lines), done.stdout
    assert f"{plan}/events.yaml:1:1: error: the file is empty" in {str(p) for p in lines}
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("[" * 10_000, 1, None, "YAML syntax: "),
        ("{a: " * 10_000, 1, None, "YAML syntax: "),
        ("- " * 10_000 + "x\n", 1, None, "YAML syntax: "),
        ("x: " + "[" * 10_000 + "]" * 10_000 + "\n", 1, None, "YAML syntax: "),
        (
            'id: "1.1"\ntitle: ' + "[" * 60 + "]" * 60 + "\n",
            2,
            8 + yamlread.MAX_DEPTH,
            f"the YAML is nested more than {yamlread.MAX_DEPTH} levels deep",
        ),
        (
            "".join("  " * n + f"k{n}:\n" for n in range(60)) + "  " * 60 + "v\n",
            None,
            None,
            f"the YAML is nested more than {yamlread.MAX_DEPTH} levels deep",
        ),
    ],
    ids=["10000-brackets", "10000-braces", "10000-dashes", "balanced-10000", "flow-60", "block-60"],
)
def test_deep_nesting_is_refused_quickly(tmp_path, text, line, col, message):
    plan = copy_plan(tmp_path)
    (plan / M11).write_text(text)
    started = time.monotonic()
    outcome = validate(plan, "named.deep_nesting")
    assert time.monotonic() - started < 5
    (error,) = outcome.errors()
    assert error.path == f"{plan}/{M11}"
    assert error.message.startswith(message) if message.endswith(": ") else error.message == message
    assert line is None or error.line == line
    assert col is None or error.col == col
    in_bounds(error)


# --- named cases: size, links, special and unreadable files --------------------------------------


def size_message(size: int) -> str:
    return (
        f"the file is {size:,} bytes, over the {yamlread.MAX_FILE_BYTES:,}-byte limit "
        "for a plan file"
    )


def _padded(size: int) -> bytes:
    """Measure 1.1, padded with a comment to exactly `size` bytes."""
    raw = REAL[M11] + b"# "
    return raw + b"x" * (size - len(raw) - 1) + b"\n"


def test_a_file_at_the_size_limit_is_read_one_byte_over_is_refused(tmp_path):
    plan = copy_plan(tmp_path)
    (plan / M11).write_bytes(_padded(yamlread.MAX_FILE_BYTES))
    assert validate(plan, "named.size").exit_code == 0
    (plan / M11).write_bytes(_padded(yamlread.MAX_FILE_BYTES + 1))
    outcome = validate(plan, "named.size")
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/{M11}:1:1: error: {size_message(yamlread.MAX_FILE_BYTES + 1)}"
    ]


@pytest.mark.parametrize(
    "cache",
    cache_modes("reads every file whole, whatever its size: a 3 GB file is a MemoryError (exit 3)"),
)
def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path, cache):
    """3 GB (sparse, no disk used) under a 1 GB address-space limit: refused by its size, and
    never read into memory to show its first line."""
    plan = copy_plan(tmp_path)
    huge = 3 << 30
    with open(plan / M11, "r+b") as handle:
        handle.truncate(huge)
    STATS["plans.named.huge_file"] += 1
    done = run_casplan(plan, timeout=60, cache=cache)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"{plan}/{M11}:1:1: error: {size_message(huge)}" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


OUTSIDE = "the file is a symbolic link to a place outside the plan directory"


def test_symbolic_links(tmp_path):
    plan = copy_plan(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    (plan / "goal-1" / "measure-1.7.yaml").symlink_to(secret)  # outside: refused, not shown
    (plan / "goal-1" / "measure-1.8.yaml").symlink_to("nowhere.yaml")  # dangling
    os.remove(plan / "goal-1" / "measure-1.4.yaml")
    (plan / "goal-1" / "measure-1.4.yaml").symlink_to("measure-1.3.yaml")  # inside: read
    outcome = validate(plan, "named.symlinks")
    shown = f"{plan}/goal-1"
    errors = {str(p) for p in outcome.errors()}
    assert f"{shown}/measure-1.7.yaml:1:1: error: {OUTSIDE}" in errors
    assert (
        f"{shown}/measure-1.8.yaml:1:1: error: cannot read the file: No such file or directory"
        in errors
    )
    assert (
        f"{shown}/measure-1.4.yaml:2:5: error: measure 1.3 is in a file named "
        "'measure-1.4.yaml'" in errors
    )
    assert "hunter2" not in outcome.output


@pytest.mark.parametrize(
    "cache", cache_modes("calls Path.resolve() on a link that loops: RuntimeError (a traceback)")
)
def test_a_symbolic_link_loop_is_reported(tmp_path, cache):
    plan = copy_plan(tmp_path)
    (plan / "goal-1" / "measure-1.7.yaml").symlink_to("measure-1.7.yaml")
    (plan / "goal-1" / "measure-1.8.yaml").symlink_to("measure-1.9.yaml")
    (plan / "goal-1" / "measure-1.9.yaml").symlink_to("measure-1.8.yaml")
    outcome = validate(plan, "named.symlink_loop", cache=cache)
    paths = [p.path for p in outcome.errors()]
    assert paths == [f"{plan}/goal-1/measure-1.{n}.yaml" for n in (7, 8, 9)]
    assert all("symbolic link" in p.message and "loop" in p.message for p in outcome.errors())


def test_a_directory_linked_from_outside_is_reported_not_skipped(tmp_path):
    plan = copy_plan(tmp_path)
    outside = tmp_path / "elsewhere"
    shutil.copytree(plan / "goal-8", outside)
    (outside / "measure-8.1.yaml").write_text("broken: [\n")
    shutil.rmtree(plan / "goal-8")
    (plan / "goal-8").symlink_to(outside)
    outcome = validate(plan, "named.directory_link")
    assert outcome.exit_code == 1
    assert (
        f"{plan}/goal-8:1:1: error: the directory is a symbolic link to a place outside the "
        "plan directory" in {str(p) for p in outcome.errors()}
    )


@pytest.mark.parametrize(
    "cache",
    cache_modes(
        "opens and reads a FIFO (blocks for ever) and a link to /dev/zero (reads until memory "
        "runs out)"
    ),
)
def test_devices_and_fifos_are_refused_without_reading(tmp_path, cache):
    """A FIFO inside the plan and a link to /dev/zero: refused at once (a timeout would mean a
    hang, the memory limit an endless read)."""
    plan = copy_plan(tmp_path)
    os.mkfifo(plan / "goal-1" / "measure-1.7.yaml")
    (plan / "goal-1" / "measure-1.8.yaml").symlink_to("/dev/zero")
    STATS["plans.named.special_files"] += 1
    done = run_casplan(plan, timeout=10 if cache == "off" else 3, cache=cache)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    lines = {str(p) for p in headlines(done.stdout, plan)}
    assert (
        f"{plan}/goal-1/measure-1.7.yaml:1:1: error: not a regular file (a FIFO, a device or "
        "a socket)" in lines
    )
    assert f"{plan}/goal-1/measure-1.8.yaml:1:1: error: {OUTSIDE}" in lines


def _modes_hold_for_root() -> bool:
    """Whether a child of root without the DAC capabilities is refused a file of mode 000."""
    with tempfile.TemporaryDirectory() as directory:
        probe = Path(directory) / "probe"
        probe.write_text("x")
        os.chmod(probe, 0)
        try:
            done = subprocess.run(
                [sys.executable, "-c", f"open({str(probe)!r}).read()"],
                preexec_fn=_drop_file_permission_override,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode != 0 and b"PermissionError" in done.stderr


@pytest.fixture
def unprivileged(tmp_path):
    """Run validate where file modes hold: in-process for a normal user; as root, in a child
    without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (root otherwise reads any file).
    Yields run(plan) -> (exit code, output); restores the modes afterwards."""
    if os.geteuid() != 0:

        def run(plan: Path) -> tuple[int, str]:
            result = invoke(plan, "named.unreadable")
            return result.exit_code, result.output
    elif _modes_hold_for_root():

        def run(plan: Path) -> tuple[int, str]:
            STATS["plans.named.unreadable"] += 1
            done = run_casplan(plan, modes_hold=True)
            assert "Traceback" not in done.stdout + done.stderr, done.stderr
            return done.returncode, done.stdout + done.stderr
    else:
        pytest.skip("running as root, and file modes cannot be made to hold for a child")
    yield run
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o700)


def test_an_unreadable_file_is_reported_and_the_rest_checked(unprivileged, tmp_path):
    run = unprivileged
    plan = copy_plan(tmp_path)
    (plan / "events.yaml").write_text("events: [\n")
    os.chmod(plan / M11, 0)
    code, output = run(plan)
    assert code == 1
    lines = {str(p) for p in headlines(output, plan)}
    assert f"{plan}/{M11}:1:1: error: cannot read the file: Permission denied" in lines
    assert any(line.startswith(f"{plan}/events.yaml:2:1: error: YAML syntax: ") for line in lines)


@pytest.mark.parametrize("mode", [0o000, 0o444], ids=["no-access", "no-search"])
def test_an_unreadable_directory_is_reported_not_skipped(unprivileged, tmp_path, mode):
    run = unprivileged
    plan = copy_plan(tmp_path)
    os.chmod(plan / "goal-8", mode)
    code, output = run(plan)
    assert code == 1, output
    lines = [str(p) for p in headlines(output, plan)]
    if mode == 0:
        assert f"{plan}/goal-8:1:1: error: cannot read the directory: Permission denied" in lines
    else:
        assert (
            f"{plan}/goal-8/goal.yaml:1:1: error: cannot read the file: Permission denied" in lines
        )


def test_an_unreadable_plan_directory_is_a_usage_error(unprivileged, tmp_path):
    run = unprivileged
    plan = copy_plan(tmp_path)
    os.chmod(plan, 0)
    code, output = run(plan)
    assert code == 2
    assert str(plan) in output and ("cannot be read" in output or "is not readable" in output)


def test_an_unreadable_plan_directory_gets_the_one_line_usage_error(unprivileged, tmp_path):
    run = unprivileged
    plan = copy_plan(tmp_path)
    os.chmod(plan, 0)
    code, output = run(plan)
    assert (code, output) == (2, f"casplan: error: plan directory '{plan}' cannot be read\n")


# --- named cases: odd names, odd documents, odd scalars -----------------------------------------


@pytest.mark.parametrize(
    ("name", "shown", "cache"),
    [
        (os.fsdecode(b"measure-\xff.yaml"), "measure-\\xff.yaml", "off"),
        (os.fsdecode(b"measure-\xff.yaml"), "measure-\\xff.yaml", "on"),
        ("measure-1.1\n.yaml", "measure-1.1\\n.yaml", "on"),
        ("measure-\x1b[31mred.yaml", "measure-\\x1b[31mred.yaml", "on"),
    ],
    ids=["not-utf8-cache-off", "not-utf8-cache-on", "newline", "escape-sequence"],
)
def test_odd_file_names_are_reported_on_one_line(tmp_path, name, shown, cache):
    plan = copy_plan(tmp_path)
    (plan / "goal-1" / name).write_text("x: 1\n")
    outcome = validate(plan, "named.file_name", cache=cache)
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/goal-1/{shown}:1:1: error: not a plan file name"
    ]


def test_a_goal_directory_name_with_a_newline_is_not_a_goal(tmp_path):
    plan = copy_plan(tmp_path)
    shutil.copytree(plan / "goal-1", plan / "goal-1\n")
    outcome = validate(plan, "named.file_name")
    assert {p.message for p in outcome.errors()} == {"not a plan file name"}
    assert all(p.path.startswith(f"{plan}/goal-1\\n/") for p in outcome.errors())


@pytest.mark.parametrize("content", [*NULL_DOCUMENTS, b"[]\n", b"'text'\n"])
def test_a_file_that_holds_no_mapping_is_reported(tmp_path, content):
    plan = copy_plan(tmp_path)
    (plan / M11).write_bytes(content)
    outcome = validate(plan, "named.not_a_mapping")
    (error,) = outcome.errors()
    assert (error.path, error.line, error.col) == (f"{plan}/{M11}", 1, 1)
    assert error.message.startswith("the file should hold a mapping, not ")


def test_a_number_too_long_for_python_is_text_not_a_crash(tmp_path):
    plan = copy_plan(tmp_path)
    digits = "9" * 5000
    (plan / M11).write_text(_measure_with(f"title: {digits}").replace('id: "1.1"', f"id: {digits}"))
    outcome = validate(plan, "named.long_number")
    assert [p.message for p in outcome.errors()] == [
        f"'{digits}' is not a valid measure id (expected something like '3.5')"
    ]


def test_a_control_character_is_reported_where_it_is(tmp_path):
    plan = copy_plan(tmp_path)
    (plan / M11).write_text(_measure_with("title: Harmonization\x00 of procedures"))
    outcome = validate(plan, "named.control_character")
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/{M11}:3:21: error: {control_message(chr(0))}"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_do_not_shift_line_numbers(tmp_path, separator):
    """Editors and CI count lines by \\n; a U+2028 inside a quoted title must not move the
    line:col of a later problem."""
    plan = copy_plan(tmp_path)
    text = _measure_with(f'title: "Harmonization{separator}of procedures"')
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("    title: "))
    lines.insert(number + 1, lines[number])
    (plan / M11).write_text("\n".join(lines))
    outcome = validate(plan, "named.line_separator")
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/{M11}:{number + 2}:5: error: duplicate key 'title' (first at line {number + 1})"
    ]
    assert f"\n  {number + 2} | {lines[number + 1]}\n" in outcome.output


def test_a_bad_byte_after_non_ascii_text_is_reported_at_its_character_column(tmp_path):
    plan = copy_plan(tmp_path)
    line = "title: Usklađivanje — procedures"
    (plan / M11).write_bytes(
        _measure_with(line).encode().replace(b"procedures", b"\xffprocedures", 1)
    )
    outcome = validate(plan, "named.not_utf8")
    col = line.index("procedures") + 1
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/{M11}:3:{col}: error: the file is not UTF-8 text (byte 0xff)"
    ]


# --- named cases: duplicated ids across files -----------------------------------------------------


def test_a_measure_file_copied_under_another_name(tmp_path):
    plan = copy_plan(tmp_path)
    shutil.copy(plan / M11, plan / "goal-1" / "measure-1.9.yaml")
    outcome = validate(plan, "named.duplicate_ids")
    errors = {str(p) for p in outcome.errors()}
    copy = f"{plan}/goal-1/measure-1.9.yaml"
    assert f"{copy}:2:5: error: measure 1.1 is in a file named 'measure-1.9.yaml'" in errors
    assert f"{copy}:2:5: error: duplicate measure id '1.1' (also in {plan}/{M11})" in errors
    activity_ids = [s for s in INFO[M11].sites if s.key == "id" and len(s.path) == 3]
    for site in activity_ids:
        assert (
            f"{copy}:{site.line + 1}:{site.value_col + 1}: error: duplicate activity id "
            f"'{site.value}' (also in {plan}/{M11})"
        ) in errors
    assert len(errors) == 2 + len(activity_ids)


# --- named cases: the user's text quoted in a message stays on one line ---------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "col", "message"),
    [
        (
            "    title: Preparation",
            '    "ti\\ntle": x\n    title: Preparation',
            6,
            5,
            "unknown key 'ti\\ntle'",
        ),
        (
            "    title: Preparation",
            '    "ti\\u001btle": x\n    title: Preparation',
            6,
            5,
            "unknown key 'ti\\x1btle'",
        ),
        (
            'id: "1.1"',
            'id: "1.\\n1"',
            2,
            5,
            "'1.\\n1' is not a valid measure id (expected something like '3.5')",
        ),
        (
            "when: continuous",
            'when: "conti\\u2028nuous"',
            21,
            13,
            "'conti\\u2028nuous' is not a deadline",
        ),
        (
            "    title: Preparation",
            '    "a\\rb": x\n    "a\\rb": y\n    title: Preparation',
            7,
            5,
            "duplicate key 'a\\rb' (first at line 6)",
        ),  # and 'unknown key' at 6:5
    ],
    ids=[
        "newline-in-key",
        "escape-in-key",
        "newline-in-id",
        "line-separator-in-deadline",
        "return-in-duplicate-key",
    ],
)
def test_line_breaks_and_escapes_in_quoted_text_are_shown_escaped(
    tmp_path, old, new, line, col, message
):
    plan = copy_plan(tmp_path)
    (plan / M11).write_text(REAL[M11].decode().replace(old, new, 1))
    outcome = validate(plan, "named.quoted_control_characters")
    assert f"{plan}/{M11}:{line}:{col}: error: {message}" in [str(p) for p in outcome.errors()]
    assert all(p.path == f"{plan}/{M11}" for p in outcome.errors())
    assert "\x1b" not in outcome.output


def test_a_line_break_in_a_progress_value_name_stays_on_one_line(tmp_path):
    plan = copy_plan(tmp_path)
    text = (
        REAL[M11]
        .decode()
        .replace(
            "      when: continuous\n",
            "      when: continuous\n    progress:\n      - date: 2018-01-01\n        status: "
            'in_progress\n        values:\n          "Initiative\\nsubmitted": "1"\n',
            1,
        )
    )
    (plan / M11).write_text(text)
    outcome = validate(plan, "named.quoted_control_characters")
    assert [str(p) for p in outcome.errors()] == [
        f"{plan}/{M11}:26:11: error: 'Initiative\\nsubmitted' is not an indicator of 1.1.1"
    ]


def test_a_multi_line_uncertain_note_stays_on_one_line(tmp_path):
    plan = copy_plan(tmp_path)
    text = (
        REAL[M11]
        .decode()
        .replace(
            "      when: continuous\n",
            "      when: continuous\n      uncertain: |\n        two\n        lines\n",
            1,
        )
    )
    (plan / M11).write_text(text)
    outcome = validate(plan, "named.quoted_control_characters")
    assert f"{plan}/{M11}:22:7: warning: uncertain due of 1.1.1: two\\nlines\\n" in {
        str(p) for p in outcome.warnings()
    }
