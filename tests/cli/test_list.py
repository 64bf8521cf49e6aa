"""`casplan list`, `--version` and `--help`: what a user sees."""

from __future__ import annotations

import json
import re
import tomllib

from cas_plan import __version__
from plans import REAL_PLAN, REPO, minimal_files, write_plan

COMMANDS = [
    "validate",
    "list",
    "due",
    "units",
    "who",
    "show",
    "budget",
    "progress",
    "amend",
    "successor",
    "collect",
    "import",
    "followup",
    "translations",
    "report",
    "site",
    "document",
    "diff",
    "codeowners",
    "schema",
    "init",
]


def test_version_matches_the_package(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"casplan {__version__}\n"
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["version"] == __version__


def test_help_lists_every_command_on_one_line(invoke):
    result = invoke("--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in commands if line.strip()]
    assert names == COMMANDS
    assert all(re.match(r"^  \S+\s{2,}\S", line) for line in commands if line.strip())


def test_list_json_fixture(invoke, tmp_path):
    plan = write_plan(tmp_path / "p", minimal_files())
    result = invoke("list", "--plan", str(plan), "--format", "json", "--as-of", "2019-01-01")
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)
    assert first == {
        "id": "1.1.1",
        "goal": "1",
        "measure": "1.1",
        "parent": None,
        "title": "Write the rules",
        "unnumbered": False,
        "indicators": ["Rules adopted"],
        "responsible": [
            {"unit": "hr-division", "name": "Human Resources Division", "role": None, "scope": None}
        ],
        "responsible_as_written": None,
        "listed_under_sub_activities": False,
        "due": {
            "kind": "date",
            "spelling": "2018-12-31",
            "description": "31 December 2018",
            "first_day": "2018-12-31",
            "last_day": "2018-12-31",
            "as_written": None,
            "events": [],
            "uncertain": None,
        },
        "funds": {
            "as_written": None,
            "no_extra_cost": True,
            "amounts": [],
            "see": [],
            "sources": [],
            "external": None,
            "undetermined": False,
            "uncertain": None,
        },
        "status": "not_reported",
        "status_date": None,
        "written_on": {
            "indicators": "1.1.1",
            "responsible": "1.1.1",
            "funds": "1.1.1",
            "due": "1.1.1",
        },
        "file": "goal-1/measure-1.1.yaml",
    }
    # the second row continues the merged responsible and funds cells of the first
    assert second == {
        **first,
        "id": "1.1.2",
        "title": "Train the staff",
        "indicators": ["Training held"],
        "due": {
            "kind": "continuous",
            "spelling": "continuous",
            "description": "continuous",
            "first_day": None,
            "last_day": None,
            "as_written": None,
            "events": [],
            "uncertain": None,
        },
        "written_on": {
            "indicators": "1.1.2",
            "responsible": "1.1.1",
            "funds": "1.1.1",
            "due": "1.1.2",
        },
    }


def test_list_json_real_plan_has_every_activity(invoke):
    result = invoke("list", "--plan", str(REAL_PLAN), "--format", "json")
    records = json.loads(result.stdout)
    assert len(records) == 238
    assert len({r["measure"] for r in records}) == 45
    assert [r["id"] for r in records[:3]] == ["1.1.1", "1.1.2", "1.1.3"]
    assert records[-1]["id"] == "8.8.6"
    assert all(r["responsible"] or r["listed_under_sub_activities"] for r in records)
    assert all(r["due"]["kind"] for r in records)
    assert {r["status"] for r in records} == {"not_reported"}


def test_list_table(invoke, tmp_path):
    plan = write_plan(tmp_path / "p", minimal_files())
    result = invoke("list", "--plan", str(plan))
    assert result.exit_code == 0
    # rich pads the header row to the table's width: the comparison ignores trailing spaces only
    assert [line.rstrip() for line in result.output.splitlines()] == [
        "id     activity         responsible               due         status",
        "1.1.1  Write the rules  Human Resources Division  2018-12-31  not reported",
        "1.1.2  Train the staff  Human Resources Division  continuous  not reported",
    ]
    assert result.output.endswith("\n") and "\x1b[" not in result.output


def test_list_refuses_a_broken_plan(invoke, tmp_path):
    files = dict(minimal_files())
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "title: First", "titel: First"
    )
    plan = write_plan(tmp_path / "p", files)
    result = invoke("list", "--plan", str(plan))
    assert result.exit_code == 1
    assert result.output == (
        f"casplan: error: the plan in '{plan}' has 2 problems; run 'casplan validate --plan "
        f"{plan}' (or pass --no-validate)\n"
    )
    assert invoke("list", "--plan", str(plan), "--no-validate").exit_code == 0


def test_bad_as_of_is_one_line(invoke):
    result = invoke("list", "--plan", str(REAL_PLAN), "--as-of", "2018-13-01")
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: --as-of: '2018-13-01' is not a date (expected YYYY-MM-DD, e.g. 2018-12-31)\n"
    )


def test_every_command_is_documented(invoke):
    listing = invoke("--help").output.split("Commands:\n", 1)[1]
    names = [line.split()[0] for line in listing.splitlines() if line.strip()]
    commands = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    assert names == COMMANDS
    for name in names:
        assert f"\n## `casplan {name}" in commands, name
        help_text = invoke(name, "--help")
        assert help_text.exit_code == 0, name
