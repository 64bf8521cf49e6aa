"""The fast reader (libyaml) and ruamel.yaml, the library of round-trip edits, read every file
the same: same values, same models. YAML 1.1 vs 1.2 differences never change a value."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from cas_plan.core.file_models import FILE_MODELS
from cas_plan.core.layout import kind_of as layout_kind
from cas_plan.core.yaml_reader import read_yaml_text
from plans import REAL_PLAN, REPO

TRICKY = """\
octal_in_1_1: 052
yes_in_1_1: yes
on_in_1_1: on
float_like: 1.10
version: 1.1
null_tilde: ~
empty:
date: 2018-12-31
not_a_date: 2018-13-45
time: 2018-12-31 10:00:00
explicit_string: !!str 2018
quoted: "052"
single: 'yes'
sexagesimal: 1:20
hex: 0x1F
underscore: 1_000
block: |
  two
  lines
folded: >-
  one
  line
list: [a, "b", 3, no]
"""


def both(text: str, name: str = "f.yaml"):
    fast = read_yaml_text(text, name)
    slow = read_yaml_text(text, name, parser="ruamel")
    return fast, slow


def test_tricky_scalars_mean_the_same_in_both():
    fast, slow = both(TRICKY)
    assert fast.ok and slow.ok
    assert fast.data == slow.data
    assert fast.data == {
        "octal_in_1_1": 52,
        "yes_in_1_1": "yes",
        "on_in_1_1": "on",
        "float_like": "1.10",
        "version": "1.1",
        "null_tilde": None,
        "empty": None,
        "date": dt.date(2018, 12, 31),
        "not_a_date": "2018-13-45",
        "time": "2018-12-31 10:00:00",
        "explicit_string": "2018",
        "quoted": "052",
        "single": "yes",
        "sexagesimal": "1:20",
        "hex": "0x1F",
        "underscore": "1_000",
        "block": "two\nlines\n",
        "folded": "one line",
        "list": ["a", "b", 3, "no"],
    }


def plan_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


def assert_same_models(root: Path) -> int:
    count = 0
    for file in plan_files(root):
        relative = file.relative_to(root).as_posix()
        text = file.read_text(encoding="utf-8")
        fast, slow = both(text, relative)
        assert fast.ok and slow.ok, relative
        assert fast.data == slow.data, relative
        kind = layout_kind(relative)
        assert kind is not None, relative
        model = FILE_MODELS[kind]
        assert model.model_validate(fast.data) == model.model_validate(slow.data), relative
        count += 1
    return count


def test_every_file_of_the_real_plan():
    assert assert_same_models(REAL_PLAN) == 57


def test_every_file_of_a_generated_plan(tmp_path):
    out = tmp_path / "generated"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "make_plan.py"),
            "--scale",
            "2",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert assert_same_models(out) > 100


@pytest.mark.parametrize(
    ("text", "positions", "data"),
    [
        ("a: 1\na: 2\n", [(2, 1)], {"a": 1}),  # duplicate key, at the second one
        ("a: !!python/object/apply:os.system [x]\n", [(1, 4)], {"a": None}),  # tag refused
        ("a: [1, 2\n", [(2, 1)], None),  # unclosed flow sequence, at the end of the text
        ("a: &x [1]\nb: *x\n", [], {"a": [1], "b": [1]}),  # one alias is fine: no problem
        ("<<: {a: 1}\n", [(1, 1)], {}),  # merge key refused
    ],
)
def test_problems_are_reported_alike(text, positions, data):
    """Both readers report each problem at the same, expected place (an empty list only where
    the text is fine), with the same data."""
    fast, slow = both(text)
    assert [(d.line, d.col) for d in fast.diagnostics] == positions
    assert [(d.line, d.col) for d in slow.diagnostics] == positions
    assert [d.severity for d in fast.diagnostics] == ["error"] * len(positions)
    assert [d.severity for d in slow.diagnostics] == ["error"] * len(positions)
    assert fast.data == slow.data == data


def test_the_messages_of_both_readers():
    """Same words for the problems casplan finds itself; the syntax error is each parser's own."""
    expected = {
        "a: 1\na: 2\n": "duplicate key 'a' (first at line 1)",
        "a: !!python/object/apply:os.system [x]\n": "YAML tag '!!python/object/apply:os.system' "
        "is not allowed in a plan file (nothing was constructed)",
        "<<: {a: 1}\n": "merge keys ('<<') are not supported in plan files; write the keys out",
    }
    for text, message in expected.items():
        fast, slow = both(text)
        assert [d.message for d in fast.diagnostics] == [message]
        assert [d.message for d in slow.diagnostics] == [message]
    fast, slow = both("a: [1, 2\n")
    assert [d.message for d in fast.diagnostics] == [
        "YAML syntax: while parsing a flow sequence did not find expected ',' or ']'"
    ]
    assert [d.message for d in slow.diagnostics] == [
        "YAML syntax: while parsing a flow sequence expected ',' or ']', but got '<stream end>'"
    ]
