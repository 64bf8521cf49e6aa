"""A file's lines with their own line ends, for edits that must keep every other byte."""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any

# Line ends as editors and git see them; YAML 1.1 parsers also break lines at U+0085, U+2028
# and U+2029, which in a plan file are characters of a note, never line ends.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class Lines:
    """The file's lines, each with its own line end, and character index -> line number."""

    def __init__(self, text: str) -> None:
        self.lines: list[str] = _LINE.findall(text)
        self.starts = list(itertools.accumulate((len(line) for line in self.lines), initial=0))

    def bodies(self) -> list[str]:
        return [line.rstrip("\r\n") for line in self.lines]

    def number(self, index: int) -> int:
        """0-based line of a character index."""
        return bisect.bisect_right(self.starts, index) - 1

    def column(self, index: int) -> int:
        return index - self.starts[self.number(index)]

    def end_of(self, number: int) -> str:
        """The line end of a line; for a last line without one, the line end of the one above."""
        for line in reversed(self.lines[: number + 1]):
            body = line.rstrip("\r\n")
            if body != line:
                return line[len(body) :]
        return "\n"


def plain_long_keys(yaml: Any) -> Any:
    """Let a ruamel.yaml dumper write keys of up to 1000 characters as plain `key: value`.

    ruamel turns a key of 128 characters or more into a complex key (`? key` on one line,
    `: value` on the next), which a reviewer reading `git diff` stumbles on; indicator texts,
    which progress values are keyed by, run to 255 characters in the bundled plan. YAML allows
    implicit keys up to 1024 characters (quotes included), and every reader casplan uses reads
    them back; only a longer key has to be a complex one.
    """
    from ruamel.yaml.emitter import RoundTripEmitter

    class Emitter(RoundTripEmitter):
        MAX_SIMPLE_KEY_LENGTH = 1020

    yaml.Emitter = Emitter
    return yaml


def round_trip_yaml() -> Any:
    """ruamel.yaml set up as the plan files are written (mappings indented by two, lists under
    their key, quotes kept, never re-wrapped), for a writer that changes a file's data and keeps
    the rest of it (comments, order, quoting)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    return plain_long_keys(yaml)


# Characters a dumper might write raw inside a scalar but that some reader would take as a line
# break or refuse: such a text is written double-quoted, with escapes.
_NEEDS_ESCAPES = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_YAML11_BOOLS = frozenset("y Y n N".split())  # YAML 1.1's booleans PyYAML leaves out


def yaml_scalars(value: Any) -> Any:
    """`value` (a string, or lists and mappings of them) with each string styled so that every
    YAML reader reads the same text back: double-quoted with escapes when it holds a character
    some reader takes as a line break or refuses; single-quoted when a YAML 1.1 reader (PyYAML,
    yamllint, older editors) would read it written plain as something else (`yes`, `on`,
    `1:20`, `12:30:00`, `2018-01-01`, `~`, `=`, `y`); else as ruamel writes it (plain, or
    quoted where YAML 1.2 needs it)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        ScalarString,
        SingleQuotedScalarString,
    )

    if isinstance(value, ScalarString):
        return value
    if isinstance(value, str):
        if _NEEDS_ESCAPES.search(value):
            return DoubleQuotedScalarString(value)
        if value in _YAML11_BOOLS or _yaml11_plain_tag(value) != "tag:yaml.org,2002:str":
            return SingleQuotedScalarString(value)
        return value
    if isinstance(value, dict):
        styled = CommentedMap() if isinstance(value, CommentedMap) else {}
        for key, item in value.items():
            styled[yaml_scalars(key)] = yaml_scalars(item)
        return styled
    if isinstance(value, list):
        items = [yaml_scalars(item) for item in value]
        return CommentedSeq(items) if isinstance(value, CommentedSeq) else items
    return value


def _yaml11_plain_tag(text: str) -> str:
    """The type a YAML 1.1 reader gives `text` written plain (PyYAML's resolver)."""
    import yaml

    resolver = yaml.resolver.Resolver()
    return str(resolver.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]
