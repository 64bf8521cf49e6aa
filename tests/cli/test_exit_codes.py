"""Exit codes, the same for every command: a bad value of any option is a usage error (2), a
broken plan is 1, an OS refusal is 4, and nothing ends in a traceback (3 is for bugs only)."""

from __future__ import annotations

import os
import shutil

import pytest
import typer.main

from cas_plan.cli import app
from plans import REAL_PLAN, minimal_files, write_plan

pytestmark = pytest.mark.slow  # every option of every command on a copy of the plan

# A bad value for every option that takes one, by option name; a new option without an entry
# here fails test_every_option_has_a_bad_value.
BAD_VALUES = {
    "--plan": "no/such/plan",
    "--format": "xml",
    "--as-of": "2018-13-01",
    "--before": "31.12.2018",
    "--after": "2018-02-30",
    "--owner": "nobody-at-all",
    "--goal": "99",
    "--measure": "9.9",
    "--status": "done",
    "--year": "twenty",
    "--by": "colour",
    "--date": "2018-5-1",
    "--value": "novalue",
    "--template": "no/such/template.j2",
    "--lang": "tlh",
    "--out": "no/such/dir/file",
    "--spent": "1.200 RSD",
    "--spent-source": "IPA 2013",
    "--corrects": "yesterday",
    "--evidence": "carina.rs/x",
    "--decision": "no such decision",  # without --date: cannot be added
    "--reason": "a reason",  # for an amendment that states its own already (see below)
    "--due": "2018-13",
    "--responsible": "nobody-at-all",
    "--title": "",
    "--also": "9.9.9",
    "--period": "2018-Q5",
    "--unit": "nobody-at-all",
    "--eml": "no/such/dir",
    "--base-url": "javascript:alert(1)",
    "--indicator": "Done",  # without --add: a new activity's cell only
    "--funds": "lots",
    "--funds-source": "IPA 2013",
    "--profile": "law-2030",
    "--map": "2.6",
    "--map-file": "no/such/map.yaml",
    "--since": "2018/01/01",
}
# where one option name means different things in different commands
BAD_BY_COMMAND = {("progress", "--by"): "Somebody from Audit"}
# options whose every value is valid (free text), with the reason
FREE_TEXT = {
    ("progress", "--note"): "any text is a note",
    ("init", "--title"): "any text is a title",
    ("amend", "--reason"): "any text is a reason",
}
REQUIRED = {  # what each command needs besides the option under test
    "validate": [],
    "list": [],
    "due": ["--before", "2018-12-31"],
    "units": [],
    "who": ["audit"],
    "show": ["3.5.1.6"],
    "budget": [],
    "progress": ["3.5.1.6", "--status", "in_progress", "--date", "2018-05-01"],
    "report": ["--year", "2018"],
    "diff": [],
    "codeowners": [],
    "schema": [],
    "init": ["NEWDIR"],
    "amend": ["2.4.1", "--decision", "05 br. 1/2018", "--date", "2018-06-28", "--title", "New"],
    "collect": ["--period", "2018-Q4", "--out", "."],
    "import": ["plan/plan.yaml"],
    "followup": ["--period", "2018-Q4"],
    "translations": [],
    "site": ["--out", "NEWDIR"],
    "successor": ["--period", "2021..2025", "--out", "NEWDIR"],
    "document": [],
}


def value_options() -> list[tuple[str, str]]:
    command = typer.main.get_command(app)
    out = []
    for name, sub in sorted(command.commands.items()):  # type: ignore[attr-defined]
        for param in sub.params:
            if param.param_type_name == "option" and not param.is_flag:
                out.append((name, param.opts[0]))
    return out


def test_every_command_is_covered():
    assert sorted(REQUIRED) == sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_option_has_a_bad_value():
    missing = [
        (c, o) for c, o in value_options() if o not in BAD_VALUES and (c, o) not in FREE_TEXT
    ]
    assert missing == []


@pytest.mark.parametrize(("command", "option"), value_options())
def test_a_bad_value_of_any_option_is_a_usage_error(invoke, tmp_path, command, option):
    if (command, option) in FREE_TEXT:
        pytest.skip(FREE_TEXT[command, option])
    plan = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, plan)
    os.chdir(tmp_path)
    args = [a.replace("NEWDIR", str(tmp_path / "new")) for a in REQUIRED[command]]
    if command == "amend" and option in ("--due", "--responsible", "--title"):
        args = args[:-2]  # the option under test says what the amendment changes
    if command == "amend" and option in ("--decision", "--date"):
        args = [a for a in args if a not in ("--date", "2018-06-28")]
        args = args[:1] + args[3:] if option == "--decision" else args
    if option == "--out" and command == "schema":
        value = "no/such/dir/schemas"
    else:
        value = BAD_BY_COMMAND.get((command, option), BAD_VALUES[option])
    rest = [] if option == "--plan" or command == "init" else ["--plan", str(plan)]
    result = invoke(command, *args, option, value, *rest)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("casplan: error: ") and result.output.count("\n") == 1


def test_a_broken_plan_is_1_for_every_query(invoke, tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace("title", "titel")
    plan = write_plan(tmp_path / "p", files)
    for command in ("list", "units", "budget", "codeowners"):
        result = invoke(command, "--plan", str(plan))
        assert result.exit_code == 1, (command, result.output)
        assert result.output.startswith("casplan: error: the plan in ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory_is_4(invoke, tmp_path):
    plan = write_plan(tmp_path / "p", minimal_files())
    os.chmod(plan / "goal-1", 0o555)
    try:
        result = invoke(
            "progress", "1.1.1", "--status", "in_progress", "--date", "2018-05-01",
            "--plan", str(plan),
        )  # fmt: skip
    finally:
        os.chmod(plan / "goal-1", 0o755)
    assert result.exit_code == 4
    assert "permission denied" in result.output


def test_an_os_refusal_is_4_and_names_the_file(invoke, tmp_path, monkeypatch):
    """A full disk (ENOSPC) while writing: one line that names the file, exit 4, nothing
    written."""
    import errno

    from cas_plan.core import safewrite

    plan = write_plan(tmp_path / "p", minimal_files())
    measure = plan / "goal-1" / "measure-1.1.yaml"
    before = measure.read_bytes()

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(safewrite.os, "replace", full)
    result = invoke(
        "progress", "1.1.1", "--status", "in_progress", "--date", "2018-05-01", "--plan", str(plan)
    )
    assert result.exit_code == 4
    assert result.output.startswith("casplan: error: cannot write '")
    assert result.output.endswith(": no space left on the device; nothing was written\n")
    assert measure.read_bytes() == before
    assert [p.name for p in plan.rglob(".*")] == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["budget", "--year", "twenty"], "casplan: error: --year: 'twenty' is not a valid int\n"),
        (["due", "--bogus"], "casplan: error: No such option: --bogus (Possible options: --out)\n"),
        (["due"], "casplan: error: Missing option '--before'.\n"),
        (["bogus"], "casplan: error: No such command 'bogus'.\n"),
        (
            ["who", "audit", "--format", "csv"],
            "casplan: error: --format: 'csv' is not one of table, json, md, xlsx\n",
        ),
    ],
)
def test_a_usage_mistake_typer_finds_is_one_line_too(invoke, args, expected):
    result = invoke(*args)
    assert (result.exit_code, result.output) == (2, expected)
