"""Reading plan YAML safely: plain data out, problems as diagnostics, positions kept.

We compose YAML into nodes with libyaml (PyYAML's C parser, the fastest YAML parser Python has)
and build Python values ourselves instead of using a YAML constructor, for three reasons: no tag
can ever construct an object; every duplicate key is reported (not just the first); and the
meaning of a plain scalar is ours, the same whichever YAML library or version parsed it (`yes`
stays text, `052` is 52, `1.10` stays '1.10', never a float). Round-trip editing uses ruamel.yaml
(see progress.py); a test checks that both read every file the same.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

from cas_plan.core.diagnostics import Diagnostic, printable

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50
MAX_EXPANDED_NODES = 1_000_000

YamlPath = tuple[str | int, ...]

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    [f"{_STANDARD}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")]
    + ["tag:casplan,2024:plain"]
)
_STR, _SEQ, _MAP, _MERGE = (f"{_STANDARD}{t}" for t in ("str", "seq", "map", "merge"))
_INT = re.compile(r"^[-+]?[0-9]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


class _Problem(Exception):
    """A problem found while building values, at the character index of its node."""

    def __init__(self, message: str, index: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.index, self.hint = message, index, hint


_SPECIAL_WORDS = _NULLS | _TRUE | _FALSE


def plain_scalar(text: str) -> Any:
    """The meaning of an unquoted scalar: null, true/false, integer, date, or else text."""
    first = text[:1]
    if first.isalpha() and text not in _SPECIAL_WORDS:
        return text  # the common case, words
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return text
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_STANDARD) :] if tag.startswith(_STANDARD) else tag


def _index(node: Any) -> int:
    return int(node.start_mark.index)


# Line:col as editors, git and CI annotations count them: lines end at \r\n, \r or \n. The
# parsers also end lines at U+0085, U+2028 and U+2029 (YAML 1.1 line breaks), so their own line
# numbers can run ahead; positions are kept as character indexes and turned into lines here.
_EDITOR_BREAK = re.compile(r"\r\n|\r|\n")


@functools.cache
def _not_printable() -> re.Pattern[str]:
    """Characters YAML does not allow in a stream (outside its printable set): libyaml stops at
    them. Compiled when a file fails to read (the character ranges take a while to compile)."""
    return re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _EditorLines:
    """Character index -> 1-based (line, column), lines ended by \\r\\n, \\r or \\n only."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]

    def __call__(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


@dataclass
class ReadResult:
    data: Any
    diagnostics: list[Diagnostic]
    # Places where a refused value (a forbidden tag) was replaced by null, so that schema
    # checks of the rest of the file go on without repeating the same problem.
    replaced: set[YamlPath] = field(default_factory=set)
    positions: Positions | None = None

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of a file (a BOM is allowed); a non-UTF-8 byte is reported at its line:col."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")  # valid up to the bad byte
        line, col = _EditorLines(before)(len(before))  # the column in characters, as editors count
        return None, [
            Diagnostic(
                path,
                line,
                col,
                f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                hint="save the file as UTF-8",
            )
        ]


IMPLICIT = "tag:casplan,2024:plain"  # an untagged plain scalar: its meaning is plain_scalar's


