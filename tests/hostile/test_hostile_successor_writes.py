"""`successor` writes two places, the new plan's directory at --out and the old plan's
successor.yaml, in one journaled write of the old plan: killed at any step, the next command that
opens the old plan leaves both or neither; run beside `progress`, one waits for the other; and a
journal's directory entry, which a pull request could forge, moves or removes nothing but a
directory casplan staged with that journal's token and digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plans import REPO
from writers import STEPS, snapshot, wait_until_locked

FIXTURE = REPO / "tests" / "data" / "readme" / "indicators"
SUCCESSOR = ["successor", "--plan", "fx", "--period", "2021..2025", "--out", "next"]
STARTED = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
COMPLETED = (
    f"casplan: completed an interrupted write of 1 file and 1 directory \\(successor, started "
    f"{STARTED}\\)\n"
)


def run(*args: str, cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "cas_plan", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"COLUMNS": "120", "NO_COLOR": "1"} | (env or {}),
        cwd=cwd,
        timeout=120,
    )


def fixture(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    shutil.copytree(FIXTURE, folder / "fx")
    return folder


def hidden(folder: Path) -> list[str]:
    """Every name under `folder` that starts with a dot (temporaries, staged copies, journals)."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.name.startswith(".")
    )


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    """The old plan before and after a whole successor run, and the new plan it wrote."""
    here = fixture(tmp_path_factory.mktemp("whole"))
    before = snapshot(here / "fx")
    done = run(*SUCCESSOR, cwd=here)
    assert done.returncode == 0, done.stderr
    return before, snapshot(here / "fx"), snapshot(here / "next")


@pytest.mark.parametrize("step", list(STEPS))
def test_successor_killed_at_any_step_leaves_both_or_neither(tmp_path, states, step):
    before, after, new_plan = states
    here = fixture(tmp_path)
    killed = run(*SUCCESSOR, cwd=here, env={"CASPLAN_TEST_KILL_AT": step})
    assert killed.returncode == -9, killed.stderr
    assert killed.stdout == ""

    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.returncode == 0, checked.stderr
    expected = STEPS[step]
    if expected == "completed":
        assert re.fullmatch(COMPLETED, checked.stderr), checked.stderr
    else:
        assert checked.stderr == ""
    if expected == "old":
        assert {k: v for k, v in snapshot(here / "fx").items() if not k.startswith(".")} == before
        assert not (here / "next").exists()
        # the next successor clears what the killed one staged, and makes the plan whole
        again = run(*SUCCESSOR, cwd=here)
        assert again.returncode == 0, again.stderr
    else:
        again = run(*SUCCESSOR, cwd=here)
        assert again.returncode == 2
        assert again.stderr == (
            "casplan: error: the plan in 'fx' already has a successor (successor.yaml); remove "
            "it first to make another; nothing was written\n"
        )
    assert snapshot(here / "fx") == after
    assert snapshot(here / "next") == new_plan
    assert hidden(here) == []
    assert run("validate", "--plan", "next", cwd=here).returncode == 0


def test_a_staged_directory_that_is_gone_undoes_the_whole_write(tmp_path, states):
    """The new plan's staged copy vanished after the journal was written (a cleaner, a disk
    error): successor.yaml, already renamed, is removed again, and the old plan is as it was."""
    before, _, _ = states
    here = fixture(tmp_path)
    assert run(*SUCCESSOR, cwd=here, env={"CASPLAN_TEST_KILL_AT": "rename-1"}).returncode == -9
    [staged] = here.glob(".next.*.new.tmp")
    shutil.rmtree(staged)
    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.returncode == 0, checked.stderr
    assert re.fullmatch(
        f"casplan: undid an interrupted write of 1 file and 1 directory \\(successor, started "
        f"{STARTED}\\): a new file was missing\n",
        checked.stderr,
    ), checked.stderr
    assert snapshot(here / "fx") == before
    assert sorted(p.name for p in here.iterdir()) == ["fx"]


