"""`casplan progress`: round-trip edits (only new lines), validation first, atomic writes."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path

import pytest

from cas_plan.core.errors import PlanProblems
from cas_plan.edit.progress import ProgressRequest, record_progress
from plans import REAL_PLAN, load, minimal_files, write_plan

COMMENTED_MEASURE = """\
# yaml-language-server: $schema=../../schemas/measure.schema.json
id: '1.1'   # single-quoted on purpose
title: "First measure"
activities:
  # the first activity
  - id: "1.1.1"
    title: Write the rules, a title long enough that a YAML dumper with a default width of eighty columns would fold it
    indicators: [Rules adopted, Rules published]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31   # from the source
    progress:
      - date: 2018-03-01
        status: in_progress
        note: 'Drafting: started'
  - id: "1.1.2"
    title: Train the staff
    indicators:
      - Training held
    due: continuous
    sub_activities:
      - id: "1.1.2.1"
        title: Train the trainers
"""


def added_lines(before: str, after: str) -> list[str]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line was changed or removed"
    return [line[2:] for line in diff if line.startswith("+ ")]


@pytest.fixture
def plan(tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = COMMENTED_MEASURE
    return write_plan(tmp_path / "p", files)


MEASURE = "goal-1/measure-1.1.yaml"


def test_entry_is_appended_and_nothing_else_changes(invoke, plan):
    before = (plan / MEASURE).read_text()
    result = invoke(
        "progress",
        "1.1.1",
        "--plan",
        str(plan),
        "--status",
        "completed",
        "--date",
        "2018-11-15",
        "--note",
        "Adopted: decision 12/2018",
        "--value",
        "1=yes",
        "--value",
        "Rules pub=on the intranet",
        "--evidence",
        "https://www.carina.rs/decision-12-2018.pdf",
        "--by",
        "hr-division",
    )
    assert result.exit_code == 0, result.output
    after = (plan / MEASURE).read_text()
    assert added_lines(before, after) == [
        "      - date: 2018-11-15",
        "        status: completed",
        "        note: 'Adopted: decision 12/2018'",
        "        values:",
        "          Rules adopted: 'yes'",  # quoted: YAML 1.1 readers take a plain yes for true
        "          Rules published: on the intranet",
        "        evidence:",
        "          - https://www.carina.rs/decision-12-2018.pdf",
        "        reported_by: hr-division",
    ]
    # inserted right after the existing entry, before the next activity
    assert (
        after.index("note: 'Drafting: started'")
        < after.index("2018-11-15")
        < after.index('"1.1.2"')
    )
    assert result.output == (
        f"{plan}/{MEASURE}: added a progress entry to 1.1.1:\n"
        + "".join(f"+{line}\n" for line in added_lines(before, after))
    )
    validated = invoke("validate", "--plan", str(plan))
    assert (validated.exit_code, validated.output) == (
        0,
        f"{plan}: valid: 1 measure, 3 activities; 0 errors, 0 warnings\n",
    )
    status = invoke("list", "--plan", str(plan), "--format", "json", "--as-of", "2018-12-01")
    assert [(r["id"], r["status"], r["status_date"]) for r in json.loads(status.stdout)] == [
        ("1.1.1", "completed", "2018-11-15"),
        ("1.1.2", "not_reported", None),
        ("1.1.2.1", "not_reported", None),
    ]


def test_first_entry_goes_before_sub_activities(invoke, plan):
    before = (plan / MEASURE).read_text()
    result = invoke(
        "progress", "1.1.2", "--plan", str(plan), "--status", "in_progress", "--date", "2018-02-01"
    )
    assert result.exit_code == 0, result.output
    after = (plan / MEASURE).read_text()
    assert added_lines(before, after) == [
        "    progress:",
        "      - date: 2018-02-01",
        "        status: in_progress",
    ]
    assert after.index("status: in_progress\n    sub_activities:") > 0


def test_sub_activity_entry(invoke, plan):
    before = (plan / MEASURE).read_text()
    result = invoke(
        "progress",
        "1.1.2.1",
        "--plan",
        str(plan),
        "--status",
        "not_started",
        "--date",
        "2018-02-01",
    )
    assert result.exit_code == 0, result.output
    assert added_lines(before, (plan / MEASURE).read_text()) == [
        "        progress:",
        "          - date: 2018-02-01",
        "            status: not_started",
    ]


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (
            ["1.1.1", "--status", "done", "--date", "2018-05-01"],
            2,
            "casplan: error: --status: 'done' is not one of not_started, in_progress, completed, delayed, cancelled\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-01-01"],
            1,
            "{plan}/goal-1/measure-1.1.yaml:17:15: error: progress entry of 2018-01-01 comes after one of 2018-03-01\n"
            "  17 |       - date: 2018-01-01\n"
            "     |               ^\n"
            "  hint: keep progress entries in date order, oldest first\n"
            "casplan: error: the entry would leave the plan invalid; nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2199-01-01"],
            1,
            "{plan}/goal-1/measure-1.1.yaml:17:15: error: progress entry dated 2199-01-01, after {today}\n"
            "  17 |       - date: 2199-01-01\n"
            "     |               ^\n"
            "  hint: progress is recorded once it has happened\n"
            "casplan: error: the entry would leave the plan invalid; nothing was written\n",
        ),
        (
            ["1.1.2", "--status", "completed", "--date", "2018-05-01"],
            1,
            "{plan}/goal-1/measure-1.1.yaml:24:17: error: 1.1.2 is continuous and cannot be completed\n"
            "  24 |         status: completed\n"
            "     |                 ^\n"
            "  hint: report continuous activities per year with in_progress\n"
            "casplan: error: the entry would leave the plan invalid; nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-05-01", "--evidence", "carina.rs/x"],
            2,
            "casplan: error: --evidence: 'carina.rs/x' is not evidence; write a web address (https://...), a document reference (doc: br. 148-01-123/2018) or a path on a file share (\\\\server\\share\\folder\\file.pdf); nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-05-01", "--value", "Budget=1"],
            2,
            "casplan: error: 'Budget' is not an indicator of this activity; the indicators are: 1. Rules adopted; 2. Rules published; nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-05-01", "--value", "Rules=1"],
            2,
            "casplan: error: indicator 'Rules' is ambiguous; the indicators are: 1. Rules adopted; 2. Rules published; nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-05-01", "--value", "3=1"],
            2,
            "casplan: error: indicator 3 does not exist: the activity has 2 indicators; nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-5-1"],
            2,
            "casplan: error: --date: '2018-5-1' is not a date (expected YYYY-MM-DD, e.g. 2018-12-31); nothing was written\n",
        ),
        (
            ["1.1.1", "--status", "completed", "--date", "2018-05-01", "--value", "novalue"],
            2,
            "casplan: error: --value: 'novalue' is not INDICATOR=VALUE; nothing was written\n",
        ),
        (
            ["1.1.9", "--status", "completed"],
            2,
            "casplan: error: no activity has the id '1.1.9'; did you mean 1.1.2 or 1.1.1 or 1.1.2.1?; nothing was written\n",
        ),
    ],
)
def test_invalid_input_changes_nothing(invoke, plan, args, code, expected):
    """A bad option value (an unknown indicator or id, a malformed date or value) is a usage
    error (2), as for every command; an entry the plan refuses is a plan problem (1), shown
    where it would be in the file. Either way: the exact message, and nothing written."""
    before = (plan / MEASURE).read_bytes()
    result = invoke("progress", *args, "--plan", str(plan))
    assert result.exit_code == code
    assert result.output == expected.format(plan=plan, today=dt.date.today().isoformat())
    assert (plan / MEASURE).read_bytes() == before
    assert sorted(p.name for p in (plan / "goal-1").iterdir()) == ["goal.yaml", "measure-1.1.yaml"]


def test_a_refused_entry_is_shown_in_the_proposed_text(invoke, plan):
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "completed", "--date", "2018-01-01"
    )
    assert result.exit_code == 1
    assert result.output == (
        f"{plan}/{MEASURE}:17:15: error: progress entry of 2018-01-01 comes after one of "
        "2018-03-01\n"
        "  17 |       - date: 2018-01-01\n"
        "     |               ^\n"
        "  hint: keep progress entries in date order, oldest first\n"
        "casplan: error: the entry would leave the plan invalid; nothing was written\n"
    )


def test_an_unknown_status_is_a_usage_error(invoke, plan):
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "done", "--date", "2018-05-01"
    )
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: --status: 'done' is not one of not_started, in_progress, completed, "
        "delayed, cancelled\n"
    )


def test_failure_before_rename_leaves_the_file_and_no_temporary(plan, monkeypatch):
    from cas_plan.core import journal

    before = (plan / MEASURE).read_bytes()

    def crash(step: str) -> None:
        if step == "temporaries":
            temporaries = [p for p in (plan / "goal-1").iterdir() if p.name.endswith(".tmp")]
            assert len(temporaries) == 2  # the new file and the copy of the one it replaces
            raise OSError("disk unplugged")

    monkeypatch.setattr(journal, "checkpoint", crash)
    with pytest.raises(OSError, match="disk unplugged"):
        record_progress(
            plan,
            str(plan),
            ProgressRequest("1.1.1", dt.date(2018, 5, 1), "delayed"),
            dt.date(2019, 1, 1),
        )
    assert (plan / MEASURE).read_bytes() == before
    assert sorted(p.name for p in (plan / "goal-1").iterdir()) == ["goal.yaml", "measure-1.1.yaml"]
    assert sorted(p.name for p in plan.iterdir() if p.name.startswith(".")) == []


def test_file_changed_meanwhile_is_not_overwritten(plan, monkeypatch):
    """Another program (an editor) saves the file after casplan read it: casplan refuses."""
    from cas_plan.core import journal

    def someone_else_edits(step: str) -> None:
        if step == "prepared":
            (plan / MEASURE).write_text(
                COMMENTED_MEASURE.replace("Train the staff", "Train everyone")
            )

    monkeypatch.setattr(journal, "checkpoint", someone_else_edits)
    with pytest.raises(PlanProblems, match="changed on disk") as refused:
        record_progress(
            plan,
            str(plan),
            ProgressRequest("1.1.1", dt.date(2018, 5, 1), "delayed"),
            dt.date(2019, 1, 1),
        )
    assert refused.value.message == (
        f"{plan}/goal-1/measure-1.1.yaml changed on disk while the change was being prepared "
        "(another program wrote it); run the command again"
    )
    assert "Train everyone" in (plan / MEASURE).read_text()
    assert sorted(p.name for p in (plan / "goal-1").iterdir()) == ["goal.yaml", "measure-1.1.yaml"]


def test_crlf_bom_and_empty_flow_list_are_kept(invoke, tmp_path):
    files: dict[str, str | bytes] = dict(minimal_files())
    text = COMMENTED_MEASURE.replace(
        "    progress:\n      - date: 2018-03-01\n        status: in_progress\n"
        "        note: 'Drafting: started'\n",
        "    progress: []  # none yet\n",
    )
    files[MEASURE] = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    plan = write_plan(tmp_path / "p", files)
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date", "2018-05-01"
    )
    assert result.exit_code == 0, result.output
    data = (plan / MEASURE).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == text.replace(
        "    progress: []  # none yet\n",
        "    progress:  # none yet\n      - date: 2018-05-01\n        status: in_progress\n",
    )


def test_every_real_measure_file_takes_an_entry_with_only_new_lines():
    """The round-trip property on the real plan: for each measure file, an entry added to its
    last activity changes no existing line, and the file then holds exactly that entry."""
    from cas_plan.core.yaml_reader import read_yaml_text
    from cas_plan.edit.progress import insert_entry

    views = load(REAL_PLAN).plan.views
    last_in_file = {view.path: view for view in views}
    assert len(last_in_file) == 45
    entry = {
        "date": dt.date(2019, 6, 30),
        "status": "in_progress",
        "note": "Test entry: not real progress",
    }
    for view in last_in_file.values():
        before = Path(view.path).read_text(encoding="utf-8")
        after = insert_entry(before, view.pointer, entry)
        new = added_lines(before, after)
        assert [line.strip() for line in new] == [
            "progress:",
            "- date: 2019-06-30",
            "status: in_progress",
            "note: 'Test entry: not real progress'",
        ], view.id
        activity = read_yaml_text(after, view.path).data
        for step in view.pointer:
            activity = activity[step]
        assert activity["progress"] == [entry], view.id


@pytest.mark.parametrize("activity", ["2.1.2", "3.5.1.2", "1.1.1", "7.3.1"])
def test_the_confirmation_shows_exactly_the_lines_git_diff_shows(invoke, tmp_path, activity):
    import shutil
    import subprocess

    root = tmp_path / "repo"
    shutil.copytree(REAL_PLAN, root / "plan")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    result = invoke(
        "progress", activity, "--status", "in_progress", "--date", "2018-05-01",
        "--note", "status: begun", "--value", "1=yes", "--plan", str(root / "plan"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines()[1:]]
    diff = subprocess.run(
        ["git", "-C", str(root), "diff", "-U0"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert shown == added
    assert not [line for line in diff if line.startswith("-") and not line.startswith("---")]