@functools.cache
def _composer() -> type:
    """libyaml's parser with a resolver that leaves plain scalars for `plain_scalar`.

    PyYAML's own resolver runs a list of regular expressions (YAML 1.1 rules) on every scalar;
    we decide the meaning of plain scalars ourselves, so it only has to say which scalars were
    plain and untagged. Explicit tags (`!!str`, `!!python/...`) pass through unresolved.
    """
    import yaml

    collection_tags = {yaml.nodes.SequenceNode: _SEQ, yaml.nodes.MappingNode: _MAP}
    if yaml.__with_libyaml__:
        from yaml._yaml import CParser

        bases: tuple[type, ...] = (CParser,)

        def setup(self: Any, stream: str) -> None:
            CParser.__init__(self, stream)
    else:  # pragma: no cover - PyYAML without libyaml: the same, in pure Python
        from yaml.composer import Composer as PyComposer
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        bases = (Reader, Scanner, Parser, PyComposer)

        def setup(self: Any, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            PyComposer.__init__(self)

    class Composer(*bases):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            setup(self, stream)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.nodes.ScalarNode:
                return IMPLICIT if implicit[0] else _STR
            return collection_tags[kind]

        def descend_resolver(self, *_: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return Composer


def _compose(text: str) -> Any:
    loader = _composer()(text)
    try:
        return loader.get_single_node()
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


def compose_text(text: str) -> Any:
    """The node tree of valid YAML text, with character-index marks: for edits made at the
    positions of existing lines (progress.py), never for reading values."""
    return _compose(text)


def _compose_ruamel(text: str) -> Any:
    import io

    from ruamel.yaml import YAML

    return YAML(typ="rt", pure=True).compose(io.StringIO(text))


def read_yaml_text(text: str, path: str, *, parser: str = "libyaml") -> ReadResult:
    """Compose and build plain data from YAML text, collecting every problem found.

    `parser="ruamel"` composes with ruamel.yaml instead (the library of round-trip editing);
    the values built are the same, which a test checks on every plan file.
    """
    from yaml import MarkedYAMLError, YAMLError

    compose: Callable[[str], Any] = _compose
    marked: tuple[type[Exception], ...] = (MarkedYAMLError,)
    errors: tuple[type[Exception], ...] = (YAMLError, ValueError)
    if parser == "ruamel":
        from ruamel.yaml.error import MarkedYAMLError as RuamelMarked
        from ruamel.yaml.error import YAMLError as RuamelError

        compose, marked, errors = _compose_ruamel, (*marked, RuamelMarked), (*errors, RuamelError)
    try:
        root = compose(text)
    except marked as error:
        exc: Any = error  # PyYAML's or ruamel.yaml's MarkedYAMLError: the same attributes
        mark = exc.problem_mark or exc.context_mark
        # from the character index: libyaml puts the end of a stream that lacks a final line
        # break on a line after the last one, and counts U+2028 and the like as line breaks
        line, col = _EditorLines(text)(min(mark.index, len(text))) if mark else (1, 1)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if "expected a single document" in message:
            message = "the file holds more than one YAML document ('---'); keep one"
        return ReadResult(None, [Diagnostic(path, line, col, f"YAML syntax: {message}")])
    except RecursionError:
        return ReadResult(None, [Diagnostic(path, 1, 1, "the YAML is nested too deeply")])
    except errors as exc:  # libyaml reports some input errors as ValueError
        bad = _not_printable().search(text)
        if bad is not None:  # the reader stopped at a character YAML does not allow
            return ReadResult(
                None,
                [
                    Diagnostic(
                        path,
                        *_EditorLines(text)(bad.start()),
                        f"the file holds the control character U+{ord(bad.group()):04X}, "
                        "which YAML does not allow",
                        hint="delete it (most editors do not show it)",
                    )
                ],
            )
        message = " ".join(str(exc).split())  # one line, whatever the parser wrote
        return ReadResult(None, [Diagnostic(path, 1, 1, f"YAML syntax: {message}")])
    if root is None:
        return ReadResult(
            None,
            [Diagnostic(path, 1, 1, "the file is empty", hint="a plan file holds a YAML mapping")],
        )
    builder = _Builder(path, root, text)
    try:
        data = builder.build(root, (), -1)
    except _Problem as problem:
        builder.report(problem)
        return ReadResult(None, builder.diagnostics)
    positions = Positions(builder.marks, builder.keys)
    return ReadResult(data, builder.diagnostics, builder.replaced, positions)


def oversize(shown_as: str, size: int) -> Diagnostic:
    """A plan file over MAX_FILE_BYTES, read from disk or about to be written."""
    return Diagnostic(
        shown_as,
        1,
        1,
        f"the file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for a plan file",
        hint="split the measure or remove what does not belong in the plan",
    )


def read_file_bytes(file: Path, shown_as: str) -> bytes | ReadResult:
    """The bytes of a plan file, or the problem that stops us reading it (size, permissions)."""
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return ReadResult(None, [oversize(shown_as, size)])
        return file.read_bytes()
    except OSError as exc:
        return ReadResult(
            None, [Diagnostic(shown_as, 1, 1, f"cannot read the file: {exc.strerror}")]
        )


def read_yaml_bytes(raw: bytes, shown_as: str) -> ReadResult:
    text, problems = decode(raw, shown_as)
    if text is None:
        return ReadResult(None, problems)
    return read_yaml_text(text, shown_as)


# What the builder records of each node, in the order it builds them (pre-order): the character
# index of the value, the index of its key (or of the value, in a list), and the number of nodes
# of its subtree with the node's shape in the low bits. Kept as one flat array of integers and
# one list of (interned) keys per file, this is small enough to keep for a whole plan, so a
# problem found at any later step is placed without parsing the file again.
_SCALAR, _SEQUENCE, _MAPPING, _FLOW = 0, 1, 2, 4
_SHAPE_BITS = 3


class _Builder:
    """Turns composed nodes into dicts, lists and scalars; records problems and positions."""

    def __init__(self, path: str, root: Any, text: str) -> None:
        # ruamel.yaml marks the fold points of folded scalars with BEL characters, for its
        # round trip; they are not part of the value
        self.unfold = root.__class__.__module__.startswith("ruamel")
        if self.unfold:
            from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
        else:
            from yaml.nodes import MappingNode, ScalarNode, SequenceNode  # type: ignore[assignment]

        self.path = path
        self.text = text
        self.lines: _EditorLines | None = None
        self.diagnostics: list[Diagnostic] = []
        self.replaced: set[YamlPath] = set()
        self.marks = array("I")
        self.keys: list[str | None] = []
        self.kinds = (ScalarNode, SequenceNode, MappingNode)

    def place(self, index: int) -> tuple[int, int]:
        if self.lines is None:
            self.lines = _EditorLines(self.text)
        return self.lines(index)

    def report(self, problem: _Problem) -> None:
        self.diagnostics.append(
            Diagnostic(self.path, *self.place(problem.index), problem.message, hint=problem.hint)
        )

    def refuse(self, problem: _Problem, where: YamlPath) -> None:
        """Report a value we will not build, and go on with null in its place."""
        self.report(problem)
        self.replaced.add(where)

    def build(self, node: Any, where: YamlPath, key_index: int, key: str | None = None) -> Any:
        marks = self.marks
        slot = len(marks)
        if slot >= 3 * MAX_EXPANDED_NODES:  # aliases expand: an alias bomb stops here
            raise _Problem(
                f"the file expands to more than {MAX_EXPANDED_NODES:,} values "
                "(an alias bomb?); write the values out",
                _index(node),
            )
        if len(where) > MAX_DEPTH:
            raise _Problem(f"the YAML is nested more than {MAX_DEPTH} levels deep", _index(node))
        index = node.start_mark.index
        # a subtree of one node (size 1 << _SHAPE_BITS), until its children are counted
        marks.extend((index, index if key_index < 0 else key_index, _SCALAR | 8))
        self.keys.append(key)
        scalar, sequence, _ = self.kinds
        kind = node.__class__
        tag = node.tag if node.tag.__class__ is str else str(node.tag)
        if kind is scalar:
            if tag not in _SCALAR_TAGS:
                self.refuse(_tag_problem(node, tag), where)
                return None
            value = node.value
            if node.style:  # quoted or block: text as written ('' or None is plain)
                return value.replace("\a", "") if self.unfold and node.style == ">" else value
            if tag is IMPLICIT or tag == IMPLICIT:
                return plain_scalar(value)
            meaning = plain_scalar(value)
            if tag == _STR and meaning.__class__ is not str:
                return value  # an explicit !!str on a plain number or date
            return meaning
        if kind is sequence:
            if tag != _SEQ:
                self.refuse(_tag_problem(node, tag), where)
                return None
            built = [
                self.build(item, (*where, position), -1) for position, item in enumerate(node.value)
            ]
            shape = _SEQUENCE
        elif tag != _MAP:
            self.refuse(_tag_problem(node, tag), where)
            return None
        else:
            built = self._mapping(node, where)  # type: ignore[assignment]
            shape = _MAPPING
        if node.flow_style:
            shape |= _FLOW
        marks[slot + 2] = ((len(marks) - slot) // 3) << _SHAPE_BITS | shape
        return built

    def _mapping(self, node: Any, where: YamlPath) -> dict[str, Any]:
        scalar = self.kinds[0]
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not scalar:
                self.refuse(
                    _Problem("a key must be plain text, not a list or mapping", _index(key_node)),
                    where,
                )
                continue
            tag = key_node.tag if key_node.tag.__class__ is str else str(key_node.tag)
            if tag == IMPLICIT and key_node.value == "<<":
                tag = _MERGE  # a plain '<<' key is YAML's merge key
            if tag not in _SCALAR_TAGS:
                message = (
                    "merge keys ('<<') are not supported in plan files; write the keys out"
                    if tag == _MERGE
                    else None
                )
                self.refuse(
                    _Problem(message, _index(key_node)) if message else _tag_problem(key_node, tag),
                    where,
                )
                continue
            key = intern(key_node.value)
            if key in first_seen:
                first_line = self.place(_index(first_seen[key]))[0]
                self.report(
                    _Problem(
                        f"duplicate key '{printable(key)}' (first at line {first_line})",
                        _index(key_node),
                        "keep one of the two; YAML would silently drop the other",
                    )
                )
                continue
            first_seen[key] = key_node
            result[key] = self.build(value_node, (*where, key), key_node.start_mark.index, key)
        return result


def _tag_problem(node: Any, tag: str) -> _Problem:
    return _Problem(
        f"YAML tag '{_short_tag(tag)}' is not allowed in a plan file (nothing was constructed)",
        _index(node),
        hint="remove the tag; plan files hold only text, numbers, dates, lists and mappings",
    )


# --- placing a YAML path in a file, from the positions taken when it was read ------------------


class Positions:
    """Where each value of a file stands, recorded while it was read (see `_Builder`).

    `locate` answers for a YAML path such as ('activities', 3, 'due', 'when'); it walks as far
    down the path as the file goes: a missing key resolves to its mapping, and a step that a
    short form leaves out (`due: 2018-Q4` for `due: {when: 2018-Q4}`) is skipped.
    """

    __slots__ = ("_children", "keys", "marks")

    def __init__(self, marks: array[int], keys: list[str | None]) -> None:
        self.marks = marks
        self.keys = keys
        self._children: dict[int, dict[str | int, int]] = {}  # memo of one object's lookups

    @classmethod
    def from_bytes(cls, marks: bytes, keys: list[str | None]) -> Positions:
        numbers = array("I")
        numbers.frombytes(marks)
        return cls(numbers, keys)

    def to_bytes(self) -> bytes:
        return self.marks.tobytes()

    def _shape(self, node: int) -> int:
        return self.marks[3 * node + 2] & ((1 << _SHAPE_BITS) - 1)

    def _child(self, node: int, step: str | int) -> int | None:
        """The node number of a child by key or list index (each parent indexed once)."""
        children = self._children.get(node)
        if children is None:
            children = {}
            marks, end = self.marks, node + (self.marks[3 * node + 2] >> _SHAPE_BITS)
            mapping = self._shape(node) & _MAPPING
            child, position = node + 1, 0
            while child < end:
                name = self.keys[child] if mapping else position
                if name is not None:
                    children.setdefault(name, child)
                child += marks[3 * child + 2] >> _SHAPE_BITS
                position += 1
            self._children[node] = children
        return children.get(step)

    def locate(self, path: YamlPath, *, key: bool = False) -> int:
        """The character index of the value (or, with key=True, of the key) at `path`."""
        if not self.marks:
            return 0
        node, index = 0, self.marks[0]
        for step in path:
            shape = self._shape(node)
            if not shape & (_MAPPING | _SEQUENCE):
                if isinstance(step, str):
                    continue  # a short form: the value stands where the mapping would
                return index
            child = self._child(node, step)
            if child is None:
                if isinstance(step, str) and not shape & _MAPPING:
                    continue
                return index
            node, index = child, self.marks[3 * child + 1]
        if not key and (self._shape(node) == _SCALAR or self._shape(node) & _FLOW):
            index = self.marks[3 * node]
        return index


def line_locator(text: str) -> Callable[[int], tuple[int, int]]:
    """Character index -> 1-based (line, column) in `text`, lines ended as editors end them
    (made once per file, however many problems are placed in it)."""
    return _EditorLines(text)
