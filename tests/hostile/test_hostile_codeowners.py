"""Hostile review handles and paths against `casplan codeowners`: no rule the plan did not mean."""

from __future__ import annotations

import json

import pytest

from plans import minimal_files, write_plan

BAD_HANDLES = [
    "@org/team\n* @mallory",
    "@org/team * @mallory",
    "@org/team\r* @mallory",
    "@org/team\u2028* @mallory",
    "org/team",
    "@-user",
    "@user-",
    "@us--er",
    "@" + "a" * 40,
    "@org/",
    "@org/team/extra",
    "@org/te am",
    "mallory@",
    "a@b",
    "@",
    "",
]
GOOD_HANDLES = ["@octocat", "@org/team", "@cas-action-plan/hr_team-2", "a.b+c@example.org"]


def _plan(tmp_path, unit_review: str | None = None, plan_review: str | None = None, name="plan"):
    files = minimal_files()
    if unit_review is not None:
        files["organization.yaml"] = files["organization.yaml"].replace(
            "    kind: division\n", f"    kind: division\n    review: {json.dumps(unit_review)}\n"
        )
    if plan_review is not None:
        files["plan.yaml"] += f"review: {json.dumps(plan_review)}\n"
    plan = write_plan(tmp_path / "repo" / name, files)
    (tmp_path / "repo" / ".git").mkdir(exist_ok=True)  # not a repository: the parent stands in
    return plan


@pytest.mark.parametrize("handle", BAD_HANDLES)
@pytest.mark.parametrize("where", ["unit", "plan"])
def test_a_bad_review_handle_is_refused_by_validate(invoke, tmp_path, handle, where):
    plan = _plan(tmp_path, **{f"{where}_review": handle})
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    assert "is not a GitHub handle (@user or @org/team) nor an e-mail address" in result.output
    result = invoke("codeowners", "--plan", str(plan), "--out", "-")
    assert result.exit_code == 1
    assert "@mallory" not in result.stdout
    assert not (tmp_path / "repo" / ".github" / "CODEOWNERS").exists()


@pytest.mark.parametrize("handle", GOOD_HANDLES)
def test_a_good_review_handle_is_one_owner(invoke, tmp_path, handle):
    plan = _plan(tmp_path, unit_review=handle)
    result = invoke("codeowners", "--plan", str(plan), "--out", "-")
    assert result.exit_code == 0, result.output
    rules = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert rules == [f"/plan/goal-1/measure-1.1.yaml {handle}"]


def test_a_plan_path_with_spaces_is_escaped(invoke, tmp_path):
    plan = _plan(tmp_path, unit_review="@org/hr", name="the plan")
    result = invoke("codeowners", "--plan", str(plan), "--out", "-")
    assert result.exit_code == 0, result.output
    rules = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert rules == ["/the\\ plan/goal-1/measure-1.1.yaml @org/hr"]


@pytest.mark.parametrize("name", ["plan#1", "plan\nx", "pl[a]n", "plan*", "!plan", "pl\\an"])
def test_a_plan_path_codeowners_cannot_express_is_refused(invoke, tmp_path, name):
    plan = _plan(tmp_path, unit_review="@org/hr", name=name)
    result = invoke("codeowners", "--plan", str(plan), "--out", "-")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("casplan: error: the path '/")
    assert "which CODEOWNERS cannot escape" in lines[0]
