"""Every command asked about a plan that does not validate says so in one line and exits 1."""

from __future__ import annotations

import subprocess

import pytest

from plans import minimal_files, write_plan


@pytest.fixture
def broken(tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "responsible: [hr-division]", "responsible: [finance-division]"
    )
    return write_plan(tmp_path / "p", files)


QUERIES = [
    ["list"],
    ["list", "--format", "json"],
    ["due", "--before", "2018-12-31"],
    ["due", "--before", "2018-12-31", "--format", "ics"],
    ["units"],
    ["who", "hr-division"],
    ["show", "1.1.1"],
    ["budget"],
    ["report", "--year", "2018"],
    ["report", "--year", "2018", "--format", "html"],
    ["codeowners", "--out", "-"],
]


@pytest.mark.parametrize("args", QUERIES, ids=lambda args: " ".join(args))
def test_queries_refuse_a_broken_plan_in_one_line(invoke, broken, args):
    result = invoke(*args, "--plan", str(broken))
    assert result.exit_code == 1
    assert result.output == (
        f"casplan: error: the plan in '{broken}' has 1 problem; run 'casplan validate "
        f"--plan {broken}' (or pass --no-validate)\n"
    )


@pytest.mark.parametrize("args", [["list", "--format", "json"], ["budget"]])
def test_no_validate_answers_anyway(invoke, broken, args):
    assert invoke(*args, "--plan", str(broken), "--no-validate").exit_code == 0


def test_progress_refuses_and_says_why(invoke, broken):
    before = (broken / "goal-1" / "measure-1.1.yaml").read_bytes()
    result = invoke(
        "progress",
        "1.1.2",
        "--status",
        "in_progress",
        "--date",
        "2018-01-01",
        "--plan",
        str(broken),
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "casplan: error: the plan already has 1 problem; fix them first (see 'casplan "
        "validate'); nothing was written"
    )
    assert f"{broken}/goal-1/measure-1.1.yaml:7:19: error: unknown unit 'finance-division'" in (
        result.output
    )
    assert (broken / "goal-1" / "measure-1.1.yaml").read_bytes() == before


def test_diff_markdown_escapes_plan_text(invoke, tmp_path, monkeypatch):
    root = tmp_path / "repo"
    write_plan(root / "plan", minimal_files())

    def git(*args):
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@e", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "plan")
    measure = root / "plan" / "goal-1" / "measure-1.1.yaml"
    measure.write_text(
        measure.read_text().replace(
            "title: Write the rules",
            "title: 'Pipes | <script>alert(1)</script> @org/team #12 ```mermaid'",
        )
    )
    monkeypatch.chdir(root)
    result = invoke("diff", "--format", "md")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("- 1.1.1"))
    assert "<script>" not in line and "\\<script\\>" in line
    assert "@\u200borg/team" in line and "\\#12" in line and "\\`\\`\\`mermaid" in line
    assert "\\|" in line
