"""`casplan diff`: meaning-level changes between git revisions of a plan."""

from __future__ import annotations

import json

import pytest

from plans import git, minimal_files, write_plan


@pytest.fixture
def repo(tmp_path):
    """A repository with four commits on top of main: a status change, a deadline change, an
    added activity and a rewritten history entry."""
    root = tmp_path / "repo"
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] += (
        "    progress:\n"
        "      - date: 2018-01-10\n"
        "        status: in_progress\n"
        "        note: Started\n"
    )
    write_plan(root / "plan", files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "plan")
    git(root, "checkout", "-qb", "progress")
    measure = root / "plan" / "goal-1" / "measure-1.1.yaml"
    text = measure.read_text()
    text = text.replace("    due: 2018-12-31\n", "    due: 2019-06-30\n")
    git_write(root, measure, text, "move the deadline")
    text += "      - date: 2018-06-01\n        status: delayed\n        note: No trainers\n"
    git_write(root, measure, text, "status change")
    text = text.replace("        note: Started\n", "        note: Started late\n")
    git_write(root, measure, text, "rewrite history")
    text = text.replace(
        '  - id: "1.1.2"',
        '  - id: "1.1.3"\n    title: Publish the rules\n    due: 2019-12-31\n  - id: "1.1.2"',
    )
    measure.write_text(text)  # the working tree: an added activity, not committed
    return root


def git_write(root, path, text, message):
    path.write_text(text)
    git(root, "commit", "-qam", message)


def test_text_summary_against_main(invoke, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = invoke("diff")
    assert result.exit_code == 0, result.output
    base = git(repo, "merge-base", "main", "HEAD")[:12]
    assert result.output.splitlines() == [
        f"casplan diff merge-base {base} .. working tree",
        "Activities added (1):",
        "  + 1.1.3 Publish the rules",
        "Status changes (1):",
        "  * 1.1.2 Train the staff: in_progress -> delayed",
        "New progress entries (1):",
        "  * 1.1.2 Train the staff: 2018-06-01 delayed: No trainers",
        "Past progress entries edited (history should be appended, not rewritten) (1):",
        "  ! 1.1.2 Train the staff: 2018-01-10 in_progress: Started -> 2018-01-10 in_progress: "
        "Started late",
        "Deadlines changed (1):",
        "  * 1.1.1 Write the rules: 2018-12-31 -> 2019-06-30",
    ]


def test_between_two_commits_and_markdown(invoke, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = invoke("diff", "HEAD~2", "HEAD~1", "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "### Plan changes: `HEAD~2` .. `HEAD~1`\n\n"
        "#### Status changes (1)\n\n"
        "- 1.1.2 Train the staff: in\\_progress → delayed\n\n"
        "#### New progress entries (1)\n\n"
        "- 1.1.2 Train the staff: 2018-06-01 delayed: No trainers\n"
    )


def test_json(invoke, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = invoke("diff", "main", "HEAD~2", "--format", "json")
    data = json.loads(result.stdout)
    assert data["base"] == {"revision": "main", "problems": []}
    assert data["changes"] == [
        {
            "kind": "due",
            "activity": "1.1.1",
            "title": "Write the rules",
            "old": {"as_written": None, "value": "2018-12-31"},
            "new": {"as_written": None, "value": "2019-06-30"},
            "note": None,
        }
    ]


def test_a_revision_where_the_plan_does_not_load(invoke, repo, monkeypatch):
    monkeypatch.chdir(repo)
    measure = repo / "plan" / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace("title: First measure", "titel: First"))
    result = invoke("diff", "main")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1:] == [
        "the plan at working tree does not load (2 problems):",
        "  plan/goal-1/measure-1.1.yaml:1:1: error: missing key 'title'",
        "  plan/goal-1/measure-1.1.yaml:2:1: error: unknown key 'titel'",
    ]
    assert "Traceback" not in result.output


def test_no_change(invoke, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = invoke("diff", "HEAD", "HEAD")
    assert result.output.splitlines()[1:] == ["no change in meaning"]


def test_outside_a_repository_and_unknown_revision(invoke, repo, tmp_path, monkeypatch):
    plan = write_plan(tmp_path / "elsewhere", minimal_files())
    result = invoke("diff", "--plan", str(plan))
    assert result.exit_code == 2
    assert result.output == f"casplan: error: '{plan}' is not inside a git repository\n"
    monkeypatch.chdir(repo)
    result = invoke("diff", "nosuchbranch")
    assert result.exit_code == 2
    assert result.output == "casplan: error: unknown revision 'nosuchbranch'\n"
