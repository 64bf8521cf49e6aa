"""Plan writes attacked: every writer killed at every step of its write, every pair of writers
run at once, and journals that were damaged or forged.

Each run is a real process (`python -m cas_plan`); CASPLAN_TEST_KILL_AT makes it SIGKILL itself
at a named step, CASPLAN_TEST_PAUSE_AT makes it hold the lock for two seconds. After a kill the
next command must leave the plan exactly as it was before or exactly as the whole write would
have left it (every file compared byte for byte), valid, and say in one line when it completed a
write.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plans import minimal_files, write_plan
from writers import STEPS, snapshot, wait_until_locked

MEASURE_12 = """\
id: "1.2"
title: Second measure
activities:
  - id: "1.2.1"
    title: Buy the software
    indicators: [Software bought]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31
"""
IMPORT_CSV = "ID;New status;Date\n1.1.1;completed;2018-06-01\n1.2.1;completed;2018-06-02\n"
STARTED = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"

ADD_ARGS = [
    "amend", "1.1.3", "--add", "--decision", "X-3", "--date", "2018-06-03", "--title", "New",
    "--indicator", "Done", "--responsible", "hr-division", "--funds", "no-extra-cost", "--due",
    "2019-12-31",
]  # fmt: skip
# each writer: its arguments (after the plan), the files it changes, its journal's command
WRITERS = {
    "progress": (
        ["progress", "1.1.1", "--status", "in_progress", "--date", "2018-05-01", "--note", "n"],
        1,
    ),
    "amend": (
        ["amend", "1.1.1", "--decision", "X-1", "--date", "2018-06-01", "--title", "Rules"],
        2,  # the measure file and a new amendments.yaml
    ),
    "import": (["import", "{csv}"], 2),  # two measure files
    "amend --add": (ADD_ARGS, 2),
}


def plan_files() -> dict[str, str | bytes]:
    return dict(minimal_files()) | {"goal-1/measure-1.2.yaml": MEASURE_12}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "cas_plan", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"COLUMNS": "120", "NO_COLOR": "1"} | (env or {}),
        cwd=cwd,
        timeout=120,
    )


def visible(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if not any(p.startswith(".") for p in k.split("/"))}


def writer_args(name: str, plan: Path) -> list[str]:
    args, _ = WRITERS[name]
    csv = plan.parent / "hr-division.csv"
    if not csv.exists():
        csv.write_text(IMPORT_CSV, encoding="utf-8")
    return [arg.replace("{csv}", str(csv)) for arg in args] + ["--plan", str(plan)]


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> dict[str, tuple[dict[str, bytes], dict[str, bytes]]]:
    """Each writer's plan before and after its write, run once without a kill."""
    out = {}
    for name in WRITERS:
        plan = write_plan(tmp_path_factory.mktemp(name) / "plan", plan_files())
        before = snapshot(plan)
        done = run(*writer_args(name, plan))
        assert done.returncode == 0, done.stderr
        out[name] = (before, snapshot(plan))
    return out


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_writer_killed_at_any_step_leaves_the_old_or_the_new_plan(tmp_path, states, writer, step):
    before, after = states[writer]
    _, count = WRITERS[writer]
    if step == "rename-2" and count == 1:
        pytest.skip("a write of one file has one rename")
    plan = write_plan(tmp_path / "plan", plan_files())
    killed = run(*writer_args(writer, plan), env={"CASPLAN_TEST_KILL_AT": step})
    assert killed.returncode == -9, killed.stderr
    assert killed.stdout == ""

    checked = run("validate", "--plan", str(plan))
    assert checked.returncode == 0, checked.stderr
    expected = STEPS[step]
    files = f"{count} file{'s' if count != 1 else ''}"
    if expected == "completed":
        assert re.fullmatch(
            f"casplan: completed an interrupted write of {files} "
            f"\\({writer.split()[0]}, started {STARTED}\\)\n",
            checked.stderr,
        ), checked.stderr
    else:
        assert checked.stderr == ""
    assert visible(snapshot(plan)) == (before if expected == "old" else after)
    if expected == "completed":
        assert snapshot(plan) == after  # no temporary, no copy, no journal left

    # the next write removes what a write that never reached its journal left, and works
    again = run(
        "progress", "1.2.1", "--status", "in_progress", "--date", "2018-07-01", "--plan", str(plan)
    )
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    hidden = set(snapshot(plan)) - set(visible(snapshot(plan)))
    assert hidden == set()


def test_a_killed_init_leaves_no_plan_and_the_next_init_cleans_up(tmp_path):
    target = tmp_path / "new-plan"
    killed = run("init", str(target), env={"CASPLAN_TEST_KILL_AT": "init-staged"})
    assert killed.returncode == -9
    assert not target.exists()
    assert [p.name.endswith(".casplan-init") for p in tmp_path.iterdir()] == [True]
    done = run("init", str(target))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new-plan"]
    assert run("validate", "--plan", str(target)).returncode == 0


