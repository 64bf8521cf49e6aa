"""Terminal escape sequences and line breaks in plan text never reach the output raw.

An OSC sequence in a title would retitle the terminal window, a CSI one move the cursor or
clear the screen, a CR overwrite the line before it. Every command that prints plan text shows
such characters as their escapes (`\\x1b`, `\\r`), through `diagnostics.printable`.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from plans import minimal_files, write_plan

HOSTILE = "Evil\x1b]0;pwned\x07\x1b[2J\rOVERWRITTEN\x9b31m\x08\x00"
SHOWN = "Evil\\x1b]0;pwned\\x07\\x1b[2J\\rOVERWRITTEN\\x9b31m\\x08\\x00"
# any control character but the line feed that ends a line
RAW = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _hostile_files() -> dict[str, str]:
    text = json.dumps(HOSTILE)
    files = minimal_files()
    files["goal-1/goal.yaml"] = files["goal-1/goal.yaml"].replace(
        "title: First goal", f"title: {text}"
    )
    files["goal-1/measure-1.1.yaml"] = (
        files["goal-1/measure-1.1.yaml"]
        .replace("title: First measure", f"title: {text}")
        .replace("title: Write the rules", f"title: {text}")
        .replace("indicators: [Rules adopted]", f"indicators: [{text}]")
        .replace(
            "      no_extra_cost: true", f'      amounts: [{{amount: "5 EUR", source: {text}}}]'
        )
    )
    files["organization.yaml"] = (
        files["organization.yaml"]
        .replace("name: Human Resources Division", f"name: {text}")
        .replace("head: Assistant Director General", f"head: {text}")
    )
    return files


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", _hostile_files())


COMMANDS = [
    ("list",),
    ("due", "--before", "2020-12-31", "--continuous"),
    ("due", "--before", "2020-12-31", "--format", "md"),
    ("who", "hr-division"),
    ("who", "hr-division", "--format", "md"),
    ("units",),
    ("budget",),
    ("budget", "--by", "measure"),
    ("budget", "--by", "unit"),
    ("budget", "--by", "source"),
    ("show", "1.1.1"),
    ("show", "1.1"),
    ("show", "1"),
    ("report", "--year", "2018"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("columns", ["40", "200"])
def test_plan_text_reaches_no_output_raw(invoke, monkeypatch, plan, command, columns):
    monkeypatch.setenv("COLUMNS", columns)
    result = invoke(*command, "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout), repr(result.stdout)
    assert not RAW.search(result.stderr)
    assert "pwned" in result.stdout  # the text is there, made visible


@pytest.mark.parametrize("command", [("list",), ("show", "1.1.1"), ("who", "hr-division")])
def test_the_escapes_are_shown_as_text(invoke, plan, command):
    result = invoke(*command, "--plan", str(plan))
    assert SHOWN in result.stdout or SHOWN[:20] in result.stdout


def test_on_a_colour_terminal_only_casplan_s_own_colours_are_escapes(plan):
    from cas_plan.commands import queries as commands
    from cas_plan.commands.common import PlanOptions
    from cas_plan.output.terminal import Screen

    options = PlanOptions(plan)
    screen = Screen(200, color=True)
    for outcome in (
        commands.list_activities(options, "table", None, screen),
        commands.due(options, commands.DueOptions("2020-12-31"), "table", screen),
        commands.who(options, "hr-division", "table", None, screen),
        commands.units(options, "table", screen),
        commands.budget(options, None, "unit", "table", screen),
    ):
        assert isinstance(outcome.output, str)
        without_colours = re.sub(r"\x1b\[[0-9;]*m", "", outcome.output)
        assert not RAW.search(without_colours), repr(without_colours)


def test_validate_shows_the_offending_line_with_escapes_and_the_caret_under_it(invoke, tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "title: Write the rules", "title: A\x1b]0;pwned\x07 rule\x1b"
    )
    plan = write_plan(tmp_path / "p", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert not RAW.search(result.stdout), repr(result.stdout)
    lines = result.stdout.splitlines()
    (at,) = [i for i, line in enumerate(lines) if "| " in line and "title:" in line]
    assert lines[at].endswith("|     title: A\\x1b]0;pwned\\x07 rule\\x1b")
    caret = lines[at + 1].index("^")
    assert lines[at][caret:].startswith("\\x1b]0;")


def test_diff_text_shows_escapes(tmp_path, invoke):
    root = tmp_path / "repo"
    plan = write_plan(root / "plan", minimal_files())

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@e", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "plan")
    write_plan(plan, _hostile_files())
    for output_format in ("text", "md"):
        result = invoke("diff", "HEAD", "--plan", str(plan), "--format", output_format)
        assert result.exit_code == 0, result.output
        assert "pwned" in result.stdout
        assert not RAW.search(result.stdout), repr(result.stdout)