def test_a_new_plan_moved_in_after_the_kill_is_left_alone(tmp_path):
    """Someone made 'next' after the kill: the staged copy cannot go there, and is removed; the
    folder in its place is not touched; successor.yaml goes too (neither)."""
    here = fixture(tmp_path)
    assert run(*SUCCESSOR, cwd=here, env={"CASPLAN_TEST_KILL_AT": "journal"}).returncode == -9
    (here / "next").mkdir()
    (here / "next" / "mine.txt").write_text("mine\n")
    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.endswith("): a new file was missing\n"), checked.stderr
    assert snapshot(here / "next") == {"mine.txt": b"mine\n"}
    assert not (here / "fx" / "successor.yaml").exists()
    assert hidden(here) == []


# --- at once with another writer of the old plan -------------------------------------------

PROGRESS = ["progress", "1.1.2", "--status", "delayed", "--date", "2020-06-01", "--plan", "fx"]


@pytest.mark.parametrize("first", ["successor", "progress"])
def test_successor_and_progress_at_once_take_turns(tmp_path, first):
    here = fixture(tmp_path)
    args = {"successor": SUCCESSOR, "progress": PROGRESS}
    second = "progress" if first == "successor" else "successor"
    one = subprocess.Popen(
        [sys.executable, "-m", "cas_plan", *args[first]],
        env=os.environ | {"CASPLAN_TEST_PAUSE_AT": "prepared"},
        cwd=here,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_locked(here / "fx")
    two = run(*args[second], cwd=here)
    _, err = one.communicate(timeout=60)
    assert (one.returncode, err) == (0, "")
    assert (two.returncode, two.stderr) == (0, "")
    measure = (here / "fx" / "goal-1" / "measure-1.1.yaml").read_text()
    assert "date: 2020-06-01" in measure
    record = (here / "fx" / "successor.yaml").read_text()
    assert "\n  1.1.2: 1.1.2\n" in record
    assert (here / "next" / "goal-1" / "measure-1.1.yaml").is_file()
    assert run("validate", "--plan", "fx", cwd=here).returncode == 0
    assert run("validate", "--plan", "next", cwd=here).returncode == 0
    assert hidden(here) == []


# --- forged journals ---------------------------------------------------------------------------

TOKEN = "aaaaaaaaaaaa"


def forged(here: Path, target: str, new: str = "0" * 64, **extra: object) -> None:
    entry = {"target": target, "new": new, "old": None, "kind": "directory"} | extra
    record = {
        "casplan_journal": 1,
        "command": "successor",
        "started": "2020-01-01T00:00:00",
        "token": TOKEN,
        "files": [entry],
    }
    (here / "fx" / ".casplan-journal").write_text(json.dumps(record))


def tree_digest(folder: Path) -> str:
    """The digest a journal gives a directory: its folders' and files' names, the files' bytes."""
    items = sorted(
        ["d", p.relative_to(folder).as_posix()]
        if p.is_dir()
        else ["f", p.relative_to(folder).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()]
        for p in folder.rglob("*")
    )
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


DAMAGED = (
    "casplan: error: fx/.casplan-journal is damaged ({}); it is not a journal casplan can "
    "complete: look at the files it names, then remove it\n"
)
ELSEWHERE = {
    "above the folder": ("../../elsewhere", "directory '../../elsewhere' is not in the folder "
                         "that holds the plan directory"),
    "absolute": ("/tmp/elsewhere", "directory '/tmp/elsewhere' is not in the folder that holds "
                 "the plan directory"),
    "up and down again": ("../next/../../elsewhere", "directory '../next/../../elsewhere' is "
                          "not in the folder that holds the plan directory"),
    "the folder itself": ("..", "directory '..' is not in the folder that holds the plan "
                          "directory"),
    "hidden": ("../.git", "directory '../.git' has a hidden name"),
    "through a hidden folder": ("../.git/hooks2", "directory '../.git/hooks2' has a hidden name"),
    "inside the plan": ("../fx/goal-9", "directory '../fx/goal-9' is inside the plan directory"),
    "the plan itself": ("../fx", "directory '../fx' is inside the plan directory"),
    "through a link": ("../link/next", "directory '../link/next' is reached through a link"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ELSEWHERE))
def test_a_forged_directory_entry_elsewhere_is_refused_and_touches_nothing(tmp_path, name):
    target, reason = ELSEWHERE[name]
    here = fixture(tmp_path / "work")
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (tmp_path / ".elsewhere.aaaaaaaaaaaa.new.tmp").mkdir()  # as if staged: still not touched
    (tmp_path / "outside").mkdir()
    (here / "link").symlink_to(tmp_path / "outside")
    (tmp_path / "outside" / ".next.aaaaaaaaaaaa.new.tmp").mkdir()
    before = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    forged(here, target)
    checked = run("validate", "--plan", "fx", cwd=here)
    assert (checked.returncode, checked.stderr) == (1, DAMAGED.format(reason))
    (here / "fx" / ".casplan-journal").unlink()
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")} == before


def test_a_second_directory_or_a_directory_that_replaces_something_is_refused(tmp_path):
    here = fixture(tmp_path)
    forged(here, "../next", old="0" * 64)
    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.stderr == DAMAGED.format("directory '../next' replaces something")
    record = json.loads((here / "fx" / ".casplan-journal").read_text())
    record["files"] = [record["files"][0] | {"old": None}, record["files"][0] | {"old": None}]
    (here / "fx" / ".casplan-journal").write_text(json.dumps(record))
    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.stderr == DAMAGED.format("more than one directory")
    forged(here, "../next", kind="folder")
    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.stderr == DAMAGED.format("bad kind")


def conflict(target: str) -> str:
    return (
        "casplan: error: fx/.casplan-journal: an interrupted write (successor, started "
        f"2020-01-01T00:00:00) can be neither completed nor undone: {target} changed since; "
        "check those files, then remove the journal\n"
    )


def test_a_staged_copy_unlike_its_digest_is_neither_moved_nor_removed(tmp_path):
    """A folder named like a staged copy, beside a free --out, whose files are not the ones the
    journal's digest says: it is not renamed into place, nor removed."""
    here = fixture(tmp_path)
    staged = here / f".next.{TOKEN}.new.tmp"
    staged.mkdir()
    (staged / "plan.yaml").write_text("title: mine\n")
    forged(here, "../next")
    checked = run("validate", "--plan", "fx", cwd=here)
    assert (checked.returncode, checked.stderr) == (1, conflict("next"))
    assert snapshot(staged) == {"plan.yaml": b"title: mine\n"}
    assert not (here / "next").exists()


def test_a_staged_copy_that_is_a_link_or_holds_one_is_left_alone(tmp_path):
    here = fixture(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("keep\n")
    staged = here / f".next.{TOKEN}.new.tmp"
    staged.symlink_to(mine)
    forged(here, "../next", new=tree_digest(mine))
    checked = run("validate", "--plan", "fx", cwd=here)
    assert (checked.returncode, checked.stderr) == (1, conflict("next"))
    assert staged.is_symlink() and (mine / "keep.txt").read_text() == "keep\n"
    staged.unlink()
    staged.mkdir()
    (staged / "keep.txt").symlink_to(mine / "keep.txt")
    forged(here, "../next", new=tree_digest(staged))
    checked = run("validate", "--plan", "fx", cwd=here)
    assert (checked.returncode, checked.stderr) == (1, conflict("next"))
    assert (staged / "keep.txt").is_symlink() and (mine / "keep.txt").read_text() == "keep\n"
    assert not (here / "next").exists()


def test_a_target_in_place_is_never_removed(tmp_path):
    """A journal that names an existing folder as its new directory, with the folder's own
    digest, and a file entry that cannot complete: the write is not undone by removing the
    folder; it is a conflict, and the folder stays."""
    here = fixture(tmp_path)
    (here / "next").mkdir()
    (here / "next" / "plan.yaml").write_text("title: mine\n")
    forged(here, "../next", new=tree_digest(here / "next"))
    record = json.loads((here / "fx" / ".casplan-journal").read_text())
    record["files"].insert(0, {"target": "successor.yaml", "new": "1" * 64, "old": None})
    (here / "fx" / ".casplan-journal").write_text(json.dumps(record))
    checked = run("validate", "--plan", "fx", cwd=here)
    assert (checked.returncode, checked.stderr) == (1, conflict("fx/successor.yaml"))
    assert snapshot(here / "next") == {"plan.yaml": b"title: mine\n"}


def test_a_directory_entry_in_an_output_folder_is_refused(tmp_path):
    """Only a plan's journal may name a directory: in an output folder (collect's, followup's)
    such an entry is refused before anything is touched."""
    from cas_plan.core import journal
    from cas_plan.core.errors import PlanProblems

    folder = tmp_path / "out"
    folder.mkdir()
    record = {
        "casplan_journal": 1,
        "command": "collect",
        "started": "2020-01-01T00:00:00",
        "token": TOKEN,
        "files": [{"target": "../x", "new": "0" * 64, "old": None, "kind": "directory"}],
    }
    (folder / ".casplan-journal").write_text(json.dumps(record))
    with pytest.raises(PlanProblems) as refused:
        journal.recover(folder, "out", plan_files=False)
    assert str(refused.value) == (
        "out/.casplan-journal is damaged (a directory outside a plan's journal); it is not a "
        "journal casplan can complete: look at the files it names, then remove it"
    )


@pytest.mark.parametrize("out", ["../elsewhere", ".next", "notes/.drafts/next"])
def test_out_must_be_beside_the_plan_by_visible_names(tmp_path, out):
    """Where a plan's journal may name a directory, and nowhere else, successor writes one."""
    here = fixture(tmp_path / "work")
    (here / "notes" / ".drafts").mkdir(parents=True)
    refused = run(*SUCCESSOR[:-1], out, cwd=here)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"casplan: error: --out: '{out}' is not a folder beside the plan: the new plan "
        f"goes in '{here}', the folder that holds the plan directory, or a folder below it, by "
        "names that do not start with a dot (one journal of the plan then covers both); "
        "nothing was written\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert hidden(here) == ["notes/.drafts"]
    assert not (here / "fx" / "successor.yaml").exists()
    deeper = run(*SUCCESSOR[:-1], "notes/next", cwd=here)
    assert deeper.returncode == 0, deeper.stderr
    assert (here / "notes" / "next" / "plan.yaml").is_file()


def test_a_new_plan_changed_after_the_kill_is_neither_completed_nor_undone(tmp_path, states):
    """Killed after the renames, the new plan then edited before the old plan was opened: the
    write cannot be completed (the directory is not what was written) nor undone (that would
    leave the edited plan without the old plan's successor.yaml); both stay, and it is said."""
    _, after, _ = states
    here = fixture(tmp_path)
    assert run(*SUCCESSOR, cwd=here, env={"CASPLAN_TEST_KILL_AT": "renamed"}).returncode == -9
    plan_yaml = here / "next" / "plan.yaml"
    plan_yaml.write_text(plan_yaml.read_text() + "# edited\n")
    edited = snapshot(here / "next")
    checked = run("validate", "--plan", "fx", cwd=here)
    assert checked.returncode == 1
    assert re.fullmatch(
        f"casplan: error: fx/.casplan-journal: an interrupted write \\(successor, started "
        f"{STARTED}\\) can be neither completed nor undone: next changed since; check those "
        "files, then remove the journal\n",
        checked.stderr,
    ), checked.stderr
    assert snapshot(here / "next") == edited
    assert {k: v for k, v in snapshot(here / "fx").items() if not k.startswith(".")} == after
