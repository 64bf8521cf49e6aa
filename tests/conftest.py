"""Shared helpers: the real plan's location and small fixture plans written into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cas_plan.cli import app

REPO = Path(__file__).resolve().parent.parent
REAL_PLAN = REPO / "plan"
SOURCE_TEXT = REPO / "tests" / "data" / "cas-action-plan-2017-2020.txt"

PLAN_YAML = """\
title: Test plan (fixture, not the real plan)
period:
  start: 2017-01-01
  end: 2020-12-31
source: test fixture
"""
ORGANIZATION_YAML = """\
units:
  - id: hr-division
    name: Human Resources Division
    kind: division
    head: Assistant Director General
  - id: training-department
    name: Training Department
    kind: department
    parent: hr-division
    head: Head of Department
  - id: audit-department
    name: Audit Department
    kind: department
    head: Head of Department
"""
EVENTS_YAML = """\
events:
  - id: project-start
    name: Start of the project
"""
GOAL_YAML = """\
id: "1"
title: First goal
"""
MEASURE_YAML = """\
id: "1.1"
title: First measure
activities:
  - id: "1.1.1"
    title: Write the rules
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31
  - id: "1.1.2"
    title: Train the staff
    indicators: [Training held]
    due: continuous
"""


def minimal_files() -> dict[str, str]:
    """A small valid plan: one goal, one measure with two activities."""
    return {
        "plan.yaml": PLAN_YAML,
        "organization.yaml": ORGANIZATION_YAML,
        "events.yaml": EVENTS_YAML,
        "goal-1/goal.yaml": GOAL_YAML,
        "goal-1/measure-1.1.yaml": MEASURE_YAML,
    }


def write_plan(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a dict of relative path -> content as a plan directory and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, monkeypatch: pytest.MonkeyPatch):
    """Run casplan with a fixed terminal width and no colour, as a user's CI would."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CASPLAN_PLAN", raising=False)

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run
