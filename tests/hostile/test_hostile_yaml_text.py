"""Text that casplan writes into the plan reads back as the same text in every YAML reader:
PyYAML's SafeLoader (YAML 1.1: `yes`, `on`, `1:20`, `12:30:00`, `2018-01-01`, `~`, `=` are not
text to it written plain), ruamel.yaml (YAML 1.2) and casplan's own reader. Each text goes in as
a progress note, an indicator value, an amendment's decision and reason and an activity's new
title; the workbook import writes through the same writer (tests/hostile/test_hostile_import.py).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from cas_plan.core.yaml_reader import read_yaml_text
from plans import minimal_files, write_plan

TEXTS = [
    "yes", "Yes", "NO", "on", "Off", "y", "N", "true", "False",
    "1:20", "12:30:00", "-1:30", "190:20:30",
    "0o17", "0x1F", "017", "1_000", "+1", "1e3", "1.5", ".inf", "-.Inf", ".NaN",
    "~", "null", "Null", "=", "<<",
    "2018-01-01", "2018-1-1", "2018-01-01 10:00:00", "2018-01-01T10:00:00Z",
    "#hash", "- dash", "a: b", "[list]", "{map}", "'quoted'", '"double"', "&anchor", "*alias",
    "!tag", "%directive", "@at", "`tick`", "|", ">", "?", " lead", "trail ", "a  #b",
    "line\u2028separator", "next\x85line",
]  # fmt: skip


@pytest.fixture
def plan(tmp_path) -> Path:
    return write_plan(tmp_path / "plan", minimal_files())


def readers(path: Path) -> list[object]:
    """The file as PyYAML (YAML 1.1), ruamel.yaml (YAML 1.2) and casplan read it."""
    text = path.read_text(encoding="utf-8")
    ruamel = YAML(typ="safe", pure=True)
    return [
        yaml.load(text, Loader=yaml.SafeLoader),
        ruamel.load(io.StringIO(text)),
        read_yaml_text(text, str(path)).data,
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_a_note_and_a_value_read_back_the_same_in_every_reader(invoke, plan, text):
    result = invoke(
        "progress", "1.1.1", "--status", "in_progress", "--date", "2018-06-01",
        "--note", text, "--value", f"1={text}", "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for data in readers(plan / "goal-1" / "measure-1.1.yaml"):
        [entry] = data["activities"][0]["progress"]
        assert entry["note"] == text
        assert entry["values"] == {"Rules adopted": text.strip()}  # --value trims its text


@pytest.mark.parametrize("text", TEXTS)
def test_an_amendment_reads_back_the_same_in_every_reader(invoke, plan, text):
    result = invoke(
        "amend", "1.1.1", "--decision", text, "--reason", text, "--date", "2018-06-01",
        "--title", text, "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for data in readers(plan / "amendments.yaml"):
        [amendment] = data["amendments"]
        assert (amendment["decision"], amendment["reason"]) == (text, text)
    for data in readers(plan / "goal-1" / "measure-1.1.yaml"):
        assert data["activities"][0]["title"] == text
