"""The hostile plan: one fixture plan holding the same hostile text in an activity's title, a
progress note, an indicator value, a unit's name, a piece of evidence, an amendment's decision
and the plan's title (HTML, Markdown, an ANSI escape, a right-to-left override; test data), and
the checks of how each format must show it. Used by tests/hostile/test_plan_text_everywhere.py
and test_hostile_document.py."""

from __future__ import annotations

import csv
import io
import json
import re

CORE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) **b** | \x1b[31mred\u202eevil"
TITLE = "=1+1 " + CORE  # starts like a formula, for CSV and xlsx
NOTE = "Note " + CORE
VALUE = "Value " + CORE
UNIT = "Unit " + CORE
PLAN_TITLE = "Plan " + CORE
DECISION = "Decision " + CORE
EVIDENCE = "doc: " + CORE.replace("\x1b", "\x9b")  # evidence refuses C0 controls, not C1

# As Markdown shows CORE: every markup character escaped, controls as their (escaped) escapes.
MD_CORE = (
    "\\<img src=x onerror=alert(1)\\> \\[x\\](javascript:alert(1)) \\*\\*b\\*\\* \\| "
    "\\\\x1b\\[31mred\\\\u202eevil"
)
# any control character but tab and line feed, and every bidi control
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text as a terminal, plain text or a document shows it: the controls as their escapes."""
    return text.replace("\x1b", "\\x1b").replace("\x9b", "\\x9b").replace("\u202e", "\\u202e")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


PLAN_YAML = f"""\
title: {q(PLAN_TITLE)}
period:
  start: 2017-01-01
  end: 2020-12-31
source: test fixture
"""
ORGANIZATION_YAML = f"""\
units:
  - id: hr-division
    name: {q(UNIT)}
    kind: division
    contact: hr@example.org
  - id: audit-department
    name: Audit Department
    kind: department
"""
AMENDMENTS_YAML = f"""\
amendments:
  - id: am-2018-1
    date: 2018-04-15
    decision: {q(DECISION)}
    reason: {q("Reason " + CORE)}
"""
MEASURE_YAML = f"""\
id: "1.1"
title: {q("Measure " + CORE)}
activities:
  - id: "1.1.1"
    title: {q(TITLE)}
    indicators:
      - {q("Indicator " + CORE)}
    responsible:
      - hr-division
    funds:
      amounts:
        - amount: 5 EUR
          year: 2018
          source: {q("Source " + CORE)}
    due: 2018-10-31
    history:
      - amendment: am-2018-1
        due: 2018-09-30
    progress:
      - date: 2018-06-01
        status: in_progress
        note: {q(NOTE)}
        values:
          {q("Indicator " + CORE)}: {q(VALUE)}
        evidence:
          - {q(EVIDENCE)}
  - id: "1.1.2"
    title: {q("Second " + CORE)}
    indicators:
      - Training held
    responsible:
      - hr-division
    due: continuous
"""


def hostile_files() -> dict[str, str]:
    return {
        "plan.yaml": PLAN_YAML,
        "organization.yaml": ORGANIZATION_YAML,
        "amendments.yaml": AMENDMENTS_YAML,
        "events.yaml": "events: []\n",
        "goal-1/goal.yaml": f'id: "1"\ntitle: {q("Goal " + CORE)}\n',
        "goal-1/measure-1.1.yaml": MEASURE_YAML,
        # plain text, which `amend` can rewrite line by line
        "goal-1/measure-1.2.yaml": (
            'id: "1.2"\ntitle: Plain measure\nactivities:\n  - id: "1.2.1"\n'
            "    title: Plain activity\n    responsible:\n      - audit-department\n"
            "    due: 2019-06-30\n"
        ),
    }


def named(value: object) -> str:
    """A test id: the command's words (and no id of its own for the texts expected)."""
    return " ".join(value) if isinstance(value, tuple) and value and value[0][0].islower() else ""


def run(invoke, *args: str, code: int = 0):
    result = invoke(*args)
    assert result.exit_code == code, result.output
    return result


def assert_terminal(text: str, *expected: str) -> None:
    """No raw control or bidi character; each expected text there as the terminal shows it."""
    assert not RAW.search(text), repr(RAW.search(text))
    for item in expected:
        assert shown(item) in text, (shown(item), text)


def assert_markdown(text: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))
    assert MD_CORE in text, text
    assert not re.search(r"(?<!\\)<img", text)
    assert not re.search(r"(?<!\\)\]\(javascript:", text)
    assert not re.search(r"(?<!\\)\*\*b", text)


def assert_html(text: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))
    assert "<img" not in text
    assert "javascript:" not in text.replace("(javascript:alert(1))", "")
    assert "&lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1)) **b** | " in text
    assert "\\x1b[31mred\\u202eevil" in text


def strings(data: object) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in [key, *strings(value)]]
    if isinstance(data, list):
        return [s for item in data for s in strings(item)]
    return []


def assert_json(text: str, *expected: str) -> None:
    """Valid JSON holding each expected text exactly; no raw control or bidi character."""
    assert not RAW.search(text), repr(RAW.search(text))
    found = strings(json.loads(text))
    for item in expected:
        assert any(item in s for s in found), (item, found)


def assert_csv(text: str, *expected: str) -> None:
    """Each expected text in a cell exactly, a formula-like one behind the `'` that keeps it
    text."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for item in expected:
        written = "'" + item if item.startswith("=") else item
        assert any(written in cell for cell in cells), (written, cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
