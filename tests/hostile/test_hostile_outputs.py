"""Output paths attacked: links planted where an output goes, outputs aimed at the plan's own
files, the working directory as a site, missing folders, and multi-file outputs killed at every
step (real processes, CASPLAN_TEST_KILL_AT)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cas_plan.core import outputs
from plans import minimal_files, write_plan

MEASURE_12 = """\
id: "1.2"
title: Second measure
activities:
  - id: "1.2.1"
    title: Audit the software
    indicators: [Audit done]
    responsible: [audit-department]
    funds:
      no_extra_cost: true
    due: 2018-12-31
"""
STARTED = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"


@pytest.fixture
def plan(tmp_path) -> Path:
    return write_plan(
        tmp_path / "plan", dict(minimal_files()) | {"goal-1/measure-1.2.yaml": MEASURE_12}
    )


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "cas_plan", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"COLUMNS": "120", "NO_COLOR": "1"} | (env or {}),
        cwd=cwd,
        timeout=120,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# each command that writes an output, the option, and where it writes: a file, or a folder and
# one of the files it writes there
FILE_OUTPUTS = {
    "report": ["report", "--year", "2018", "--out"],
    "report docx": ["report", "--year", "2018", "--format", "docx", "--out"],
    "list": ["list", "--format", "xlsx", "--out"],
    "due": ["due", "--before", "2019-01-01", "--format", "xlsx", "--out"],
    "who": ["who", "hr-division", "--format", "xlsx", "--out"],
    "budget": ["budget", "--format", "xlsx", "--out"],
    "codeowners": ["codeowners", "--out"],
}
FOLDER_OUTPUTS = {
    "collect": (["collect", "--period", "2018", "--out"], "hr-division.xlsx"),
    "followup": (
        ["followup", "--period", "2018", "--as-of", "2019-01-01", "--eml"],
        "hr-division.eml",
    ),
    "schema": (["schema", "--out"], "measure.schema.json"),
}


@pytest.mark.parametrize("name", list(FILE_OUTPUTS))
def test_an_output_file_that_is_a_link_is_refused(invoke, plan, tmp_path, name):
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours\n")
    link = tmp_path / "out.file"
    link.symlink_to(outside)
    result = invoke(*FILE_OUTPUTS[name], str(link), "--plan", str(plan))
    assert result.exit_code == 2
    assert result.output == (
        f"casplan: error: --out: '{link}' is a symbolic link; casplan does not write through "
        "links (remove it or choose another path)\n"
    )
    assert outside.read_text() == "not yours\n" and link.is_symlink()


@pytest.mark.parametrize("name", list(FOLDER_OUTPUTS))
def test_a_link_inside_an_output_folder_is_refused_and_nothing_is_written(
    invoke, plan, tmp_path, name
):
    args, file = FOLDER_OUTPUTS[name]
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours\n")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / file).symlink_to(outside)
    result = invoke(*args, str(folder), "--plan", str(plan))
    assert result.exit_code == 2
    option = args[-1]
    assert result.stderr == (
        f"casplan: error: {option}: '{folder / file}' is a symbolic link; casplan does not "
        "write through links (remove it or choose another path)\n"
    )
    assert outside.read_text() == "not yours\n"
    assert [p.name for p in folder.iterdir()] == [file]  # nothing else written either


@pytest.mark.parametrize("name", ["collect", "followup", "schema", "site"])
def test_an_output_folder_that_is_a_link_is_refused(invoke, plan, tmp_path, name):
    args = FOLDER_OUTPUTS[name][0] if name != "site" else ["site", "--out"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "out"
    link.symlink_to(elsewhere)
    result = invoke(*args, str(link), "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr == (
        f"casplan: error: {args[-1]}: '{link}' is a symbolic link; casplan does not write "
        "through links (remove it or choose another path)\n"
    )
    assert list(elsewhere.iterdir()) == []


PLAN_TARGETS = {
    "report": (FILE_OUTPUTS["report"], "goal-1/measure-1.1.yaml"),
    "report docx": (FILE_OUTPUTS["report docx"], "plan.yaml"),
    "list": (FILE_OUTPUTS["list"], "plan.yaml"),
    "due": (FILE_OUTPUTS["due"], "organization.yaml"),
    "who": (FILE_OUTPUTS["who"], "events.yaml"),
    "budget": (FILE_OUTPUTS["budget"], "goal-1/goal.yaml"),
    "codeowners": (FILE_OUTPUTS["codeowners"], "organization.yaml"),
    "a new file in the plan": (FILE_OUTPUTS["report"], "goal-1/notes.md"),
    "collect": (FOLDER_OUTPUTS["collect"][0], "goal-1"),
    "followup": (FOLDER_OUTPUTS["followup"][0], "."),
    "schema": (FOLDER_OUTPUTS["schema"][0], "goal-1"),
    "site": (["site", "--out"], "goal-1"),
}


@pytest.mark.parametrize("name", list(PLAN_TARGETS))
def test_an_output_into_the_plan_directory_is_refused(invoke, plan, name):
    args, relative = PLAN_TARGETS[name]
    before = snapshot(plan)
    target = plan / relative if relative != "." else plan
    result = invoke(*args, str(target), "--plan", str(plan))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"casplan: error: {args[-1]}: '{target}' is inside the plan directory '{plan}', which "
        "only the plan's own commands write; choose a path outside it\n"
    )
    assert snapshot(plan) == before
    assert invoke("validate", "--plan", str(plan)).exit_code == 0


@pytest.mark.parametrize("inside", ["new", "goal-1/new", "schemas/new", "new/deeper"])
def test_a_new_plan_inside_a_plan_directory_is_refused(invoke, plan, inside):
    """`init` into a folder of a plan (it was made there, and the outer plan then failed
    `validate`: its new files are not plan file names)."""
    (plan / "schemas").mkdir()
    target = plan / inside
    result = invoke("init", str(target))
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"casplan: error: DIR: '{target}' is inside the plan directory '{plan}', which only "
        "the plan's own commands write; choose a path outside it; nothing was written\n"
    )
    assert not target.exists() and not (plan / "new").exists()  # no folder made either
    assert invoke("validate", "--plan", str(plan)).exit_code == 0


def test_a_new_plan_beside_a_plan_directory_is_made(invoke, plan):
    result = invoke("init", str(plan.parent / "next"))
    assert result.exit_code == 0, result.output
    assert invoke("validate", "--plan", str(plan.parent / "next")).exit_code == 0


@pytest.mark.parametrize("name", ["collect", "followup", "site"])
def test_an_output_folder_that_holds_the_plan_is_refused(invoke, plan, tmp_path, name):
    args = FOLDER_OUTPUTS[name][0] if name != "site" else ["site", "--out"]
    before = snapshot(tmp_path)
    result = invoke(*args, str(tmp_path), "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr == (
        f"casplan: error: {args[-1]}: '{tmp_path}' holds the plan directory '{plan}'; choose a "
        "folder outside it\n"
    )
    assert snapshot(tmp_path) == before


def test_schema_writes_the_plans_own_schemas_folder(invoke, plan):
    result = invoke("schema", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert (plan / "schemas" / "measure.schema.json").is_file()


@pytest.mark.parametrize("out", [".", "./", "..", "sub/.."])
def test_the_working_directory_is_not_a_site_folder(plan, tmp_path, out):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("site", "--out", out, "--plan", str(plan), cwd=work)
    assert result.returncode == 2
    assert result.stderr == (
        f"casplan: error: --out: '{out.rstrip('/') or '.'}' is the working directory or holds "
        "it, and would be replaced whole; name a folder for it (e.g. --out site)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert sorted(p.name for p in work.iterdir()) == ["sub"]


@pytest.mark.parametrize(
    ("name", "made"),
    [
        ("collect", "hr-division.xlsx"),
        ("followup", "hr-division.eml"),
        ("schema", "plan.schema.json"),
    ],
)
def test_a_missing_output_folder_is_made_a_missing_parent_is_refused(
    invoke, plan, tmp_path, name, made
):
    args, _ = FOLDER_OUTPUTS[name]
    folder = tmp_path / "new"
    result = invoke(*args, str(folder), "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert (folder / made).is_file()
    deeper = tmp_path / "missing" / "new"
    result = invoke(*args, str(deeper), "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr == (
        f"casplan: error: {args[-1]}: directory '{tmp_path / 'missing'}' does not exist\n"
    )
    assert not (tmp_path / "missing").exists()


# --- several files, killed -------------------------------------------------------------------

COLLECT_STEPS = {
    "temporaries": False,
    "journal": True,
    "rename-1": True,
    "rename-2": True,
    "renamed": True,
    "journal-removed": False,
}


@pytest.mark.parametrize("step", list(COLLECT_STEPS))
def test_collect_killed_at_any_step_is_made_whole_by_the_next_run(plan, tmp_path, step):
    out = tmp_path / "out"
    args = ["collect", "--period", "2018", "--out", str(out), "--plan", str(plan)]
    killed = run(*args, env={"CASPLAN_TEST_KILL_AT": step})
    assert killed.returncode == -9
    again = run(*args)
    assert again.returncode == 0, again.stderr
    if COLLECT_STEPS[step]:
        assert re.fullmatch(
            "casplan: completed an interrupted write of 2 files "
            f"\\(collect, started {STARTED}\\)\n",
            again.stderr,
        ), again.stderr
    else:
        assert again.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == ["audit-department.xlsx", "hr-division.xlsx"]


def test_followup_drafts_killed_half_way_are_completed(plan, tmp_path):
    out = tmp_path / "drafts"
    args = ["followup", "--period", "2018", "--as-of", "2019-01-01", "--eml", str(out)]
    killed = run(*args, "--plan", str(plan), env={"CASPLAN_TEST_KILL_AT": "rename-1"})
    assert killed.returncode == -9
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 1
    again = run(*args, "--plan", str(plan))
    assert again.returncode == 0
    assert again.stderr.startswith("casplan: completed an interrupted write of 2 files (followup")
    assert sorted(p.name for p in out.iterdir()) == ["audit-department.eml", "hr-division.eml"]


# --- the site folder, killed -----------------------------------------------------------------


def site(plan: Path, out: Path, env: dict[str, str] | None = None):
    return run("site", "--out", str(out), "--as-of", "2019-01-01", "--plan", str(plan), env=env)


@pytest.mark.parametrize(
    ("step", "had_site", "expected"),
    [
        ("folder-written", False, None),
        ("folder-renamed", False, "new"),
        ("folder-written", True, "old"),
        ("folder-exchanged", True, "new"),
    ],
)
def test_a_site_killed_at_any_step_leaves_the_old_or_the_new_site(
    plan, tmp_path, step, had_site, expected
):
    reference = tmp_path / "reference"
    assert site(plan, reference).returncode == 0
    new = snapshot(reference)
    out = tmp_path / "public" / "site"
    out.parent.mkdir()
    old = None
    if had_site:
        out.mkdir()
        (out / ".casplan-site").write_text("an older site\n")
        (out / "index.html").write_text("<p>old</p>\n")
        old = snapshot(out)
    killed = site(plan, out, {"CASPLAN_TEST_KILL_AT": step})
    assert killed.returncode == -9
    if expected is None:
        assert not out.exists()
    else:
        assert snapshot(out) == (new if expected == "new" else old)
    again = site(plan, out)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == new
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]


def test_folders_left_by_earlier_versions_are_removed(plan, tmp_path):
    out = tmp_path / "site"
    for leftover in (".site.k1ll3d00.new", ".site.k1ll3d01.old/site"):
        (tmp_path / leftover).mkdir(parents=True)
        (tmp_path / leftover / "index.html").write_text("<p>half</p>\n")
    assert site(plan, out).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan", "site"]


@pytest.mark.parametrize(
    ("complete", "expected"), [(True, "<p>new</p>\n"), (False, "<p>old</p>\n")]
)
def test_a_folder_moved_aside_comes_back_or_gives_way_to_a_complete_new_one(
    tmp_path, complete, expected
):
    """Where the exchange does not exist: killed between moving the old folder aside and
    renaming the new one in, there is no folder; the next run puts the complete one there."""
    out = tmp_path / "site"
    aside, fresh = tmp_path / ".site.casplan-old", tmp_path / ".site.casplan-new"
    for folder, text in ((aside, "<p>old</p>\n"), (fresh, "<p>new</p>\n")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    (aside / ".casplan-site").write_text("")
    if complete:
        (fresh / ".casplan-site").write_text("")
    outputs.settle_folder(out, ".casplan-site")
    assert (out / "index.html").read_text() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