# --- a journal whose write cannot be completed ---------------------------------------------


def killed_amend(tmp_path: Path, step: str = "rename-1") -> tuple[Path, dict[str, bytes]]:
    plan = write_plan(tmp_path / "plan", plan_files())
    before = snapshot(plan)
    killed = run(*writer_args("amend", plan), env={"CASPLAN_TEST_KILL_AT": step})
    assert killed.returncode == -9
    return plan, before


def test_a_missing_new_file_undoes_the_whole_write(tmp_path):
    """The second file's temporary is gone (a cleaner, a disk error): the first file, already
    renamed, gets its old bytes back, and the plan is the old one."""
    plan, before = killed_amend(tmp_path)
    [temporary] = plan.glob(".amendments.yaml.*.new.tmp")
    temporary.unlink()
    checked = run("list", "--plan", str(plan), "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert re.fullmatch(
        f"casplan: undid an interrupted write of 2 files \\(amend, started {STARTED}\\): "
        "a new file was missing\n",
        checked.stderr,
    )
    assert snapshot(plan) == before


def test_a_file_changed_after_the_kill_is_left_alone_and_said(tmp_path):
    plan, _ = killed_amend(tmp_path, "journal")
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace("Train the staff", "Train everyone"))
    [temporary] = plan.glob(".amendments.yaml.*.new.tmp")
    temporary.unlink()
    for args in (
        ["validate"],
        ["progress", "1.2.1", "--status", "delayed", "--date", "2018-07-01"],
    ):
        refused = run(*args, "--plan", str(plan))
        assert refused.returncode == 1
        assert re.fullmatch(
            f"casplan: error: {plan}/.casplan-journal: an interrupted write \\(amend, started "
            f"{STARTED}\\) can be neither completed nor undone: {plan}/goal-1/measure-1.1.yaml "
            "changed since; check those files, then remove the journal"
            + ("; nothing was written" if args[0] == "progress" else "")
            + "\n",
            refused.stderr,
        ), refused.stderr
    assert "Train everyone" in measure.read_text()
    (plan / ".casplan-journal").unlink()
    assert run("validate", "--plan", str(plan)).returncode == 0


