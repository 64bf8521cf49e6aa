"""Reading plan YAML safely: plain data out, problems as diagnostics, and a way back to line:col.

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
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cas_plan.diagnostics import Diagnostic, printable

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
    def __init__(self, message: str, line: int, col: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


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


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# Line:col as editors, git and CI annotations count them: lines end at \r\n, \r or \n. The
# parsers also end lines at U+0085, U+2028 and U+2029 (YAML 1.1 line breaks); in a file that
# holds one, their line numbers run ahead, so the marks are recomputed from character indexes.
_EDITOR_BREAK = re.compile(r"\r\n|\r|\n")
_UNUSUAL_BREAK = re.compile("[\x85\u2028\u2029]")
# Characters YAML does not allow in a stream (outside its printable set): libyaml stops at them.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class _EditorLines:
    """Character index -> 1-based (line, column), lines ended by \\r\\n, \\r or \\n only."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]

    def __call__(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


class _EditorMark:
    __slots__ = ("column", "index", "line")

    def __init__(self, lines: _EditorLines, index: int) -> None:
        line, col = lines(index)
        self.line, self.column, self.index = line - 1, col - 1, index


def _editor_marks(root: Any, text: str) -> None:
    """Give every node a start mark counted as editors count (for text with U+2028 and the like)."""
    lines, seen, stack = _EditorLines(text), set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.start_mark = _EditorMark(lines, node.start_mark.index)
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))


@dataclass
class ReadResult:
    data: Any
    diagnostics: list[Diagnostic]
    # Places where a refused value (a forbidden tag) was replaced by null, so that schema
    # checks of the rest of the file go on without repeating the same problem.
    replaced: set[YamlPath] = field(default_factory=set)

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


_COMPOSER: type | None = None


def _compose(text: str) -> Any:
    global _COMPOSER
    if _COMPOSER is None:
        _COMPOSER = _composer()
    loader = _COMPOSER(text)
    try:
        return loader.get_single_node()
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


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
        bad = _NOT_PRINTABLE.search(text)
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
    if _UNUSUAL_BREAK.search(text):
        _editor_marks(root, text)
    builder = _Builder(path, root)
    try:
        data = builder.build(root, ())
    except _Problem as problem:
        builder.diagnostics.append(
            Diagnostic(path, problem.line, problem.col, problem.message, hint=problem.hint)
        )
        return ReadResult(None, builder.diagnostics)
    return ReadResult(data, builder.diagnostics, builder.replaced)


def read_file_bytes(file: Path, shown_as: str) -> bytes | ReadResult:
    """The bytes of a plan file, or the problem that stops us reading it (size, permissions)."""
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return ReadResult(
                None,
                [
                    Diagnostic(
                        shown_as,
                        1,
                        1,
                        f"the file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                        "for a plan file",
                        hint="split the measure or remove what does not belong in the plan",
                    )
                ],
            )
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


class _Builder:
    """Turns composed nodes into dicts, lists and scalars; records problems as it goes."""

    def __init__(self, path: str, root: Any) -> None:
        # ruamel.yaml marks the fold points of folded scalars with BEL characters, for its
        # round trip; they are not part of the value
        self.unfold = root.__class__.__module__.startswith("ruamel")
        if self.unfold:
            from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
        else:
            from yaml.nodes import MappingNode, ScalarNode, SequenceNode  # type: ignore[assignment]

        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.replaced: set[YamlPath] = set()
        self.built = 0
        self.kinds = (ScalarNode, SequenceNode, MappingNode)

    def refuse(self, problem: _Problem, where: YamlPath) -> None:
        """Report a value we will not build, and go on with null in its place."""
        self.diagnostics.append(
            Diagnostic(self.path, problem.line, problem.col, problem.message, hint=problem.hint)
        )
        self.replaced.add(where)

    def build(self, node: Any, where: YamlPath) -> Any:
        self.built += 1
        if self.built > MAX_EXPANDED_NODES:  # aliases expand: an alias bomb stops here
            raise _Problem(
                f"the file expands to more than {MAX_EXPANDED_NODES:,} values "
                "(an alias bomb?); write the values out",
                *_mark(node),
            )
        if len(where) > MAX_DEPTH:
            raise _Problem(f"the YAML is nested more than {MAX_DEPTH} levels deep", *_mark(node))
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
            return [self.build(item, (*where, index)) for index, item in enumerate(node.value)]
        if tag != _MAP:
            self.refuse(_tag_problem(node, tag), where)
            return None
        return self._mapping(node, where)

    def _mapping(self, node: Any, where: YamlPath) -> dict[str, Any]:
        scalar = self.kinds[0]
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not scalar:
                self.refuse(
                    _Problem("a key must be plain text, not a list or mapping", *_mark(key_node)),
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
                    _Problem(message, *_mark(key_node)) if message else _tag_problem(key_node, tag),
                    where,
                )
                continue
            key = key_node.value
            if key in first_seen:
                self.diagnostics.append(
                    Diagnostic(
                        self.path,
                        *_mark(key_node),
                        f"duplicate key '{printable(key)}' "
                        f"(first at line {first_seen[key].start_mark.line + 1})",
                        hint="keep one of the two; YAML would silently drop the other",
                    )
                )
                continue
            first_seen[key] = key_node
            result[key] = self.build(value_node, (*where, key))
        return result


def _tag_problem(node: Any, tag: str) -> _Problem:
    return _Problem(
        f"YAML tag '{_short_tag(tag)}' is not allowed in a plan file (nothing was constructed)",
        *_mark(node),
        hint="remove the tag; plan files hold only text, numbers, dates, lists and mappings",
    )


# --- locating a path in a file, for diagnostics raised after parsing ---------------------------


def locate(text: str, path: YamlPath, *, key: bool = False) -> tuple[int, int]:
    """Line and column of the value (or, with key=True, of the key) at `path`.

    Walks as far down the path as the file goes: a missing key resolves to its mapping, and a
    step that a short form leaves out (`due: 2018-Q4` for `due: {when: 2018-Q4}`) is skipped.
    """
    try:
        node = _compose(text)
    except Exception:  # a file that does not parse was reported when it was read
        return 1, 1
    if node is None:
        return 1, 1
    if _UNUSUAL_BREAK.search(text):
        _editor_marks(node, text)
    position = _mark(node)
    for step in path:
        found = next((pair for candidate, pair in _steps(node) if candidate == step), None)
        if found is None:
            if isinstance(step, str) and not _is_mapping(node):
                continue  # a short form: the value stands where the mapping would
            return position
        key_node, value_node = found
        position = _mark(key_node) if key_node is not None else _mark(value_node)
        node = value_node
    if not key and (_is_scalar(node) or getattr(node, "flow_style", False)):
        position = _mark(node)
    return position


def _steps(node: Any) -> Iterator[tuple[str | int, tuple[Any, Any]]]:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            yield str(key_node.value), (key_node, value_node)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield index, (None, item)


def _is_mapping(node: Any) -> bool:
    from yaml.nodes import MappingNode

    return isinstance(node, MappingNode)


def _is_scalar(node: Any) -> bool:
    from yaml.nodes import ScalarNode

    return isinstance(node, ScalarNode)
