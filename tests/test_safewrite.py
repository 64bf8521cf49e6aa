"""Writes: racing writers lose no entry, stale temporaries block nothing, links are written
through."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest

from cas_plan.core import safewrite
from cas_plan.edit import progress
from cas_plan.edit.progress import ProgressError, ProgressRequest, record_progress
from plans import minimal_files, write_plan

MEASURE = "goal-1/measure-1.1.yaml"


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", minimal_files())


def entries(plan, activity="1.1.1"):
    from plans import load

    views = {view.id: view for view in load(plan).plan.views}
    return [(e.date.isoformat(), e.note) for e in views[activity].activity.progress]


def test_two_writers_of_one_file_lose_no_entry(plan, monkeypatch):
    """Both read the file, then a delay between the digest check and the rename: without the
    directory lock both writers passed the check and the second rename dropped the first
    entry."""
    real_replace = os.replace

    def slow_replace(source, target):
        time.sleep(0.5)
        real_replace(source, target)

    monkeypatch.setattr(safewrite.os, "replace", slow_replace)
    # both writers have read the file before either writes: the race, every time
    both_read = threading.Barrier(2, timeout=30)
    real_digest = progress.digest

    def digest_when_both_have_read(data: bytes) -> str:
        both_read.wait()
        return real_digest(data)

    monkeypatch.setattr(progress, "digest", digest_when_both_have_read)
    outcomes: dict[str, str] = {}

    def write(note: str) -> None:
        request = ProgressRequest("1.1.1", dt.date(2018, 5, 1), "in_progress", note=note)
        try:
            record_progress(plan, str(plan), request, dt.date(2019, 1, 1))
            outcomes[note] = "written"
        except ProgressError as exc:
            outcomes[note] = exc.message

    threads = [threading.Thread(target=write, args=(note,)) for note in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = [note for note, outcome in outcomes.items() if outcome == "written"]
    refused = [outcome for outcome in outcomes.values() if outcome != "written"]
    assert len(written) == 1, outcomes
    assert len(refused) == 1 and "changed on disk" in refused[0]
    assert refused[0].endswith("run the command again")
    assert entries(plan) == [("2018-05-01", written[0])]  # the one that was reported written
    assert sorted(p.name for p in (plan / "goal-1").iterdir()) == ["goal.yaml", "measure-1.1.yaml"]


def test_a_stale_temporary_is_not_a_plan_file_and_is_cleaned_by_the_next_write(invoke, plan):
    stale = plan / "goal-1" / ".measure-1.1.yaml.k1ll3d.tmp"
    stale.write_text("id: half a file\nactivities: [")
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert result.output == f"{plan}: valid: 1 measure, 2 activities; 0 errors, 0 warnings\n"
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date", "2018-05-01"
    )
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert entries(plan) == [("2018-05-01", None)]


def test_a_linked_measure_file_is_written_through_to_its_target(invoke, plan):
    store = plan / ".store"
    store.mkdir()
    (plan / MEASURE).rename(store / "measure-1.1.yaml")
    (plan / MEASURE).symlink_to(os.path.join("..", ".store", "measure-1.1.yaml"))
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date", "2018-05-01"
    )
    assert result.exit_code == 0, result.output
    assert (plan / MEASURE).is_symlink()
    assert "status: in_progress" in (store / "measure-1.1.yaml").read_text()
    assert sorted(p.name for p in store.iterdir()) == ["measure-1.1.yaml"]


def test_write_atomically_follows_a_link_and_keeps_it(tmp_path):
    target = tmp_path / "target.yaml"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to("target.yaml")
    safewrite.write_atomically(link, b"new\n", safewrite.digest(b"old\n"))
    assert link.is_symlink() and target.read_bytes() == b"new\n"


def test_replace_directory_writes_the_whole_folder_or_refuses(tmp_path):
    out = tmp_path / "out"
    safewrite.replace_directory(out, {".mark": b"", "a/b.txt": b"one"}, ".mark", "a folder")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        ".mark",
        "a",
        "a/b.txt",
    ]
    assert oct(out.stat().st_mode & 0o777) == "0o755"
    safewrite.replace_directory(out, {".mark": b"", "c.txt": b"two"}, ".mark", "a folder")
    assert sorted(p.name for p in out.iterdir()) == [".mark", "c.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporaries

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "file").write_text("", encoding="utf-8")
    refusals = {
        tmp_path / "mine": f"'{tmp_path / 'mine'}' is not empty and is not a folder casplan "
        "wrote (it has no .mark file); choose another directory or empty it",
        tmp_path / "file": f"'{tmp_path / 'file'}' is not a directory",
        tmp_path / "no" / "out": f"directory '{tmp_path / 'no'}' does not exist",
    }
    for target, message in refusals.items():
        with pytest.raises(safewrite.NotReplaceable) as refused:
            safewrite.replace_directory(target, {".mark": b""}, ".mark", "a folder")
        assert str(refused.value) == message
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "mine", "out"]