JOURNALS = {
    "not json": (
        b"{",
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    "a list": (b"[]", "not a journal casplan wrote"),
    "another version": (b'{"casplan_journal": 2}', "unknown version"),
    "outside": (
        b'{"casplan_journal": 1, "command": "amend", "started": "2018-01-01T00:00:00", '
        b'"token": "aaaaaaaaaaaa", "files": [{"target": "../outside.txt", "new": "'
        + b"0" * 64
        + b'", "old": null}]}',
        "target '../outside.txt' is outside the directory",
    ),
    "absolute": (
        b'{"casplan_journal": 1, "command": "amend", "started": "2018-01-01T00:00:00", '
        b'"token": "aaaaaaaaaaaa", "files": [{"target": "/etc/passwd", "new": "'
        + b"0" * 64
        + b'", "old": null}]}',
        "target '/etc/passwd' is outside the directory",
    ),
    "a command with a line break": (
        b'{"casplan_journal": 1, "command": "amend\\nx", "started": "2018-01-01T00:00:00", '
        b'"token": "aaaaaaaaaaaa", "files": []}',
        "bad command",
    ),
    "a bad token": (
        b'{"casplan_journal": 1, "command": "amend", "started": "2018-01-01T00:00:00", '
        b'"token": "../../x", "files": []}',
        "bad token",
    ),
    "missing keys": (b'{"casplan_journal": 1, "command": "amend"}', "it has no started"),
    "files not a list of records": (
        b'{"casplan_journal": 1, "command": "amend", "started": "2018-01-01T00:00:00", '
        b'"token": "aaaaaaaaaaaa", "files": [1]}',
        "not a journal casplan wrote",
    ),
    "no files": (
        b'{"casplan_journal": 1, "command": "amend", "started": "2018-01-01T00:00:00", '
        b'"token": "aaaaaaaaaaaa", "files": []}',
        "no files",
    ),
    "not utf-8": (
        b"\xff\xfe",
        "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
    ),
}


@pytest.mark.parametrize("name", list(JOURNALS))
def test_a_damaged_or_forged_journal_is_refused_in_one_line(tmp_path, name):
    content, reason = JOURNALS[name]
    plan = write_plan(tmp_path / "plan", plan_files())
    outside = tmp_path / "outside.txt"
    outside.write_text("mine\n")
    before = snapshot(plan)
    (plan / ".casplan-journal").write_bytes(content)
    checked = run("validate", "--plan", str(plan))
    assert checked.returncode == 1
    assert checked.stderr == (
        f"casplan: error: {plan}/.casplan-journal is damaged ({reason}); it is not a journal "
        "casplan can complete: look at the files it names, then remove it\n"
    )
    assert outside.read_text() == "mine\n"
    assert visible(snapshot(plan)) == visible(before)


def test_a_journal_that_is_a_link_is_refused(tmp_path):
    plan = write_plan(tmp_path / "plan", plan_files())
    (tmp_path / "elsewhere.json").write_text("{}")
    (plan / ".casplan-journal").symlink_to(tmp_path / "elsewhere.json")
    checked = run("validate", "--plan", str(plan))
    assert checked.returncode == 1
    assert "(not a journal casplan wrote)" in checked.stderr


# --- writers at once -------------------------------------------------------------------------


def hold_lock(directory: Path) -> int:
    descriptor = os.open(directory, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


SECOND = {
    "progress": ["progress", "1.1.1", "--status", "delayed", "--date", "2018-07-02"],
    "amend": ["amend", "1.2.1", "--decision", "X-2", "--date", "2018-06-02", "--title", "Buy"],
    "import": ["import", "{csv2}"],
}
SECOND_CSV = "ID;New status;Date\n1.1.2;in_progress;2018-06-03\n"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("progress", "progress"),
        ("progress", "amend"),
        ("amend", "progress"),
        ("amend", "amend"),
        ("import", "progress"),
        ("progress", "import"),
        ("amend", "import"),
        ("import", "import"),
    ],
)
def test_two_writers_at_once_take_turns_and_lose_nothing(tmp_path, first, second):
    """The first holds the lock (paused after reading, before writing); the second starts then,
    waits, reads what the first wrote and adds its own change. Both succeed; both changes are
    in the plan, which validates."""
    plan = write_plan(tmp_path / "plan", plan_files())
    (tmp_path / "second").mkdir()
    csv2 = tmp_path / "second" / "hr-division.csv"
    csv2.write_text(SECOND_CSV, encoding="utf-8")
    one = subprocess.Popen(
        [sys.executable, "-m", "cas_plan", *writer_args(first, plan)],
        env=os.environ | {"CASPLAN_TEST_PAUSE_AT": "prepared"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_locked(plan)
    args = [a.replace("{csv2}", str(csv2)) for a in SECOND[second]]
    two = run(*args, "--plan", str(plan))
    _, err = one.communicate(timeout=60)
    assert one.returncode == 0, err
    assert two.returncode == 0, two.stderr
    assert (err, two.stderr) == ("", "")
    text = (plan / "goal-1" / "measure-1.1.yaml").read_text()
    text2 = (plan / "goal-1" / "measure-1.2.yaml").read_text()
    first_marks = {
        "progress": ["note: 'n'"],  # quoted: 'n' is false to YAML 1.1
        "amend": ["title: Rules"],
        "import": ["date: 2018-06-01", "date: 2018-06-02"],
    }[first]
    second_marks = {
        "progress": ["date: 2018-07-02"],
        "amend": ["title: Buy"],
        "import": ["date: 2018-06-03"],
    }[second]
    for mark in first_marks + second_marks:
        assert mark in text + text2, mark
    if "amend" in (first, second):
        registry = (plan / "amendments.yaml").read_text()
        decisions = [d for d in ("X-1", "X-2") if f"decision: {d}" in registry]
        assert decisions == [d for d, w in (("X-1", first), ("X-2", second)) if w == "amend"]
    assert run("validate", "--plan", str(plan)).returncode == 0
    assert set(snapshot(plan)) == set(visible(snapshot(plan)))


def test_two_inits_into_one_directory(tmp_path):
    target = tmp_path / "new-plan"
    one = subprocess.Popen(
        [sys.executable, "-m", "cas_plan", "init", str(target), "--title", "First"],
        env=os.environ | {"CASPLAN_TEST_PAUSE_AT": "init-staged"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_locked(tmp_path)
    two = run("init", str(target), "--title", "Second")
    _, err = one.communicate(timeout=60)
    assert one.returncode == 0, err
    assert two.returncode == 2
    assert two.stderr == (
        f"casplan: error: '{target}' exists and is not empty; nothing was written\n"
    )
    assert 'title: "First"' in (target / "plan.yaml").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new-plan"]


def test_a_writer_that_waits_too_long_refuses_truthfully(tmp_path):
    plan = write_plan(tmp_path / "plan", plan_files())
    before = snapshot(plan)
    descriptor = hold_lock(plan)
    try:
        refused = run(*writer_args("amend", plan), env={"CASPLAN_LOCK_TIMEOUT": "0.3"})
        reader = run("validate", "--plan", str(plan))  # readers do not need the lock
    finally:
        os.close(descriptor)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"casplan: error: another casplan run is writing the plan in '{plan}' (waited 0.3 s for "
        "it to finish); nothing was written\n"
    )
    assert reader.returncode == 0, reader.stderr
    assert snapshot(plan) == before


def test_a_reader_that_finds_a_write_in_progress_says_so(tmp_path):
    plan, _ = killed_amend(tmp_path, "journal")
    descriptor = hold_lock(plan)  # as if the writer were still at work
    try:
        busy = run("validate", "--plan", str(plan), env={"CASPLAN_LOCK_TIMEOUT": "0.2"})
    finally:
        os.close(descriptor)
    assert busy.returncode == 1
    assert busy.stderr == (
        f"casplan: error: another casplan run is writing the plan in '{plan}' (waited 0.2 s for "
        "it to finish)\n"
    )
    assert run("validate", "--plan", str(plan)).stderr.startswith("casplan: completed")


def test_copies_are_written_with_the_files_mode(tmp_path):
    plan = write_plan(tmp_path / "plan", plan_files())
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.chmod(0o640)
    killed = run(*writer_args("progress", plan), env={"CASPLAN_TEST_KILL_AT": "temporaries"})
    assert killed.returncode == -9
    modes = {p.name.split(".")[-2]: p.stat().st_mode & 0o777 for p in measure.parent.glob(".*")}
    assert modes == {"new": 0o640, "old": 0o640}
    assert run("validate", "--plan", str(plan)).returncode == 0
    shutil.rmtree(plan)


# --- the system refuses a rename half-way --------------------------------------------------


def test_a_rename_refused_half_way_is_undone_and_nothing_was_written(invoke, tmp_path, monkeypatch):
    import errno

    from cas_plan.core import journal

    plan = write_plan(tmp_path / "plan", plan_files())
    before = snapshot(plan)
    real = os.replace

    def second_fails(source, target):  # the measure file is renamed first
        if str(target).endswith("amendments.yaml"):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
        real(source, target)

    monkeypatch.setattr(journal.os, "replace", second_fails)
    result = invoke(*writer_args("amend", plan))
    assert result.exit_code == 4
    assert result.output == (
        f"casplan: error: cannot write '{plan}/amendments.yaml': Input/output error; "
        "nothing was written\n"
    )
    assert snapshot(plan) == before


def test_a_write_that_cannot_be_undone_says_so_and_the_next_command_completes_it(
    invoke, tmp_path, monkeypatch
):
    import errno

    from cas_plan.core import journal

    plan = write_plan(tmp_path / "plan", plan_files())
    real = os.replace
    renamed = []

    def broken_after_first(source, target):  # the first file is renamed, then nothing more
        if str(target).endswith(".yaml"):
            if renamed:
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
            renamed.append(target)
        real(source, target)

    monkeypatch.setattr(journal.os, "replace", broken_after_first)
    result = invoke(*writer_args("amend", plan))
    assert result.exit_code == 4
    assert result.output == (
        f"casplan: error: cannot write '{plan}/amendments.yaml': Input/output error; the write "
        "was left half done, and the next casplan command that opens the directory completes it\n"
    )
    monkeypatch.setattr(journal.os, "replace", real)
    checked = invoke("validate", "--plan", str(plan))
    assert checked.exit_code == 0
    assert checked.stderr.startswith("casplan: completed an interrupted write of 2 files (amend")
    assert "title: Rules" in (plan / "goal-1" / "measure-1.1.yaml").read_text()
    assert "decision: X-1" in (plan / "amendments.yaml").read_text()


def test_an_import_refused_because_another_file_changed_writes_none(invoke, tmp_path, monkeypatch):
    """An editor saves the second measure file while import prepares its change of both: the
    import is refused, and the first measure file is not written either."""
    from cas_plan.core import journal

    plan = write_plan(tmp_path / "plan", plan_files())
    second = plan / "goal-1" / "measure-1.2.yaml"

    def editor_saves(step: str) -> None:
        if step == "prepared":
            second.write_text(MEASURE_12.replace("Buy the software", "Buy the licences"))

    monkeypatch.setattr(journal, "checkpoint", editor_saves)
    before = snapshot(plan)
    result = invoke(*writer_args("import", plan))
    assert result.exit_code == 1
    assert result.stderr == (
        f"casplan: error: {plan}/goal-1/measure-1.2.yaml changed on disk while the change was "
        "being prepared (another program wrote it); run the command again; nothing was written\n"
    )
    after = snapshot(plan)
    assert after["goal-1/measure-1.1.yaml"] == before["goal-1/measure-1.1.yaml"]
    assert "Buy the licences" in after["goal-1/measure-1.2.yaml"].decode()
    assert set(after) == set(before)
